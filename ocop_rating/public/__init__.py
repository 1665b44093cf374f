"""The public side of the certificates (DOMAIN.md §6): the complete registry, the
verification page behind each QR code, and lookup by certificate number. Anonymous and
read-only: "not found" in the registry must mean "not certified"."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from .. import nav

bp = Blueprint("public", __name__)

from . import views  # noqa: F401

nav.register("public.registry", _l("Tra cứu OCOP"), lambda user: True, order=90)
