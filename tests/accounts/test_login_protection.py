"""Login protection (issue 12, point 3): rate limits, a throttle nobody can turn against a
user, one answer for every failure, sign-up that reveals nothing, the password rule and the
seed-demo guard."""
import re
import time
import uuid

import pytest

from ocop_rating.accounts import services as accounts
from ocop_rating.accounts.roles import Role
from ocop_rating.audit import AuditEvent
from ocop_rating.errors import OcopError
from tests.conftest import committed, csrf_from, form_post, make_test_app
from tests.factories import DEFAULT_PASSWORD, VAN_DON, make_producer, make_user

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
HOME = {"REMOTE_ADDR": "198.51.100.7"}
ERROR_RE = re.compile(r'class="invalid-feedback[^"]*"[^>]*>\s*([^<]+?)\s*<', re.S)


def login(client, username, password, environ=None):
    token = csrf_from(client, "/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token}, environ_base=environ or {})


def error_of(response) -> str:
    """The message shown under the fields of the login form."""
    messages = ERROR_RE.findall(response.get_data(as_text=True))
    assert messages, response.get_data(as_text=True)[:3000]
    return " | ".join(messages)


def test_twenty_wrong_passwords_from_one_address_do_not_lock_out_the_real_user(app, db,
                                                                             monkeypatch):
    from ocop_rating.config import Defaults

    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_RATE_LIMIT", Defaults.LOGIN_ACCOUNT_RATE_LIMIT)
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", Defaults.LOGIN_RATE_LIMIT)
    user = make_user(Role.admin)
    db.session.commit()
    attacker = app.test_client()
    answers = [login(attacker, user.username, f"guess-{i:04d}-wrong", ATTACKER)
               for i in range(20)]
    # Refused by the throttle (422, the wrong-password answer), then by the rate limit (429).
    assert {r.status_code for r in answers} == {422, 429}
    assert [r.status_code for r in answers[:10]] == [422] * 10
    # The attacker's address is now refused even with the right password …
    refused = login(attacker, user.username, DEFAULT_PASSWORD, ATTACKER)
    assert refused.status_code in (422, 429)
    # … while the real user, from another address, logs in.
    real = app.test_client()
    ok = login(real, user.username, DEFAULT_PASSWORD, HOME)
    assert ok.status_code == 302
    assert real.get("/users").status_code == 200


def test_unknown_user_wrong_password_and_throttled_get_the_same_answer(app, db):
    user = make_user(Role.province)
    db.session.commit()
    client = app.test_client()
    unknown = login(client, "khong-co-ai", "some-password-1", ATTACKER)
    wrong = login(client, user.username, "some-password-1", ATTACKER)
    for _ in range(6):
        login(client, user.username, "some-password-1", ATTACKER)
    throttled = login(client, user.username, DEFAULT_PASSWORD, ATTACKER)
    assert unknown.status_code == wrong.status_code == throttled.status_code == 422
    assert error_of(unknown) == error_of(wrong) == error_of(throttled)
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in error_of(throttled)
    assert "khong-co-ai" not in unknown.get_data(as_text=True).split("<form")[0]


def test_every_failure_path_runs_the_password_hash(app, db, monkeypatch):
    """Comparable timing: the unknown-user and throttled paths check a (dummy) hash too."""
    from werkzeug.security import check_password_hash

    user = make_user(Role.province)
    db.session.commit()
    calls = []

    def spy(hash_, password):
        calls.append(hash_)
        return check_password_hash(hash_, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    with app.test_request_context():
        for name in ("nobody-here", user.username):
            with pytest.raises(accounts.AuthError):
                accounts.authenticate(name, "wrong-password-1", address="192.0.2.1")
        for _ in range(6):
            with pytest.raises(accounts.AuthError):
                accounts.authenticate(user.username, "wrong-password-1", address="192.0.2.2")
    db.session.rollback()  # the direct calls' audit rows would hold the chain's lock
    assert len(calls) == 8
    assert calls[0] == accounts._DUMMY_HASH
    assert calls[1] == calls[-1] == user.password_hash

    # And in wall time: each answer costs at least a large part of one hash check.
    start = time.perf_counter()
    check_password_hash(user.password_hash, "x")
    one_hash = time.perf_counter() - start
    client = app.test_client()
    token = csrf_from(client, "/login")
    for name in ("nobody-here", user.username):
        start = time.perf_counter()
        client.post("/login", data={"username": name, "password": "wrong-password-1",
                                    "csrf_token": token}, environ_base=ATTACKER)
        assert time.perf_counter() - start > 0.5 * one_hash, name


def test_failures_from_many_accounts_throttle_only_that_address(app, db):
    user = make_user(Role.ministry)
    db.session.commit()
    app.config["LOGIN_THROTTLE_ADDRESS"] = "8 per 15 minutes"
    try:
        client = app.test_client()
        for i in range(8):
            login(client, f"nguoi-thu-{i}", "wrong-password-1", ATTACKER)
        assert login(client, user.username, DEFAULT_PASSWORD, ATTACKER).status_code == 422
        assert login(app.test_client(), user.username, DEFAULT_PASSWORD,
                     HOME).status_code == 302
    finally:
        app.config["LOGIN_THROTTLE_ADDRESS"] = "30 per 15 minutes;100 per day"


def test_the_wait_ends_and_a_success_forgets_the_failures(app, db):
    from datetime import datetime, timedelta, timezone

    import time_machine

    user = make_user(Role.province)
    db.session.commit()
    client = app.test_client()
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(client, user.username, "wrong-password-1", ATTACKER)
        assert login(client, user.username, DEFAULT_PASSWORD, ATTACKER).status_code == 422
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert login(client, user.username, DEFAULT_PASSWORD, ATTACKER).status_code == 302


def test_an_administrator_clears_an_accounts_throttle_audited(app, db, login_as, client):
    admin = make_user(Role.admin)
    user = make_user(Role.province)
    db.session.commit()
    attacker = app.test_client()
    for _ in range(6):
        login(attacker, user.username, "wrong-password-1", ATTACKER)
    assert login(attacker, user.username, DEFAULT_PASSWORD, ATTACKER).status_code == 422

    login_as(admin)
    page = client.get("/users").get_data(as_text=True)
    assert f"/users/{user.id}/clear-throttle" in page
    cleared = form_post(client, f"/users/{user.id}/clear-throttle", form_page="/users")
    assert cleared.status_code == 302
    assert login(attacker, user.username, DEFAULT_PASSWORD, ATTACKER).status_code == 302
    committed(db)
    event = db.session.scalar(db.select(AuditEvent).filter_by(
        object_type="users", object_id=str(user.id), action="login_throttle_cleared"))
    assert event is not None and event.actor_id == admin.id


def test_an_officer_cannot_clear_a_throttle_outside_their_jurisdiction(app, db, login_as,
                                                                       client):
    officer = make_user(Role.province, province_code="22")
    other = make_user(Role.province, province_code="68")
    db.session.commit()
    login_as(officer)
    response = form_post(client, f"/users/{other.id}/clear-throttle", form_page="/users")
    assert response.status_code == 403


def test_login_posts_per_address_are_capped_with_429(app, db):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        client = app.test_client()
        codes = [login(client, "ai-do", "wrong-password-1", ATTACKER).status_code
                 for _ in range(4)]
        assert codes == [422, 422, 422, 429]
        # Another address is not affected; GET of the form never counts.
        assert client.get("/login", environ_base=ATTACKER).status_code == 200
        assert login(app.test_client(), "ai-do", "wrong-password-1", HOME).status_code == 422
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"


def test_signup_posts_per_address_are_capped(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNUP_RATE_LIMIT", "2 per hour")
    client = app.test_client()
    codes = [form_post(client, "/producers/signup", {"name": ""},
                       environ_base=ATTACKER).status_code for _ in range(3)]
    assert codes == [422, 422, 429]


def test_redis_storage_when_configured(database_url, tmp_path, db):
    """OCOP_RATELIMIT_STORAGE_URI naming Redis: the counters live there."""
    import redis

    prefix = f"ocop-test-{uuid.uuid4().hex[:8]}"
    redis_app = make_test_app(database_url, tmp_path, RATELIMIT_STORAGE_URI=(
        "redis://127.0.0.1:6379/15"), RATELIMIT_KEY_PREFIX=prefix)
    from limits.storage import RedisStorage

    assert isinstance(redis_app.extensions["ocop_limiter"].storage, RedisStorage)
    user = make_user(Role.province)
    db.session.commit()
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        client = redis_app.test_client()
        for _ in range(5):
            login(client, user.username, "wrong-password-1", ATTACKER)
        keys = [k.decode() for k in connection.keys(f"*{prefix}*")]
        assert any("login-pair" in k and user.username in k for k in keys), keys
        assert any("login-address" in k for k in keys), keys
        # A second app on the same Redis (another server process) sees the same counts.
        other = make_test_app(database_url, tmp_path / "other", RATELIMIT_STORAGE_URI=(
            "redis://127.0.0.1:6379/15"), RATELIMIT_KEY_PREFIX=prefix)
        assert login(other.test_client(), user.username, DEFAULT_PASSWORD,
                     ATTACKER).status_code == 422
        assert login(other.test_client(), user.username, DEFAULT_PASSWORD,
                     HOME).status_code == 302
    finally:
        for key in connection.keys(f"*{prefix}*"):
            connection.delete(key)
        with redis_app.app_context():
            from ocop_rating.db import db as _db

            _db.engine.dispose()


# -- sign-up reveals nothing ---------------------------------------------------------------

def signup_data(**overrides):
    data = {
        "kind": "cooperative", "name": "Hợp tác xã Thử Nghiệm", "registration_number": "5701234500",
        "province_code": "22", "commune_code": VAN_DON, "address": "Thôn 1",
        "phone": "0912 345 678", "email": "thu@example.vn", "representative_name": "Lý Thị Mai",
        "representative_position": "Giám đốc", "representative_gender": "female",
        "representative_ethnicity": "09", "representative_disabled": "no", "full_name": "Lý Thị Mai", "username": "htx.thunghiem",
        "password": "mat-khau-dai-1", "confirm": "mat-khau-dai-1"}
    data.update(overrides)
    return data


def test_signup_does_not_reveal_usernames_or_registration_numbers(app, db, client):
    from ocop_rating.notifications.models import Notification
    from ocop_rating.producers.models import Producer

    existing, owner = make_producer(registration_number="5709999999")
    officer = make_user(Role.commune, commune_code=VAN_DON)
    db.session.commit()
    fresh = form_post(client, "/producers/signup", signup_data())
    taken_name = form_post(client, "/producers/signup", signup_data(
        username=owner.username, registration_number="5701234501"))
    taken_number = form_post(client, "/producers/signup", signup_data(
        username="htx.khac", registration_number="5709999999"))
    pages = [r.get_data(as_text=True) for r in (fresh, taken_name, taken_number)]
    assert [r.status_code for r in (fresh, taken_name, taken_number)] == [200, 200, 200]
    for page in pages:
        assert "Đã gửi đăng ký" in page
        assert "đã được dùng" not in page and "đã được một chủ thể khác" not in page
        assert existing.name not in page
    committed(db)
    # Only the fresh sign-up created anything; the commune got the two collisions to resolve.
    assert db.session.scalar(db.select(db.func.count()).select_from(Producer)) == 2
    notes = list(db.session.scalars(db.select(Notification).filter_by(
        user_id=officer.id, kind="signup_collision")))
    assert len(notes) == 2
    assert any("5709999999" in n.body for n in notes)
    assert any(owner.username in n.body for n in notes)


def test_signup_password_rule_errors_are_still_shown(client, db):
    response = form_post(client, "/producers/signup", signup_data(
        password="12345678", confirm="12345678"))
    assert response.status_code == 422
    assert "ít nhất 10 ký tự" in response.get_data(as_text=True)


# -- the password rule -----------------------------------------------------------------------

@pytest.mark.parametrize("password, code", [
    ("12345678", "password_too_short"),
    ("abcdefghi", "password_too_short"),
    ("1234567890", "password_common"),
    ("qwertyuiop", "password_common"),
    ("Password123", "password_common"),
    ("nguyenvana", "password_is_username"),
    ("nguyenvana-2026", "password_is_username"),
])
def test_password_rule(db, password, code):
    with pytest.raises(OcopError) as error:
        accounts.check_password_rules(password, username="nguyenvana")
    assert error.value.code == code


def test_a_good_password_passes(db):
    accounts.check_password_rules("ruong-lua-bac-thang-7", username="nguyenvana")


def test_common_password_list_is_shipped_and_large():
    from ocop_rating.accounts.passwords import common_passwords

    words = common_passwords()
    assert len(words) >= 10_000
    assert {"123456", "password", "iloveyou", "matkhau123"} <= words


def test_password_rule_applies_to_user_creation_and_change(app, db, client, login_as):
    admin = make_user(Role.admin)
    db.session.commit()
    login_as(admin)
    created = form_post(client, "/users/new", {
        "username": "can.bo.moi", "full_name": "Cán bộ mới", "role": "ministry",
        "password": "1234567890", "email": ""})
    assert created.status_code == 422
    assert "quá phổ biến" in created.get_data(as_text=True)
    changed = form_post(client, "/account/password", {
        "current": DEFAULT_PASSWORD, "new": "12345678", "confirm": "12345678"})
    assert changed.status_code == 422
    assert "ít nhất 10 ký tự" in changed.get_data(as_text=True)


def test_create_admin_applies_the_password_rule(cli, db):
    result = cli("ocop", "create-admin", "--username", "quantri2", "--password", "12345678")
    assert result.exit_code == 1
    assert "10" in result.output
    assert accounts.find_user("quantri2") is None


def test_the_english_message_of_the_rule(app, db):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        with pytest.raises(OcopError) as error:
            accounts.check_password_rules("1234567890")
    assert "common" in error.value.message


# -- seed-demo guard -------------------------------------------------------------------------

def test_seed_demo_refuses_a_database_with_real_data(cli, db):
    from ocop_rating.accounts.models import User

    make_user(Role.province, username="that.nguoi.dung")
    db.session.commit()
    result = cli("ocop", "seed-demo")
    assert result.exit_code == 1
    assert "not demo data" in result.output and "that.nguoi.dung" in result.output
    committed(db)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_seed_demo_refuses_a_producer_without_the_demo_marker(cli, db):
    make_producer(registration_number="5701111111", username="chuthe.vandon")
    db.session.commit()
    result = cli("ocop", "seed-demo")
    assert result.exit_code == 1
    assert "5701111111" in result.output
