"""Councils, rounds, advisory review, lab tests and conflicts of interest.

Services check permission and the workflow, audit every change, flush; the view commits.
The members' sheets, the council's result and its seal live one feature up, in
``ocop_rating.evaluation``; nothing here imports from there.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..accounts.models import User
from ..accounts.roles import Role
from ..db import db, utcnow
from ..dossiers.models import Dossier
from ..dossiers.states import DossierStatus
from ..dossiers.states import transition as dossier_transition
from ..errors import NotAllowed, OcopError
from ..legaltime import legal_date
from ..rulebook import (
    InvalidCouncilRules,
)
from .calendar import legal_rounds
from .models import (
    AdvisoryMember,
    Conflict,
    ConflictStatus,
    Council,
    CouncilLevel,
    CouncilMember,
    DecisionMode,
    Evaluation,
    EvaluationStatus,
    Exclusion,
    LabTest,
    MemberRole,
    Round,
    RoundState,
)
from .states import transition as round_transition

if TYPE_CHECKING:  # the sheets live one feature up, in evaluation
    from ..evaluation.models import ScoreSheet

FIVE_STAR_THRESHOLD = Decimal(90)


class CouncilError(OcopError):
    pass


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise NotAllowed(message)


# -- councils and members ---------------------------------------------------------------

def check_rules(rules: dict[str, Any] | None) -> dict[str, Any]:
    try:
        from ..rulebook import CouncilRules

        return CouncilRules.from_dict(rules or {}).to_dict()
    except InvalidCouncilRules as e:
        raise CouncilError(_("Quy chế hội đồng không hợp lệ: %(e)s", e=str(e)),
                           code="invalid_rules") from None


def create_council(*, level: CouncilLevel, province_code: str | None, name: str,
                   decision_number: str, decision_date: date, term_from: date | None,
                   term_to: date | None, decision_mode: DecisionMode = DecisionMode.meeting,
                   rules: dict[str, Any] | None = None, actor) -> Council:
    """Set up a council (its establishing decision, term and rules)."""
    if level == CouncilLevel.central:
        province_code = None
    elif not province_code:
        raise CouncilError(_("Hội đồng cấp tỉnh phải gắn với một tỉnh."), code="province_required")
    if term_from and term_to and term_to < term_from:
        raise CouncilError(_("Nhiệm kỳ kết thúc trước khi bắt đầu."), code="term_order")
    council = Council(level=level, province_code=province_code, name=name.strip(),
                      decision_number=decision_number.strip(), decision_date=decision_date,
                      term_from=term_from, term_to=term_to, decision_mode=decision_mode,
                      rules=check_rules(rules))
    _require(council.can_manage(actor), _("Bạn không thể lập hội đồng ở cấp/địa bàn này."))
    db.session.add(council)
    db.session.flush()
    audit.record(council, "created", actor=actor)
    return council


def update_rules(council: Council, rules: dict[str, Any], *, mode: DecisionMode, actor) -> None:
    _require(council.can_manage(actor), _("Bạn không quản lý hội đồng này."))
    council.rules = check_rules(rules)
    council.decision_mode = mode
    audit.record(council, "rules_updated", actor=actor, data=council.rules)
    db.session.flush()


def add_member(council: Council, user: User, *, role: MemberRole, agency: str = "",
               home_commune_code: str | None = None, work_commune_code: str | None = None,
               related_producer_ids: list[int] | None = None, relationship_note: str = "",
               actor) -> CouncilMember:
    _require(council.can_manage(actor), _("Bạn không quản lý hội đồng này."))
    if user.role == Role.producer:
        raise CouncilError(_("Tài khoản chủ thể không thể là thành viên hội đồng."),
                           code="producer_member")
    if council.member_for(user) is not None:
        raise CouncilError(_("%(n)s đã là thành viên hội đồng.", n=user.full_name),
                           code="already_member")
    if role in (MemberRole.chair, MemberRole.secretary) and any(
            m.role == role for m in council.active_members):
        raise CouncilError(_("Hội đồng đã có %(r)s.", r=role.label), code="role_taken")
    member = CouncilMember(user_id=user.id, role=role, agency=agency.strip(),
                           home_commune_code=home_commune_code or None,
                           work_commune_code=work_commune_code or None,
                           related_producer_ids=sorted(set(related_producer_ids or [])),
                           relationship_note=relationship_note.strip(), is_active=True)
    council.members.append(member)
    db.session.flush()
    audit.record(council, "member_added", actor=actor,
                 data={"user": user.id, "role": role.value})
    return member


def remove_member(member: CouncilMember, *, actor) -> None:
    council = member.council
    _require(council.can_manage(actor), _("Bạn không quản lý hội đồng này."))
    member.is_active = False
    audit.record(council, "member_removed", actor=actor, data={"user": member.user_id})
    db.session.flush()


def add_advisor(council: Council, user: User, *, is_lead: bool, agency: str,
                actor) -> AdvisoryMember:
    _require(council.can_manage(actor), _("Bạn không quản lý hội đồng này."))
    if any(a.user_id == user.id for a in council.advisors):
        raise CouncilError(_("%(n)s đã ở trong tổ tư vấn.", n=user.full_name),
                           code="already_advisor")
    advisor = AdvisoryMember(user_id=user.id, is_lead=is_lead, agency=agency.strip())
    council.advisors.append(advisor)
    db.session.flush()
    audit.record(council, "advisor_added", actor=actor, data={"user": user.id})
    return advisor


def is_advisor(council: Council, user) -> bool:
    return any(a.user_id == getattr(user, "id", None) for a in council.advisors)


# -- rounds ----------------------------------------------------------------------------------

def create_legal_rounds(council: Council, year: int, *, actor) -> list[Round]:
    """Pre-fill the year's regular rounds from the legal calendar (idempotent)."""
    _require(council.can_manage(actor), _("Bạn không quản lý hội đồng này."))
    made = []
    existing = {(r.year, r.finish_by) for r in council.rounds}
    for seq, proposals_by, finish_by in legal_rounds(council.level, year):
        if (year, finish_by) in existing:
            continue
        made.append(create_round(council, name=_("Đợt %(n)d năm %(y)d", n=seq, y=year),
                                 proposals_by=proposals_by, finish_by=finish_by,
                                 is_extra=False, actor=actor))
    return made


