"""XLSX imports of a provincial office (issue 15, point 5)."""
from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook

from ocop_rating.accounts.roles import Role
from ocop_rating.audit import AuditEvent
from ocop_rating.certificates.models import Certificate, Decision
from ocop_rating.councils import services as councils
from ocop_rating.councils.models import CouncilMember, MemberRole
from ocop_rating.imports import services
from ocop_rating.producers.models import Producer, ProducerStatus
from ocop_rating.products.models import Product
from tests.conftest import committed
from tests.factories import (
    DI_LINH, HA_LONG, LAM_DONG, QUANG_NINH, make_producer, make_user)
from tests.imports.helpers import confirm, errors_table, producer_row, upload, workbook


def _count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _imports(db) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action.like("imported_%")).order_by(AuditEvent.id)))


def _dry_run_url(response) -> str:
    return response.request.path + ("?" + response.request.query_string.decode()
                                    if response.request.query_string else "")


def test_templates_open_with_openpyxl_and_name_every_column(client, db, login_as):
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    for code, kind in services.KINDS.items():
        response = client.get(f"/imports/{code}/template.xlsx")
        assert response.status_code == 200, code
        assert response.headers["Content-Disposition"].startswith("attachment;")
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        headers = [c.value for c in next(book["Du lieu"].iter_rows(max_row=1))]
        assert headers == [c.header for c in kind.columns], code
        assert "Huong dan" in book.sheetnames


def test_one_bad_row_imports_nothing_and_names_the_row(client, db, login_as):
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    content = workbook("producers", [
        producer_row(),
        producer_row(**{"Mã số đăng ký": "5709990002", "Tên chủ thể": "HTX Hai"}),
        producer_row(**{"Mã số đăng ký": "5709990003", "Dân tộc": "Không có"}),
    ])
    page = upload(client, "producers", content)
    html = page.get_data(as_text=True)
    errors = errors_table(html)
    assert re.search(r"<td>4</td><td>Dân tộc</td><td>Dân tộc “Không có” không có", errors)
    assert errors.count("<tr><td>") == 1 and "confirm-import" not in html
    before = _count(db, Producer)
    response = confirm(client, _dry_run_url(page))  # forcing the confirmation anyway
    assert response.status_code == 302
    assert "chưa nhập dòng nào" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    committed(db)
    assert _count(db, Producer) == before == 0 and _imports(db) == []


def test_clean_import_creates_all_rows_audited_and_a_rerun_changes_nothing(client, db,
                                                                            login_as):
    office = login_as(make_user(Role.province, province_code=QUANG_NINH))
    content = workbook("producers", [
        producer_row(),
        producer_row(**{"Mã số đăng ký": "5709990002", "Tên chủ thể": "HTX Hai",
                        "Mã xã/phường": HA_LONG, "Giới tính": "Nam", "Dân tộc": "Kinh",
                        "Người khuyết tật": "Có"}),
    ])
    page = upload(client, "producers", content)
    assert "2 dòng sẽ được nhập" in page.get_data(as_text=True)
    response = confirm(client, _dry_run_url(page))
    assert response.status_code == 302
    committed(db)
    made = db.session.scalars(db.select(Producer).order_by(Producer.registration_number)).all()
    assert [p.registration_number for p in made] == ["5709990001", "5709990002"]
    assert all(p.status == ProducerStatus.approved for p in made)
    assert made[0].representative_ethnicity == "02" and made[1].representative_disabled
    events = _imports(db)
    assert len(events) == 1 and events[0].actor_id == office.id
    assert events[0].data["created"] == 2 and events[0].province_code == QUANG_NINH
    audit_rows = _count(db, AuditEvent)

    again = upload(client, "producers", content)
    assert "Không có gì để nhập: cả 2 dòng" in again.get_data(as_text=True)
    response = confirm(client, _dry_run_url(again))
    assert response.status_code == 302
    assert "Không có gì thay đổi" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    committed(db)
    assert _count(db, Producer) == 2 and len(_imports(db)) == 1
    # the second upload's file row is all the re-run wrote
    assert _count(db, AuditEvent) == audit_rows


