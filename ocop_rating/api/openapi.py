"""The OpenAPI 3.1 description of the public API, written by hand (it is the contract; the
tests check it is valid and that the answers match its schemas)."""
from __future__ import annotations

from ..public.query import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY, MAX_SET, STATUSES

_DATE = {"type": "string", "format": "date"}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}


def _obj(properties: dict, required: list[str] | None = None, **extra) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": False, **extra}


def _error_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


_STATUS_TEXT = (
    "Live status, derived from the dates and the decisions: `valid`; `expiring` (180 days or "
    "less before expiry); `extended` (past expiry but kept valid by the re-evaluation "
    "transition rule, see `extended_until`); `expired`; `revoked`; `superseded` (replaced by "
    "a newer certificate, see `superseded_by`).")

SCHEMAS = {
    "Decision": _obj({
        "number": {"type": "string", "examples": ["125/QĐ-UBND"]},
        "date": _DATE,
        "authority": {"type": "string", "examples": ["Ủy ban nhân dân tỉnh Quảng Ninh"]},
    }, description="A decision of the competent authority (number, date, authority)."),
    "Unit": _obj({
        "code": {"type": "string", "pattern": "^[0-9]{2}([0-9]{3})?$"},
        "name": {"type": "string"},
    }, description="An administrative unit (Decision 19/2025/QĐ-TTg codes)."),
    "Revocation": _obj({
        "ground": {"type": "string", "enum": [
            "false_dossier", "criteria_not_met", "violations", "mark_misuse",
            "production_stopped", "other"]},
        "ground_label": {"type": "string"},
        "revoked_on": _DATE,
        "decision": {"$ref": "#/components/schemas/Decision"},
    }, description="Why and by which decision the certificate was revoked."),
    "Certificate": _obj({
        "number": {"type": "string", "examples": ["0001/2026/GCN-OCOP-22"]},
        "status": {"type": "string", "enum": [
            "valid", "expiring", "extended", "expired", "revoked", "superseded"],
            "description": _STATUS_TEXT},
        "status_label": {"type": "string", "description":
                         "The status in words, in the interface language (Vietnamese by "
                         "default)."},
        "star": {"type": "integer", "enum": [3, 4, 5]},
        "product": _obj({
            "name": {"type": "string"},
            "code": {"type": "string"},
            "set": {"type": "integer", "minimum": 1, "description": "Product set number."},
            "set_name": {"type": "string"},
        }),
        "producer": _obj({"name": {"type": "string"}, "address": {"type": "string"}}),
        "province": {"$ref": "#/components/schemas/Unit"},
        "commune": {"$ref": "#/components/schemas/Unit"},
        "rulebook": _obj({"code": {"type": "string"}, "label": {"type": "string"}},
                         description="The criteria the product was rated under."),
        "instrument": {"$ref": "#/components/schemas/Instrument"},
        "issued_on": _DATE,
        "expires_on": _DATE,
        "extended_until": {**_NULLABLE_DATE, "description":
                           "Set when the transition rule keeps the certificate valid past "
                           "expiry (at most 180 days)."},
        "valid_until": {**_DATE, "description": "The later of expires_on and extended_until."},
        "decision": {"$ref": "#/components/schemas/Decision"},
        "revocation": {"oneOf": [{"$ref": "#/components/schemas/Revocation"},
                                 {"type": "null"}]},
        "superseded_by": {"type": ["string", "null"],
                          "description": "Number of the certificate that replaced this one."},
        "verify_url": {"type": "string", "format": "uri",
                       "description": "The public verification page (the QR code's target)."},
        "result": {"oneOf": [_obj({
            "mean_total": {"type": "string", "description": "The mean as printed."},
            "star": {"type": ["integer", "null"]}, "recognised": {"type": "boolean"},
            "rulebook": {"type": "string"},
            "content_hash": {"type": "string", "description": "SHA-256 of the seal."}},
            description="The council's sealed result behind the certificate."),
            {"type": "null"}]},
    }, description="An OCOP certificate as the public registry shows it."),
    "RegistryPage": _obj({
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Certificate"}},
        "total": {"type": "integer", "minimum": 0,
                  "description": "Certificates matching the filters, on all pages."},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    }),
    "Error": _obj({
        "error": _obj({
            "status": {"type": "integer"},
            "code": {"type": "string", "description": "Stable machine-readable code, e.g. "
                     "`not_found`, `bad_parameter`, `invalid_token`, `token_expired`, "
                     "`token_revoked`, `insufficient_scope`, `not_scoring`."},
            "title": {"type": "string"},
            "message": {"type": "string", "description": "What went wrong, for a person."},
        }, required=["status", "code", "message"]),
    }),
    "Instrument": _obj({
        "code": {"type": "string"}, "label": {"type": "string"},
        "weights": {"type": "string", "examples": ["A35/B25/C40"],
                    "description": "Part maxima: A product and community strength, B "
                    "marketing capability, C product quality (empty when unknown)."},
        "authority": {"type": "string", "examples": ["Thủ tướng Chính phủ"]},
        "in_force_from": _NULLABLE_DATE,
        "in_force_to": {**_NULLABLE_DATE, "description": "Null while still in force."},
        "parts": {"type": "array", "items": _obj({"code": {"type": "string"},
                                                  "max": {"type": "integer"}})},
    }, description="The legal instrument (rulebook) and its part weights."),
}