def create_round(council: Council, *, name: str, proposals_by: date, finish_by: date,
                 is_extra: bool, actor) -> Round:
    _require(council.can_manage(actor), _("Bạn không quản lý hội đồng này."))
    if finish_by < proposals_by:
        raise CouncilError(_("Hạn hoàn thành phải sau hạn đề xuất."), code="dates_order")
    round_ = Round(name=name.strip(), year=finish_by.year, proposals_by=proposals_by,
                   finish_by=finish_by, is_extra=is_extra, state=RoundState.planned)
    council.rounds.append(round_)
    db.session.flush()
    audit.record(round_, "created", actor=actor)
    return round_


def unsubmitted(round_: Round) -> list[tuple[Evaluation, CouncilMember]]:
    """The (evaluation, member) pairs that stand in the way of closing the session: a member
    expected to score (not excluded, absent or conflicted, each recorded with a reason) who
    has not submitted."""
    scoring = [e for e in round_.evaluations if e.status == EvaluationStatus.scoring]
    progress_of = round_progress(scoring)
    return [(e, p.member) for e in scoring for p in progress_of[e.id]
            if p.blocked is None and not p.submitted]


def move_round(round_: Round, to: RoundState, *, actor, note: str = "") -> None:
    """Open, start scoring (the council's rules are pinned on the round), or close the
    session. Closing reveals the scores, so it needs every expected sheet submitted and it
    is final: re-scoring after it goes through the discussion loop (evaluation.services)."""
    council = round_.council
    _require(council.can_manage(actor) or council.is_secretary_or_chair(actor),
             _("Chỉ văn phòng OCOP, chủ tịch hoặc thư ký hội đồng điều hành đợt đánh giá."))
    if to == RoundState.concluded:
        raise CouncilError(_("Dùng chức năng kết luận đợt."), code="use_conclude")
    if to == RoundState.closed and round_.state == RoundState.scoring:
        missing = unsubmitted(round_)
        if missing:
            names = ", ".join(sorted({m.user.full_name for _e, m in missing}))
            raise CouncilError(_(
                "Chưa thể đóng phiên chấm: còn %(n)d phiếu chưa nộp (%(names)s). Mỗi thành viên "
                "có mặt phải nộp phiếu; thành viên vắng mặt hoặc không chấm phải được ghi nhận "
                "không phân công, có lý do.", n=len(missing), names=names), code="sheets_pending")
    round_transition(round_, to, actor=actor, note=note)
    if to == RoundState.scoring:
        if round_.pinned_rules is None:
            # Rules are pinned when scoring starts (issue 10 §2): later edits of the council's
            # rules apply to later rounds only.
            round_.pinned_rules = council.council_rules.to_dict()
            audit.record(round_, "rules_pinned", actor=actor, data=round_.pinned_rules)
        for evaluation in round_.evaluations:
            if evaluation.status == EvaluationStatus.review:
                audit.record(evaluation, "status", old=evaluation.status,
                             new=EvaluationStatus.scoring, actor=actor)
                evaluation.status = EvaluationStatus.scoring
    db.session.flush()