def test_a_failing_row_at_apply_rolls_back_every_row(client, db, login_as, app):
    """One transaction: a row refused while writing (here a producer registered by someone
    else between the dry run and the confirmation) leaves none of the file's rows."""
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    content = workbook("producers", [
        producer_row(),
        producer_row(**{"Mã số đăng ký": "5709990002", "Tên chủ thể": "HTX Hai"})])
    page = upload(client, "producers", content)
    url = _dry_run_url(page)
    make_producer(registration_number="5709990002", commune_code=DI_LINH)
    db.session.commit()
    response = confirm(client, url)
    assert response.status_code == 302
    committed(db)
    numbers = set(db.session.scalars(db.select(Producer.registration_number)))
    assert "5709990001" not in numbers and _imports(db) == []


def test_province_b_cannot_import_into_province_a_communes(client, db, login_as):
    login_as(make_user(Role.province, province_code=LAM_DONG))
    page = upload(client, "producers", workbook("producers", [producer_row()]))
    errors = errors_table(page.get_data(as_text=True))
    assert "<td>2</td><td>Mã xã/phường</td>" in errors
    assert "không thuộc tỉnh của bạn" in errors
    committed(db)
    assert _count(db, Producer) == 0


def test_province_b_cannot_import_certificates_of_province_a_producers(client, db, login_as):
    producer, _ = make_producer()  # in Quảng Ninh
    login_as(make_user(Role.province, province_code=LAM_DONG))
    page = upload(client, "certificates", workbook("certificates", [_certificate_row(
        producer.registration_number)]))
    errors = errors_table(page.get_data(as_text=True))
    assert "<td>2</td><td>Mã số đăng ký chủ thể</td>" in errors
    assert "không thuộc tỉnh của bạn" in errors
    committed(db)
    assert _count(db, Certificate) == 0


def _certificate_row(registration: str, **changes) -> dict:
    return {"Số giấy chứng nhận": "85/GCN-UBND", "Số quyết định": "3456/QĐ-UBND",
            "Ngày quyết định": "15/09/2024", "Ngày cấp": "", "Cơ quan công nhận": "",
            "Người ký": "Nguyễn Văn Hùng", "Chức vụ người ký": "Phó Chủ tịch",
            "Hạng sao": "4", "Bộ tiêu chí": "148/2023", "Mã số đăng ký chủ thể": registration,
            "Tên sản phẩm": "Chả mực Vân Đồn", "Bộ sản phẩm": "2", "Có giá trị đến": "",
            **changes}


def test_imported_148_certificate_verifies_on_the_public_page_with_its_weights(client, db,
                                                                                login_as, app):
    producer, _ = make_producer()
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    rows = [_certificate_row(producer.registration_number),
            _certificate_row(producer.registration_number, **{
                "Số giấy chứng nhận": "12/GCN", "Số quyết định": "1200/QĐ-UBND",
                "Ngày quyết định": "20/10/2021", "Bộ tiêu chí": "1048/2019", "Hạng sao": "3",
                "Cơ quan công nhận": "Ủy ban nhân dân huyện Vân Đồn"})]
    page = upload(client, "certificates", workbook("certificates", rows))
    assert "2 dòng sẽ được nhập" in page.get_data(as_text=True), page.get_data(as_text=True)
    assert confirm(client, _dry_run_url(page)).status_code == 302
    committed(db)
    new = db.session.scalar(db.select(Certificate).filter_by(number="85/GCN-UBND"))
    old = db.session.scalar(db.select(Certificate).filter_by(number="12/GCN"))
    assert new.rulebook_code == "qd148-2023" and new.expires_on == date(2027, 9, 15)
    assert old.rulebook_code == "qd1048-2019" and old.superseded_by_id == new.id
    assert old.decision.authority_name == "Ủy ban nhân dân huyện Vân Đồn"
    assert new.decision.is_legacy and new.product_id == old.product_id
    client = app.test_client()  # the public, not logged in
    html = client.get(f"/verify/{new.token}").get_data(as_text=True)
    assert 'data-status="valid"' in html or "Còn hiệu lực" in html
    instrument = html.split('id="instrument"')[1].split("</dd>")[0]
    assert "Quyết định 148/QĐ-TTg" in instrument and "A40/B25/C35" in instrument
    html = client.get(f"/verify/{old.token}").get_data(as_text=True)
    instrument = html.split('id="instrument"')[1].split("</dd>")[0]
    assert "Quyết định 1048/QĐ-TTg" in instrument and "A35/B25/C40" in instrument
    body = client.get("/api/v1/certificates/85/GCN-UBND").get_json()
    assert body["instrument"]["weights"] == "A40/B25/C35"
    assert body["instrument"]["code"] == "qd148-2023"


