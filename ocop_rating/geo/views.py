from flask import jsonify, request
from flask_login import login_required

from . import bp, services


@bp.get("/provinces/<code>/communes.json")
@login_required
def communes_json(code: str):
    """Communes of a province for the cascading selects of forms (public reference data)."""
    communes = services.communes_of(code, request.args.get("q"))
    return jsonify([{"code": c.code, "name": c.name} for c in communes])