def eligible_dossiers(round_: Round) -> list[Dossier]:
    """Dossiers that may be put into ``round_``: accepted in the council's province, or —
    for the central council — dossiers whose provincial result is a 5★ proposal."""
    from sqlalchemy.orm import joinedload

    council = round_.council
    taken = set(db.session.scalars(db.select(Evaluation.dossier_id)
                                   .where(Evaluation.round_id == round_.id)))
    # The page names each dossier's product and producer: loaded with the rows.
    named = (joinedload(Dossier.product), joinedload(Dossier.producer))
    if council.level == CouncilLevel.central:
        rows = db.session.scalars(
            db.select(Evaluation).where(Evaluation.star == 5, Evaluation.concluded_at.is_not(None))
            .join(Round).join(Council).where(Council.level == CouncilLevel.province)
            .options(*(joinedload(Evaluation.dossier).options(o) for o in named))
            .order_by(Evaluation.id))
        already = set(db.session.scalars(db.select(Evaluation.escalated_from_id)
                                         .where(Evaluation.escalated_from_id.is_not(None))))
        return [e.dossier for e in rows if e.id not in already and e.dossier_id not in taken]
    stmt = db.select(Dossier).filter_by(province_code=council.province_code,
                                        status=DossierStatus.accepted)
    return [d for d in db.session.scalars(stmt.options(*named).order_by(Dossier.id))
            if d.id not in taken]


def add_to_round(round_: Round, dossier: Dossier, *, actor) -> Evaluation:
    """Put a dossier into a round; conflicts of interest are flagged at once."""
    council = round_.council
    _require(council.can_manage(actor), _("Bạn không quản lý hội đồng này."))
    if round_.state not in (RoundState.planned, RoundState.open, RoundState.scoring):
        raise CouncilError(_("Đợt đánh giá đã đóng."), code="round_closed")
    escalated_from = None
    if council.level == CouncilLevel.central:
        escalated_from = _provincial_five_star(dossier)
        if escalated_from is None:
            raise CouncilError(_("Chỉ sản phẩm được hội đồng tỉnh đề xuất 5 sao mới đưa vào "
                                 "hội đồng trung ương."), code="not_proposed")
    elif dossier.province_code != council.province_code:
        raise NotAllowed(_("Hồ sơ không thuộc tỉnh của hội đồng."))
    existing = db.session.scalar(db.select(Evaluation).filter_by(round_id=round_.id,
                                                                 dossier_id=dossier.id))
    if existing is not None:
        raise CouncilError(_("Hồ sơ đã có trong đợt này."), code="already_in_round")
    if dossier.status == DossierStatus.accepted:
        dossier_transition(dossier, DossierStatus.in_round, actor=actor)
    elif not (council.level == CouncilLevel.central and dossier.status == DossierStatus.evaluated):
        raise CouncilError(_("Hồ sơ chưa được tiếp nhận."), code="not_accepted")
    evaluation = Evaluation(dossier=dossier,
                            escalated_from_id=getattr(escalated_from, "id", None),
                            status=EvaluationStatus.scoring
                            if round_.state == RoundState.scoring else EvaluationStatus.review)
    round_.evaluations.append(evaluation)
    db.session.flush()
    audit.record(evaluation, "created", actor=actor, data={"round": round_.id,
                                                           "dossier": dossier.id})
    flag_conflicts(evaluation)
    return evaluation


