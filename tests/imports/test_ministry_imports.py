"""The ministry's pre-system 5-star certificates (issue 15, point 5): imported or recorded one
by one by the ministry's OCOP office, for a product of any province, with the ministry as
the recognising authority; a province cannot import 5 stars, the ministry only 5 stars."""
from __future__ import annotations

import re
from datetime import date

from ocop_rating.accounts.roles import Role
from ocop_rating.audit import AuditEvent
from ocop_rating.certificates.models import AuthorityLevel, Certificate, Decision
from ocop_rating.products.models import Product
from tests.conftest import committed, form_post
from tests.factories import DI_LINH, LAM_DONG, QUANG_NINH, make_producer, make_user
from tests.imports.helpers import confirm, errors_table, upload, workbook


def _count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _dry_run_url(response) -> str:
    return response.request.path + ("?" + response.request.query_string.decode()
                                    if response.request.query_string else "")


def _row(registration: str, **changes) -> dict:
    return {"Số giấy chứng nhận": "05/GCN-BNNMT", "Số quyết định": "1234/QĐ-BNNMT",
            "Ngày quyết định": "15/09/2024", "Ngày cấp": "", "Cơ quan công nhận": "",
            "Người ký": "Trần Thanh Nam", "Chức vụ người ký": "Thứ trưởng",
            "Hạng sao": "5", "Bộ tiêu chí": "148/2023", "Mã số đăng ký chủ thể": registration,
            "Tên sản phẩm": "Cà phê Di Linh", "Bộ sản phẩm": "2", "Có giá trị đến": "",
            **changes}


def _province_4_star(client, db, login_as, producer):
    """The province imports the product's 4-star certificate first (creating the product)."""
    login_as(make_user(Role.province, province_code=LAM_DONG))
    page = upload(client, "certificates", workbook("certificates", [_row(
        producer.registration_number, **{
            "Số giấy chứng nhận": "40/GCN-UBND", "Số quyết định": "400/QĐ-UBND",
            "Ngày quyết định": "10/03/2023", "Hạng sao": "4",
            "Người ký": "Nguyễn Văn Bình", "Chức vụ người ký": "Phó Chủ tịch"})]))
    assert confirm(client, _dry_run_url(page)).status_code == 302
    assert form_post(client, "/logout", form_page="/").status_code == 302
    committed(db)
    return db.session.scalar(db.select(Certificate).filter_by(number="40/GCN-UBND"))


def test_ministry_imports_a_148_five_star_certificate_of_any_province(client, db, login_as,
                                                                      app):
    producer, _ = make_producer(commune_code=DI_LINH)  # in Lâm Đồng
    four = _province_4_star(client, db, login_as, producer)
    assert four is not None and four.issuer_key == LAM_DONG
    ministry = login_as(make_user(Role.ministry))
    content = workbook("certificates", [_row(producer.registration_number)])
    page = upload(client, "certificates", content)
    assert "1 dòng sẽ được nhập" in page.get_data(as_text=True), page.get_data(as_text=True)
    assert confirm(client, _dry_run_url(page)).status_code == 302
    committed(db)
    five = db.session.scalar(db.select(Certificate).filter_by(number="05/GCN-BNNMT"))
    assert five.star == 5 and five.issuer_key == "BO" and five.rulebook_code == "qd148-2023"
    assert five.province_code == LAM_DONG and five.product_id == four.product_id
    assert five.expires_on == date(2027, 9, 15)
    decision = five.decision
    assert decision.authority_level == AuthorityLevel.ministry and decision.is_legacy
    assert decision.province_code is None
    assert decision.authority_name == "Bộ Nông nghiệp và Môi trường"
    db.session.refresh(four)
    assert four.superseded_by_id == five.id
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="imported_certificates",
                                                              actor_id=ministry.id))
    assert event is not None and event.province_code is None and event.data["created"] == 1
    assert _count(db, Product) == 1  # the province's product, no new one

    # The ministry's list of its imports shows it.
    index = client.get("/imports/").get_data(as_text=True)
    assert 'id="recent-imports"' in index and "danh-sach.xlsx" in index

    # Re-run: nothing changes.
    again = upload(client, "certificates", content)
    assert "Không có gì để nhập" in again.get_data(as_text=True)
    assert confirm(client, _dry_run_url(again)).status_code == 302
    committed(db)
    assert _count(db, Certificate) == 2 and _count(db, Decision) == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).filter_by(
        action="imported_certificates", actor_id=ministry.id)) == 1

    public = app.test_client()
    html = public.get(f"/verify/{five.token}").get_data(as_text=True)
    assert 'data-status="valid"' in html or "Còn hiệu lực" in html
    instrument = html.split('id="instrument"')[1].split("</dd>")[0]
    assert "Quyết định 148/QĐ-TTg" in instrument and "A40/B25/C35" in instrument
    authority = html.split("Cơ quan cấp")[1].split("</dd>")[0]
    assert "Bộ Nông nghiệp và Môi trường" in authority
    body = public.get("/api/v1/certificates/05/GCN-BNNMT").get_json()
    assert body["instrument"]["weights"] == "A40/B25/C35" and body["star"] == 5


