"""Nothing typed is lost: a refused form comes back with the input and a message; pending
producers are told at login that they await approval; sign-up preselects nothing that
scores."""
import html
import re
from datetime import date

from ocop_rating.accounts.roles import Role
from ocop_rating.councils import services as councils
from ocop_rating.councils.models import RoundState
from ocop_rating.dossiers import services as dossiers
from tests.conftest import form_post
from tests.factories import (
    DEFAULT_PASSWORD,
    VAN_DON,
    accepted_dossier,
    complete_dossier,
    make_council,
    make_dossier,
    make_producer,
    make_product,
    make_user,
)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_pending_producer_is_told_at_login_after_the_right_password(client, db):
    _producer, user = make_producer(approved=False)
    db.session.commit()
    wrong = form_post(client, "/login", {"username": user.username, "password": "sai-mat-khau"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in text(wrong)
    right = form_post(client, "/login", {"username": user.username,
                                         "password": DEFAULT_PASSWORD})
    assert right.status_code == 422
    assert "đang chờ cán bộ xã hoặc văn phòng OCOP tỉnh phê duyệt" in text(right)
    assert "Tên đăng nhập hoặc mật khẩu không đúng" not in text(right)


def test_signup_preselects_nothing_that_scores(client, db):
    page = text(client.get("/producers/signup"))

    gender = re.search(r'<select[^>]*name="representative_gender".*?</select>', page, re.DOTALL)[0]
    ethnicity = re.search(r'<select[^>]*name="representative_ethnicity".*?</select>', page,
                          re.DOTALL)[0]
    assert "selected" not in gender.replace('selected value=""', "").replace(
        'value="" selected', "")
    assert "selected" not in ethnicity.replace('selected value=""', "").replace(
        'value="" selected', "")
    radios = re.findall(r'<input[^>]*name="representative_disabled"[^>]*>', page)
    assert len(radios) == 2 and not any("checked" in r for r in radios)


def test_signup_without_the_scoring_facts_is_refused_with_the_input_kept(client, db):
    data = {"kind": "cooperative", "name": "HTX Giữ Nguyên Chữ", "registration_number":
            "5701112223", "province_code": "22", "commune_code": VAN_DON,
            "address": "Thôn Một", "phone": "0912 345 678", "representative_name": "Lò Văn Tâm",
            "full_name": "Lò Văn Tâm", "username": "htx.giunguyen",
            "password": "mat-khau-dai-1", "confirm": "mat-khau-dai-1"}
    response = form_post(client, "/producers/signup", data)
    assert response.status_code == 422
    page = text(response)
    assert page.count("Vui lòng chọn một giá trị.") >= 3
    assert "HTX Giữ Nguyên Chữ" in page and "Lò Văn Tâm" in page
    done = form_post(client, "/producers/signup", dict(
        data, representative_gender="male", representative_ethnicity="04",
        representative_disabled="yes"))
    assert done.status_code == 200 and "Đã gửi đăng ký" in text(done)
    from ocop_rating.producers.models import Producer

    db.session.rollback()
    producer = db.session.scalar(db.select(Producer).filter_by(registration_number="5701112223"))
    assert producer.representative_disabled is True and producer.qualifies_for_3_2


def test_profile_edit_shows_the_recorded_disability_answer(client, db, login_as):
    producer, owner = make_producer()
    login_as(owner)
    page = text(client.get(f"/producers/{producer.id}/edit"))

    [no] = re.findall(r'<input[^>]*name="representative_disabled"[^>]*value="no"[^>]*>', page)
    assert "checked" in no


def test_commune_return_with_a_too_short_reason_keeps_the_reason(client, db, login_as):
    producer, owner = make_producer()
    product = make_product(producer, owner)
    dossier = complete_dossier(make_dossier(product, owner), owner)
    dossiers.submit(dossier, actor=owner)
    officer = make_user(Role.commune, commune_code=VAN_DON)
    login_as(officer)
    response = form_post(client, f"/dossiers/{dossier.id}/return", {"reason": "Xyz"},
                         form_page=f"/dossiers/{dossier.id}")
    assert response.status_code == 422
    page = text(response)
    assert re.search(r">\s*Xyz</textarea>", page)
    assert "ít nhất 5 ký tự" in page
    db.session.rollback()
    assert db.session.get(type(dossier), dossier.id).status.value == "submitted"


def test_advisory_review_with_a_bad_visit_date_keeps_what_was_typed(client, db, login_as):
    council, office, _members = make_council(members=3)
    advisor = make_user(Role.council_member)
    councils.add_advisor(council, advisor, is_lead=True, agency="Sở KH&CN", actor=office)
    dossier = accepted_dossier()
    round_ = councils.create_round(council, name="Đợt", proposals_by=date(2026, 4, 30),
                                   finish_by=date(2026, 6, 30), is_extra=True, actor=office)
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, dossier, actor=office)
    login_as(advisor)
    response = form_post(client, f"/councils/evaluations/{evaluation.id}/review", {
        "notes": "Hồ sơ đầy đủ, cần xem lại nhãn", "site_visit_on": "31/02/2026",
        "site_visit_notes": "Cơ sở sạch sẽ", "report": "Báo cáo sơ bộ của tổ"},
        form_page=f"/councils/evaluations/{evaluation.id}")
    assert response.status_code == 422
    page = text(response)
    for typed in ("Hồ sơ đầy đủ, cần xem lại nhãn", "31/02/2026", "Cơ sở sạch sẽ",
                  "Báo cáo sơ bộ của tổ"):
        assert typed in page, typed
    db.session.rollback()
    assert db.session.get(type(evaluation), evaluation.id).advisory_notes == ""


def test_supplement_and_conflict_reasons_too_short_are_kept(client, db, login_as):
    council, office, _members = make_council(members=3)
    dossier = accepted_dossier()
    round_ = councils.create_round(council, name="Đợt", proposals_by=date(2026, 4, 30),
                                   finish_by=date(2026, 6, 30), is_extra=True, actor=office)
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, dossier, actor=office)
    page_url = f"/councils/evaluations/{evaluation.id}"
    login_as(office)
    response = form_post(client, f"{page_url}/supplement", {"reason": "Ab"},
                         form_page=page_url)
    assert response.status_code == 422
    assert re.search(r">\s*Ab</textarea>", text(response))
    assert "Vui lòng ghi rõ nội dung cần bổ sung." in text(response)
    db.session.rollback()
    assert db.session.get(type(evaluation), evaluation.id).status.value == "review"


def test_revocation_with_a_bad_date_keeps_the_typed_fields_and_ticks(client, db, login_as):
    from tests.factories import issued_certificate

    certificate, office = issued_certificate(star=3)
    login_as(office)
    response = form_post(client, "/certificates/revoke", {
        "certificate_id": str(certificate.id), "revoke-ground": "production_stopped",
        "revoke-number": "2790/QĐ-UBND", "revoke-decided_on": "32/13/2026",
        "revoke-signer_name": "Nguyễn Văn Công", "revoke-signer_title": "PHÓ CHỦ TỊCH"},
        form_page="/certificates/")
    assert response.status_code == 422
    page = text(response)
    for typed in ("2790/QĐ-UBND", "32/13/2026", "Nguyễn Văn Công", "PHÓ CHỦ TỊCH"):
        assert f'value="{typed}"' in page, typed
    assert re.search(rf'value="{certificate.id}"[^>]*checked', page)
    assert re.search(r'<option selected value="production_stopped"|'
                     r'<option value="production_stopped" selected', page)