def _provincial_five_star(dossier: Dossier) -> Evaluation | None:
    return db.session.scalars(
        db.select(Evaluation).filter_by(dossier_id=dossier.id, star=5)
        .where(Evaluation.concluded_at.is_not(None))
        .join(Round).join(Council).where(Council.level == CouncilLevel.province)
        .order_by(Evaluation.id.desc())).first()


def resume_after_supplement(evaluation: Evaluation, *, actor) -> None:
    """A dossier the advisory group sent back comes back into its round once the province
    has accepted the supplement."""
    _require(evaluation.council.can_manage(actor), _("Bạn không quản lý hội đồng này."))
    dossier = evaluation.dossier
    if evaluation.status != EvaluationStatus.supplement or dossier.status != DossierStatus.accepted:
        raise CouncilError(_("Hồ sơ chưa được bổ sung và tiếp nhận lại."), code="not_resupplied")
    dossier_transition(dossier, DossierStatus.in_round, actor=actor, note=_("Đã bổ sung"))
    evaluation.status = (EvaluationStatus.scoring if evaluation.round.state == RoundState.scoring
                         else EvaluationStatus.review)
    audit.record(evaluation, "resumed", actor=actor)
    db.session.flush()


# -- advisory review ------------------------------------------------------------------------

def can_review(evaluation: Evaluation, user) -> bool:
    council = evaluation.council
    return council.can_manage(user) or is_advisor(council, user)


def save_review(evaluation: Evaluation, *, notes: str, site_visit_on: date | None,
                site_visit_notes: str, report: str, submit_report: bool, actor) -> None:
    _require(can_review(evaluation, actor), _("Chỉ tổ tư vấn ghi nhận xét hồ sơ."))
    if evaluation.status == EvaluationStatus.concluded:
        raise CouncilError(_("Hồ sơ đã có kết quả."), code="concluded")
    evaluation.advisory_notes = notes.strip()
    evaluation.site_visit_on = site_visit_on
    evaluation.site_visit_notes = site_visit_notes.strip()
    evaluation.advisory_report = report.strip()
    if submit_report:
        if not evaluation.advisory_report:
            raise CouncilError(_("Báo cáo của tổ tư vấn đang trống."), code="empty_report")
        evaluation.report_submitted_at = utcnow()
    audit.record(evaluation, "review_saved", actor=actor,
                 data={"report_submitted": bool(submit_report)})
    db.session.flush()


def request_lab_test(evaluation: Evaluation, *, description: str, actor) -> LabTest:
    _require(can_review(evaluation, actor), _("Chỉ tổ tư vấn yêu cầu kiểm nghiệm bổ sung."))
    if not description.strip():
        raise CouncilError(_("Vui lòng ghi nội dung cần kiểm nghiệm."), code="empty_test")
    test = LabTest(description=description.strip(), requested_by_id=actor.id)
    evaluation.lab_tests.append(test)
    db.session.flush()
    audit.record(evaluation, "lab_test_requested", actor=actor, data={"test": test.id})
    return test


def record_lab_result(test: LabTest, *, result_text: str, file_storage=None, actor) -> None:
    from ..files.services import store_upload

    _require(can_review(test.evaluation, actor), _("Chỉ tổ tư vấn ghi kết quả kiểm nghiệm."))
    if file_storage is not None and getattr(file_storage, "filename", ""):
        test.result_file_id = store_upload(file_storage, actor=actor).id
    if not result_text.strip() and test.result_file_id is None:
        raise CouncilError(_("Vui lòng ghi kết quả hoặc tải lên phiếu kết quả."),
                           code="empty_result")
    test.result_text = result_text.strip()
    test.result_at = utcnow()
    audit.record(test.evaluation, "lab_result", actor=actor, data={"test": test.id})
    db.session.flush()


def send_back_for_supplement(evaluation: Evaluation, *, reason: str, actor) -> None:
    """The advisory group asks the producer for more; the dossier comes back through the
    province and then into the same round."""
    _require(can_review(evaluation, actor), _("Chỉ tổ tư vấn yêu cầu bổ sung hồ sơ."))
    if evaluation.status == EvaluationStatus.concluded:
        raise CouncilError(_("Hồ sơ đã có kết quả."), code="concluded")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise CouncilError(_("Vui lòng ghi rõ nội dung cần bổ sung."), code="reason_required")
    dossier = evaluation.dossier
    dossier_transition(dossier, DossierStatus.returned_by_province, actor=actor, note=reason)
    dossier.return_reason = reason
    evaluation.status = EvaluationStatus.supplement
    audit.record(evaluation, "sent_for_supplement", actor=actor, note=reason)
    _notify_producer(dossier, _l("Hội đồng yêu cầu bổ sung hồ sơ: %(r)s", r=reason), actor)
    db.session.flush()


