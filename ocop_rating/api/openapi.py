"""The OpenAPI 3.1 description of the public API, written by hand (it is the contract; the
tests check it is valid and that the answers match its schemas)."""
from __future__ import annotations

from ..public.query import MAX_PAGE, MAX_PER_PAGE, STATUSES

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
            "title": {"type": "string"},
            "message": {"type": "string", "description": "What went wrong, for a person."},
        }),
    }),
}


def _param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


_CACHE_HEADERS = {
    "Cache-Control": {"schema": {"type": "string"}, "description": "public, max-age=60"},
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
                    _param("set", {"type": "integer", "minimum": 1}, "Product set number."),
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
    "components": {"schemas": SCHEMAS},
}
