"""A council from set-up to a concluded result, through the services."""
from datetime import date
from decimal import Decimal

import pytest

from ocop_rating.accounts.roles import Role
from ocop_rating.councils import services
from ocop_rating.councils.calendar import legal_rounds
from ocop_rating.councils.models import (
    ConflictStatus,
    CouncilLevel,
    EvaluationStatus,
    MemberRole,
    Round,
    RoundState,
)
from ocop_rating.db import db as _db
from ocop_rating.dossiers.states import DossierStatus
from ocop_rating.errors import InvalidTransition, NotAllowed
from ocop_rating.evaluation import services as scoring
from ocop_rating.evaluation.models import SheetStatus
from tests.factories import (
    LAM_DONG,
    QUANG_NINH,
    VAN_DON,
    accepted_dossier,
    make_council,
    make_user,
    score_all,
)


def stored(round_) -> tuple[RoundState, list[tuple[str, str]]]:
    """The round's state as committed, and its status changes in the audit trail."""
    from ocop_rating.audit import AuditEvent

    _db.session.commit()
    state = _db.session.scalar(_db.select(Round.state).filter_by(id=round_.id))
    moves = _db.session.execute(
        _db.select(AuditEvent.old, AuditEvent.new).filter_by(
            object_type="rounds", object_id=str(round_.id), action="status")
        .order_by(AuditEvent.seq)).all()
    return state, [tuple(m) for m in moves]


def start_scoring(council, office, dossier):
    round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
    services.move_round(round_, RoundState.open, actor=office)
    evaluation = services.add_to_round(round_, dossier, actor=office)
    services.move_round(round_, RoundState.scoring, actor=office)
    state, moves = stored(round_)
    assert state == RoundState.scoring and moves == [("planned", "open"), ("open", "scoring")]
    assert evaluation.status == EvaluationStatus.scoring and round_.pinned_rules is not None
    return round_, evaluation


def test_legal_calendar_prefills_rounds():
    assert [(p, f) for _, p, f in legal_rounds(CouncilLevel.province, 2026)] == [
        (date(2026, 4, 30), date(2026, 6, 30)), (date(2026, 10, 30), date(2026, 12, 30))]
    assert [(p, f) for _, p, f in legal_rounds(CouncilLevel.central, 2027)] == [
        (date(2027, 1, 30), date(2027, 3, 30)), (date(2027, 7, 30), date(2027, 9, 30))]


def test_rounds_are_created_once_per_year(db):
    council, office, _ = make_council()
    assert len(services.create_legal_rounds(council, 2026, actor=office)) == 2
    assert services.create_legal_rounds(council, 2026, actor=office) == []
    extra = services.create_round(council, name="Đợt bổ sung", proposals_by=date(2026, 8, 1),
                                  finish_by=date(2026, 8, 30), is_extra=True, actor=office)
    assert extra.is_extra and len(council.rounds) == 3


def test_full_flow_to_a_concluded_result(db):
    council, office, members = make_council(members=4)
    dossier = accepted_dossier()
    round_, evaluation = start_scoring(council, office, dossier)
    assert dossier.status == DossierStatus.in_round
    for member in members:
        sheet = scoring.open_sheet(evaluation, actor=member.user)
        score_all(sheet, member.user)
    assert all(p.submitted for p in services.progress(evaluation))
    services.move_round(round_, RoundState.closed, actor=members[0].user)
    assert stored(round_)[0] == RoundState.closed and round_.session_closed_at is not None
    result = scoring.council_result(evaluation)
    assert result.mean_total == Decimal("100.00") and result.star == 5
    scoring.conclude_evaluation(evaluation, proposal="Đề nghị công nhận 5 sao",
                                 actor=members[1].user)
    assert evaluation.status == EvaluationStatus.concluded and evaluation.star == 5
    assert evaluation.result["rulebook"] == "qd26-2026" and evaluation.result["set"] == 1
    assert dossier.status == DossierStatus.evaluated
    services.conclude_round(round_, conclusion="Hoàn thành đợt 1", actor=office)
    state, moves = stored(round_)
    assert state == RoundState.concluded and moves[-2:] == [("scoring", "closed"),
                                                            ("closed", "concluded")]
    assert round_.conclusion == "Hoàn thành đợt 1" and round_.concluded_at is not None