# -- assignment and conflicts of interest -----------------------------------------------------

def likely_conflicts(evaluation: Evaluation) -> dict[int, str]:
    """Members the system flags for ``evaluation``: member id -> the reason."""
    dossier = evaluation.dossier
    producer = dossier.producer
    flagged: dict[int, str] = {}
    for member in evaluation.council.active_members:
        user = member.user
        if user.producer_id is not None and user.producer_id == producer.id:
            flagged[member.id] = _("Thành viên thuộc chủ thể có sản phẩm.")
        elif producer.id in (member.related_producer_ids or []):
            flagged[member.id] = _("Hồ sơ thành viên ghi nhận có quan hệ với chủ thể.")
        elif member.home_commune_code == producer.commune_code:
            flagged[member.id] = _("Thành viên cư trú tại xã của chủ thể.")
        elif member.work_commune_code == producer.commune_code or (
                user.commune_code is not None and user.commune_code == producer.commune_code):
            flagged[member.id] = _("Thành viên công tác tại xã của chủ thể.")
    return flagged


def flag_conflicts(evaluation: Evaluation) -> list[Conflict]:
    existing = {c.member_id for c in evaluation.conflicts}
    made = []
    for member_id, reason in likely_conflicts(evaluation).items():
        if member_id in existing:
            continue
        conflict = Conflict(member_id=member_id, declared=False, reason=reason)
        evaluation.conflicts.append(conflict)
        made.append(conflict)
    db.session.flush()
    return made


def declare_conflict(evaluation: Evaluation, *, reason: str, actor) -> Conflict:
    member = evaluation.council.member_for(actor)
    _require(member is not None, _("Bạn không phải thành viên hội đồng này."))
    if not reason.strip():
        raise CouncilError(_("Vui lòng ghi lý do xung đột lợi ích."), code="reason_required")
    conflict = next((c for c in evaluation.conflicts if c.member_id == member.id), None)
    if conflict is None:
        conflict = Conflict(member_id=member.id)
        evaluation.conflicts.append(conflict)
    conflict.declared, conflict.reason = True, reason.strip()
    conflict.status, conflict.decided_at, conflict.decided_by_id = ConflictStatus.pending, None, None
    db.session.flush()
    audit.record(evaluation, "conflict_declared", actor=actor, note=reason.strip())
    return conflict


def decide_conflict(conflict: Conflict, *, upheld: bool, actor) -> None:
    """The chair decides whether a member is conflicted (or the office, if the chair is the
    one concerned)."""
    council = conflict.evaluation.council
    chair = council.chair
    deciding_as_chair = chair is not None and chair.user_id == actor.id \
        and conflict.member_id != chair.id
    _require(deciding_as_chair or council.can_manage(actor),
             _("Chỉ chủ tịch hội đồng quyết định xung đột lợi ích."))
    sheet = conflict.evaluation.sheet_of(conflict.member)
    if upheld and sheet is not None and sheet.submitted_at is not None:
        raise CouncilError(_("Thành viên đã nộp phiếu: mở lại phiếu trước khi loại."),
                           code="sheet_submitted")
    conflict.status = ConflictStatus.upheld if upheld else ConflictStatus.dismissed
    conflict.decided_by_id = actor.id
    conflict.decided_at = utcnow()
    audit.record(conflict.evaluation, "conflict_decided", actor=actor,
                 data={"member": conflict.member_id, "upheld": upheld})
    db.session.flush()


