"""Market surveillance (issue 16): the public's reports of suspected fakes and misused marks,
checks in trade feeding post-recognition inspection, and the public showcase of certified
products."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("surveillance", __name__)

from .. import nav  # noqa: E402
from ..accounts.roles import Role  # noqa: E402
from . import views  # noqa: E402,F401

nav.register("surveillance.catalogue", _l("Sản phẩm OCOP"), lambda user: True, order=91)
nav.register("surveillance.index", _l("Giám sát thị trường"),
             lambda u: getattr(u, "role", None) in {Role.admin, Role.ministry, Role.province},
             order=63, group="reports")
