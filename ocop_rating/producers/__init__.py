"""Producers (chủ thể OCOP): sign-up, approval by the commune or province, profile."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("producers", __name__, url_prefix="/producers")

from .. import nav
from ..accounts.roles import Role
from . import views  # noqa: F401

nav.register("producers.index", _l("Chủ thể OCOP"),
             lambda u: getattr(u, "role", None) in {Role.admin, Role.ministry, Role.province,
                                                    Role.commune}, order=20, group="dossiers")
nav.register("producers.mine", _l("Hồ sơ chủ thể"),
             lambda u: getattr(u, "role", None) == Role.producer, order=20, group="dossiers")