def exclude_member(evaluation: Evaluation, member: CouncilMember, *, reason: str,
                   actor) -> None:
    council = evaluation.council
    _require(council.is_secretary_or_chair(actor) or council.can_manage(actor),
             _("Chỉ thư ký hoặc chủ tịch hội đồng phân công thành viên."))
    if any(x.member_id == member.id for x in evaluation.exclusions):
        return
    if not (reason or "").strip():
        raise CouncilError(_("Vui lòng ghi lý do (vắng mặt, không phân công …)."),
                           code="reason_required")
    sheet = evaluation.sheet_of(member)
    if sheet is not None and sheet.submitted_at is not None:
        raise CouncilError(_("Thành viên đã nộp phiếu cho hồ sơ này."), code="sheet_submitted")
    evaluation.exclusions.append(Exclusion(member_id=member.id, reason=reason.strip(),
                                           by_id=actor.id))
    audit.record(evaluation, "member_excluded", actor=actor, data={"member": member.id},
                 note=reason)
    db.session.flush()


def include_member(evaluation: Evaluation, member: CouncilMember, *, actor) -> None:
    council = evaluation.council
    _require(council.is_secretary_or_chair(actor) or council.can_manage(actor),
             _("Chỉ thư ký hoặc chủ tịch hội đồng phân công thành viên."))
    for exclusion in list(evaluation.exclusions):
        if exclusion.member_id == member.id:
            evaluation.exclusions.remove(exclusion)
            db.session.delete(exclusion)
            audit.record(evaluation, "member_included", actor=actor, data={"member": member.id})
    db.session.flush()


def blocked_reason(evaluation: Evaluation, member: CouncilMember) -> str | None:
    """Why ``member`` may not score ``evaluation`` (None: they may)."""
    if not member.is_active:
        return _("Không còn là thành viên hội đồng.")
    if any(x.member_id == member.id for x in evaluation.exclusions):
        return _("Thư ký đã không phân công chấm hồ sơ này.")
    for conflict in evaluation.conflicts:
        if conflict.member_id == member.id:
            if conflict.status == ConflictStatus.upheld:
                return _("Xung đột lợi ích: %(r)s", r=conflict.reason)
            if conflict.status == ConflictStatus.pending:
                return _("Đang chờ chủ tịch quyết định về xung đột lợi ích: %(r)s",
                         r=conflict.reason)
    return None


def is_barred(evaluation: Evaluation, user) -> bool:
    """A council member taken off this dossier (excluded, or a conflict of interest declared,
    flagged or upheld) loses the whole record of it: the dossier, evidence, lab results and
    the other members' scores (issue 10 §6). A dismissed conflict gives it back."""
    member = evaluation.council.member_for(user)
    if member is None:
        return False
    if any(x.member_id == member.id for x in evaluation.exclusions):
        return True
    return any(c.member_id == member.id and c.status != ConflictStatus.dismissed
               for c in evaluation.conflicts)


def can_view_evaluation(evaluation: Evaluation, user) -> bool:
    """Who may open one evaluation's record: whoever may view the council, unless barred."""
    if not evaluation.council.can_view(user):
        return False
    if evaluation.council.can_manage(user):
        return True
    return not is_barred(evaluation, user)


def visible_evaluations(evaluations, user) -> list[Evaluation]:
    """The evaluations of a list that ``user`` may open (``can_view_evaluation``). Every
    round-level list filters through this one check: the round page, the member's work list,
    the minutes and score tables, the API's rounds and results. A barred member sees nothing
    of the dossier there, not even that it is in the round."""
    return [e for e in evaluations if can_view_evaluation(e, user)]


def viewable_evaluations_where(visible_councils: list[Council], user):
    """``can_view_evaluation`` as a SQL condition on ``Evaluation`` joined to its ``Round``,
    for lists paged in the database (the API's results). ``visible_councils``: the councils
    ``user`` may view. Kept beside ``is_barred``; tests/councils/test_round_access.py checks
    that both give the same answer."""
    from sqlalchemy import false, or_

    if not visible_councils:
        return false()
    managed = [c.id for c in visible_councils if c.can_manage(user)]
    mine = [m.id for c in visible_councils for m in c.members
            if m.user_id == getattr(user, "id", None) and m.is_active]
    barred = barred_where(mine) if mine else false()
    return Round.council_id.in_([c.id for c in visible_councils]) \
        & or_(Round.council_id.in_(managed), ~barred)


def barred_where(member):
    """``is_barred`` as a SQL condition on ``Evaluation``: ``member`` (a list of member ids,
    or a member-id column of the enclosing query) is excluded from it or has a conflict on it
    that was not dismissed."""
    from sqlalchemy import exists, or_

    def of(column):
        return column.in_(member) if isinstance(member, (list, tuple, set)) \
            else column == member

    return or_(
        exists().where(Exclusion.evaluation_id == Evaluation.id, of(Exclusion.member_id)),
        exists().where(Conflict.evaluation_id == Evaluation.id, of(Conflict.member_id),
                       Conflict.status != ConflictStatus.dismissed))


