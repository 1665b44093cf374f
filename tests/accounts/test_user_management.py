from ocop_rating.accounts.models import User
from ocop_rating.accounts.roles import Role
from ocop_rating.audit import history
from tests.conftest import committed, form_post
from tests.factories import DEFAULT_PASSWORD, DI_LINH, LAM_DONG, QUANG_NINH, VAN_DON, make_user


def _new_user_form(**overrides):
    data = {"username": "can.bo.moi", "full_name": "Nguyễn Văn Mới", "email": "",
            "role": "commune", "province_code": QUANG_NINH, "commune_code": VAN_DON,
            "password": "temporary-pass-1"}
    data.update(overrides)
    return data


def test_province_office_creates_commune_officer_in_its_province(client, db, login_as):
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    db.session.commit()
    response = form_post(client, "/users/new", _new_user_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    committed(db)
    user = db.session.scalar(db.select(User).filter_by(username="can.bo.moi"))
    assert user.role == Role.commune and user.commune_code == VAN_DON
    assert user.province_code == QUANG_NINH and user.must_change_password
    assert [e.action for e in history(user)] == ["created"]


def test_province_office_cannot_create_outside_its_province(client, db, login_as):
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    db.session.commit()
    response = form_post(client, "/users/new", _new_user_form(province_code=LAM_DONG,
                                                               commune_code=DI_LINH))
    assert response.status_code == 422
    committed(db)
    assert db.session.scalar(db.select(User).filter_by(username="can.bo.moi")) is None


def test_province_office_cannot_create_a_ministry_account(client, db, login_as):
    login_as(make_user(Role.province))
    db.session.commit()
    response = form_post(client, "/users/new", _new_user_form(role="ministry"))
    assert response.status_code == 422
    assert "Not a valid choice" not in response.get_data(as_text=True)


def test_create_user_errors_keep_what_was_typed(client, db, login_as):
    login_as(make_user(Role.admin))
    make_user(Role.producer, username="da.co", commune_code=VAN_DON)
    db.session.commit()
    response = form_post(client, "/users/new", _new_user_form(
        username="da.co", full_name="Trần Thị Giữ Lại", password="short"))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Trần Thị Giữ Lại"' in text
    assert "Mật khẩu phải có ít nhất 10 ký tự." in text
    response = form_post(client, "/users/new", _new_user_form(
        username="da.co", full_name="Trần Thị Giữ Lại"))
    assert "đã được dùng" in response.get_data(as_text=True)


def test_commune_officer_without_commune_is_refused(client, db, login_as):
    login_as(make_user(Role.admin))
    db.session.commit()
    response = form_post(client, "/users/new", _new_user_form(commune_code=""))
    assert response.status_code == 422
    assert "phải gắn với một xã/phường" in response.get_data(as_text=True)


def test_user_list_is_limited_to_the_jurisdiction(client, db, login_as):
    make_user(Role.commune, commune_code=VAN_DON, full_name="Người Quảng Ninh")
    make_user(Role.commune, commune_code=DI_LINH, full_name="Người Lâm Đồng")
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    db.session.commit()
    text = client.get("/users").get_data(as_text=True)
    assert "Người Quảng Ninh" in text and "Người Lâm Đồng" not in text


def test_user_list_search_is_accent_insensitive(client, db, login_as):
    make_user(Role.commune, commune_code=VAN_DON, full_name="Đỗ Thị Hương")
    login_as(make_user(Role.admin))
    db.session.commit()
    assert "Đỗ Thị Hương" in client.get("/users?q=do thi huong").get_data(as_text=True)
    assert "Đỗ Thị Hương" not in client.get("/users?q=nguyen").get_data(as_text=True)


def test_producers_and_members_cannot_see_users(client, db, login_as):
    login_as(make_user(Role.producer, commune_code=VAN_DON))
    db.session.commit()
    assert client.get("/users").status_code == 403
    assert client.get("/users/new").status_code == 403


def test_deactivate_ends_sessions_and_blocks_login(app, client, db, login_as):
    target = make_user(Role.commune, commune_code=VAN_DON)
    office = make_user(Role.province, province_code=QUANG_NINH)
    db.session.commit()
    theirs = app.test_client()
    form_post(theirs, "/login", {"username": target.username, "password": DEFAULT_PASSWORD})
    assert theirs.get("/").status_code == 200
    login_as(office)
    response = form_post(client, f"/users/{target.id}/deactivate", form_page="/users")
    assert response.status_code == 302
    assert theirs.get("/").status_code == 302
    committed(db)
    assert not db.session.get(User, target.id).is_active_account
    form_post(client, f"/users/{target.id}/activate", form_page="/users")
    committed(db)
    assert db.session.get(User, target.id).is_active_account


def test_cannot_deactivate_outside_jurisdiction(client, db, login_as):
    target = make_user(Role.commune, commune_code=DI_LINH)
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    db.session.commit()
    response = form_post(client, f"/users/{target.id}/deactivate", form_page="/users")
    assert response.status_code == 403
    committed(db)
    assert db.session.get(User, target.id).is_active_account


def test_reset_password_gives_a_temporary_one_to_change(app, client, db, login_as):
    target = make_user(Role.commune, commune_code=VAN_DON)
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    db.session.commit()
    response = form_post(client, f"/users/{target.id}/reset-password", form_page="/users")
    import re

    temporary = re.search(r'id="temporary-password">([^<]+)<', response.get_data(as_text=True))
    assert temporary
    theirs = app.test_client()
    assert form_post(theirs, "/login", {"username": target.username,
                                        "password": DEFAULT_PASSWORD}).status_code == 422
    assert form_post(theirs, "/login", {"username": target.username,
                                        "password": temporary.group(1)}).status_code == 302
    assert theirs.get("/").location.endswith("/account/password")
