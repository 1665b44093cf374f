"""Scoring and results: the members' sheets, the council's result, its seal and the
session papers (DOMAIN.md §3–4). Sits above ``councils``."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

# Same URL space as the councils (the pages always lived under /councils/...).
bp = Blueprint("evaluation", __name__, url_prefix="/councils")

from .. import nav  # noqa: E402
from ..accounts.roles import Role  # noqa: E402
from . import views  # noqa: E402,F401
from ..councils import views as _councils_views  # noqa: E402

# Refused forms of the councils feature re-render this feature's evaluation page.
_councils_views.evaluation_page_renderer = views.render_show

nav.register("evaluation.my_work", _l("Chấm điểm"),
             lambda u: getattr(u, "role", None) in {Role.council_member, Role.province,
                                                    Role.ministry}, order=31, group="evaluation")