def _record(description: str, **properties) -> dict:
    """A token endpoint's record: the listed properties at least (more may be added)."""
    return {"type": "object", "description": description, "properties": properties,
            "required": list(properties)}


_ID = {"type": "integer", "minimum": 1}
_STR = {"type": "string"}
_NSTR = {"type": ["string", "null"]}
SCHEMAS.update({
    "Producer": _record("A producer entity (chủ thể OCOP).", id=_ID, name=_STR, kind=_STR,
                        registration_number=_STR, province=_STR, commune=_STR, status=_STR),
    "Product": _record("A product.", id=_ID, name=_STR, code=_NSTR,
                       set={"type": "integer"}, producer_id=_ID),
    "Dossier": _record("A rating dossier.", id=_ID, kind=_STR, status=_STR,
                       product_id=_ID, province=_STR, commune=_STR, rulebook=_STR),
    "Round": _record("A council's evaluation round.", id=_ID, name=_STR,
                     year={"type": "integer"}, state=_STR, council={"type": "object"}),
    "Sheet": _record("The token owner's own score sheet.", id=_ID, evaluation_id=_ID,
                     status={"type": "string", "enum": ["draft", "submitted"]},
                     version={"type": "integer"}, entries={"type": "object"},
                     total=_STR, editable={"type": "boolean"}),
    "Result": _record("A council's sealed result (never recomputed).", evaluation_id=_ID,
                      rulebook=_STR, instrument={"$ref": "#/components/schemas/Instrument"},
                      mean_total=_STR, star={"type": ["integer", "null"]},
                      recognised={"type": "boolean"}, content_hash=_STR),
    "DecisionRecord": _record("An issued decision with its certificates.", id=_ID,
                              number=_STR, date=_DATE, kind=_STR, authority=_STR,
                              is_legacy={"type": "boolean"},
                              certificates={"type": "array", "items": _STR}),
    "SheetChoices": {
        "type": "object", "additionalProperties": False,
        "description": "Choices to save on the member's own draft sheet (the scoring "
                       "page's rules apply: all or nothing).",
        "properties": {
            "version": {"type": "integer", "description": "The sheet's version read last; "
                        "a stale one answers 409."},
            "entries": {"type": "object", "maxProperties": 200, "additionalProperties": {
                "type": "object", "additionalProperties": False, "properties": {
                    "option": {"type": ["integer", "null"], "minimum": 0},
                    "case": {"type": ["string", "null"], "maxLength": 32},
                    "comment": {"type": "string", "maxLength": 5000}}}},
            "overall_comment": {"type": "string", "maxLength": 20000},
            "knockouts": {"type": "array", "items": {"type": "string", "maxLength": 64}},
        },
    },
})
for _name in ("Producer", "Product", "Dossier", "Round", "Sheet", "Result",
              "DecisionRecord"):
    SCHEMAS[_name + "Page"] = _obj({
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{_name}"}},
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    })


def _param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


_CACHE_HEADERS = {
    "Cache-Control": {"schema": {"type": "string"}, "description": "public, max-age=60 (public, no-cache on a certificate: revalidated each time, so a revocation shows at once)"},
    "Access-Control-Allow-Origin": {"schema": {"type": "string"}, "description": "*"},
}

