from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import db
from ..forms import ConfirmForm
from ..paging import read_paging
from ..urls import safe_next
from . import bp, services
from .models import Notification


@bp.get("/")
@login_required
def index():
    paging = read_paging(current_app.config["ITEMS_PER_PAGE"])
    page = db.paginate(services.notifications_of(current_user), page=paging.page,
                       per_page=paging.per_page, error_out=False)
    return render_template("notifications/index.html", page=page, paging=paging,
                           action_form=ConfirmForm())


def _own_notification(notification_id: int) -> Notification:
    notification = db.get_or_404(Notification, notification_id)
    if not notification.can_view(current_user):
        abort(404)  # someone else's: do not even confirm it exists
    return notification


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    notification = _own_notification(notification_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.mark_read(notification, actor=current_user)
    db.session.commit()
    return redirect(safe_next(notification.link) or url_for("notifications.index"))


@bp.post("/read-all")
@login_required
def mark_all_read():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = services.mark_all_read(current_user, actor=current_user)
    db.session.commit()
    if count:
        flash(_("Đã đánh dấu %(n)d thông báo là đã đọc.", n=count), "success")
    return redirect(url_for("notifications.index"))
