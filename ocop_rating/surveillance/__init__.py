"""Market surveillance (issue 16): the public's reports of suspected fakes and misused marks,
checks in trade feeding post-recognition inspection, and the public showcase of certified
products."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("surveillance", __name__)

from .. import nav  # noqa: E402
from ..accounts.roles import Role  # noqa: E402
from . import views  # noqa: E402,F401

# The public and producers see the showcase in the top menu; offices, whose menu is full,
# reach it from the registry page (the menu keeps to one line on a 1280 px screen).
nav.register("surveillance.catalogue", _l("Sản phẩm OCOP"),
             lambda user: not getattr(user, "is_authenticated", False)
             or user.role in (Role.producer, Role.council_member), order=91)
nav.register("surveillance.index", _l("Giám sát thị trường"),
             lambda u: getattr(u, "role", None) in {Role.admin, Role.ministry, Role.province},
             order=63, group="reports")
