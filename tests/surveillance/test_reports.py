"""Reports from the public (issue 16, point 1): an anonymous report with a photo reaches the
province that recognised the product, is triaged, opens an inspection whose finding
proposes a revocation, the revocation is decided, and the reporter's tracking page shows
every step — and nothing personal. Jurisdiction, the spam guard and the rate limit."""
from __future__ import annotations

import re

import pytest

from ocop_rating.accounts.roles import Role
from ocop_rating.audit import AuditEvent
from ocop_rating.legaltime import legal_today
from ocop_rating.reevaluation.models import Inspection, InspectionOutcome
from ocop_rating.reevaluation.services import proposals
from ocop_rating.surveillance.models import (
    MarketReport,
    ReportStatus,
    SurveillancePhoto,
    display_code,
)
from ocop_rating.surveillance.services import find_report, normalise_code
from tests.conftest import committed, csrf_from
from tests.factories import DI_LINH, LAM_DONG, QUANG_NINH, make_user
from tests.public.helpers import quick_certificate
from tests.surveillance.helpers import file_report, jpeg_bytes, logged_in

CODE_RE = re.compile(r"/track/(BC-[A-Z0-9-]+)")


@pytest.fixture()
def fast_form(app, monkeypatch):
    """The tests send the form at once; the minimum fill time has its own test."""
    monkeypatch.setitem(app.config, "REPORT_MIN_FILL_SECONDS", 0)


def today_text() -> str:
    return legal_today().strftime("%d/%m/%Y")