def test_a_province_cannot_import_five_stars_and_nothing_is_imported(client, db, login_as):
    producer, _ = make_producer()  # in Quảng Ninh
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    reg = producer.registration_number
    rows = [_row(reg, **{"Số giấy chứng nhận": "41/GCN-UBND", "Số quyết định": "41/QĐ-UBND",
                         "Hạng sao": "4", "Tên sản phẩm": "Chả mực Vân Đồn"}),
            _row(reg, **{"Tên sản phẩm": "Chả mực Vân Đồn"})]
    page = upload(client, "certificates", workbook("certificates", rows))
    errors = errors_table(page.get_data(as_text=True))
    assert "<td>3</td><td>Hạng sao</td>" in errors and "<td>2</td>" not in errors
    assert "Bộ Nông nghiệp và Môi trường" in errors
    confirm(client, _dry_run_url(page))
    committed(db)
    assert _count(db, Certificate) == 0 and _count(db, Decision) == 0
    assert _count(db, Product) == 0


def test_the_ministry_imports_only_five_stars_of_existing_products(client, db, login_as):
    producer, _ = make_producer(commune_code=DI_LINH)
    _province_4_star(client, db, login_as, producer)
    login_as(make_user(Role.ministry))
    reg = producer.registration_number
    rows = [_row(reg, **{"Hạng sao": "4"}),
            _row(reg, **{"Số giấy chứng nhận": "06/GCN-BNNMT", "Tên sản phẩm": "Chè Cầu Đất"}),
            _row(reg, **{"Số giấy chứng nhận": "07/GCN-BNNMT"})]
    page = upload(client, "certificates", workbook("certificates", rows))
    errors = errors_table(page.get_data(as_text=True))
    assert "<td>2</td><td>Hạng sao</td>" in errors and "chỉ ghi nhận giấy chứng nhận 5 sao" in errors
    assert "<td>3</td><td>Tên sản phẩm</td>" in errors and "Chè Cầu Đất" in errors
    assert "<td>4</td>" not in errors
    confirm(client, _dry_run_url(page))
    committed(db)
    assert _count(db, Certificate) == 1 and _count(db, Product) == 1  # the province's only


def test_the_ministry_sees_the_certificate_import_only(client, db, login_as):
    login_as(make_user(Role.ministry))
    home = client.get("/").get_data(as_text=True)
    assert 'href="/imports/"' in home
    index = client.get("/imports/")
    html = index.get_data(as_text=True)
    assert index.status_code == 200 and 'id="import-certificates"' in html
    for code in ("producers", "products", "council_members"):
        assert f'id="import-{code}"' not in html
        assert client.get(f"/imports/{code}/template.xlsx").status_code == 403
    assert client.get("/imports/certificates/template.xlsx").status_code == 200


def test_the_administrator_is_national_too(app, db):
    client = app.test_client()
    admin = make_user(Role.admin)
    db.session.commit()
    form_post(client, "/login", {"username": admin.username, "password": "correct-horse-42"})
    html = client.get("/imports/").get_data(as_text=True)
    assert 'id="import-certificates"' in html and 'id="import-producers"' not in html
    assert client.get("/imports/products/template.xlsx").status_code == 403
    assert 'id="national-note"' in client.get("/imports/certificate").get_data(as_text=True)


def test_the_ministry_single_certificate_form_keeps_input_and_records(client, db, login_as):
    producer, _ = make_producer(commune_code=DI_LINH)
    four = _province_4_star(client, db, login_as, producer)
    login_as(make_user(Role.ministry))
    page = client.get("/imports/certificate")
    assert 'id="national-note"' in page.get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    values = {"number": "09/GCN-BNNMT", "decision_number": "99/QĐ-BNNMT",
              "decided_on": "01/03/2025", "signer_name": "Trần Thanh Nam",
              "signer_title": "Thứ trưởng", "star": "4", "instrument": "148+1489/2025",
              "authority": "Bộ Nông nghiệp và Phát triển nông thôn",
              "registration_number": producer.registration_number,
              "product_name": "Cà phê Di Linh", "set_no": "2", "csrf_token": token.group(1)}
    bad = client.post("/imports/certificate", data=values)
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "chỉ ghi nhận giấy chứng nhận 5 sao" in html and 'value="Cà phê Di Linh"' in html
    assert 'value="99/QĐ-BNNMT"' in html
    committed(db)
    assert _count(db, Certificate) == 1
    good = client.post("/imports/certificate", data={**values, "star": "5",
                                                     "instrument": "148/2023"})
    assert good.status_code == 302, good.get_data(as_text=True)
    committed(db)
    made = db.session.scalar(db.select(Certificate).filter_by(number="09/GCN-BNNMT"))
    assert made.star == 5 and made.issuer_key == "BO" and made.product_id == four.product_id
    assert made.decision.authority_name == "Bộ Nông nghiệp và Phát triển nông thôn"
    assert made.decision.authority_level == AuthorityLevel.ministry
