"""Statistics for the offices (issue 15 §1–2): dashboards with server-drawn charts and the
official exports a province sends up to the ministry."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("dashboards", __name__, url_prefix="/statistics")

from .. import nav
from . import views  # noqa: F401
from .scope import may_see_dashboards

nav.register("dashboards.index", _l("Thống kê"), may_see_dashboards, order=61, group="reports")
