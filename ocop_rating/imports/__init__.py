"""XLSX imports of a provincial office: producers, products, pre-system certificates and
council members (issue 15, point 5)."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("imports", __name__, url_prefix="/imports")

from .. import nav  # noqa: E402
from . import views  # noqa: E402,F401
from .services import can_import  # noqa: E402

nav.register("imports.index", _l("Nhập dữ liệu"), can_import, order=92, group="admin")
