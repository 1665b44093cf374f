"""The public JSON API: certificates by number, the registry, and its OpenAPI document; every
answer checked against the document's own schemas."""
import re
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from ocop_rating.api.openapi import SPEC
from ocop_rating.certificates.models import RevocationGround
from tests.factories import HA_LONG

from .helpers import quick_certificate, revoke, years_ago


def check(instance, schema_name: str) -> None:
    """Validate ``instance`` against components/schemas/<schema_name> of the spec."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": SPEC["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(instance), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    if status == 200:
        assert response.headers["Cache-Control"] == (
            "public, no-cache" if url.startswith("/api/v1/certificates/")
            else "public, max-age=60")
    else:
        assert "max-age" not in response.headers.get("Cache-Control", "")
    return response.json


def test_certificate_by_number(client, db):
    certificate, _ = quick_certificate(star=4)
    db.session.commit()
    for url in (f"/api/v1/certificates/{certificate.number}",
                f"/api/v1/certificates/{quote(certificate.number, safe='')}",  # %2F
                f"/api/v1/certificates/{certificate.number.lower()}"):
        body = get_json(client, url)
        check(body, "Certificate")
        assert body["number"] == certificate.number
    decision = certificate.decision
    assert body["status"] == "valid" and body["status_label"] == "Còn hiệu lực"
    assert body["star"] == 4
    assert body["product"] == {"name": certificate.product_name,
                               "code": certificate.product_code, "set": 1,
                               "set_name": "1. Rau, củ, quả, hạt tươi"}
    assert body["producer"] == {"name": certificate.producer_name,
                                "address": certificate.producer_address}
    assert body["province"] == {"code": "22", "name": "Quảng Ninh"}
    assert body["commune"]["code"] == certificate.commune_code
    assert body["issued_on"] == certificate.issued_on.isoformat()
    assert body["expires_on"] == body["valid_until"] == certificate.expires_on.isoformat()
    assert body["decision"] == {"number": decision.number,
                                "date": decision.decided_on.isoformat(),
                                "authority": decision.authority_name}
    assert body["revocation"] is None and body["superseded_by"] is None
    assert body["verify_url"].endswith(f"/verify/{certificate.token}")


def test_statuses_in_json(client, db):
    revoked, office = quick_certificate()
    revoked_on = date.today() - timedelta(days=2)  # after the issue, 30 days ago
    revoke(revoked, office, RevocationGround.violations, number="3/QĐ-UBND",
           decided_on=revoked_on)
    old, _ = quick_certificate(star=3, decided_on=date.today() - timedelta(days=500))
    new, _ = quick_certificate(product=old.product, star=4)
    expiring, _ = quick_certificate(decided_on=years_ago(3, -30))
    extended, _ = quick_certificate(decided_on=years_ago(3, 5))
    extended.extended_until = date.today() + timedelta(days=60)
    expired, _ = quick_certificate(decided_on=years_ago(3, 5))
    db.session.commit()

    def fetch(c):
        body = get_json(client, f"/api/v1/certificates/{c.number}")
        check(body, "Certificate")
        return body

    body = fetch(revoked)
    assert body["status"] == "revoked" and body["status_label"] == "Đã bị thu hồi"
    assert body["revocation"]["ground"] == "violations"
    assert body["revocation"]["ground_label"].startswith("Vi phạm quy định")
    assert body["revocation"]["decision"]["number"] == "3/QĐ-UBND"
    assert body["revocation"]["decision"]["date"] == revoked_on.isoformat()
    assert body["revocation"]["revoked_on"] == revoked_on.isoformat()  # the decision's date
    body = fetch(old)
    assert body["status"] == "superseded" and body["superseded_by"] == new.number
    assert fetch(new)["status"] == "valid"
    assert fetch(expiring)["status"] == "expiring"
    body = fetch(extended)
    assert body["status"] == "extended"
    assert body["valid_until"] == body["extended_until"] == extended.extended_until.isoformat()
    assert fetch(expired)["status"] == "expired"


def test_unknown_number_is_a_json_404(client, db):
    body = get_json(client, "/api/v1/certificates/9999/2026/GCN-OCOP-22", 404)
    check(body, "Error")
    assert body["error"]["status"] == 404
    assert "9999/2026/GCN-OCOP-22" in body["error"]["message"]
    assert "không được chứng nhận OCOP" in body["error"]["message"]
    check(get_json(client, "/api/v1/certificates/" + "x" * 300, 404), "Error")
    check(get_json(client, "/api/v1/nothing", 404), "Error")
    check(get_json(client, "/api/v1/certificates/1%00/2026", 404), "Error")


def test_registry_json(client, db):
    a, _ = quick_certificate(star=3, name="Cà phê Arabica")
    b, _ = quick_certificate(star=4, commune_code=HA_LONG, name="Chả mực")
    c, office = quick_certificate(star=4, name="Nước mắm")
    revoke(c, office)
    db.session.commit()
    body = get_json(client, "/api/v1/registry")
    check(body, "RegistryPage")
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 25
    assert {i["number"] for i in body["items"]} == {a.number, b.number, c.number}
    assert [i["number"] for i in get_json(client, "/api/v1/registry?q=ca+phe")["items"]] == \
        [a.number]
    assert get_json(client, f"/api/v1/registry?commune={HA_LONG}")["total"] == 1
    assert get_json(client, "/api/v1/registry?star=4&status=in_force")["total"] == 1
    assert get_json(client, "/api/v1/registry?status=revoked")["items"][0]["revocation"]
    page = get_json(client, "/api/v1/registry?per_page=2&page=2")
    check(page, "RegistryPage")
    assert page["total"] == 3 and len(page["items"]) == 1 and page["per_page"] == 2


@pytest.mark.parametrize("params,name", [
    ("per_page=101", "per_page"), ("per_page=abc", "per_page"), ("page=abc", "page"),
    ("page=0", "page"), ("star=9", "star"), ("status=valid2", "status"),
    ("province=x", "province"), ("province=%00", "province"), ("commune=123", "commune"),
    ("set=1000", "set"),
])
def test_registry_bad_parameters_are_json_400(client, db, params, name):
    body = get_json(client, f"/api/v1/registry?{params}", 400)
    check(body, "Error")
    assert body["error"]["message"].startswith(f"{name}: ")


def test_read_only(client, db):
    response = client.post("/api/v1/registry")
    assert response.status_code == 405 and response.is_json


def test_openapi_document_is_valid_and_complete(client, app, db):
    body = get_json(client, "/api/v1/openapi.json")
    validate(body)  # raises on an invalid OpenAPI 3.1 document
    assert body["openapi"].startswith("3.1")
    server = body["servers"][0]["url"]
    documented = {server + path for path in body["paths"]}
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routes == documented
    for schema in ("Certificate", "RegistryPage", "Error"):
        assert schema in body["components"]["schemas"]
