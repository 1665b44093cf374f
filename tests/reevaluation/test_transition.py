"""The transition rule (valid until the re-evaluation decision, at most 180 days past expiry)
applies only where the reading of Decision 26/2026 Art. 11–12 in docs/decisions.md says: a
dossier filed within the window, or filed late by a certificate whose 120-day mark came
before the new procedure could be followed; never a late filer otherwise, never after
expiry."""
from datetime import UTC, date, datetime

import time_machine

from ocop_rating.accounts.models import User
from ocop_rating.certificates.models import Certificate, CertificateStatus
from ocop_rating.demo import fill_dossier
from ocop_rating.dossiers import services as dossiers
from ocop_rating.dossiers.models import DossierKind
from ocop_rating.reevaluation import services as reevaluation
from tests.conftest import committed
from tests.public.helpers import quick_certificate


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC),
                               tick=False)


def file_reevaluation(db, certificate, on: date):
    owner = db.session.scalar(db.select(User).filter_by(producer_id=certificate.producer_id))
    with at(on):
        dossier = dossiers.create_dossier(certificate.product, kind=DossierKind.reevaluation,
                                          actor=owner)
        fill_dossier(dossier, owner)
        dossiers.update_changes(dossier, text="Không thay đổi.", actor=owner)
        dossiers.submit(dossier, actor=owner)
        db.session.commit()
    return dossier


def status_of(db, certificate, on: date):
    with at(on):
        committed(db)
        found = db.session.get(Certificate, certificate.id)
        return found.status, found.extended_until


def test_a_late_filer_gets_no_extension_and_lapses_at_expiry(db):
    certificate, _office = quick_certificate(decided_on=date(2026, 7, 15))  # to 15/07/2029
    dossier = file_reevaluation(db, certificate, date(2029, 6, 1))  # after 17/03/2029
    assert dossiers.is_late_reevaluation(dossier)
    with at(date(2029, 7, 20)):
        assert reevaluation.run_daily().extended == 0
    assert status_of(db, certificate, date(2029, 7, 20)) == (CertificateStatus.expired, None)


def test_a_timely_filer_is_extended_unless_configured_off(db, app, monkeypatch):
    certificate, _office = quick_certificate(decided_on=date(2026, 7, 15))
    file_reevaluation(db, certificate, date(2029, 3, 1))
    monkeypatch.setitem(app.config, "REEVALUATION_EXTEND_TIMELY", False)
    with at(date(2029, 7, 20)):
        assert reevaluation.run_daily().extended == 0
    monkeypatch.setitem(app.config, "REEVALUATION_EXTEND_TIMELY", True)
    with at(date(2029, 7, 21)):
        assert reevaluation.run_daily().extended == 1
    assert status_of(db, certificate, date(2029, 7, 21)) == (CertificateStatus.extended,
                                                            date(2030, 1, 11))


def test_the_transition_provision_covers_late_filers_whose_window_came_too_early(
        db, app, monkeypatch):
    # Expires 01/08/2026: its 120-day mark (03/04/2026) came before Decision 26/2026 took
    # effect (22/05/2026), so the window could not be met under the new procedure.
    covered, _office = quick_certificate(decided_on=date(2023, 8, 1))
    file_reevaluation(db, covered, date(2026, 6, 15))
    with at(date(2026, 8, 5)):
        assert reevaluation.run_daily().extended == 1
    assert status_of(db, covered, date(2026, 8, 5)) == (CertificateStatus.extended,
                                                       date(2027, 1, 28))
    assert status_of(db, covered, date(2027, 1, 29))[0] == CertificateStatus.expired


def test_the_transition_provision_can_be_switched_off(db, app, monkeypatch):
    monkeypatch.setitem(app.config, "REEVALUATION_TRANSITION_EXPIRING_BEFORE", "")
    covered, _office = quick_certificate(decided_on=date(2023, 8, 1))
    file_reevaluation(db, covered, date(2026, 6, 15))
    with at(date(2026, 8, 5)):
        assert reevaluation.run_daily().extended == 0
    assert status_of(db, covered, date(2026, 8, 5))[0] == CertificateStatus.expired


def test_a_dossier_filed_after_expiry_never_extends(db):
    covered, _office = quick_certificate(decided_on=date(2023, 8, 1))  # expires 01/08/2026
    file_reevaluation(db, covered, date(2026, 8, 3))
    with at(date(2026, 8, 5)):
        assert reevaluation.run_daily().extended == 0
        committed(db)
        pipeline = reevaluation.pipeline(province_code=covered.province_code)
        assert covered.id not in [c.id for c in pipeline.extended]