def test_certificate_rows_are_checked_against_the_law(client, db, login_as):
    producer, _ = make_producer()
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    reg = producer.registration_number
    rows = [
        _certificate_row(reg, **{"Hạng sao": "5"}),
        _certificate_row(reg, **{"Số giấy chứng nhận": "2/GCN", "Bộ tiêu chí": "26/2026"}),
        _certificate_row(reg, **{"Số giấy chứng nhận": "3/GCN", "Bộ tiêu chí": "148/2023",
                                 "Ngày quyết định": "10/01/2022"}),
        _certificate_row(reg, **{"Số giấy chứng nhận": "4/GCN", "Số quyết định": "9/QĐ",
                                 "Có giá trị đến": "15/09/2028"}),
        _certificate_row(reg, **{"Số giấy chứng nhận": "5/GCN", "Ngày quyết định": "31/02/2024",
                                 "Số quyết định": "10/QĐ"}),
    ]
    errors = errors_table(upload(client, "certificates", workbook("certificates", rows))
                          .get_data(as_text=True))
    assert "<td>2</td><td>Hạng sao</td>" in errors
    assert "<td>3</td><td>Bộ tiêu chí</td>" in errors
    assert "<td>4</td><td>Bộ tiêu chí</td>" in errors and "có hiệu lực từ 24/02/2023" in errors
    assert "<td>5</td><td>Có giá trị đến</td>" in errors and "15/09/2027" in errors
    assert "<td>6</td><td>Ngày quyết định</td>" in errors
    committed(db)
    assert _count(db, Certificate) == 0 and _count(db, Decision) == 0


def test_single_certificate_form(client, db, login_as):
    producer, _ = make_producer()
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    page = client.get("/imports/certificate")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    values = {"number": "7/GCN", "decision_number": "77/QĐ-UBND", "decided_on": "01/03/2025",
              "signer_name": "Trần Văn An", "signer_title": "Chủ tịch", "star": "3",
              "instrument": "1048", "registration_number": producer.registration_number,
              "product_name": "Mật ong rừng", "set_no": "4"}
    bad = client.post("/imports/certificate", data={**values, "decided_on": "hôm qua",
                                                    "csrf_token": token.group(1)})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "Ngày không hợp lệ (dd/mm/yyyy)." in html and 'value="Mật ong rừng"' in html
    good = client.post("/imports/certificate", data={**values, "csrf_token": token.group(1)})
    assert good.status_code == 302
    committed(db)
    made = db.session.scalar(db.select(Certificate).filter_by(number="7/GCN"))
    assert made.rulebook_code == "qd1048-2019" and made.star == 3
    assert db.session.scalar(db.select(Product).filter_by(id=made.product_id)).set_no == 4


def test_council_members_of_a_new_term(client, db, login_as):
    office = make_user(Role.province, province_code=QUANG_NINH)
    council = councils.create_council(
        level=__import__("ocop_rating.councils.models", fromlist=["CouncilLevel"]).CouncilLevel
        .province, province_code=QUANG_NINH, name="Hội đồng OCOP tỉnh nhiệm kỳ 2027-2029",
        decision_number="500/QĐ-UBND", decision_date=date(2026, 11, 1),
        term_from=date(2027, 1, 1), term_to=date(2029, 12, 31), actor=office)
    chair = make_user(Role.council_member, province_code=QUANG_NINH)
    member = make_user(Role.council_member, province_code=QUANG_NINH)
    login_as(office)
    rows = [{"Tên đăng nhập": chair.username, "Vai trò": "Chủ tịch hội đồng",
             "Cơ quan": "UBND tỉnh"},
            {"Tên đăng nhập": member.username, "Vai trò": "Thành viên",
             "Cơ quan": "Sở Y tế", "Mã xã nơi cư trú": HA_LONG},
            {"Tên đăng nhập": "khong-co-ai", "Vai trò": "Thành viên"}]
    errors = errors_table(upload(client, "council_members", workbook("council_members", rows),
                                 council=council).get_data(as_text=True))
    assert "<td>4</td><td>Tên đăng nhập</td>" in errors
    committed(db)
    assert _count(db, CouncilMember) == 0
    content = workbook("council_members", rows[:2])
    page = upload(client, "council_members", content, council=council)
    assert confirm(client, _dry_run_url(page)).status_code == 302
    committed(db)
    made = db.session.scalars(db.select(CouncilMember).order_by(CouncilMember.id)).all()
    assert [(m.user_id, m.role) for m in made] == [(chair.id, MemberRole.chair),
                                                  (member.id, MemberRole.member)]
    assert made[1].home_commune_code == HA_LONG
    again = upload(client, "council_members", content, council=council)
    assert "Không có gì để nhập" in again.get_data(as_text=True)


