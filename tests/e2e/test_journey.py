"""The whole journey in a real browser (issue 14 §10), run by ``make test-e2e`` (.ci/run runs
it on SQLite and PostgreSQL after the two suites): a producer signs up and files a dossier with
evidence; the commune approves and forwards it; the province accepts it and puts it in a round;
three members score on a tablet (one reloads mid-sheet and keeps the choices); the chair
concludes; a decision is issued; the certificate PDF downloads; the public page opened from the
QR code's decoded URL shows it valid; the clock moves and the re-evaluation notice appears; a
revocation shows on the public page.

Long sheets are completed through the services where the browser has shown the behaviour
(the same helpers as tests/browser), so the journey stays a few minutes long."""
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import time_machine
from playwright.sync_api import expect

from ocop_rating.accounts.roles import Role
from ocop_rating.accounts.services import find_user
from ocop_rating.certificates.models import Certificate
from ocop_rating.councils import services as councils
from ocop_rating.councils.models import Evaluation
from ocop_rating.dossiers.checklist import LOCAL_ITEMS
from ocop_rating.dossiers.models import Dossier
from ocop_rating.legaltime import legal_today
from ocop_rating.producers.models import Producer
from tests.browser.a11y import assert_accessible
from tests.browser.conftest import TABLET, login
from tests.browser.test_dossiers import fill_the_rest as fill_the_dossier
from tests.browser.test_scoring import CHOICES, choose, fill_the_rest, goto_sheet, option
from tests.conftest import committed
from tests.factories import DEFAULT_PASSWORD, MINIMAL_PDF, QUANG_NINH, VAN_DON, make_council, make_user
from tests.files.samples import png_bytes
from tests.public.helpers import qr_payloads

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

NAME = "Hợp tác xã Chè Hoa Vàng Vân Đồn"
PRODUCT = "Trà hoa vàng sấy lạnh"


