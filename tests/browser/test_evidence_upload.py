"""Evidence in batches in a real browser (issue 14 §4): two files chosen at once for one
criterion, one of them refused with its reason beside the criterion, no page reload; files
dropped on the criterion; a file over the limit refused before it is sent; the Form 01
papers."""
import pytest
from playwright.sync_api import expect

from ocop_rating.dossiers.models import Dossier
from tests.browser.conftest import expect_http_error, login
from tests.conftest import committed
from tests.factories import MINIMAL_PDF, VAN_DON, make_dossier, make_producer, make_product
from tests.files.samples import png_bytes

pytestmark = pytest.mark.browser

FAKE = b"<!doctype html><html><body>not a pdf</body></html>"


@pytest.fixture()
def draft(db):
    producer, user = make_producer(commune_code=VAN_DON)
    dossier = make_dossier(make_product(producer, user), user)
    db.session.commit()
    return dossier, user


def _names(db, dossier_id, code):
    committed(db)
    return sorted(e.file.original_name
                  for e in db.session.get(Dossier, dossier_id).evidence_by_code().get(code, []))


def test_two_files_at_once_one_refused_beside_the_criterion(page, db, draft):
    dossier, user = draft
    login(page, user)
    page.goto(f"/dossiers/{dossier.id}/self-assessment")
    loads = []
    page.on("load", lambda _p: loads.append(1))
    card = page.locator('.sheet-item[data-code="1.2"]')
    card.get_by_text("Minh chứng (0)").click()
    card.get_by_label("Tệp minh chứng cho mục 1.2").set_input_files(files=[
        {"name": "hop-dong-nguyen-lieu.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF},
        {"name": "anh-vung-trong.png", "mimeType": "image/png", "buffer": png_bytes()},
    ])
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    card.get_by_role("button", name="Tải lên").click()
    expect(card.locator(".upload-status")).to_have_text("✓ Đã tải lên 2 minh chứng.")
    assert [p.removeprefix(page.url.split("/dossiers")[0]) for p in posts] == [
        f"/dossiers/{dossier.id}/evidence?slot=item-1.2"]  # one POST carried both files
    expect(card.get_by_text("Minh chứng (2)")).to_be_visible()
    expect(card.get_by_role("link", name="hop-dong-nguyen-lieu.pdf")).to_be_visible()
    expect(card.get_by_role("link", name="anh-vung-trong.png")).to_be_visible()
    expect(card.locator(".upload-progress")).to_be_hidden()
    assert _names(db, dossier.id, "1.2") == ["anh-vung-trong.png", "hop-dong-nguyen-lieu.pdf"]

    # A good and a bad file together: the good one is kept, the bad one explained here.
    expect_http_error(page, 422, f"/dossiers/{dossier.id}/evidence")
    card.get_by_label("Tệp minh chứng cho mục 1.2").set_input_files(files=[
        {"name": "so-ghi-chep.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF},
        {"name": "gia-mao.pdf", "mimeType": "application/pdf", "buffer": FAKE},
    ])
    card.get_by_role("button", name="Tải lên").click()
    expect(card.get_by_role("alert")).to_have_text(
        "Tệp “gia-mao.pdf” không phải PDF, JPEG, PNG, DOCX hoặc XLSX.")
    expect(card.get_by_text("Minh chứng (3)")).to_be_visible()
    expect(card.get_by_role("link", name="so-ghi-chep.pdf")).to_be_visible()
    assert loads == []
    assert _names(db, dossier.id, "1.2") == ["anh-vung-trong.png", "hop-dong-nguyen-lieu.pdf",
                                             "so-ghi-chep.pdf"]
    # the row added without a reload works like the others: its file downloads
    link = card.get_by_role("link", name="so-ghi-chep.pdf")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body() == MINIMAL_PDF


def test_files_dropped_on_a_criterion_are_uploaded(page, db, draft):
    dossier, user = draft
    login(page, user)
    page.goto(f"/dossiers/{dossier.id}/self-assessment")
    card = page.locator('.sheet-item[data-code="2.1"]')
    card.get_by_text("Minh chứng (0)").click()
    zone = card.locator("form.evidence-upload")
    transfer = page.evaluate_handle("""(pdf) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(pdf)], "keo-tha-1.pdf", {type: "application/pdf"}));
        dt.items.add(new File([new Uint8Array(pdf)], "keo-tha-2.pdf", {type: "application/pdf"}));
        return dt;
    }""", list(MINIMAL_PDF))
    zone.dispatch_event("dragover", {"dataTransfer": transfer})
    expect(zone).to_have_class("evidence-upload drop-zone rounded p-2 drop-active")
    zone.dispatch_event("drop", {"dataTransfer": transfer})
    expect(card.locator(".upload-status")).to_have_text("✓ Đã tải lên 2 minh chứng.")
    expect(card.get_by_text("Minh chứng (2)")).to_be_visible()
    assert _names(db, dossier.id, "2.1") == ["keo-tha-1.pdf", "keo-tha-2.pdf"]


def test_a_file_over_the_limit_is_refused_before_it_is_sent(app, page, db, draft):
    dossier, user = draft
    app.config["UPLOAD_MAX_BYTES"] = 2048
    try:
        login(page, user)
        page.goto(f"/dossiers/{dossier.id}/self-assessment")
        card = page.locator('.sheet-item[data-code="1.1"]')
        card.get_by_text("Minh chứng (0)").click()
        expect(card.locator(".form-text")).to_contain_text("Tối đa 2 KB mỗi tệp")
        requests = []
        page.on("request", lambda r: requests.append(r.url) if "/evidence" in r.url else None)
        card.get_by_label("Tệp minh chứng cho mục 1.1").set_input_files(files=[{
            "name": "ban-quet-lon.pdf", "mimeType": "application/pdf",
            "buffer": b"%PDF-1.4\n" + b"0" * 5000}])
        card.get_by_role("button", name="Tải lên").click()
        expect(card.get_by_role("alert")).to_contain_text(
            "Tệp “ban-quet-lon.pdf” vượt quá dung lượng cho phép")
        assert requests == []
    finally:
        app.config["UPLOAD_MAX_BYTES"] = 20 * 1024 * 1024


def test_form01_papers_upload_on_the_registration_page(page, db, draft):
    dossier, user = draft
    login(page, user)
    page.goto(f"/dossiers/{dossier.id}/registration")
    section = page.locator("#doc-registration")
    expect(section).to_contain_text("Giấy đăng ký kinh doanh")
    section.get_by_label("Giấy đăng ký kinh doanh / đăng ký hợp tác xã (bản sao)").set_input_files(
        files=[{"name": "dkkd.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}])
    section.get_by_role("button", name="Tải lên").click()
    expect(section.get_by_role("link", name="dkkd.pdf")).to_be_visible()
    expect(section.get_by_role("heading")).to_contain_text("(1)")
    committed(db)
    filed = db.session.get(Dossier, dossier.id).documents_by_code()
    assert [e.file.original_name for e in filed["registration"]] == ["dkkd.pdf"]
