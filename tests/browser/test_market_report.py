"""A member of the public files a report from a phone (issue 16): from the certificate's
verification page (where the QR code leads), with a photo taken on the phone, and lands on
the tracking page with the code to follow it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ocop_rating.legaltime import legal_today
from ocop_rating.surveillance.models import MarketReport
from tests.conftest import committed
from tests.public.helpers import quick_certificate
from tests.surveillance.helpers import jpeg_bytes

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_report_from_a_phone(new_page, db, app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "REPORT_MIN_FILL_SECONDS", 1)
    certificate, _office = quick_certificate(star=4, name="Chả mực Hạ Long")
    db.session.commit()
    photo = tmp_path / "anh-chup.jpg"
    photo.write_bytes(jpeg_bytes())

    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    page.goto(f"/verify/{certificate.token}")
    page.get_by_role("link", name=re.compile("Phản ánh sản phẩm nghi giả")).click()
    expect(page.locator("#reported-certificate")).to_contain_text("Chả mực Hạ Long")
    # The form fits the phone: nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Bạn muốn phản ánh điều gì?").select_option("mark_misuse")
    page.get_by_label("Bạn đã thấy gì?").fill("Bao bì in 5 sao, giấy chứng nhận chỉ 4 sao.")
    page.get_by_label(re.compile("^Ở đâu")).fill("Quầy số 12, chợ Hạ Long 1")
    page.get_by_label(re.compile("^Ngày phát hiện")).fill(legal_today().isoformat())
    page.get_by_label(re.compile("^Ảnh chụp")).set_input_files(str(photo))
    # The hidden honeypot is not something a person on a phone can see or reach.
    expect(page.locator("#website")).not_to_be_in_viewport()
    page.wait_for_timeout(1100)  # a person takes longer than the minimum fill time
    page.get_by_role("button", name="Gửi phản ánh").tap()

    expect(page.locator("#tracking-code")).to_have_text(re.compile(r"^BC-\w{4}-\w{4}-\w{4}$"))
    expect(page.locator("#report-status")).to_have_text("Đã tiếp nhận")
    expect(page.locator("#steps")).to_contain_text("Tiếp nhận phản ánh")
    expect(page.get_by_role("alert")).to_contain_text("Mã theo dõi của bạn")
    code = page.locator("#tracking-code").inner_text()
    committed(db)
    report = db.session.scalar(db.select(MarketReport))
    assert report.display_code == code and report.province_code == certificate.province_code
    assert len(report.photos) == 1