def test_scores_are_locked_by_version(db):
    council, office, members = make_council(members=3)
    _round, evaluation = start_scoring(council, office, accepted_dossier())
    user = members[0].user
    sheet = scoring.open_sheet(evaluation, actor=user)
    version = sheet.version
    scoring.save_entries(sheet, {"1.1": (0, None)}, expected_version=version, actor=user)
    with pytest.raises(scoring.SheetConflict):  # a second tab still holding the old version
        scoring.save_entries(sheet, {"1.1": (2, None)}, expected_version=version, actor=user)
    assert sheet.entries_by_code()["1.1"].option_index == 0
    with pytest.raises(services.CouncilError):  # bad input: nothing half-written
        scoring.save_entries(sheet, {"1.2": (1, None), "1.3": (99, None)},
                              expected_version=sheet.version, actor=user)
    assert "1.2" not in sheet.entries_by_code()


def test_submit_needs_a_complete_sheet_and_locks_it(db):
    council, office, members = make_council(members=3)
    _round, evaluation = start_scoring(council, office, accepted_dossier())
    user = members[2].user
    sheet = scoring.open_sheet(evaluation, actor=user)
    scoring.save_entries(sheet, {"1.1": (0, None)}, expected_version=sheet.version, actor=user)
    with pytest.raises(services.CouncilError, match="chưa chấm"):
        scoring.submit_sheet(sheet, expected_version=sheet.version, actor=user)
    score_all(sheet, user)
    assert sheet.status == SheetStatus.submitted
    with pytest.raises(scoring.SheetConflict):
        scoring.save_entries(sheet, {"1.1": (1, None)}, expected_version=sheet.version,
                              actor=user)
    with pytest.raises(NotAllowed):  # only the chair reopens
        scoring.reopen_sheet(sheet, reason="chấm lại", actor=user)
    chair = members[0].user
    scoring.reopen_sheet(sheet, reason="Chênh lệch điểm quá lớn", actor=chair)
    assert sheet.status == SheetStatus.draft and sheet.reopened_reason
    scoring.save_entries(sheet, {"1.1": (1, None)}, expected_version=sheet.version, actor=user)


def test_members_cannot_touch_each_others_sheets(db):
    council, office, members = make_council(members=3)
    _round, evaluation = start_scoring(council, office, accepted_dossier())
    sheet = scoring.open_sheet(evaluation, actor=members[1].user)
    with pytest.raises(NotAllowed):
        scoring.save_entries(sheet, {"1.1": (0, None)}, expected_version=sheet.version,
                              actor=members[2].user)
    outsider = make_user(Role.council_member, province_code=QUANG_NINH)
    with pytest.raises(NotAllowed):
        scoring.open_sheet(evaluation, actor=outsider)


def test_conflicts_are_flagged_decided_and_reduce_the_quorum(db):
    council, office, members = make_council(members=4)
    neighbour = members[3]
    neighbour.home_commune_code = VAN_DON  # lives in the producer's commune
    _round, evaluation = start_scoring(council, office, accepted_dossier(commune_code=VAN_DON))
    conflict = next(c for c in evaluation.conflicts if c.member_id == neighbour.id)
    assert not conflict.declared and conflict.status == ConflictStatus.pending
    with pytest.raises(NotAllowed):  # cannot open the sheet while it is pending
        scoring.open_sheet(evaluation, actor=neighbour.user)
    with pytest.raises(NotAllowed):  # a plain member cannot decide
        services.decide_conflict(conflict, upheld=True, actor=members[2].user)
    services.decide_conflict(conflict, upheld=True, actor=members[0].user)
    assert neighbour not in services.scoring_members(evaluation)
    declared = services.declare_conflict(evaluation, reason="Em họ của giám đốc HTX",
                                         actor=members[2].user)
    services.decide_conflict(declared, upheld=False, actor=members[0].user)
    assert members[2] in services.scoring_members(evaluation)
    for member in members[:3]:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    services.move_round(evaluation.round, RoundState.closed, actor=office)
    result = scoring.council_result(evaluation)
    assert result.members_total == 3 and result.quorum_met


