"""The open-data page and its downloads: anonymous, GET only, cacheable."""
from __future__ import annotations

from datetime import date

from flask import abort, render_template, send_from_directory

from . import bp, build

_TYPES = {build.CSV_NAME: "text/csv; charset=utf-8",
          build.JSON_NAME: "application/json",
          build.SQLITE_NAME: "application/vnd.sqlite3"}


@bp.get("/")
def index():
    published = build.published()
    as_of = date.fromisoformat(published.as_of) if published else None
    return render_template("opendata/index.html", published=published, as_of=as_of,
                           columns=build.COLUMNS, names=build.FILES, title=None)


@bp.get("/<name>")
def download(name: str):
    if name not in build.FILES:
        abort(404)
    published = build.published()
    if published is None:
        abort(404)
    response = send_from_directory(published.folder, name, mimetype=_TYPES[name],
                                   as_attachment=True, download_name=name, max_age=3600)
    response.headers["X-Content-SHA256"] = published.files[name]["sha256"]
    return response
