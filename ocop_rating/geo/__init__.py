"""Administrative units (Decision 19/2025/QĐ-TTg): 34 provinces and 3,321 communes."""
from flask import Blueprint

bp = Blueprint("geo", __name__, url_prefix="/geo")

from . import views  # noqa: E402,F401
