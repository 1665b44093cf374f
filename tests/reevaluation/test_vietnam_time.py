"""Legal days are Vietnam days (issue 10, point 10). Between 17:00 and 24:00 UTC the server's
UTC date is still yesterday in Vietnam's eyes: each assertion here fails if any of these
legal clocks reads the server's UTC date."""
from datetime import UTC, date, datetime

import time_machine

from ocop_rating.accounts.models import User
from ocop_rating.certificates.models import Certificate, CertificateStatus
from ocop_rating.demo import fill_dossier
from ocop_rating.dossiers import services as dossiers
from ocop_rating.dossiers.models import DossierKind
from ocop_rating.legaltime import legal_today
from ocop_rating.reevaluation import services as reevaluation
from ocop_rating.reevaluation.models import NoticeKind, ReevaluationNotice
from tests.conftest import committed
from tests.public.helpers import quick_certificate

ISSUED = date(2026, 7, 15)  # expires 15/07/2029; the window opens 16/01/2029


def evening_utc(day: date):
    """18:00 UTC on ``day``: 01:00 the next day in Vietnam."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 18, 0, tzinfo=UTC),
                               tick=False)


def test_at_18_utc_the_legal_day_is_already_tomorrow(db):
    with evening_utc(date(2029, 7, 14)):
        assert date.today() == date(2029, 7, 14)  # the server's UTC date (naive clock)
        assert legal_today() == date(2029, 7, 15)


def test_the_day_before_expiry_in_utc_is_the_expiry_day_in_vietnam(db, client):
    certificate, _office = quick_certificate(decided_on=ISSUED)
    db.session.commit()
    with evening_utc(date(2029, 7, 14)):
        committed(db)
        found = db.session.get(Certificate, certificate.id)
        assert found.days_to_expiry() == 0           # UTC would say 1
        assert found.status == CertificateStatus.expiring
    with evening_utc(date(2029, 7, 15)):  # UTC: still the expiry day; Vietnam: the day after
        committed(db)
        assert db.session.get(Certificate, certificate.id).status == CertificateStatus.expired
        body = client.get(f"/api/v1/certificates/{certificate.number}").get_json()
        assert body["status"] == "expired"
        page = client.get(f"/verify/{certificate.token}").get_data(as_text=True)
        assert "Hết hiệu lực" in page and "16/07/2029" in page
        listed = client.get("/registry?status=expired").get_data(as_text=True)
        assert certificate.number in listed


def test_the_window_opens_and_the_notice_goes_on_the_vietnam_day(db, smtp_server):
    certificate, _office = quick_certificate(decided_on=ISSUED)
    owner = db.session.scalar(db.select(User).filter_by(producer_id=certificate.producer_id))
    db.session.commit()
    with evening_utc(date(2029, 1, 15)):  # 16/01/2029 01:00 in Vietnam: 180 days left
        assert reevaluation.run_daily().notices_sent == 1
        committed(db)
        [notice] = db.session.scalars(db.select(ReevaluationNotice)).all()
        assert notice.kind == NoticeKind.window_open and notice.due_on == date(2029, 1, 16)
        dossier = dossiers.create_dossier(certificate.product, kind=DossierKind.reevaluation,
                                          actor=owner)  # UTC would refuse: window not open
        fill_dossier(dossier, owner)
        dossiers.update_changes(dossier, text="Không thay đổi.", actor=owner)
        dossiers.submit(dossier, actor=owner)
        # 15 working days from Tuesday 16/01/2029 (Vietnam), not from Monday 15/01.
        assert dossier.commune_deadline == date(2029, 2, 6)
