"""Legal days of the council's work are Vietnam days (issue 10, point 10): at 23:30 UTC it is
already 06:30 the next day in Vietnam, and every date the council's work hangs on follows
Vietnam. Producers read their points the Vietnamese way (100,00, not 100.00)."""
from datetime import UTC, date, datetime, timedelta

import time_machine

from ocop_rating.accounts.models import User
from ocop_rating.councils import services
from ocop_rating.councils.models import DecisionMode, RoundState
from ocop_rating.evaluation import services as scoring
from ocop_rating.legaltime import legal_date, legal_today
from ocop_rating.notifications.models import Notification
from tests.factories import accepted_dossier, make_council, score_all

LATE_EVENING_UTC = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)  # 10/03/2026 06:30 in Vietnam


def in_round(members=3):
    council, office, people = make_council(members=members)
    dossier = accepted_dossier()
    round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
    services.move_round(round_, RoundState.open, actor=office)
    evaluation = services.add_to_round(round_, dossier, actor=office)
    return council, office, people, round_, evaluation


def test_at_23_30_utc_the_legal_day_is_the_vietnam_date(db):
    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        assert datetime.now(UTC).date() == date(2026, 3, 9)
        assert legal_today() == date(2026, 3, 10)
    assert legal_date(LATE_EVENING_UTC) == date(2026, 3, 10)
    assert legal_date(LATE_EVENING_UTC.replace(tzinfo=None)) == date(2026, 3, 10)  # naive=UTC


def test_the_written_opinion_deadline_counts_from_the_vietnam_day_of_acceptance(db):
    council, _office, _people, _round, evaluation = in_round()
    council.decision_mode = DecisionMode.written
    evaluation.dossier.accepted_at = LATE_EVENING_UTC
    db.session.flush()
    # 45 days from 10/03/2026 (the day in Vietnam), not from 09/03 (the UTC day)
    assert services.written_deadline(evaluation) == date(2026, 3, 10) + timedelta(days=45)
    assert services.written_deadline(evaluation) == date(2026, 4, 24)


def test_the_producer_reads_the_result_with_a_decimal_comma(db):
    _council, office, people, round_, evaluation = in_round()
    services.move_round(round_, RoundState.scoring, actor=office)
    for member in people:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    services.move_round(round_, RoundState.closed, actor=office)
    scoring.conclude_evaluation(evaluation, proposal="Đề nghị công nhận", actor=office)
    owners = db.session.scalars(db.select(User.id).filter_by(
        producer_id=evaluation.dossier.producer_id)).all()
    assert owners
    subjects = db.session.scalars(db.select(Notification.subject).where(
        Notification.user_id.in_(owners), Notification.kind == "dossier_status")).all()
    [result] = [s for s in subjects if s.startswith("Kết quả đánh giá")]
    assert result == f"Kết quả đánh giá: 100,00 điểm, {evaluation.star} sao"
    assert "100.00" not in result
