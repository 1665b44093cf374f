"""The daily job's own rules, each checked so that removing it fails a test: at most one
notice per certificate a day (a job that missed days catches up one notice a day, never in a
burst), and the commune is told once per late dossier, however often the job runs."""
from datetime import date

from ocop_rating.accounts.roles import Role
from ocop_rating.notifications.models import Notification
from ocop_rating.reevaluation import services as reevaluation
from ocop_rating.reevaluation.models import NoticeKind, ReevaluationNotice
from tests.conftest import committed
from tests.factories import (
    complete_dossier,
    issued_certificate,
    make_dossier,
    make_producer,
    make_product,
    make_user,
)

ISSUED = date(2026, 7, 15)          # expires 15/07/2029
MISSED_UNTIL = date(2029, 2, 20)    # 145 days left: window notice and 150-day reminder both due


def _kinds(db, certificate):
    committed(db)
    return [n.kind for n in db.session.scalars(db.select(ReevaluationNotice).filter_by(
        certificate_id=certificate.id).order_by(ReevaluationNotice.id))]


def test_a_job_that_missed_days_sends_one_notice_a_day(db):
    certificate, _office = issued_certificate(star=4, decided_on=ISSUED)
    db.session.commit()
    assert reevaluation.due_notices(certificate, MISSED_UNTIL, filed=False) == [
        NoticeKind.window_open, NoticeKind.reminder_150]

    first = reevaluation.run_daily(MISSED_UNTIL)
    assert first.notices_sent == 1
    assert _kinds(db, certificate) == [NoticeKind.window_open]

    again = reevaluation.run_daily(MISSED_UNTIL)     # same day: the reminder waits
    assert again.notices_sent == 0
    assert _kinds(db, certificate) == [NoticeKind.window_open]

    next_day = reevaluation.run_daily(date(2029, 2, 21))
    assert next_day.notices_sent == 1
    assert _kinds(db, certificate) == [NoticeKind.window_open, NoticeKind.reminder_150]
    assert reevaluation.run_daily(date(2029, 2, 22)).notices_sent == 0


def test_a_late_dossier_is_flagged_to_the_commune_once(db):
    producer, owner = make_producer()
    officer = db.session.scalar(db.select(type(owner)).filter_by(
        role=Role.commune, commune_code=producer.commune_code))
    assert officer is not None
    other_officer = make_user(Role.commune, commune_code=producer.commune_code)
    dossier = make_dossier(make_product(producer, owner), owner)
    complete_dossier(dossier, owner)
    from ocop_rating.dossiers import services as dossiers

    dossiers.submit(dossier, actor=owner, today=date(2026, 11, 27))
    db.session.commit()
    after_deadline = date(2026, 12, 21)              # deadline 18/12/2026 has passed
    assert dossier.commune_deadline < after_deadline

    assert reevaluation.flag_late_dossiers(after_deadline) == 1
    db.session.commit()
    assert reevaluation.flag_late_dossiers(after_deadline) == 0
    assert reevaluation.flag_late_dossiers(date(2026, 12, 22)) == 0
    db.session.commit()
    committed(db)
    late = db.session.scalars(db.select(Notification).filter_by(
        kind="dossier_late", link=f"/dossiers/{dossier.id}")).all()
    assert sorted(n.user_id for n in late) == sorted([officer.id, other_officer.id])
