from ocop_rating.accounts.models import User
from ocop_rating.accounts.roles import Role
from ocop_rating.audit import history
from tests.conftest import committed, csrf_from, form_post
from tests.factories import DEFAULT_PASSWORD, make_user


def test_login_page_is_vietnamese_with_csrf(client):
    page = client.get("/login")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'lang="vi"' in text and "Đăng nhập" in text and "Mật khẩu" in text
    assert 'name="csrf_token"' in text


def test_login_and_logout(client, db):
    user = make_user(Role.province)
    db.session.commit()
    response = form_post(client, "/login", {"username": user.username.upper(),
                                            "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.location == "/"
    assert "Xin chào" in client.get("/").get_data(as_text=True)
    committed(db)
    assert db.session.get(User, user.id).last_login_at is not None
    assert [e.action for e in history(user)] == ["created", "login"]
    out = form_post(client, "/logout", form_page="/")
    assert out.status_code == 302
    assert client.get("/users").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_clear_message(client, db):
    user = make_user(Role.province)
    db.session.commit()
    for username, password in [(user.username, "wrong-password"), ("nobody", "whatever-1")]:
        response = form_post(client, "/login", {"username": username, "password": password})
        text = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in text
        assert f'value="{username}"' in text  # what was typed is kept
        assert "wrong-password" not in text   # but never the password


def test_empty_fields_show_errors_beside_fields(client):
    response = form_post(client, "/login", {"username": "", "password": ""})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert text.count("Vui lòng nhập thông tin này.") >= 2
    assert "invalid-feedback" in text


def test_deactivated_account_cannot_log_in(client, db):
    user = make_user(Role.commune)
    user.is_active_account = False
    db.session.commit()
    response = form_post(client, "/login", {"username": user.username,
                                            "password": DEFAULT_PASSWORD})
    assert "đã bị khóa" in response.get_data(as_text=True)


def test_missing_csrf_token_gets_a_clear_400(client, db):
    user = make_user(Role.province)
    db.session.commit()
    response = client.post("/login", data={"username": user.username,
                                           "password": DEFAULT_PASSWORD})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "CSRF" in text and "Traceback" not in text


def test_expired_session_redirects_to_login_with_a_message(app, client, db):
    user = make_user(Role.province)
    db.session.commit()
    form_post(client, "/login", {"username": user.username, "password": DEFAULT_PASSWORD})
    client.delete_cookie("session")  # the browser dropped the expired session cookie
    response = client.get("/users")
    assert response.status_code == 302 and "/login?next=/users" in response.location
    assert "phiên làm việc có thể đã hết hạn" in client.get("/login").get_data(as_text=True)


def test_expired_csrf_token_is_refused_clearly(app, client, db):
    user = make_user(Role.province)
    db.session.commit()
    token = csrf_from(client, "/login")
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is now older than the limit
    try:
        response = client.post("/login", data={"csrf_token": token, "username": user.username,
                                                "password": DEFAULT_PASSWORD})
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = 8 * 3600
    assert response.status_code == 400
    assert "hết hạn" in response.get_data(as_text=True)


def test_change_password_ends_other_sessions(app, client, db, login_as):
    user = make_user(Role.province)
    db.session.commit()
    other = app.test_client()
    form_post(other, "/login", {"username": user.username, "password": DEFAULT_PASSWORD})
    login_as(user)
    response = form_post(client, "/account/password", {
        "current": DEFAULT_PASSWORD, "new": "brand-new-pass-7", "confirm": "brand-new-pass-7"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200          # this session carries on
    assert other.get("/users").status_code == 302      # the other one is logged out
    form_post(client, "/logout", form_page="/")
    assert form_post(client, "/login", {"username": user.username,
                                        "password": "brand-new-pass-7"}).status_code == 302


def test_change_password_errors_keep_the_form(client, db, login_as):
    login_as(make_user(Role.province))
    db.session.commit()
    wrong = form_post(client, "/account/password", {
        "current": "not-it", "new": "brand-new-pass-7", "confirm": "brand-new-pass-7"})
    assert "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True)
    mismatch = form_post(client, "/account/password", {
        "current": DEFAULT_PASSWORD, "new": "brand-new-pass-7", "confirm": "other-pass-77"})
    assert "Hai mật khẩu không khớp nhau." in mismatch.get_data(as_text=True)


def test_must_change_password_forces_the_change_first(client, db, login_as):
    login_as(make_user(Role.commune, must_change_password=True))
    response = client.get("/users")
    assert response.status_code == 302 and response.location.endswith("/account/password")


def test_login_never_redirects_off_site(client, db):
    user = make_user(Role.province)
    db.session.commit()
    token = csrf_from(client, "/login")
    response = client.post("/login?next=https://evil.example/x", data={
        "csrf_token": token, "username": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.location == "/"


def test_passwords_are_hashed(db):
    user = make_user(Role.province)
    assert DEFAULT_PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