def test_the_whole_journey(new_page, db, cli):
    officer = make_user(Role.commune, commune_code=VAN_DON, full_name="Phạm Quốc Bảo")
    council, office, members = make_council(members=3)
    db.session.commit()

    # -- a producer signs up; the commune approves -----------------------------------------
    page = new_page()
    page.goto("/producers/signup")
    page.get_by_label("Loại hình chủ thể").select_option(label="Hợp tác xã")
    page.get_by_label("Tên chủ thể").fill(NAME)
    page.get_by_label("Mã số doanh nghiệp / HTX / hộ kinh doanh").fill("5709876543")
    with page.expect_response(f"**/geo/provinces/{QUANG_NINH}/communes.json"):
        page.get_by_label("Tỉnh/thành phố").select_option(QUANG_NINH)
    page.get_by_label("Xã/phường").select_option(VAN_DON)
    page.get_by_label("Địa chỉ (số nhà, thôn, ấp)").fill("Thôn 5, Đài Xuyên")
    page.get_by_label("Điện thoại").fill("0203 3990 123")
    page.get_by_label("E-mail").fill("chehoavang@example.vn")
    page.get_by_label("Người đại diện theo pháp luật", exact=True).fill("Hoàng Văn Sơn")
    page.get_by_label("Chức vụ").fill("Giám đốc")
    page.get_by_label("Giới tính người đại diện").select_option(label="Nam")
    page.get_by_label("Dân tộc người đại diện").select_option(label="Kinh")
    page.locator("input[name=representative_disabled][value=no]").check()
    page.get_by_label("Họ và tên người dùng tài khoản").fill("Hoàng Văn Sơn")
    page.get_by_label("Tên đăng nhập").fill("htx.chehoavang")
    page.get_by_label("Mật khẩu", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("heading", name="Đã gửi đăng ký")).to_be_visible()

    commune = new_page()
    login(commune, officer)
    commune.goto("/producers/?status=pending")
    commune.get_by_role("link", name=NAME).click()
    commune.get_by_role("button", name="Phê duyệt").click()
    expect(commune.get_by_role("alert")).to_contain_text(f"Đã phê duyệt {NAME}.")

    # -- the producer files a dossier with evidence (two files at once) --------------------
    owner = find_user("htx.chehoavang")
    login(page, owner)
    page.goto("/producers/mine")
    page.get_by_role("link", name="Thêm sản phẩm").click()
    page.get_by_label("Tên sản phẩm").fill(PRODUCT)
    page.get_by_label("Bộ sản phẩm").select_option("1")
    page.get_by_role("button", name="Lưu sản phẩm").click()
    page.get_by_role("button", name="Lập hồ sơ mới").click()
    page.wait_for_url("**/registration")
    page.get_by_label("Địa chỉ cơ sở sản xuất").fill("Xưởng sấy, thôn 5, Đài Xuyên")
    page.get_by_label("Năng lực sản xuất / quy mô (sản lượng năm)").fill("2 tấn/năm")
    page.get_by_label("Số mẫu sản phẩm đã giao cho xã").fill("5")
    page.get_by_role("button", name="Lưu phiếu đăng ký").click()
    page.wait_for_url("**/self-assessment")
    dossier_path = urlsplit(page.url).path.removesuffix("/self-assessment")
    card = page.locator('.sheet-item[data-code="1.1"]')
    card.get_by_text("Minh chứng (0)").click()
    card.get_by_label("Tệp minh chứng cho mục 1.1").set_input_files(files=[
        {"name": "xac-nhan-vung-nguyen-lieu.pdf", "mimeType": "application/pdf",
         "buffer": MINIMAL_PDF},
        {"name": "anh-doi-che.png", "mimeType": "image/png", "buffer": png_bytes()}])
    card.get_by_role("button", name="Tải lên").click()
    expect(card.locator(".upload-status")).to_have_text("✓ Đã tải lên 2 minh chứng.")
    committed(db)
    producer = db.session.scalar(db.select(Producer).filter_by(registration_number="5709876543"))
    dossier = db.session.scalar(db.select(Dossier).filter_by(producer_id=producer.id))
    assert dossier_path == f"/dossiers/{dossier.id}"
    fill_the_dossier(dossier, owner)  # the other 30 criteria, through the services
    db.session.commit()
    page.goto(dossier_path)
    page.get_by_role("button", name="Nộp hồ sơ cho UBND xã").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã nộp hồ sơ.")

    # -- the commune checks (Form 03) and forwards -----------------------------------------
    commune.goto(f"{dossier_path}/commune-check")
    boxes = commune.get_by_role("group", name="Thành phần hồ sơ").get_by_role("checkbox")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    for _field, label in LOCAL_ITEMS:
        commune.get_by_label(str(label)).fill(f"Đạt — {label}.")
    commune.get_by_label("Ý kiến đề xuất").fill("Đề nghị tỉnh đánh giá.")
    commune.get_by_role("button", name="Lưu và chuyển lên tỉnh").click()
    expect(commune.get_by_role("alert")).to_contain_text("Đã chuyển hồ sơ lên tỉnh.")

    # -- the province accepts it and puts it in a round ------------------------------------
    province = new_page()
    login(province, office)
    province.goto(dossier_path)
    province.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(province.get_by_role("alert")).to_contain_text("Đã tiếp nhận hồ sơ.")
    round_ = councils.create_legal_rounds(council, legal_today().year, actor=office)[0]
    db.session.commit()
    province.goto(f"/councils/rounds/{round_.id}")
    province.get_by_role("button", name="Mở nhận hồ sơ").click()
    province.get_by_label(f"#{dossier.id} {PRODUCT}", exact=False).check()
    province.get_by_role("button", name="Đưa vào đợt").click()
    expect(province.get_by_role("row").filter(has_text=PRODUCT)).to_be_visible()
    province.get_by_role("button", name="Mở phiên chấm điểm").click()
    expect(province.locator("#round-state")).to_have_text("Đang chấm điểm")
    committed(db)
    evaluation = db.session.scalar(db.select(Evaluation).filter_by(dossier_id=dossier.id))
    scoring = SimpleNamespace(evaluation_id=evaluation.id)
    score_url = f"/councils/evaluations/{evaluation.id}/score"

    # -- three members score on a tablet; one reloads mid-sheet ----------------------------
    # (the choices of tests/browser/test_scoring.py: the council gives 4 stars)
    choices = [CHOICES["chair"], CHOICES["secretary"], CHOICES["member"]]
    sheets = []
    for member, mine in zip(members, choices):
        tablet = new_page(viewport=TABLET, has_touch=True)
        login(tablet, member.user)
        goto_sheet(tablet, score_url)
        for code, index in mine.items():
            choose(tablet, code, index)
        sheets.append(tablet)
    sheets[1].reload()  # the secretary's tablet reloads in the middle of the sheet
    for code, index in choices[1].items():
        expect(option(sheets[1], code, index)).to_be_checked()
    for member, tablet in zip(members, sheets):
        fill_the_rest(db, scoring, member)
        tablet.reload()
        expect(tablet.locator("#missing-count")).to_have_text("0")
        tablet.once("dialog", lambda d: d.accept())
        tablet.get_by_role("button", name="Nộp phiếu").tap()
        expect(tablet.get_by_role("alert")).to_contain_text("Đã nộp phiếu chấm.")

    # -- the chair closes the session and concludes ----------------------------------------
    chair = sheets[0]
    chair.goto(f"/councils/rounds/{round_.id}")
    chair.get_by_role("button", name="Đóng phiên chấm điểm").tap()
    expect(chair.locator("#round-state")).to_have_text("Đã đóng phiên chấm")
    chair.goto(f"/councils/evaluations/{evaluation.id}")
    chair.get_by_label("Kết luận, đề xuất của hội đồng").fill("Đề nghị công nhận.")
    chair.get_by_role("button", name="Kết luận hồ sơ").tap()
    expect(chair.locator("#result .alert-success")).to_contain_text("Đề nghị công nhận.")
    committed(db)
    star = db.session.get(Evaluation, evaluation.id).star
    assert star == 4  # recognised by the province (5 stars would go to the central council)

    # -- the province issues the decision --------------------------------------------------
    today = legal_today()
    province.goto(f"/certificates/decisions/new?round_id={round_.id}")
    province.get_by_label("Số quyết định").fill("1789/QĐ-UBND")
    province.get_by_label("Ngày quyết định (dd/mm/yyyy)").fill(today.isoformat())
    province.get_by_label("Người ký", exact=True).fill("Nguyễn Văn Công")
    province.get_by_label("Chức vụ người ký").fill("KT. CHỦ TỊCH - PHÓ CHỦ TỊCH")
    province.get_by_role("button", name="Lập dự thảo quyết định").click()
    expect(province.get_by_role("alert")).to_contain_text("Đã lập dự thảo quyết định.")
    if province.get_by_role("button", name="Thêm vào quyết định").count():
        province.get_by_label(PRODUCT, exact=False).check()
        province.get_by_role("button", name="Thêm vào quyết định").click()
    province.once("dialog", lambda d: d.accept())
    province.get_by_role("button", name="Ban hành quyết định").click()
    committed(db)
    certificate = db.session.scalar(db.select(Certificate).filter_by(producer_id=producer.id))
    assert certificate is not None and certificate.star == star

    # -- the certificate PDF downloads; its QR code opens the public page: valid -----------
    pdf = province.request.get(f"/certificates/{certificate.id}.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
    [url] = qr_payloads(pdf.body())
    public = new_page()
    public.goto(urlsplit(url).path)
    expect(public.locator("#status")).to_have_attribute("data-status", "valid")
    expect(public.get_by_role("main")).to_contain_text(PRODUCT)
    assert_accessible(public, "verification from the QR code")

    # -- the clock moves into the re-evaluation window: the notice appears -----------------
    window = certificate.expires_on - timedelta(days=170)
    with time_machine.travel(datetime(window.year, window.month, window.day, 3, 0, tzinfo=UTC)):
        assert legal_today() == window
        result = cli("ocop", "daily")
        assert result.exit_code == 0, result.output
        assert "Notices sent: 1" in result.output
        login(page, owner)
        page.goto("/notifications/")
        expect(page.get_by_role("main")).to_contain_text(
            f"Giấy chứng nhận OCOP số {certificate.number} ({PRODUCT}) hết hiệu lực ngày "
            f"{certificate.expires_on:%d/%m/%Y}. Đã đến thời hạn nộp hồ sơ đánh giá lại")

        # -- a revocation shows on the public page -----------------------------------------
        login(province, office)
        province.goto("/certificates/")
        province.get_by_label(certificate.number, exact=True).check()
        province.get_by_text("Thu hồi các giấy chứng nhận đã chọn").click()
        province.get_by_label("Căn cứ thu hồi").select_option(index=1)
        province.get_by_label("Số quyết định thu hồi").fill("2001/QĐ-UBND")
        province.get_by_label("Ngày quyết định (dd/mm/yyyy)").fill(window.isoformat())
        province.get_by_label("Người ký", exact=True).fill("Nguyễn Văn Công")
        province.get_by_label("Chức vụ người ký").fill("KT. CHỦ TỊCH - PHÓ CHỦ TỊCH")
        province.once("dialog", lambda d: d.accept())
        province.get_by_role("button", name="Thu hồi", exact=True).click()
        expect(province.get_by_role("alert")).to_contain_text("Đã thu hồi 1 giấy chứng nhận")
        public.goto(urlsplit(url).path)
        expect(public.locator("#status")).to_have_attribute("data-status", "revoked")
        expect(public.locator("#status")).to_contain_text("Đã bị thu hồi")
