"""The office's surveillance list at scale (issue 13): open reports paged in SQL, oldest
first, the badge counting them all; the latest closed reports first; the open inspections
counted whole with a link to the full list; and the same number of queries whatever the
number of reports and inspections."""
from __future__ import annotations

import re

from sqlalchemy import event

from ocop_rating.legaltime import legal_today
from ocop_rating.reevaluation.models import InspectionKind
from ocop_rating.reevaluation.services import schedule_inspection
from ocop_rating.surveillance import services, views
from ocop_rating.surveillance.models import ReportKind, ReportOutcome
from tests.factories import VAN_DON
from tests.public.helpers import quick_certificate
from tests.surveillance.helpers import logged_in

CODE_RE = re.compile(r"<code>([^<]+)</code>")


def _report(certificate, n: int):
    return services.file_report(
        kind=ReportKind.counterfeit, certificate=certificate, province_code=None,
        product_text=f"Hàng nghi giả số {n}", description="Bao bì khác mẫu",
        place="Chợ Cái Rồng", seen_on=legal_today())


def _open_codes(html: str) -> list[str]:
    table = html[html.index('id="open-reports"'):]
    return CODE_RE.findall(table[:table.index("</table>")])


def test_open_reports_are_paged_oldest_first_and_closed_ones_latest_first(app, db,
                                                                           monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    certificate, office = quick_certificate(star=4, commune_code=VAN_DON)
    reports = [_report(certificate, n) for n in range(5)]
    for report in reports[3:]:
        services.close_report(report, outcome=ReportOutcome.unfounded,
                              public_summary="Không có căn cứ", actor=office)
    for _i in range(3):
        schedule_inspection(certificate, kind=InspectionKind.adhoc, on=legal_today(),
                            inspector="Đoàn kiểm tra", actor=office)
    db.session.commit()
    client = logged_in(app, db, office)

    first = client.get("/surveillance/").get_data(as_text=True)
    codes = [r.display_code for r in reports]
    assert _open_codes(first) == codes[:2]
    assert 'href="/surveillance/?page=2"' in first
    assert "Phản ánh đang xử lý" in first
    heading = first[first.index("Phản ánh đang xử lý"):]
    assert '<span class="badge text-bg-secondary">3</span>' in heading[:heading.index("</h2>")]
    second = client.get("/surveillance/?page=2").get_data(as_text=True)
    assert _open_codes(second) == codes[2:3]
    # The closed ones, latest closed first, on every page.
    done = second[second.index("Phản ánh đã xử lý xong"):]
    assert CODE_RE.findall(done) == [codes[4], codes[3]]
    heading = first[first.index("Hậu kiểm chưa xong"):]
    assert '<span class="badge text-bg-secondary">3</span>' in heading[:heading.index("</h2>")]

    monkeypatch.setattr(views, "PER_PAGE", 100)
    statements = []
    with app.app_context():
        from ocop_rating.db import db as app_db

        engine = app_db.engine

    def listener(*a, **k):
        statements.append(a[2])

    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get("/surveillance/")
        fewer = len(statements)
        for n in range(5, 9):  # more reports and inspections, of other certificates
            other, _office = quick_certificate(star=4, commune_code=VAN_DON)
            _report(other, n)
            schedule_inspection(other, kind=InspectionKind.adhoc, on=legal_today(),
                                inspector="Đoàn kiểm tra", actor=office)
        db.session.commit()
        statements.clear()
        client.get("/surveillance/")
        assert len(statements) == fewer, statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)