def hidden_count(evaluations, user) -> int:
    """How many of ``evaluations`` ``user`` may not open (said on the page, never named)."""
    return sum(1 for e in evaluations if not can_view_evaluation(e, user))


def _runs_or_sits_on(council: Council, user) -> bool:
    """The office that runs the council, its members and its advisory group."""
    return council.can_manage(user) or council.member_for(user) is not None \
        or is_advisor(council, user)


def can_read_scores(evaluation: Evaluation, user) -> bool:
    """Whether ``user`` sees the scores of ``evaluation`` (the sheets' totals, the mean, the
    star). Nobody while scoring (the session is not closed). Once revealed: the council, its
    office and advisors; a national reader who only oversees the council (the ministry over a
    provincial council, DOMAIN §9) once the result is sealed, never a number that may still
    change (docs/decisions.md, "... the ministry reads sealed provincial records")."""
    if not can_view_evaluation(evaluation, user) or not evaluation.round.scores_visible:
        return False
    if _runs_or_sits_on(evaluation.council, user):
        return True
    return evaluation.status == EvaluationStatus.concluded


def can_read_papers(round_: Round, user) -> bool | None:
    """Whether ``user`` reads the minutes and score tables of ``round_``: True, False (not
    theirs: 403) or None (not theirs yet: 404). The council's office, chair, secretary and
    members once the session is closed; the ministry over a provincial council once at least
    one of the round's results is sealed. What the papers then hold is decided evaluation by
    evaluation by ``can_read_scores`` (a barred member's dossiers and, for the ministry, the
    results not yet sealed are left out)."""
    council = round_.council
    if council.can_manage(user) or council.member_for(user) is not None:
        return True if round_.scores_visible else None
    if getattr(user, "role", None) == Role.ministry and getattr(user, "is_active", False):
        return True if round_.scores_visible and any(
            e.status == EvaluationStatus.concluded for e in round_.evaluations) else None
    return False


def scoring_members(evaluation: Evaluation) -> list[CouncilMember]:
    """Members expected to score: active, not excluded, not conflicted (pending conflicts
    count as conflicted until the chair decides)."""
    return [m for m in evaluation.council.active_members
            if blocked_reason(evaluation, m) is None]


# -- rounds: conclusion and written opinions ----------------------------------------------------

@dataclass(frozen=True)
class SheetMark:
    """What a round-wide list reads of a sheet (``round_progress``): whose it is and whether
    it was submitted, without loading the sheet itself."""
    id: int
    member_id: int
    submitted_at: datetime | None


@dataclass
class MemberProgress:
    member: CouncilMember
    sheet: ScoreSheet | SheetMark | None
    blocked: str | None

    @property
    def submitted(self) -> bool:
        return self.sheet is not None and self.sheet.submitted_at is not None


def round_evaluations(round_: Round) -> list[Evaluation]:
    """The round's evaluations with what the round page shows of each (exclusions,
    conflicts, the dossier's product and producer) loaded in a fixed number of queries, so
    ``blocked_reason`` and ``can_view_evaluation`` ask the database nothing per evaluation;
    ``round_progress`` then reads the sheets of all of them in one more."""
    from sqlalchemy.orm import joinedload, selectinload

    from ..dossiers.models import Dossier

    return list(db.session.scalars(
        db.select(Evaluation).where(Evaluation.round_id == round_.id)
        .options(selectinload(Evaluation.exclusions), selectinload(Evaluation.conflicts),
                 joinedload(Evaluation.dossier).joinedload(Dossier.product),
                 joinedload(Evaluation.dossier).joinedload(Dossier.producer))
        .order_by(Evaluation.id)).unique())


def _progress(evaluation: Evaluation, sheets) -> list[MemberProgress]:
    """Each active member of the council with their sheet (of ``sheets``: the evaluation's)
    and why they may not score it (``blocked_reason``): the one reading of ``progress`` and
    ``round_progress``."""
    by_member = {s.member_id: s for s in sheets}
    return [MemberProgress(m, by_member.get(m.id), blocked_reason(evaluation, m))
            for m in evaluation.council.active_members]


