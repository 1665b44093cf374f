"""Open data (DOMAIN.md §6): the public registry published as CSV, JSON and a SQLite file
built with sqlite-utils, refreshed by ``ocop export-open-data`` and by the daily job, and
downloadable from the public pages. Anonymous and read-only, like the registry it copies."""
from flask import Blueprint

bp = Blueprint("opendata", __name__, url_prefix="/open-data")

from . import views  # noqa: F401,E402
