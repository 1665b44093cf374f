"""Councils, their rounds, advisory review and conflicts of interest (DOMAIN.md §4–5)."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("councils", __name__, url_prefix="/councils")

from .. import nav  # noqa: E402
from ..accounts.roles import Role  # noqa: E402
from . import views  # noqa: E402,F401

nav.register("councils.index", _l("Hội đồng"),
             lambda u: getattr(u, "role", None) in {Role.admin, Role.ministry, Role.province,
                                                    Role.council_member}, order=30, group="evaluation")
