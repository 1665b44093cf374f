"""Personal access tokens: hashed at rest, scoped, expiring, revocable, audited; bearer auth
and the jurisdiction of every token endpoint."""
from datetime import timedelta

import pytest
import time_machine

from ocop_rating.accounts.roles import Role
from ocop_rating.api import tokens
from ocop_rating.api.tokens import ApiToken
from ocop_rating.audit import AuditEvent
from ocop_rating.legaltime import legal_today
from tests.conftest import committed, csrf_from
from tests.factories import (
    DI_LINH,
    LAM_DONG,
    QUANG_NINH,
    accepted_dossier,
    make_council,
    make_user,
)

from .helpers import bearer, make_token


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert set(body["error"]) >= {"code", "message"}
    return body["error"]


def test_token_is_hashed_at_rest_and_shown_once(client, db, login_as):
    user = login_as(make_user(Role.province))
    page = client.post("/account/tokens", data={
        "csrf_token": csrf_from(client, "/account/tokens"), "name": "Cổng dữ liệu tỉnh",
        "expires_on": (legal_today() + timedelta(days=60)).isoformat(), "scopes": ["read"]})
    assert page.status_code == 201
    html = page.get_data(as_text=True)
    committed(db)
    [token] = db.session.scalars(db.select(ApiToken).filter_by(user_id=user.id)).all()
    secret = html.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert secret.startswith(token.prefix + "_")
    assert token.token_hash == tokens.hash_secret(secret) and secret not in token.token_hash
    # Listed afterwards by prefix only, never the secret again.
    again = client.get("/account/tokens").get_data(as_text=True)
    assert token.prefix in again and secret not in again
    assert client.get("/api/v1/rounds", headers=bearer(secret)).status_code == 200


@pytest.mark.parametrize("days", [0, 367, -1])
def test_expiry_is_required_and_at_most_a_year(client, db, login_as, days):
    user = login_as(make_user(Role.province))
    page = client.post("/account/tokens", data={
        "csrf_token": csrf_from(client, "/account/tokens"), "name": "x",
        "expires_on": (legal_today() + timedelta(days=days)).isoformat(), "scopes": ["read"]})
    assert page.status_code == 422
    committed(db)
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0
    assert user.id


def test_role_may_not_take_a_scope_beyond_it(db):
    member = make_user(Role.council_member)
    with pytest.raises(tokens.TokenError):
        make_token(member, scopes=["office:read"])
    office = make_user(Role.province)
    with pytest.raises(tokens.TokenError):
        make_token(office, scopes=["score:write"])


def test_bad_expired_and_revoked_tokens_get_401(client, db):
    office = make_user(Role.province)
    token, secret = make_token(office, days=10)
    db.session.commit()
    assert error_of(client.get("/api/v1/rounds", headers=bearer("ocop_nope_x")), 401)["code"] \
        == "invalid_token"
    assert error_of(client.get("/api/v1/rounds", headers={"Authorization": "Basic abc"}),
                    401)["code"] == "bad_authorization"
    assert error_of(client.get("/api/v1/rounds"), 401)["code"] == "token_required"
    with time_machine.travel(legal_today() + timedelta(days=11), tick=False):
        assert error_of(client.get("/api/v1/rounds", headers=bearer(secret)), 401)["code"] \
            == "token_expired"
    assert client.get("/api/v1/rounds", headers=bearer(secret)).status_code == 200
    tokens.revoke_token(token, actor=office)
    db.session.commit()
    assert error_of(client.get("/api/v1/rounds", headers=bearer(secret)), 401)["code"] \
        == "token_revoked"


def test_revoke_from_the_account_page(client, db, login_as):
    user = login_as(make_user(Role.province))
    token, secret = make_token(user)
    db.session.commit()
    other = make_user(Role.province)
    foreign, _s = make_token(other)
    db.session.commit()
    csrf = csrf_from(client, "/account/tokens")
    assert client.post(f"/account/tokens/{foreign.id}/revoke",
                       data={"csrf_token": csrf}).status_code == 404
    assert client.post(f"/account/tokens/{token.id}/revoke",
                       data={"csrf_token": csrf}).status_code == 302
    committed(db)
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert db.session.get(ApiToken, foreign.id).revoked_at is None
    assert client.get("/api/v1/rounds", headers=bearer(secret)).status_code == 401


def test_every_use_is_audited_and_dated(client, db):
    office = make_user(Role.province)
    token, secret = make_token(office)
    db.session.commit()
    for _i in range(3):
        assert client.get("/api/v1/dossiers", headers=bearer(secret)).status_code == 403
    assert client.get("/api/v1/rounds?per_page=5", headers=bearer(secret)).status_code == 200
    committed(db)
    used = db.session.scalars(db.select(AuditEvent).filter_by(
        object_type="api_tokens", object_id=str(token.id), action="used")
        .order_by(AuditEvent.id)).all()
    assert len(used) == 4  # one row per request, no more
    assert all(e.actor_id == office.id for e in used)
    assert used[-1].data["path"] == "/api/v1/rounds"
    assert db.session.get(ApiToken, token.id).last_used_at is not None


