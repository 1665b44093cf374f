"""Checks in trade (issue 16, point 2): an office records a check at a point of sale; it is
one post-recognition inspection, so a violation found there proposes a revocation on the
existing path, and the province's page lists open inspections with their ages."""
from __future__ import annotations

from ocop_rating.accounts.roles import Role
from ocop_rating.legaltime import legal_today
from ocop_rating.reevaluation.models import Inspection, InspectionOutcome
from ocop_rating.reevaluation.services import proposals
from ocop_rating.surveillance.models import MarkUse, TradeCheck
from tests.conftest import committed, csrf_from
from tests.factories import LAM_DONG, QUANG_NINH, make_user
from tests.public.helpers import quick_certificate
from tests.surveillance.helpers import jpeg_bytes, logged_in


def check_data(client, certificate, **changes):
    import io

    today = legal_today().strftime("%d/%m/%Y")
    data = {"csrf_token": csrf_from(client, "/surveillance/checks/new"),
            "certificate_number": certificate.number, "done_on": today,
            "inspector": "Đội quản lý thị trường số 3", "outlet_kind": "online",
            "outlet_name": "Shop Đặc sản Biển", "outlet_address": "https://shop.example/cha-muc",
            "stamp_use": "missing", "mark_use": "wrong", "price_vnd": "350000",
            "outcome": "violation", "proposed_ground": "mark_misuse", "concluded_on": today,
            "concluded_by": "Biên bản 5/BB-QLTT",
            "findings": "Bao bì in 5 sao trong khi sản phẩm được công nhận 4 sao.",
            "photos": [(io.BytesIO(jpeg_bytes()), "shop.jpg")]}
    data.update(changes)
    return data


def test_trade_check_feeds_the_revocation_path(app, db):
    certificate, office = quick_certificate(star=4)
    office_b = make_user(Role.province, province_code=LAM_DONG)
    db.session.commit()
    a = logged_in(app, db, office)
    response = a.post("/surveillance/checks/new", data=check_data(a, certificate),
                      content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    committed(db)
    [check] = db.session.scalars(db.select(TradeCheck)).all()
    assert check.mark_use == MarkUse.wrong and check.price_vnd == 350000
    assert len(check.photos) == 1
    inspection = db.session.get(Inspection, check.inspection_id)
    assert inspection.outcome == InspectionOutcome.violation
    assert inspection.certificate_id == certificate.id
    assert [p.inspection.id for p in proposals(QUANG_NINH)] == [inspection.id]
    page = a.get(f"/surveillance/checks/{check.id}").get_data(as_text=True)
    assert "Shop Đặc sản Biển" in page and "350.000" in page
    listing = a.get("/surveillance/").get_data(as_text=True)
    assert "Vi phạm, chờ quyết định thu hồi" in listing
    b = logged_in(app, db, office_b)
    assert b.get(f"/surveillance/checks/{check.id}").status_code == 403
    # Another province's certificate number is not found for B.
    response = b.post("/surveillance/checks/new", data=check_data(b, certificate),
                      content_type="multipart/form-data")
    assert response.status_code == 422


def test_violation_needs_its_ground_and_bad_input_is_kept(app, db):
    certificate, office = quick_certificate(star=4)
    db.session.commit()
    a = logged_in(app, db, office)
    response = a.post("/surveillance/checks/new",
                      data=check_data(a, certificate, proposed_ground=""),
                      content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "căn cứ đề xuất thu hồi" in html and "Shop Đặc sản Biển" in html
    committed(db)
    assert db.session.scalars(db.select(Inspection)).all() == []


def test_open_inspections_show_their_age(app, db):
    from datetime import timedelta

    from ocop_rating.reevaluation.models import InspectionKind
    from ocop_rating.reevaluation.services import schedule_inspection

    certificate, office = quick_certificate(star=4)
    inspection = schedule_inspection(certificate, kind=InspectionKind.adhoc,
                                     on=legal_today(), inspector="Đoàn", actor=office)
    # Opened on the Monday of two weeks ago: its age counts working days only.
    today = legal_today()
    monday = today - timedelta(days=today.weekday() + 14)
    from datetime import datetime, time, timezone

    inspection.created_at = datetime.combine(monday, time(3), tzinfo=timezone.utc)
    db.session.commit()
    from ocop_rating.surveillance.services import age_of
    from ocop_rating.workdays import working_days_left

    expected = -working_days_left(today, monday)
    assert age_of(inspection.created_at, today) == expected >= 8
    a = logged_in(app, db, office)
    html = a.get("/surveillance/").get_data(as_text=True)
    assert f"<td>{expected}</td>" in html
