"""Notifications: what happened that concerns me, in the application and by e-mail."""
from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from flask_babel import lazy_gettext as _l  # noqa: E402
from flask_login import current_user  # noqa: E402

from .. import nav  # noqa: E402
from . import (
    services,  # noqa: E402
    views,  # noqa: E402,F401
)

# No menu entry: the bell beside the user menu opens the notifications (with the unread count).


@bp.record_once
def _install(state) -> None:
    services.install_listeners()


@bp.app_context_processor
def _unread_badge():
    def unread_notifications() -> int:
        # Called by the layout only for a logged-in user: one indexed COUNT per page.
        return services.unread_count(current_user)

    return {"unread_notifications": unread_notifications}
