"""Two-factor sign-in (issue 12, point 4): TOTP with real codes from pyotp, recovery codes,
required by configuration."""
import re

import pyotp

from ocop_rating.accounts.models import RecoveryCode, User
from ocop_rating.accounts.roles import Role
from ocop_rating.audit import AuditEvent
from tests.conftest import committed, csrf_from, form_post
from tests.factories import DEFAULT_PASSWORD, make_user

SECRET_RE = re.compile(r'id="totp-secret">([A-Z2-7]+)<')
CODES_RE = re.compile(r"<li>([0-9a-f]{6}-[0-9a-f]{6})</li>")


def enrol(client) -> tuple[str, list[str]]:
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<svg" in text and "otpauth" not in text.split("<svg")[0][-20:]
    secret = SECRET_RE.search(text).group(1)
    done = form_post(client, "/account/two-factor", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.get_data(as_text=True)[:2000]
    assert done.headers["Cache-Control"] == "no-store"
    codes = CODES_RE.findall(done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


def password_step(client, user):
    return form_post(client, "/login", {"username": user.username,
                                        "password": DEFAULT_PASSWORD})


def events(db, user, action):
    committed(db)
    return list(db.session.scalars(db.select(AuditEvent).filter_by(
        object_type="users", object_id=str(user.id), action=action)))


def test_enrolment_then_login_asks_for_the_code(app, db, client, login_as):
    user = make_user(Role.province)
    login_as(user)
    secret, codes = enrol(client)
    committed(db)
    stored = db.session.get(User, user.id)
    assert stored.has_two_factor and stored.totp_secret == secret
    hashes = [r.code_hash for r in db.session.scalars(db.select(RecoveryCode))]
    assert len(hashes) == 10 and not any(c in h for c in codes for h in hashes)
    assert events(db, user, "two_factor_enabled")

    other = app.test_client()
    first = password_step(other, user)
    assert first.status_code == 302 and first.headers["Location"].endswith("/login/verify")
    assert other.get("/users").status_code == 302  # not logged in yet
    # A fresh step (the enrolment used the current one: replays are refused).
    code = pyotp.TOTP(secret).at(__import__("time").time() + 30)
    ok = form_post(other, "/login/verify", {"code": code})
    assert ok.status_code == 302, ok.get_data(as_text=True)[:2000]
    assert other.get("/users").status_code == 200


def test_wrong_code_is_refused_and_too_many_end_the_attempt(app, db, client, login_as):
    user = make_user(Role.province)
    login_as(user)
    secret, _codes = enrol(client)
    other = app.test_client()
    password_step(other, user)
    wrong = form_post(other, "/login/verify", {"code": "000000"})
    assert wrong.status_code == 422
    assert "Mã xác thực không đúng." in wrong.get_data(as_text=True)
    assert other.get("/users").status_code == 302
    assert events(db, user, "two_factor_failed")
    for _ in range(4):
        form_post(other, "/login/verify", {"code": "000001"})
    # Five wrong codes: the sign-in must start again, even a right code is not taken.
    assert other.get("/login/verify").status_code == 302
    assert other.get("/users").status_code == 302


def test_a_recovery_code_works_once(app, db, client, login_as):
    user = make_user(Role.ministry)
    login_as(user)
    _secret, codes = enrol(client)
    first = app.test_client()
    password_step(first, user)
    assert form_post(first, "/login/verify", {"code": codes[3]}).status_code == 302
    assert first.get("/users").status_code == 200
    assert events(db, user, "recovery_code_used")

    second = app.test_client()
    password_step(second, user)
    again = form_post(second, "/login/verify", {"code": codes[3]})
    assert again.status_code == 422
    assert form_post(second, "/login/verify", {"code": codes[4]}).status_code == 302


def test_disable_needs_the_password_and_a_code(app, db, client, login_as):
    import time

    user = make_user(Role.commune)
    login_as(user)
    secret, _codes = enrol(client)
    later = pyotp.TOTP(secret).at(time.time() + 30)
    refused = form_post(client, "/account/two-factor/disable",
                        {"password": "wrong-password-1", "code": later}, form_page="/account")
    assert refused.status_code == 302
    committed(db)
    assert db.session.get(User, user.id).has_two_factor
    done = form_post(client, "/account/two-factor/disable",
                     {"password": DEFAULT_PASSWORD, "code": later}, form_page="/account")
    assert done.status_code == 302
    committed(db)
    assert not db.session.get(User, user.id).has_two_factor
    assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0
    assert events(db, user, "two_factor_disabled")
    assert client.get("/account").status_code == 200  # this session kept


def test_required_by_configuration_redirects_to_enrolment(app, db, client, login_as):
    producer_like = make_user(Role.commune)
    admin = make_user(Role.admin)
    app.config["REQUIRE_2FA_ROLES"] = ["admin", "ministry", "province", "council_chair"]
    try:
        login_as(admin)
        page = client.get("/users")
        assert page.status_code == 302
        assert page.headers["Location"].endswith("/account/two-factor")
        secret, _codes = enrol(client)
        assert client.get("/users").status_code == 200
        # Required roles cannot turn it off.
        form_post(client, "/account/two-factor/disable",
                  {"password": DEFAULT_PASSWORD, "code": pyotp.TOTP(secret).now()},
                  form_page="/account")
        committed(db)
        assert db.session.get(User, admin.id).has_two_factor
        # A role not listed is not forced.
        other = app.test_client()
        form_post(other, "/login", {"username": producer_like.username,
                                    "password": DEFAULT_PASSWORD})
        assert other.get("/").status_code == 200
    finally:
        app.config["REQUIRE_2FA_ROLES"] = []


def test_council_chair_is_required_when_configured(app, db):
    from ocop_rating.accounts import two_factor
    from tests.factories import make_council

    _council, _office, people = make_council()
    chair = people[0].user
    member = people[2].user
    app.config["REQUIRE_2FA_ROLES"] = ["council_chair"]
    try:
        assert two_factor.is_required(chair)
        assert not two_factor.is_required(member)
    finally:
        app.config["REQUIRE_2FA_ROLES"] = []
    assert not two_factor.is_required(chair)


def test_login_verify_without_a_pending_login_goes_back(client, db):
    response = client.get("/login/verify")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    token = csrf_from(client, "/login")
    assert client.post("/login/verify", data={"code": "123456",
                                              "csrf_token": token}).status_code == 302
