"""Accounts: log in and out, passwords, roles and jurisdictions, user management."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from flask_babel import lazy_gettext as _l  # noqa: E402

from .. import nav  # noqa: E402
from . import views  # noqa: E402,F401
from .permissions import Permission, has_permission  # noqa: E402

nav.register("accounts.users", _l("Người dùng"),
             lambda user: has_permission(user, Permission.view_users), order=90, group="admin")