def progress(evaluation: Evaluation) -> list[MemberProgress]:
    """Where each member of the council stands on ``evaluation`` (their sheet, or why they
    do not score it)."""
    return _progress(evaluation, evaluation.sheets)


def round_progress(evaluations) -> dict[int, list[MemberProgress]]:
    """``progress`` of each of ``evaluations`` (one round's, by evaluation id) in one query
    for all their sheets, read as ``SheetMark`` rows rather than loaded: the round page
    shows a count of sheets submitted per dossier, not the sheets. Exclusions and conflicts
    are read from the evaluations as loaded (``round_evaluations`` loads them with the
    rows)."""
    # The sheets live one feature up (evaluation): reached through the relationship, so
    # nothing here imports from there.
    sheet_cls = Evaluation.sheets.property.mapper.class_
    marks: dict[int, list[SheetMark]] = {e.id: [] for e in evaluations}
    # One query even for no evaluations: the page costs the same whatever the round holds.
    for sheet_id, evaluation_id, member_id, submitted_at in db.session.execute(
            db.select(sheet_cls.id, sheet_cls.evaluation_id, sheet_cls.member_id,
                      sheet_cls.submitted_at)
            .where(sheet_cls.evaluation_id.in_(list(marks)))):
        marks[evaluation_id].append(SheetMark(sheet_id, member_id, submitted_at))
    return {e.id: _progress(e, marks[e.id]) for e in evaluations}


def can_follow(evaluation: Evaluation, user) -> bool:
    council = evaluation.council
    return council.can_manage(user) or council.is_secretary_or_chair(user)


def conclude_round(round_: Round, *, conclusion: str, actor) -> None:
    council = round_.council
    _require(council.can_manage(actor) or council.is_secretary_or_chair(actor),
             _("Chỉ chủ tịch, thư ký hoặc văn phòng OCOP kết luận."))
    open_ = [e for e in round_.evaluations if e.status not in (EvaluationStatus.concluded,
                                                               EvaluationStatus.supplement)]
    if open_:
        raise CouncilError(_("Còn %(n)d hồ sơ chưa có kết luận.", n=len(open_)),
                           code="evaluations_open")
    round_.conclusion = (conclusion or "").strip()
    round_transition(round_, RoundState.concluded, actor=actor)
    db.session.flush()


WRITTEN_OPINION_DAYS = 45  # re-evaluation by written opinions: 45 days from a complete dossier


def written_deadline(evaluation: Evaluation) -> date | None:
    """The 45-day limit of a re-evaluation decided by written opinions (DOMAIN.md §6)."""
    from datetime import timedelta

    from ..dossiers.models import DossierKind

    dossier = evaluation.dossier
    if dossier.kind != DossierKind.reevaluation and \
            evaluation.council.decision_mode != DecisionMode.written:
        return None
    if dossier.accepted_at is None:
        return None
    return legal_date(dossier.accepted_at) + timedelta(days=WRITTEN_OPINION_DAYS)


def central_outcome(evaluation: Evaluation) -> Evaluation | None:
    """For a provincial evaluation proposed at 5★: the central council's evaluation of it."""
    return db.session.scalar(db.select(Evaluation).filter_by(escalated_from_id=evaluation.id))


# -- notifications ------------------------------------------------------------------------

def _notify_users(users, subject, evaluation: Evaluation, actor, link: str | None = None):
    """``subject`` a lazy message: each addressee reads it in their own language."""
    from ..notifications.services import notify

    body = _l("%(council)s — %(round)s — %(product)s", council=evaluation.council.name,
             round=evaluation.round.name, product=evaluation.dossier.product.name)
    notify(list(users), kind="council", subject=subject, body=body,
           link=link or f"/councils/evaluations/{evaluation.id}", actor=actor)


def _notify_producer(dossier: Dossier, subject, actor) -> None:
    from ..notifications.services import notify

    users = db.session.scalars(db.select(User).filter_by(producer_id=dossier.producer_id))
    notify(list(users), kind="dossier_status", subject=subject,
           body=_l("Hồ sơ #%(id)s — %(p)s", id=dossier.id, p=dossier.product.name),
           link=f"/dossiers/{dossier.id}", actor=actor)