def test_uploads_are_checked_by_content_and_offices_only(client, db, login_as, app):
    from ocop_rating.demo import MINIMAL_PDF

    login_as(make_user(Role.province, province_code=QUANG_NINH))
    response = upload(client, "producers", MINIMAL_PDF, name="danh-sach.xlsx")
    assert response.status_code == 400
    assert "không phải XLSX" in response.get_data(as_text=True)
    committed(db)
    assert _count(db, Producer) == 0
    client = app.test_client()
    from tests.conftest import form_post

    commune = make_user(Role.commune)
    db.session.commit()
    form_post(client, "/login", {"username": commune.username,
                                 "password": "correct-horse-42"})
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/producers/template.xlsx").status_code == 403


def test_nav_shows_imports_to_offices_and_the_account_page_links_tokens(client, db,
                                                                         login_as):
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    home = client.get("/").get_data(as_text=True)
    assert 'href="/imports/"' in home and 'href="/account/tokens"' in home
    account = client.get("/account").get_data(as_text=True)
    assert 'id="tokens-link"' in account and "/account/tokens" in account
    assert client.get("/account/tokens").status_code == 200


def test_nav_hides_imports_from_other_roles(app, db):
    from tests.conftest import form_post

    client = app.test_client()
    user = make_user(Role.commune)
    db.session.commit()
    form_post(client, "/login", {"username": user.username, "password": "correct-horse-42"})
    home = client.get("/").get_data(as_text=True)
    assert 'href="/imports/"' not in home and 'href="/account/tokens"' in home


def test_cells_typed_as_numbers_and_dates_read_as_text(client, db, login_as):
    """A commune code typed as a number (its leading zero lost), a registration number as a
    number and a date cell are read as the text a person meant."""
    import datetime as dt

    login_as(make_user(Role.province, province_code=QUANG_NINH))
    producer_file = workbook("producers", [producer_row(**{
        "Mã số đăng ký": 5709990001, "Mã xã/phường": 6994})])
    page = upload(client, "producers", producer_file)
    assert "1 dòng sẽ được nhập" in page.get_data(as_text=True)
    assert confirm(client, _dry_run_url(page)).status_code == 302
    page = upload(client, "certificates", workbook("certificates", [_certificate_row(
        "5709990001", **{"Ngày quyết định": dt.datetime(2024, 9, 15), "Hạng sao": 4,
                         "Bộ sản phẩm": 2})]))
    assert "1 dòng sẽ được nhập" in page.get_data(as_text=True), page.get_data(as_text=True)


def test_a_workbook_without_the_columns_is_refused_whole(client, db, login_as):
    from openpyxl import Workbook

    login_as(make_user(Role.province, province_code=QUANG_NINH))
    book = Workbook()
    book.active.append(["Tên", "Địa chỉ"])
    book.active.append(["HTX A", "Thôn 1"])
    out = io.BytesIO()
    book.save(out)
    page = upload(client, "producers", out.getvalue())
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert 'id="file-error"' in html and "Thiếu cột: Mã số đăng ký" in html


def test_rows_are_limited_and_cells_read_safely(tmp_path, app):
    from openpyxl import Workbook

    from ocop_rating.imports import sheet
    from ocop_rating.imports.producers import COLUMNS

    book = Workbook()
    book.active.append([c.header for c in COLUMNS])
    for n in range(sheet.MAX_ROWS + 1):
        book.active.append([f"{5700000000 + n}"])
    path = tmp_path / "many"  # no extension, as blobs are stored
    book.save(path)
    with app.test_request_context():
        try:
            sheet.read_rows(path, COLUMNS)
        except sheet.ImportFileError as e:
            assert e.code == "too_many_rows" and str(sheet.MAX_ROWS) in e.message
        else:
            raise AssertionError("a file over the row limit was read")
    assert sheet.cell_text(5.0) == "5" and sheet.cell_text(" a\x00b \n c ") == "ab c"
    assert sheet.cell_text("=HYPERLINK(1)") == "=HYPERLINK(1)"  # text, never evaluated
    assert len(sheet.cell_text("x" * 5000)) == sheet.MAX_CELL
