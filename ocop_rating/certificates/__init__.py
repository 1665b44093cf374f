"""Recognition decisions and certificates (DOMAIN.md §6)."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("certificates", __name__, url_prefix="/certificates")

from .. import nav  # noqa: E402
from ..accounts.roles import Role  # noqa: E402
from . import views  # noqa: E402,F401

nav.register("certificates.index", _l("Giấy chứng nhận"),
             lambda u: getattr(u, "role", None) in {Role.admin, Role.ministry, Role.province,
                                                    Role.commune}, order=40, group="recognition")
nav.register("certificates.mine", _l("Giấy chứng nhận của tôi"),
             lambda u: getattr(u, "role", None) == Role.producer, order=40, group="recognition")
