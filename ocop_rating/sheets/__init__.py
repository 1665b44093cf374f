"""Read-only pages of the rulebooks: every sheet as an evaluator sees it (public: the
criteria are law, and producers read them before they apply)."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("sheets", __name__, url_prefix="/rulebooks")

from .. import nav  # noqa: E402
from . import views  # noqa: E402,F401

nav.register("sheets.index", _l("Bộ tiêu chí"), lambda u: True, order=70, group="evaluation")
