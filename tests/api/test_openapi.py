"""The OpenAPI document and the app's /api/v1 routes describe the same operations."""
import re

from openapi_spec_validator import validate

from ocop_rating.api.openapi import SPEC


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((path, method.lower()))
    return found


def _documented() -> set[tuple[str, str]]:
    return {(path, method) for path, ops in SPEC["paths"].items() for method in ops
            if method in {"get", "put", "patch", "post", "delete"}}


def test_every_route_is_documented_and_every_documented_route_exists(app):
    validate(SPEC)
    routes, documented = _routes(app), _documented()
    assert routes - documented == set(), "routes missing from the document"
    assert documented - routes == set(), "documented operations the app does not have"


def test_token_operations_declare_security_and_limits():
    assert SPEC["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    for path, ops in SPEC["paths"].items():
        for method, op in ops.items():
            public = path in ("/registry", "/openapi.json") or path.startswith("/certificates")
            assert ("security" in op) != public, (path, method)
            for param in op.get("parameters", []):
                if param["name"] == "per_page":
                    assert param["schema"]["maximum"] == 100
                if param["name"] == "province":
                    assert param["schema"]["pattern"] == "^[0-9]{2}$"
