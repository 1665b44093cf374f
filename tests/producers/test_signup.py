from ocop_rating.accounts.models import User
from ocop_rating.accounts.roles import Role
from ocop_rating.producers.models import Producer, ProducerStatus
from tests.conftest import committed, form_post
from tests.factories import (
    DEFAULT_PASSWORD,
    DI_LINH,
    HA_LONG,
    LAM_DONG,
    QUANG_NINH,
    VAN_DON,
    make_producer,
    make_user,
)


def signup_form(**overrides):
    data = {
        "kind": "cooperative", "name": "Hợp tác xã Chè Đường Hoa", "registration_number": "5701234567",
        "province_code": QUANG_NINH, "commune_code": VAN_DON, "address": "Thôn Đông Hải",
        "phone": "0912 345 678", "email": "htx.duonghoa@example.vn",
        "representative_name": "Lý Thị Mai", "representative_position": "Giám đốc",
        "representative_gender": "female", "representative_ethnicity": "09",
        "representative_disabled": "no",
        "full_name": "Lý Thị Mai", "username": "htx.duonghoa", "password": "mat-khau-dai-1",
        "confirm": "mat-khau-dai-1",
    }
    data.update(overrides)
    return data


def test_signup_then_pending_then_approved_by_the_commune(app, client, db):
    response = form_post(client, "/producers/signup", signup_form())
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    assert "Đã gửi đăng ký" in response.get_data(as_text=True)
    login = form_post(client, "/login", {"username": "htx.duonghoa", "password": "mat-khau-dai-1"})
    assert "đang chờ" in login.get_data(as_text=True)

    officer = make_user(Role.commune, commune_code=VAN_DON)
    db.session.commit()
    committed(db)
    producer = db.session.scalar(db.select(Producer).filter_by(registration_number="5701234567"))
    assert producer.status == ProducerStatus.pending and producer.qualifies_for_3_2
    office = app.test_client()
    form_post(office, "/login", {"username": officer.username, "password": DEFAULT_PASSWORD})
    assert "Hợp tác xã Chè Đường Hoa" in office.get("/producers/?status=pending").get_data(
        as_text=True)
    approve = form_post(office, f"/producers/{producer.id}/approve",
                        form_page=f"/producers/{producer.id}")
    assert approve.status_code == 302
    login = form_post(client, "/login", {"username": "htx.duonghoa",
                                         "password": "mat-khau-dai-1"})
    assert login.status_code == 302


def test_signup_errors_each_have_their_own_message_and_keep_input(client, db):
    make_producer(registration_number="5709999999")
    db.session.commit()
    cases = [
        (dict(registration_number="12AB"), "không đúng định dạng"),
        (dict(commune_code=DI_LINH), "không thuộc tỉnh đã chọn"),
        (dict(phone="abc"), "Số điện thoại không hợp lệ."),
        (dict(confirm="khac-nhau-123"), "Hai mật khẩu không khớp nhau."),
    ]
    for overrides, message in cases:
        response = form_post(client, "/producers/signup", signup_form(**overrides))
        text = response.get_data(as_text=True)
        assert response.status_code == 422, overrides
        assert message in text, (overrides, message)
        assert 'value="Hợp tác xã Chè Đường Hoa"' in text
    committed(db)
    assert db.session.scalar(db.select(User).filter_by(username="htx.duonghoa")) is None


def test_officers_only_see_and_approve_in_their_jurisdiction(app, client, db, login_as):
    producer, _ = make_producer(commune_code=VAN_DON, approved=False)
    login_as(make_user(Role.commune, commune_code=HA_LONG))
    assert client.get(f"/producers/{producer.id}").status_code == 403
    response = form_post(client, f"/producers/{producer.id}/approve", form_page="/producers/")
    assert response.status_code == 403
    other = app.test_client()
    form_post(other, "/login", {"username": make_user(
        Role.province, province_code=LAM_DONG).username, "password": DEFAULT_PASSWORD})
    db.session.commit()
    assert "Hợp tác xã" not in other.get("/producers/").get_data(as_text=True)


def test_reject_needs_a_reason_and_tells_the_producer(app, client, db, login_as):
    producer, user = make_producer(approved=False)
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    form_post(client, f"/producers/{producer.id}/reject", {"reason": ""},
              form_page=f"/producers/{producer.id}")
    committed(db)
    assert db.session.get(Producer, producer.id).status == ProducerStatus.pending
    form_post(client, f"/producers/{producer.id}/reject",
              {"reason": "Mã số thuế không khớp giấy đăng ký"},
              form_page=f"/producers/{producer.id}")
    committed(db)
    assert db.session.get(Producer, producer.id).status == ProducerStatus.rejected
    theirs = app.test_client()
    text = form_post(theirs, "/login", {"username": user.username,
                                        "password": DEFAULT_PASSWORD}).get_data(as_text=True)
    assert "Mã số thuế không khớp giấy đăng ký" in text


def test_a_producer_sees_only_its_own_entity(client, db, login_as):
    mine, me = make_producer()
    theirs, _ = make_producer()
    login_as(me)
    assert client.get(f"/producers/{mine.id}").status_code == 200
    assert client.get(f"/producers/{theirs.id}").status_code == 403
    assert client.get("/producers/").status_code == 403


def test_sign_up_in_english_lists_producer_kinds_and_genders_in_english(client):
    form_post(client, "/language", {"lang": "en", "next": "/producers/signup"},
              form_page="/producers/signup")
    text = client.get("/producers/signup").get_data(as_text=True)
    assert '<option value="cooperative">Cooperative</option>' in text
    assert '<option value="female">Female</option>' in text
    assert ">Hợp tác xã<" not in text and ">Nữ<" not in text
