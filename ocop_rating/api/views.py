"""Anonymous, read-only JSON. Errors are JSON too (errors.py answers /api/ paths in JSON)."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from ..certificates import services
from ..errors import OcopError
from ..legaltime import legal_today
from ..public import cache, reading
from ..public.query import parse_registry_args
from . import bp
from .openapi import SPEC
from .serialize import certificate_json

PUBLIC_CACHE = "public, max-age=60"


class NotInRegistry(OcopError):
    code = "not_found"
    status = 404


class BadParameter(OcopError):
    code = "bad_parameter"
    status = 400


@bp.after_app_request
def public_headers(response):
    # Public data: any site may read it, and a minute of caching spares the database. App-wide
    # (path-checked) so that a 404 for an unknown /api/v1/ address gets the header too.
    if not request.path.startswith(bp.url_prefix + "/"):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@bp.get("/certificates/<path:number>")
def certificate(number: str):
    found = reading.find_number(number)
    if found is None:
        raise NotInRegistry(_("Không có giấy chứng nhận số %(n)s trong sổ đăng ký: sản phẩm "
                              "không được chứng nhận OCOP (hoặc số không đúng).", n=number[:100]))
    cache.depends_on(found)
    _keep = reading.preload([found])
    return jsonify(certificate_json(found, legal_today()))


@bp.get("/registry")
def registry():
    parsed = parse_registry_args(request.args, allow_per_page=True)
    if parsed.problems:
        raise BadParameter("; ".join(f"{p.param}: {p.message}" for p in parsed.problems))
    query = parsed.query
    today = legal_today()
    rows, total = services.registry(query, today=today)
    _keep = reading.preload(rows)
    return jsonify(items=[certificate_json(c, today) for c in rows], total=total,
                   page=query.page, per_page=query.per_page)


@bp.get("/openapi.json")
def openapi():
    return jsonify(SPEC)
