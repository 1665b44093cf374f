"""Oversight of evaluation quality (DOMAIN.md §9): statistics that show where a province, a
council or a member scores systematically apart from the rest, and the ministry's central
reviews (thẩm định) of the localities' evaluations. The ministry sees the nation; a provincial
office its own province."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from .. import nav
from ..accounts.roles import NATIONAL_ROLES, Role

bp = Blueprint("oversight", __name__, url_prefix="/oversight")

nav.register("oversight.index", _l("Giám sát chất lượng"),
             lambda user: getattr(user, "is_authenticated", False)
             and user.role in NATIONAL_ROLES | {Role.province}, order=62, group="reports")

from . import views  # noqa: F401,E402
