"""Products and their codes (province–commune–serial–year, DOMAIN.md §5.8)."""
from flask import Blueprint

bp = Blueprint("products", __name__, url_prefix="/products")

from . import views  # noqa: E402,F401