def test_report_to_revocation_trail(app, db, client, fast_form):
    certificate, office = quick_certificate(star=4)
    office_b = make_user(Role.province, province_code=LAM_DONG)
    db.session.commit()
    assert certificate.province_code == QUANG_NINH

    # Anonymous, from the verification page's link, with a photo.
    verify = client.get(f"/verify/{certificate.token}").get_data(as_text=True)
    assert f"/report?certificate={certificate.token}" in verify
    response = file_report(client, token=certificate.token, seen_on=today_text(),
                           photos=[("anh-chup.jpg", jpeg_bytes())])
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    code = CODE_RE.search(response.headers["Location"]).group(1)

    committed(db)
    report = find_report(code)
    assert report is not None and report.display_code == code
    assert report.province_code == QUANG_NINH and report.authority_level.value == "province"
    assert report.certificate_id == certificate.id
    assert report.status == ReportStatus.received
    [photo] = db.session.scalars(db.select(SurveillancePhoto).filter_by(report_id=report.id))
    assert photo.file.media_type == "image/jpeg"

    # It reaches the province's list and inbox, with its age; province B sees nothing.
    a = logged_in(app, db, office)
    page = a.get("/surveillance/").get_data(as_text=True)
    assert code in page
    assert code in a.get("/").get_data(as_text=True)
    report_page = a.get(f"/surveillance/reports/{report.id}").get_data(as_text=True)
    assert "0912 345 678" in report_page  # the office sees the contact
    assert a.get(f"/surveillance/reports/{report.id}/photos/{photo.id}").status_code == 200
    b = logged_in(app, db, office_b)
    assert code not in b.get("/surveillance/").get_data(as_text=True)
    assert b.get(f"/surveillance/reports/{report.id}").status_code == 403
    assert b.get(f"/surveillance/reports/{report.id}/photos/{photo.id}").status_code == 403
    token = csrf_from(b, "/surveillance/")
    assert b.post(f"/surveillance/reports/{report.id}/close",
                  data={"csrf_token": token, "close-outcome": "unfounded",
                        "close-public_summary": "x"}).status_code == 403

    # Triage: assign, then open an inspection.
    url = f"/surveillance/reports/{report.id}"
    token = csrf_from(a, url)
    assert a.post(f"{url}/assign", data={"csrf_token": token, "assign-assignee_id": office.id}
                  ).status_code == 302
    response = a.post(f"{url}/inspect", data={"csrf_token": token,
                                              "inspect-scheduled_on": today_text(),
                                              "inspect-inspector": "Đoàn kiểm tra liên ngành"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    committed(db)
    report = db.session.get(MarketReport, report.id)
    assert report.status == ReportStatus.inspecting and report.inspection_id is not None
    inspection = db.session.get(Inspection, report.inspection_id)
    assert inspection.certificate_id == certificate.id

    # The inspection's finding proposes a revocation (the existing path).
    response = a.post(f"/reevaluation/inspections/{inspection.id}/findings", data={
        "csrf_token": csrf_from(a, f"/reevaluation/inspections/{inspection.id}"),
        "done_on": today_text(), "outcome": "violation", "proposed_ground": "mark_misuse",
        "concluded_on": today_text(), "concluded_by": "Biên bản kiểm tra số 12/BB",
        "findings": "Sản phẩm bày bán dùng biểu trưng OCOP trên bao bì chưa được công nhận."})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    committed(db)
    assert [p.inspection.id for p in proposals(QUANG_NINH)] == [inspection.id]

    # The province decides the revocation.
    response = a.post("/certificates/revoke", data={
        "csrf_token": csrf_from(a, "/certificates/"), "certificate_id": certificate.id,
        "revoke-ground": "mark_misuse", "revoke-number": "77/QĐ-UBND",
        "revoke-decided_on": today_text(), "revoke-signer_name": "Nguyễn Văn Công",
        "revoke-signer_title": "CHỦ TỊCH"})
    assert response.status_code == 302, re.findall(r"alert-danger[^<]*<[^<]*", response.get_data(as_text=True))

    # And closes the report with a public summary.
    response = a.post(f"{url}/close", data={
        "csrf_token": csrf_from(a, url), "close-outcome": "confirmed",
        "close-public_summary": "Đã kiểm tra, xác nhận vi phạm và thu hồi giấy chứng nhận."})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    # The reporter follows every step, with nothing personal on the page.
    anonymous = app.test_client()
    track = anonymous.get(f"/track/{code}")
    assert track.status_code == 200
    html = track.get_data(as_text=True)
    steps = re.findall(r"<li class=\"list-group-item\">(.*?)</li>", html, re.S)
    labels = ["Tiếp nhận phản ánh", "Phân công cán bộ xử lý", "Mở đợt hậu kiểm sản phẩm",
              "Có kết quả kiểm tra", "Thu hồi giấy chứng nhận", "Kết thúc xử lý"]
    assert len(steps) == len(labels)
    for step, label in zip(steps, labels):
        assert label in step
    assert "77/QĐ-UBND" in steps[4]
    assert "Đã kiểm tra, xác nhận vi phạm" in html
    assert "0912 345 678" not in html
    assert office.full_name not in html
    assert "biểu trưng OCOP trên bao bì chưa" not in html  # the findings text stays inside
    # The code is found however it is typed back.
    assert anonymous.get(f"/track?code={code.lower().replace('-', ' ')}").status_code == 302

    # Each step is in the audit trail of the report.
    committed(db)
    actions = db.session.scalars(db.select(AuditEvent.action).filter_by(
        object_type="market_reports", object_id=str(report.id)).order_by(AuditEvent.seq)).all()
    assert actions == ["received", "evidence_read", "assigned", "inspection_opened", "closed"]
    inspection = db.session.get(Inspection, inspection.id)
    assert inspection.outcome == InspectionOutcome.violation
    assert db.session.get(MarketReport, report.id).status == ReportStatus.closed


def test_report_without_certificate_goes_to_the_chosen_province(app, db, client, fast_form):
    office = make_user(Role.province, province_code=LAM_DONG)
    db.session.commit()
    response = file_report(client, seen_on=today_text(), product_text="Cà phê Di Linh giả",
                           province_code=LAM_DONG)
    assert response.status_code == 302
    committed(db)
    [report] = db.session.scalars(db.select(MarketReport)).all()
    assert report.province_code == LAM_DONG and report.certificate_id is None
    assert report.can_manage(office)
    # No certificate: no inspection can be opened from it; the office says so.
    a = logged_in(app, db, office)
    url = f"/surveillance/reports/{report.id}"
    response = a.post(f"{url}/inspect", data={"csrf_token": csrf_from(a, url),
                                              "inspect-scheduled_on": today_text(),
                                              "inspect-inspector": "Đoàn"})
    assert response.status_code == 422
    assert "không mở hậu kiểm được" in response.get_data(as_text=True)


def test_five_star_certificate_reports_go_to_the_ministry(db):
    from ocop_rating.certificates.models import Certificate
    from ocop_rating.surveillance.services import authority_of

    # The ministry numbers its own (5★) certificates under the issuer key "BO".
    level, province = authority_of(Certificate(issuer_key="BO", province_code=LAM_DONG), None)
    assert level.value == "ministry" and province is None
    level_p, province_p = authority_of(Certificate(issuer_key=LAM_DONG,
                                                   province_code=LAM_DONG), None)
    assert level_p.value == "province" and province_p == LAM_DONG
    ministry = make_user(Role.ministry)
    province_office = make_user(Role.province, province_code=LAM_DONG)
    report = MarketReport(code="23456789ABCD", kind="counterfeit", authority_level=level,
                          province_code=None, description="x", place="y",
                          seen_on=legal_today())
    db.session.add(report)
    db.session.flush()
    assert report.can_manage(ministry) and not report.can_manage(province_office)


def test_bad_input_rerenders_with_what_was_typed(client, db, fast_form):
    certificate, _office = quick_certificate()
    db.session.commit()
    future = legal_today().replace(year=legal_today().year + 1).strftime("%d/%m/%Y")
    response = file_report(client, token=certificate.token, seen_on=future,
                           place="Cửa hàng đặc sản số 5")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "không thể sau hôm nay" in html and "Cửa hàng đặc sản số 5" in html
    # A photo that is not an image by its content is refused beside the field.
    response = file_report(client, token=certificate.token, seen_on=today_text(),
                           photos=[("anh.jpg", b"<html>not a photo</html>")])
    assert response.status_code == 422
    assert "không phải JPEG hoặc PNG" in response.get_data(as_text=True)
    committed(db)
    assert db.session.scalar(db.select(db.func.count(MarketReport.id))) == 0


def test_spam_guard(app, client, db, monkeypatch):
    certificate, _office = quick_certificate()
    db.session.commit()
    monkeypatch.setitem(app.config, "REPORT_MIN_FILL_SECONDS", 30)
    response = file_report(client, token=certificate.token, seen_on=today_text())
    assert response.status_code == 422
    assert "quá nhanh" in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "REPORT_MIN_FILL_SECONDS", 0)
    response = file_report(client, token=certificate.token, seen_on=today_text(),
                           website="http://spam.example")
    assert response.status_code == 422
    response = file_report(client, token=certificate.token, seen_on=today_text(),
                           started="forged")
    assert response.status_code == 422
    committed(db)
    assert db.session.scalar(db.select(db.func.count(MarketReport.id))) == 0
    # A person who waits and leaves the hidden field empty gets through.
    assert file_report(client, token=certificate.token, seen_on=today_text()
                       ).status_code == 302


def test_rate_limit_per_address(app, client, db, fast_form):
    certificate, _office = quick_certificate()
    db.session.commit()
    limit = int(app.config["REPORT_RATE_LIMIT"].split()[0])
    for _ in range(limit):
        assert file_report(client, token=certificate.token, seen_on=today_text()
                           ).status_code == 302
    assert file_report(client, token=certificate.token, seen_on=today_text()
                       ).status_code == 429
    committed(db)
    assert db.session.scalar(db.select(db.func.count(MarketReport.id))) == limit


def test_tracking_codes_are_unguessable_and_normalised(client, db):
    from ocop_rating.surveillance.services import CODE_LENGTH, new_code

    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(c) == CODE_LENGTH for c in codes)
    code = next(iter(codes))
    assert normalise_code(display_code(code).lower()) == code
    assert normalise_code("BC-0000") == ""
    assert client.get("/track/BC-2222-2222-2222").status_code == 404