def test_quorum_one_short_and_chair_absent_block_the_conclusion(db):
    council, office, members = make_council(members=4)
    round_, evaluation = start_scoring(council, office, accepted_dossier())
    for member in members[1:3]:  # two of four, and not the chair
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    scoring.open_sheet(evaluation, actor=members[3].user)  # a draft: closing is refused
    with pytest.raises(services.CouncilError, match="chưa nộp"):
        services.move_round(round_, RoundState.closed, actor=office)
    assert stored(round_)[0] == RoundState.scoring and round_.session_closed_at is None
    for absent in (members[0], members[3]):
        services.exclude_member(evaluation, absent, reason="Vắng mặt", actor=office)
    services.move_round(round_, RoundState.closed, actor=office)
    assert stored(round_)[0] == RoundState.closed
    result = scoring.council_result(evaluation)
    assert "chair_absent" in result.problems
    with pytest.raises(services.CouncilError, match="Chưa thể kết luận"):
        scoring.conclude_evaluation(evaluation, proposal="x", actor=office)
    assert evaluation.status == EvaluationStatus.scoring


def test_spread_beyond_the_limit_names_the_criteria_and_reopening_fixes_it(db):
    council, office, members = make_council(members=3)
    round_, evaluation = start_scoring(council, office, accepted_dossier())
    score_all(scoring.open_sheet(evaluation, actor=members[0].user), members[0].user)
    score_all(scoring.open_sheet(evaluation, actor=members[1].user), members[1].user)
    low = scoring.open_sheet(evaluation, actor=members[2].user)
    score_all(low, members[2].user, choose=lambda item, options: 0)
    services.move_round(round_, RoundState.closed, actor=office)
    result = scoring.council_result(evaluation)
    assert result.spread_exceeded and result.disagreements
    with pytest.raises(InvalidTransition):  # closing is final: never back to scoring
        services.move_round(round_, RoundState.scoring, actor=office)
    assert stored(round_)[0] == RoundState.closed
    with pytest.raises(services.CouncilError):  # after the reveal: the discussion loop only
        scoring.reopen_sheet(low, reason="chấm lại", actor=members[0].user)
    before = scoring.sheet_result(low).total
    definition = scoring.sheet_definition(evaluation)
    codes = [item.code for item in definition.items][1:]  # every item but 1.1
    rescore = scoring.start_rescore(evaluation, items=codes, member_ids=[members[2].id],
                                    reason="Thảo luận: chấm lại các tiêu chí chênh lệch",
                                    actor=members[0].user)
    assert low.status == SheetStatus.draft and rescore.is_open
    assert rescore.previous[str(members[2].id)]["total"] == str(before)
    with pytest.raises(services.CouncilError, match="1.1"):  # not named by the chair
        scoring.save_entries(low, {"1.1": (1, None)}, expected_version=low.version,
                             actor=members[2].user)
    score_all(low, members[2].user,
              choose=lambda item, options: 0 if item.code == "1.1" else len(options) - 1)
    assert not rescore.is_open and round_.state == RoundState.closed
    assert not scoring.council_result(evaluation).spread_exceeded


