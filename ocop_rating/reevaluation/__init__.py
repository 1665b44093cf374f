"""Re-evaluation before expiry, provincial plans and post-recognition inspections
(DOMAIN.md §6)."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("reevaluation", __name__, url_prefix="/reevaluation")

from .. import nav  # noqa: E402
from ..accounts.roles import Role  # noqa: E402
from . import views  # noqa: E402,F401

nav.register("reevaluation.index", _l("Đánh giá lại"),
             lambda u: getattr(u, "role", None) in {Role.admin, Role.ministry, Role.province,
                                                    Role.commune}, order=45, group="recognition")
