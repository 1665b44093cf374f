"""The whole dossier path in a real browser (issue 4): a producer signs up and is approved by
the commune, creates a product and a dossier, fills Form 01 and the self-assessment (autosave,
evidence uploads), submits; the commune checks it (Form 03) and forwards it; the province
accepts it."""
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from ocop_rating.accounts.roles import Role
from ocop_rating.accounts.services import find_user
from ocop_rating.dossiers import services as dossiers
from ocop_rating.dossiers.checklist import LOCAL_ITEMS, checklist_for
from ocop_rating.dossiers.models import Dossier
from ocop_rating.dossiers.states import DossierStatus
from ocop_rating.producers.models import Producer, ProducerStatus
from tests.browser.conftest import expect_http_error, login
from tests.conftest import committed
from tests.factories import (
    DEFAULT_PASSWORD,
    MINIMAL_PDF,
    QUANG_NINH,
    VAN_DON,
    make_user,
    pdf_upload,
)

pytestmark = pytest.mark.browser

SAVED = "✓ Đã lưu"


def item(page, code):
    """The card of one criterion of the sheet."""
    return page.locator(f'.sheet-item[data-code="{code}"]')


def tick(page, code, option):
    """Choose option ``option`` (0-based, in the legal order) of criterion ``code`` and wait
    until the autosave has answered."""
    card = item(page, code)
    with page.expect_response(re.compile(r"/self-assessment/autosave$")) as saved:
        card.get_by_role("radio").nth(option).check()
    assert saved.value.ok
    expect(card.locator(".save-state")).to_have_text(SAVED)


def fill_the_rest(dossier, user):
    """The producer's remaining claims (the best option) and one evidence file on every
    claimed item worth points that has none yet, through the services."""
    sheet = dossiers.sheet_of(dossier)
    claims = dossier.claims_by_code()
    dossiers.save_claims(dossier, {
        i.code: (len(i.options) - 1, None) for i in sheet.items
        if i.code not in claims and i.code not in dossiers.DERIVED_ITEMS}, actor=user)
    evidence = dossier.evidence_by_code()
    for choice in dossiers.projection(dossier).choices:
        if choice.points > 0 and choice.code not in dossiers.DERIVED_ITEMS \
                and not evidence.get(choice.code):
            dossiers.add_evidence(dossier, pdf_upload(f"minh-chung-{choice.code}.pdf"),
                                  item_code=choice.code, label="", actor=user)


