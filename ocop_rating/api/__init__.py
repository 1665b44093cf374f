"""The public JSON API (anonymous, read-only): the certificate registry for shops, apps and
other systems. Described by a hand-written OpenAPI 3.1 document at /api/v1/openapi.json."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import views  # noqa: F401