SPEC = {
    "openapi": "3.1.0",
    "info": {
        "title": "OCOP certificate registry",
        "version": "1.0.0",
        "summary": "Public, read-only registry of Vietnam's OCOP product certificates.",
        "description": (
            "Every certificate ever issued is in the registry, whatever its status: a number "
            "that is not found was never issued, i.e. the product is not OCOP-certified. "
            "Anonymous; answers may be cached for 60 seconds; CORS is open."),
    },
    "servers": [{"url": "/api/v1"}],
    "paths": {
        "/certificates/{number}": {
            "get": {
                "operationId": "getCertificate",
                "summary": "One certificate by its number, with its live status",
                "parameters": [{
                    "name": "number", "in": "path", "required": True,
                    "schema": {"type": "string", "maxLength": 64},
                    "description": ("The certificate number as printed, e.g. "
                                    "`0001/2026/GCN-OCOP-22`; its slashes may be sent as is "
                                    "or percent-encoded (`%2F`). Case, spaces and leading "
                                    "zeros of the serial are forgiven."),
                }],
                "responses": {
                    "200": {"description": "The certificate.", "headers": _CACHE_HEADERS,
                            "content": {"application/json": {"schema": {
                                "$ref": "#/components/schemas/Certificate"}}}},
                    "404": _error_response("No certificate with this number was ever issued."),
                },
            },
        },
        "/registry": {
            "get": {
                "operationId": "searchRegistry",
                "summary": "Search the registry (newest first)",
                "parameters": [
                    _param("q", {"type": "string", "maxLength": 200},
                           "Words of the product name, producer name or product code; "
                           "accent-insensitive (`ca phe` finds `Cà phê`)."),
                    _param("province", {"type": "string", "pattern": "^[0-9]{2}$"},
                           "Province code."),
                    _param("commune", {"type": "string", "pattern": "^[0-9]{5}$"},
                           "Commune code."),
                    _param("set", {"type": "integer", "minimum": 1, "maximum": MAX_SET},
                           "Product set number."),
                    _param("star", {"type": "integer", "enum": [3, 4, 5]}, "Star rating."),
                    _param("status", {"type": "string", "enum": list(STATUSES)},
                           "Live status; `in_force` means valid, expiring or extended."),
                    _param("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE,
                                    "default": 1}, "Page number."),
                    _param("per_page", {"type": "integer", "minimum": 1,
                                        "maximum": MAX_PER_PAGE, "default": 25},
                           "Items per page."),
                ],
                "responses": {
                    "200": {"description": "A page of certificates.", "headers": _CACHE_HEADERS,
                            "content": {"application/json": {"schema": {
                                "$ref": "#/components/schemas/RegistryPage"}}}},
                    "400": _error_response("A parameter could not be read; the message names "
                                           "it."),
                },
            },
        },
        "/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "This document",
                "responses": {"200": {"description": "The OpenAPI 3.1 document.",
                                      "content": {"application/json": {
                                          "schema": {"type": "object"}}}}},
            },
        },
    },
    "components": {"schemas": SCHEMAS, "securitySchemes": {
        "bearerToken": {"type": "http", "scheme": "bearer", "description": (
            "A personal access token created on the account page (/account/tokens), sent as "
            "`Authorization: Bearer <token>`. Scopes: `read`, `office:read` (offices), "
            "`score:write` (council members, own sheets). Expired or revoked: 401; "
            "missing scope: 403.")}}},
}


def _json(schema_ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {
        "$ref": f"#/components/schemas/{schema_ref}"}}}}


