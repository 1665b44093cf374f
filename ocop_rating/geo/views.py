from flask import jsonify, request

from . import bp, services


@bp.get("/provinces/<code>/communes.json")
def communes_json(code: str):
    """Communes of a province for the cascading selects of forms. Public reference data
    (the producer sign-up page needs it before anyone is logged in)."""
    communes = services.communes_of(code, request.args.get("q"))
    return jsonify([{"code": c.code, "name": c.name} for c in communes])
