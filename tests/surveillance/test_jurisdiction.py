"""Market surveillance stays within the office's jurisdiction (issues 12 and 16): with the
same kinds of items in two provinces — a public report with a photo, a check in trade with a
photo, an open inspection, a hidden showcase entry — province B's office sees none of
province A's in any list (the triage list, the closed reports, the checks, the open
inspections, the hidden entries, the re-evaluation inspection list) and gets 403/404 on
every one of A's detail pages, photos and actions. A commune officer has no access at all,
not even to their own commune's items (the recognising authority handles them)."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage

from ocop_rating.accounts.roles import Role
from ocop_rating.legaltime import legal_today
from ocop_rating.reevaluation.models import InspectionKind, InspectionOutcome
from ocop_rating.reevaluation.services import schedule_inspection
from ocop_rating.surveillance import services
from ocop_rating.surveillance.models import (
    MarkUse,
    OutletKind,
    ReportKind,
    ReportOutcome,
    StampUse,
)
from tests.conftest import committed, form_post
from tests.factories import DI_LINH, LAM_DONG, QUANG_NINH, VAN_DON, make_user
from tests.public.helpers import quick_certificate
from tests.surveillance.helpers import jpeg_bytes, logged_in


def _photo(name: str) -> FileStorage:
    return FileStorage(io.BytesIO(jpeg_bytes()), filename=name, content_type="image/jpeg")


def _province_items(tag: str, commune_code: str):
    """One province's surveillance record, every text carrying ``tag``."""
    certificate, office = quick_certificate(star=4, commune_code=commune_code,
                                            name=f"Sản phẩm {tag}",
                                            producer_name=f"Hợp tác xã {tag}")
    today = legal_today()
    report = services.file_report(
        kind=ReportKind.counterfeit, certificate=certificate, province_code=None,
        product_text=f"Hàng giả {tag}", description=f"Bao bì khác mẫu {tag}",
        place=f"Chợ {tag}", seen_on=today, photos=[_photo("a.jpg")])
    closed = services.file_report(
        kind=ReportKind.mark_misuse, certificate=certificate, province_code=None,
        product_text=f"Đã đóng {tag}", description=f"Dùng sai nhãn {tag}",
        place=f"Phố {tag}", seen_on=today)
    services.close_report(closed, outcome=ReportOutcome.unfounded,
                          public_summary=f"Không có căn cứ {tag}", actor=office)
    check = services.record_trade_check(
        certificate, done_on=today, inspector=f"Đội {tag}", outlet_kind=OutletKind.shop,
        outlet_name=f"Cửa hàng {tag}", outlet_address=f"Số 1 {tag}",
        stamp_use=StampUse.correct, mark_use=MarkUse.correct, price_vnd=100000,
        findings=f"Đúng mẫu {tag}", outcome=InspectionOutcome.compliant,
        photos=[_photo("b.jpg")], actor=office)
    inspection = schedule_inspection(certificate, kind=InspectionKind.adhoc, on=today,
                                     inspector=f"Đoàn kiểm tra {tag}", actor=office)
    services.hide_product(certificate, reason=f"Ảnh sai {tag}", actor=office)
    return {"certificate": certificate, "office": office, "report": report,
            "closed": closed, "check": check, "inspection": inspection, "tag": tag}


@pytest.fixture()
def two_provinces(db):
    a = _province_items("Ánh Dương", VAN_DON)
    b = _province_items("Bình Minh", DI_LINH)
    assert a["report"].province_code == QUANG_NINH and b["report"].province_code == LAM_DONG
    db.session.commit()
    return a, b


LISTS = ("/surveillance/", "/surveillance/hidden", "/reevaluation/inspections/",
         "/reevaluation/inspections/?status=open", "/reevaluation/inspections/?status=done")


def _details(items) -> list[str]:
    report, check = items["report"], items["check"]
    return [f"/surveillance/reports/{report.id}",
            f"/surveillance/reports/{report.id}/photos/{report.photos[0].id}",
            f"/surveillance/reports/{items['closed'].id}",
            f"/surveillance/checks/{check.id}",
            f"/surveillance/checks/{check.id}/photos/{check.photos[0].id}",
            f"/surveillance/checks/new?report_id={report.id}",
            f"/reevaluation/inspections/{items['inspection'].id}",
            f"/reevaluation/inspections/{check.inspection_id}"]


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_province_b_sees_none_of_province_as_items(app, db, two_provinces):
    a, b = two_provinces
    office_b = logged_in(app, db, b["office"])
    office_a = logged_in(app, db, a["office"])
    for url in LISTS:
        page_b = _text(office_b, url)
        assert a["tag"] not in page_b, url
        assert a["certificate"].number not in page_b, url
        assert a["report"].display_code not in page_b, url
    # The lists are B's own, not empty ones: each of B's kinds of item is there, and A's
    # office sees A's (the same check the other way round).
    triage = _text(office_b, "/surveillance/")
    for text in (f"Hàng giả {b['tag']}", f"Cửa hàng {b['tag']}", f"Sản phẩm {b['tag']}"):
        assert text in triage, text
    assert f"Sản phẩm {b['tag']}" in _text(office_b, "/surveillance/hidden")
    assert f"Đoàn kiểm tra {b['tag']}" in _text(office_b, "/reevaluation/inspections/")
    for url in LISTS[:3]:
        page_a = _text(office_a, url)
        assert a["tag"] in page_a and b["tag"] not in page_a, url

    for url in _details(a):
        assert office_b.get(url).status_code in (403, 404), url
    for url in _details(b):
        assert office_b.get(url).status_code == 200, url

    # Nor can B act on A's report or entry.
    report = a["report"]
    show = "/surveillance/"
    for url, data in ((f"/surveillance/reports/{report.id}/assign",
                       {"assign-assignee_id": str(b["office"].id)}),
                      (f"/surveillance/reports/{report.id}/inspect",
                       {"inspect-scheduled_on": legal_today().strftime("%d/%m/%Y"),
                        "inspect-inspector": "B"}),
                      (f"/surveillance/reports/{report.id}/close",
                       {"close-outcome": "unfounded", "close-public_summary": "B"}),
                      (f"/showcase/{a['certificate'].product_id}/unhide", {})):
        assert form_post(office_b, url, data, form_page=show).status_code in (403, 404), url
    committed(db)
    from ocop_rating.surveillance.models import MarketReport, ShowcaseHide

    fresh = db.session.get(MarketReport, report.id)
    assert fresh.status.value == "received" and fresh.assignee_id is None
    assert db.session.get(ShowcaseHide, a["certificate"].product_id) is not None


def test_a_commune_officer_has_no_surveillance_pages(app, db, two_provinces):
    a, _b = two_provinces
    officer = make_user(Role.commune, commune_code=VAN_DON)  # A's own commune
    client = logged_in(app, db, officer)
    for url in ("/surveillance/", "/surveillance/hidden", "/surveillance/checks/new",
                "/reevaluation/inspections/", *_details(a)):
        assert client.get(url).status_code in (403, 404), url


def test_the_ministry_lists_only_what_the_ministry_recognised(app, db, two_provinces):
    """Provincial reports go to their province; the ministry's triage list holds the 5★
    ones only (it oversees, it does not triage for the provinces)."""
    a, b = two_provinces
    ministry = make_user(Role.ministry)
    client = logged_in(app, db, ministry)
    page = _text(client, "/surveillance/")
    assert a["report"].display_code not in page and b["report"].display_code not in page
    assert client.get(f"/surveillance/reports/{a['report'].id}").status_code in (403, 404)