def test_a_producer_signs_up_files_a_dossier_and_it_reaches_the_province(page, new_page, db):
    officer = make_user(Role.commune, commune_code=VAN_DON, full_name="Phạm Quốc Bảo")
    office = make_user(Role.province, province_code=QUANG_NINH, full_name="Trần Văn Đức")
    db.session.commit()

    # -- the producer signs up (public page) ------------------------------------------------
    page.goto("/producers/signup")
    page.get_by_label("Loại hình chủ thể").select_option(label="Hợp tác xã")
    page.get_by_label("Tên chủ thể").fill("Hợp tác xã Hải sản Cái Rồng")
    page.get_by_label("Mã số doanh nghiệp / HTX / hộ kinh doanh").fill("5701234567")
    province, commune = page.get_by_label("Tỉnh/thành phố"), page.get_by_label("Xã/phường")
    with page.expect_response(f"**/geo/provinces/{QUANG_NINH}/communes.json") as fetched:
        province.select_option(QUANG_NINH)
    assert fetched.value.ok
    commune.select_option(VAN_DON)
    expect(commune).to_have_value(VAN_DON)
    page.get_by_label("Địa chỉ (số nhà, thôn, ấp)").fill("Thôn 3, Cái Rồng")
    page.get_by_label("Điện thoại").fill("0203 3874 456")
    page.get_by_label("E-mail").fill("hstcairong@example.vn")
    page.get_by_label("Người đại diện theo pháp luật", exact=True).fill("Nông Thị Mai")
    page.get_by_label("Chức vụ").fill("Giám đốc")
    page.get_by_label("Giới tính người đại diện").select_option(label="Nữ")
    page.get_by_label("Dân tộc người đại diện").select_option(label="Tày")
    page.locator("input[name=representative_disabled][value=no]").check()
    page.get_by_label("Họ và tên người dùng tài khoản").fill("Nông Thị Mai")
    page.get_by_label("Tên đăng nhập").fill("htx.cairong")
    page.get_by_label("Mật khẩu", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()

    expect(page.get_by_role("heading", name="Đã gửi đăng ký")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Đặc khu Vân Đồn, Quảng Ninh")

    # … and cannot log in before an officer approves
    page.get_by_role("link", name="Về trang đăng nhập").click()
    expect_http_error(page, 422, "/login")
    page.get_by_label("Tên đăng nhập").fill("htx.cairong")
    page.get_by_label("Mật khẩu", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#password ~ .invalid-feedback")).to_contain_text(
        "Đăng ký của bạn đang chờ cán bộ xã hoặc văn phòng OCOP tỉnh phê duyệt.")

    # -- the commune officer approves -------------------------------------------------------
    commune_page = new_page()
    login(commune_page, officer)
    commune_page.goto("/producers/?status=pending")
    row = commune_page.get_by_role("row").filter(has_text="Hợp tác xã Hải sản Cái Rồng")
    expect(row).to_contain_text("5701234567")
    row.get_by_role("link", name="Hợp tác xã Hải sản Cái Rồng").click()
    commune_page.get_by_role("button", name="Phê duyệt").click()
    expect(commune_page.get_by_role("alert")).to_contain_text(
        "Đã phê duyệt Hợp tác xã Hải sản Cái Rồng.")
    committed(db)
    producer = db.session.scalar(db.select(Producer).filter_by(registration_number="5701234567"))
    assert producer.status == ProducerStatus.approved
    assert (producer.province_code, producer.commune_code) == (QUANG_NINH, VAN_DON)
    assert producer.representative_ethnicity == "02"

    # -- the producer adds a product and opens a dossier ------------------------------------
    owner = find_user("htx.cairong")
    login(page, owner)
    page.goto("/producers/mine")
    page.get_by_role("link", name="Thêm sản phẩm").click()
    page.get_by_label("Tên sản phẩm").fill("Sá sùng khô Cái Rồng")
    page.get_by_label("Bộ sản phẩm").select_option("1")
    page.get_by_role("button", name="Lưu sản phẩm").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã thêm sản phẩm Sá sùng khô Cái Rồng.")
    page.get_by_role("button", name="Lập hồ sơ mới").click()
    page.wait_for_url("**/registration")

    # Form 01
    page.get_by_label("Địa chỉ cơ sở sản xuất").fill("Xưởng chế biến, thôn 3, Cái Rồng")
    page.get_by_label("Năng lực sản xuất / quy mô (sản lượng năm)").fill("12 tấn/năm")
    page.get_by_label("Số mẫu sản phẩm đã giao cho xã").fill("5")
    # A native date picker (<input type=date>): its value is ISO whatever the display.
    page.get_by_label("Ngày giao mẫu (dd/mm/yyyy)").fill("2026-10-20")
    page.get_by_label("Người nhận mẫu").fill("Cán bộ văn hóa xã")
    page.get_by_role("button", name="Lưu phiếu đăng ký").click()
    page.wait_for_url("**/self-assessment")  # the next step: Form 02
    expect(page.get_by_role("alert")).to_contain_text("Đã lưu phiếu đăng ký.")
    dossier_path = urlsplit(page.url).path.removesuffix("/self-assessment")

    # -- Form 02: every choice is saved at once and the side panel follows -----------------
    total, star = page.locator("#total"), page.locator("#projected-star")
    part_b = page.locator('#projection [data-part="B"]')  # marketing: sections 4 and 5
    expect(total).to_have_text("1,0")  # 3.2, from the representative: a woman (and Tày)
    expect(star).to_have_text("★☆☆☆☆ 1 sao — không được công nhận")
    expect(item(page, "3.2").get_by_role("radio").nth(1)).to_be_checked()
    expect(item(page, "3.2").get_by_role("radio").nth(1)).to_be_disabled()
    loads = []
    page.on("load", lambda _page: loads.append(1))
    tick(page, "1.1", 2)  # 3 points
    expect(total).to_have_text("4,0")
    for code, option in [("4.1", 3), ("4.3", 4), ("5.1", 4), ("5.3", 3)]:  # 5 points each
        tick(page, code, option)
    expect(total).to_have_text("24,0")
    expect(part_b).to_have_text("20,0")
    expect(star).to_have_text("★☆☆☆☆ 1 sao — không được công nhận")
    tick(page, "9", 2)  # 5 more: 29 points
    tick(page, "10", 1)  # 3 more: 32 points, into the 2-star band
    expect(total).to_have_text("32,0")
    expect(star).to_have_text("★★☆☆☆ 2 sao — không được công nhận")
    tick(page, "10", 0)  # changed mind: 1 point, back to 30
    expect(total).to_have_text("30,0")
    expect(star).to_have_text("★★☆☆☆ 2 sao — không được công nhận")
    assert loads == []  # all without reloading the page
    committed(db)
    dossier = db.session.scalar(db.select(Dossier).filter_by(producer_id=producer.id))
    assert dossier_path == f"/dossiers/{dossier.id}"
    assert (dossier.production_address, dossier.annual_capacity, dossier.samples_count,
            dossier.samples_handed_on, dossier.samples_received_by) == (
        "Xưởng chế biến, thôn 3, Cái Rồng", "12 tấn/năm", 5, date(2026, 10, 20),
        "Cán bộ văn hóa xã")
    claims = dossier.claims_by_code()
    assert {c: claims[c].option_index for c in ("1.1", "4.1", "9", "10")} == {
        "1.1": 2, "4.1": 3, "9": 2, "10": 0}

    # -- evidence for one criterion: a real PDF is kept, a disguised file is refused --------
    # (sent by evidence.js without reloading the page; the refusal stands beside 1.1)
    card = item(page, "1.1")
    card.get_by_text("Minh chứng (0)").click()
    expect(card.locator(".form-text")).to_contain_text("Tối đa 20 MB mỗi tệp, 25 MB mỗi lần gửi.")
    card.get_by_label("Tệp minh chứng cho mục 1.1").set_input_files(files=[{
        "name": "giay-xac-nhan-vung-nguyen-lieu.pdf", "mimeType": "application/pdf",
        "buffer": MINIMAL_PDF}])
    card.get_by_label("Mô tả tệp").fill("Giấy xác nhận vùng nguyên liệu")
    card.get_by_role("button", name="Tải lên").click()
    expect(card.locator(".upload-status")).to_have_text("✓ Đã tải lên 1 minh chứng.")
    expect(card.get_by_text("Minh chứng (1)")).to_be_visible()
    expect(card.get_by_role("link", name="Giấy xác nhận vùng nguyên liệu")).to_be_visible()

    expect_http_error(page, 422, f"{dossier_path}/evidence")
    card.get_by_label("Tệp minh chứng cho mục 1.1").set_input_files(files=[{
        "name": "gia-mao.pdf", "mimeType": "application/pdf",
        "buffer": b"<!doctype html><html><body><script>alert(1)</script></body></html>"}])
    card.get_by_role("button", name="Tải lên").click()
    expect(card.get_by_role("alert")).to_contain_text(
        "Tệp “gia-mao.pdf” không phải PDF, JPEG, PNG, DOCX hoặc XLSX.")
    expect(card.get_by_text("Minh chứng (1)")).to_be_visible()  # nothing was added
    expect(total).to_have_text("30,0")
    assert loads == []  # the uploads did not reload the page

    # The rest of the sheet and its evidence through the services, to keep the test short.
    committed(db)
    dossier = db.session.get(Dossier, dossier.id)
    fill_the_rest(dossier, owner)
    db.session.commit()

    page.get_by_role("link", name="Tổng quan").click()
    expect(page.get_by_text("Hồ sơ đã đủ để nộp.")).to_be_visible()
    page.get_by_role("button", name="Nộp hồ sơ cho UBND xã").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã nộp hồ sơ.")
    expect(page.locator(".badge").filter(has_text="Đã nộp cấp xã")).to_be_visible()

    # -- the commune checks it (Form 03) and forwards it -------------------------------------
    commune_page.goto(f"/dossiers/{dossier.id}")
    commune_page.get_by_role("link", name="Lập phiếu kiểm tra (Mẫu 03)").click()
    commune_page.wait_for_url("**/commune-check")
    boxes = commune_page.get_by_role("group", name="Thành phần hồ sơ").get_by_role("checkbox")
    expect(boxes).to_have_count(len(checklist_for(1)))
    for i in range(boxes.count()):
        boxes.nth(i).check()
    for field, label in LOCAL_ITEMS:
        commune_page.get_by_label(str(label)).fill(f"Đạt — {label}.")
    commune_page.get_by_label("Ý kiến đề xuất").fill("Đề nghị Văn phòng OCOP tỉnh đánh giá.")
    commune_page.get_by_role("button", name="Lưu và chuyển lên tỉnh").click()
    expect(commune_page.get_by_role("alert")).to_contain_text("Đã chuyển hồ sơ lên tỉnh.")
    expect(commune_page.locator(".badge").filter(has_text="Đã chuyển cấp tỉnh")).to_be_visible()

    # -- the province accepts it -------------------------------------------------------------
    province_page = new_page()
    login(province_page, office)
    province_page.goto("/dossiers/?status=forwarded")
    province_page.get_by_role("row").filter(has_text="Sá sùng khô Cái Rồng") \
        .get_by_role("link", name="Sá sùng khô Cái Rồng").click()
    province_page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(province_page.get_by_role("alert")).to_contain_text("Đã tiếp nhận hồ sơ.")
    expect(province_page.locator(".badge").filter(
        has_text="Đã tiếp nhận, chờ đánh giá")).to_be_visible()
    expect(province_page.get_by_text("☑ Nhãn, bao bì sản phẩm")).to_be_visible()

    province_page.get_by_role("button", name="Tải PDF").click()
    form_02 = province_page.get_by_role("link", name="Mẫu 02 — Phiếu tự đánh giá")
    expect(form_02).to_be_visible()
    response = province_page.request.get(form_02.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

    committed(db)
    dossier = db.session.get(Dossier, dossier.id)
    assert dossier.status == DossierStatus.accepted
    assert dossier.product.code  # assigned on submission
    assert dossier.commune_check.checklist == {i.code: True for i in checklist_for(1)}
