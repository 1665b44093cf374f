"""The landing page and each role's dashboard."""
from flask import Blueprint

bp = Blueprint("home", __name__)

from flask_babel import lazy_gettext as _l

from .. import nav
from . import views  # noqa: F401

nav.register("home.index", _l("Trang chính"), lambda user: user.is_authenticated, order=0)