_TOKEN_ERRORS = {
    "400": _error_response("A parameter could not be read; the message names it."),
    "401": _error_response("No token, or a bad, expired or revoked one."),
    "403": _error_response("The token lacks the scope."),
    "429": _error_response("Too many requests for this token or address."),
}
_PAGING = [
    _param("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
           "Page number."),
    _param("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                        "default": 25}, "Items per page."),
]
_UNIT_FILTERS = [
    _param("province", {"type": "string", "pattern": "^[0-9]{2}$"}, "Province code."),
    _param("commune", {"type": "string", "pattern": "^[0-9]{5}$"}, "Commune code."),
]


def _list_op(op_id: str, summary: str, scope: str, schema: str, filters: list) -> dict:
    return {"get": {"operationId": op_id, "summary": summary, "security": [{"bearerToken": []}],
                    "description": f"Scope `{scope}`; the owner's jurisdiction, as on the pages.",
                    "parameters": [*filters, *_PAGING],
                    "responses": {"200": _json(schema + "Page", "A page."), **_TOKEN_ERRORS}}}


def _one_op(op_id: str, summary: str, scope: str, schema: str, name: str) -> dict:
    return {"get": {"operationId": op_id, "summary": summary, "security": [{"bearerToken": []}],
                    "description": f"Scope `{scope}`. Outside the owner's reach: 404.",
                    "parameters": [{"name": name, "in": "path", "required": True,
                                    "schema": {"type": "integer", "minimum": 1,
                                               "maximum": 2**31 - 1}}],
                    "responses": {"200": _json(schema, "The record."), **_TOKEN_ERRORS,
                                  "404": _error_response("Not found or not yours to see.")}}}


def _enum(name: str, values, description: str) -> dict:
    return _param(name, {"type": "string", "enum": list(values)}, description)


def _build_paths() -> dict:
    from ..certificates.models import DecisionKind
    from ..councils.models import RoundState
    from ..dossiers.states import DossierStatus
    from ..producers.models import ProducerStatus

    ids = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    paths = {
        "/producers": _list_op("listProducers", "Producers", "office:read", "Producer", [
            *_UNIT_FILTERS, _enum("status", [s.value for s in ProducerStatus], "Status.")]),
        "/producers/{producer_id}": _one_op("getProducer", "One producer", "office:read",
                                            "Producer", "producer_id"),
        "/products": _list_op("listProducts", "Products", "office:read", "Product", [
            *_UNIT_FILTERS, _param("set", {"type": "integer", "minimum": 1, "maximum": 999},
                                   "Product set number.")]),
        "/products/{product_id}": _one_op("getProduct", "One product", "office:read",
                                          "Product", "product_id"),
        "/dossiers": _list_op("listDossiers", "Dossiers (never others' drafts)", "office:read",
                              "Dossier", [*_UNIT_FILTERS, _enum(
                                  "status", [s.value for s in DossierStatus], "Status.")]),
        "/dossiers/{dossier_id}": _one_op("getDossier", "One dossier", "office:read",
                                          "Dossier", "dossier_id"),
        "/rounds": _list_op("listRounds", "Rounds of the councils the owner may see", "read",
                            "Round", [_enum("state", [s.value for s in RoundState], "State."),
                                      _param("year", {"type": "integer", "minimum": 2000,
                                                      "maximum": 2100}, "Year.")]),
        "/rounds/{round_id}": _one_op("getRound", "One round", "read", "Round", "round_id"),
        "/sheets": _list_op("listSheets", "The owner's own score sheets", "read", "Sheet",
                            [_param("evaluation", ids, "Evaluation id.")]),
        "/results": _list_op("listResults", "Sealed results the owner may see", "read",
                             "Result", [_param("round", ids, "Round id.")]),
        "/results/{evaluation_id}": _one_op("getResult", "The sealed result of one "
                                            "evaluation", "read", "Result", "evaluation_id"),
        "/decisions": _list_op("listDecisions", "Issued decisions", "read", "DecisionRecord", [
            _param("province", {"type": "string", "pattern": "^[0-9]{2}$"}, "Province code."),
            _enum("kind", [k.value for k in DecisionKind], "Kind.")]),
        "/decisions/{decision_id}": _one_op("getDecision", "One decision", "read",
                                            "DecisionRecord", "decision_id"),
    }
    sheet = _one_op("getSheet", "One of the owner's own sheets", "read", "Sheet", "sheet_id")
    write = {
        "security": [{"bearerToken": []}],
        "description": "Scope `score:write`: the owner's own draft sheet while the session is "
                       "open, through the scoring page's service and rules.",
        "parameters": sheet["get"]["parameters"],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/SheetChoices"}}}},
        "responses": {"200": _json("Sheet", "The sheet as saved."), **_TOKEN_ERRORS,
                      "404": _error_response("Not the owner's sheet."),
                      "409": _error_response("The session is closed, the sheet submitted, or "
                                             "the version stale."),
                      "422": _error_response("A choice the sheet does not have.")},
    }
    sheet["put"] = {**write, "operationId": "putSheet", "summary": "Save choices"}
    sheet["patch"] = {**write, "operationId": "patchSheet", "summary": "Save choices"}
    paths["/sheets/{sheet_id}"] = sheet
    return paths


SPEC["paths"].update(_build_paths())
for _path in SPEC["paths"].values():
    for _op in _path.values():
        _op.setdefault("responses", {}).setdefault(
            "429", _error_response("Too many requests for this token or address."))


# No text sent to change something may hold U+0000 (the server refuses it: PostgreSQL cannot
# store it), so every free string and object key of the request bodies says so.
_NO_NUL = "^[^\\u0000]*$"


def _forbid_nul(node) -> None:
    if isinstance(node, dict):
        types = node.get("type")
        types = types if isinstance(types, list) else [types]
        if "string" in types and not ({"format", "enum", "pattern", "const"} & node.keys()):
            node["pattern"] = _NO_NUL
        if "object" in types and "propertyNames" not in node and (
                node.get("additionalProperties") not in (None, False)):
            node["propertyNames"] = {"pattern": _NO_NUL}
        for value in node.values():
            _forbid_nul(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_nul(value)


def _request_schemas() -> set[str]:
    """The component schemas request bodies refer to (responses may echo any text)."""
    import json

    bodies = json.dumps([op.get("requestBody") for path in SPEC["paths"].values()
                         for op in path.values() if isinstance(op, dict)])
    return {name for name in SPEC["components"]["schemas"]
            if f'"#/components/schemas/{name}"' in bodies}


for _path in SPEC["paths"].values():
    for _op in _path.values():
        if isinstance(_op, dict):
            _forbid_nul(_op.get("requestBody"))
for _name in _request_schemas():
    _forbid_nul(SPEC["components"]["schemas"][_name])