def test_five_stars_go_to_the_central_council_with_the_provincial_record(db):
    council, office, members = make_council(members=3)
    dossier = accepted_dossier()
    round_, evaluation = start_scoring(council, office, dossier)
    for member in members:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    services.move_round(round_, RoundState.closed, actor=office)
    scoring.conclude_evaluation(evaluation, proposal="Đề nghị Bộ công nhận 5 sao", actor=office)
    central, ministry, experts = make_council(level=CouncilLevel.central, members=3)
    central_round = services.create_legal_rounds(central, 2027, actor=ministry)[0]
    assert dossier in services.eligible_dossiers(central_round)
    services.move_round(central_round, RoundState.open, actor=ministry)
    assert stored(central_round)[0] == RoundState.open
    central_eval = services.add_to_round(central_round, dossier, actor=ministry)
    assert central_eval.escalated_from_id == evaluation.id
    services.move_round(central_round, RoundState.scoring, actor=ministry)
    for member in experts:  # the central council scores it lower
        sheet = scoring.open_sheet(central_eval, actor=member.user)
        score_all(sheet, member.user, choose=lambda item, options: max(0, len(options) - 2))
    services.move_round(central_round, RoundState.closed, actor=ministry)
    assert stored(central_round)[0] == RoundState.closed
    scoring.conclude_evaluation(central_eval, proposal="Không đạt 5 sao", actor=ministry)
    assert central_eval.mean_total < 90
    assert services.central_outcome(evaluation) is central_eval
    assert evaluation.mean_total == Decimal("100.00")  # the provincial record is kept


def test_office_of_another_province_cannot_run_the_council(db):
    council, office, _ = make_council(province_code=QUANG_NINH)
    other = make_user(Role.province, province_code=LAM_DONG)
    with pytest.raises(NotAllowed):
        services.create_legal_rounds(council, 2026, actor=other)
    with pytest.raises(NotAllowed):
        services.add_member(council, make_user(Role.council_member, province_code=LAM_DONG),
                            role=MemberRole.member, actor=other)
    dossier = accepted_dossier(commune_code="25000")  # a Lâm Đồng dossier
    round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
    with pytest.raises(NotAllowed):
        services.add_to_round(round_, dossier, actor=office)


def test_round_transitions(db):
    council, office, _ = make_council()
    round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
    assert stored(round_) == (RoundState.planned, [])
    with pytest.raises(InvalidTransition):
        services.move_round(round_, RoundState.closed, actor=office)
    assert stored(round_) == (RoundState.planned, [])
    services.move_round(round_, RoundState.open, actor=office)
    assert stored(round_) == (RoundState.open, [("planned", "open")])
    assert round_.pinned_rules is None
    services.move_round(round_, RoundState.scoring, actor=office)
    assert stored(round_) == (RoundState.scoring, [("planned", "open"), ("open", "scoring")])
    assert round_.pinned_rules == council.council_rules.to_dict()
    assert round_.session_closed_at is None
    services.move_round(round_, RoundState.closed, actor=office)
    assert stored(round_) == (RoundState.closed, [("planned", "open"), ("open", "scoring"),
                                                  ("scoring", "closed")])
    assert round_.session_closed_at is not None and round_.concluded_at is None
    with pytest.raises(InvalidTransition):
        services.move_round(round_, RoundState.scoring, actor=office)
    with pytest.raises(services.CouncilError):  # concluding goes through conclude_round
        services.move_round(round_, RoundState.concluded, actor=office)
    state, moves = stored(round_)
    assert state == RoundState.closed and len(moves) == 3


def test_supplement_goes_back_through_the_province_into_the_same_round(db):
    from ocop_rating.dossiers import services as dossiers

    council, office, members = make_council()
    dossier = accepted_dossier()
    round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
    services.move_round(round_, RoundState.open, actor=office)
    evaluation = services.add_to_round(round_, dossier, actor=office)
    services.send_back_for_supplement(evaluation, reason="Bổ sung kết quả kiểm nghiệm",
                                      actor=office)
    assert dossier.status == DossierStatus.returned_by_province
    owner = dossier.producer
    from ocop_rating.accounts.models import User

    user = db.session.scalar(db.select(User).filter_by(producer_id=owner.id))
    dossiers.submit(dossier, actor=user)
    dossiers.accept_at_province(dossier, actor=office)
    services.resume_after_supplement(evaluation, actor=office)
    assert dossier.status == DossierStatus.in_round
    assert evaluation.status == EvaluationStatus.review