def test_read_scope_cannot_write(client, db):
    member = make_user(Role.council_member)
    _t, secret = make_token(member, scopes=["read"])
    db.session.commit()
    response = client.put("/api/v1/sheets/1", json={"entries": {}}, headers=bearer(secret))
    assert error_of(response, 403)["code"] == "insufficient_scope"
    # and without any token a write is refused, whatever cookie comes with it
    assert error_of(client.put("/api/v1/sheets/1", json={}), 401)["code"] == "token_required"


def test_office_of_province_a_cannot_read_province_b(client, db):
    ours = accepted_dossier()                      # Quảng Ninh
    theirs = accepted_dossier(commune_code=DI_LINH)  # Lâm Đồng
    office = make_user(Role.province, province_code=QUANG_NINH)
    _t, secret = make_token(office, scopes=["read", "office:read"])
    db.session.commit()
    listing = client.get("/api/v1/dossiers", headers=bearer(secret)).get_json()
    assert [d["id"] for d in listing["items"]] == [ours.id] and listing["total"] == 1
    assert client.get(f"/api/v1/dossiers/{ours.id}", headers=bearer(secret)).status_code == 200
    assert error_of(client.get(f"/api/v1/dossiers/{theirs.id}", headers=bearer(secret)),
                    404)["code"] == "not_found"
    assert client.get(f"/api/v1/dossiers?province={LAM_DONG}",
                      headers=bearer(secret)).get_json()["total"] == 0
    assert error_of(client.get(f"/api/v1/producers/{theirs.producer_id}",
                               headers=bearer(secret)), 404)
    producers = client.get("/api/v1/producers", headers=bearer(secret)).get_json()
    assert {p["province"] for p in producers["items"]} == {QUANG_NINH}
    # The ministry sees both.
    ministry = make_user(Role.ministry)
    _t, national = make_token(ministry, scopes=["read", "office:read"])
    db.session.commit()
    assert client.get("/api/v1/dossiers", headers=bearer(national)).get_json()["total"] == 2


def test_pagination_and_its_limits(client, db):
    for _i in range(3):
        accepted_dossier()
    ministry = make_user(Role.ministry)
    _t, secret = make_token(ministry, scopes=["office:read"])
    db.session.commit()
    first = client.get("/api/v1/dossiers?per_page=2", headers=bearer(secret)).get_json()
    second = client.get("/api/v1/dossiers?per_page=2&page=2", headers=bearer(secret)).get_json()
    assert first["total"] == second["total"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert not {d["id"] for d in first["items"]} & {d["id"] for d in second["items"]}
    for bad in ("per_page=101", "per_page=0", "page=0", "page=x", "province=2", "status=zzz"):
        assert error_of(client.get(f"/api/v1/dossiers?{bad}", headers=bearer(secret)),
                        400)["code"] == "bad_parameter"


def test_405_names_the_allowed_methods(client, db):
    response = client.delete("/api/v1/rounds")
    error_of(response, 405)
    assert "GET" in response.headers["Allow"]


def test_rate_limited_per_token(client, db, app, monkeypatch):
    office = make_user(Role.province)
    _t, secret = make_token(office)
    _t2, other = make_token(office)
    db.session.commit()
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    assert client.get("/api/v1/rounds", headers=bearer(secret)).status_code == 200
    assert client.get("/api/v1/rounds", headers=bearer(secret)).status_code == 200
    assert error_of(client.get("/api/v1/rounds", headers=bearer(secret)), 429)
    assert client.get("/api/v1/rounds", headers=bearer(other)).status_code == 200


def test_rounds_are_those_of_visible_councils(client, db):
    from datetime import date

    from ocop_rating.councils import services as councils

    council, office, members = make_council()
    other, other_office, _m = make_council(province_code=LAM_DONG)
    ours = councils.create_round(council, name="Đợt 1", proposals_by=date(2026, 4, 30),
                                 finish_by=date(2026, 6, 30), is_extra=True, actor=office)
    councils.create_round(other, name="Đợt 1", proposals_by=date(2026, 4, 30),
                          finish_by=date(2026, 6, 30), is_extra=True, actor=other_office)
    _t, secret = make_token(members[2].user)
    db.session.commit()
    body = client.get("/api/v1/rounds", headers=bearer(secret)).get_json()
    assert [r["id"] for r in body["items"]] == [ours.id]
