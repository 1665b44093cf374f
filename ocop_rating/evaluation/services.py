"""Scoring and results of one evaluation: the members' sheets, the scoring session's
progress, the council's result and its conclusion.

Services check permission and the workflow, audit every change, flush; the view commits.
Scoring writes are guarded by the sheet's version (optimistic locking): a write that was
based on an older version of the sheet is refused with ``SheetConflict`` and changes
nothing, so two tabs or a submit racing a reopen can never mix or lose scores.
"""
from __future__ import annotations

import functools

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..accounts.models import User
from ..councils.models import (
    Evaluation,
    EvaluationStatus,
    MemberRole,
    RoundState,
)
from ..councils.services import (
    CouncilError,
    _notify_producer,
    _notify_users,
    blocked_reason,
    can_follow,
    progress,
    scoring_members,
    written_deadline,
)
from ..db import db, utcnow
from ..dossiers.states import DossierStatus
from ..dossiers.states import transition as dossier_transition
from ..errors import NotAllowed, OcopError
from ..i18n import lazy_points
from ..legaltime import legal_date
from ..rulebook import (
    CouncilResult,
    MemberResult,
    RulebookError,
    SheetResult,
    aggregate,
    get_rulebook,
    score_sheet,
)
from .models import Rescore, ScoreEntry, ScoreSheet, SheetStatus

__all__ = ["CouncilError", "SheetConflict"]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise NotAllowed(message)


class SheetConflict(OcopError):
    """The sheet changed since the page read it (another tab, device or a reopen)."""

    code = "sheet_conflict"
    status = 409


def sheet_definition(evaluation: Evaluation):
    dossier = evaluation.dossier
    return get_rulebook(dossier.rulebook_code).sheet(dossier.set_no)


def can_score(evaluation: Evaluation, user) -> bool:
    member = evaluation.council.member_for(user)
    return member is not None and blocked_reason(evaluation, member) is None


def find_sheet(evaluation: Evaluation, user) -> ScoreSheet | None:
    """The user's own sheet for this dossier, if he opened one (reads only)."""
    member = evaluation.council.member_for(user)
    return evaluation.sheet_of(member) if member is not None else None


def own_sheet_for_update(evaluation_id: int, user) -> ScoreSheet | None:
    """The user's own sheet on this evaluation while he sits on its council (an active member:
    ``council.member_for``), row-locked for this transaction and read fresh, with what a save
    checks and answers from loaded in the same two queries: its member, the evaluation with its
    round, dossier, exclusions and conflicts, and the sheet's entries. The autosave's
    hot path (issue 13): 30 members saving at once each pay two queries, not eleven. None when
    there is no such sheet (not a member, a member removed, no sheet opened yet): the caller
    answers as for any other refusal.

    Only the sheet's row is locked (``FOR UPDATE OF score_sheets``): the evaluation, round and
    council rows are shared by every member's save and must not queue them."""
    query = _own_sheet_query()
    return db.session.scalars(query, {"evaluation_id": evaluation_id,
                                      "user_id": getattr(user, "id", None)}).unique().first()


@functools.cache
def _own_sheet_query():
    """Built once (a statement is immutable; building its loader options costs more than
    running it)."""
    from sqlalchemy import bindparam
    from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

    from ..councils.models import CouncilMember, Round
    from ..dossiers.models import Dossier

    return (
        db.select(ScoreSheet)
        .join(ScoreSheet.member).join(ScoreSheet.evaluation).join(Evaluation.round)
        .join(Evaluation.dossier)
        .where(ScoreSheet.evaluation_id == bindparam("evaluation_id"),
               CouncilMember.user_id == bindparam("user_id"),
               CouncilMember.is_active.is_(True),
               CouncilMember.council_id == Round.council_id)
        # the columns the checks and the answer read (any other loads when read)
        .options(contains_eager(ScoreSheet.member),
                 contains_eager(ScoreSheet.evaluation).options(
                     load_only(Evaluation.status, Evaluation.round_id, Evaluation.dossier_id),
                     contains_eager(Evaluation.round).load_only(Round.state, Round.council_id),
                     contains_eager(Evaluation.dossier).load_only(
                         Dossier.rulebook_code, Dossier.set_no, Dossier.province_code),
                     joinedload(Evaluation.exclusions), joinedload(Evaluation.conflicts)),
                 selectinload(ScoreSheet.entries))
        .with_for_update(of=ScoreSheet)
        .execution_options(populate_existing=True))


def open_sheet(evaluation: Evaluation, *, actor) -> ScoreSheet:
    """The member's own sheet for this dossier, created on first opening (a POST: no GET
    ever creates a sheet)."""
    member = evaluation.council.member_for(actor)
    _require(member is not None, _("Bạn không phải thành viên hội đồng này."))
    reason = blocked_reason(evaluation, member)
    if reason:
        raise NotAllowed(reason)
    sheet = evaluation.sheet_of(member)
    if sheet is None:
        if evaluation.round.state != RoundState.scoring:
            raise CouncilError(_("Đợt đánh giá chưa mở phiên chấm điểm."), code="not_scoring")
        if evaluation.status != EvaluationStatus.scoring:
            raise CouncilError(_("Hồ sơ chưa sẵn sàng để chấm (%(s)s).", s=evaluation.status.label),
                               code="not_scoring")
        sheet = ScoreSheet(member=member, rulebook_code=evaluation.dossier.rulebook_code,
                           set_no=evaluation.dossier.set_no, status=SheetStatus.draft)
        evaluation.sheets.append(sheet)
        db.session.flush()
        audit.record(sheet, "opened", actor=actor)
    return sheet


def open_rescore(evaluation: Evaluation) -> Rescore | None:
    """The discussion-loop pass under way on this evaluation, if any."""
    return db.session.scalar(db.select(Rescore).filter_by(evaluation_id=evaluation.id,
                                                          closed_at=None))


def rescores(evaluation: Evaluation) -> list[Rescore]:
    return list(db.session.scalars(db.select(Rescore).filter_by(evaluation_id=evaluation.id)
                                   .order_by(Rescore.seq)))


def rescore_for(sheet: ScoreSheet) -> Rescore | None:
    """The open pass that reopened this sheet (its member is named in it)."""
    if sheet.evaluation.round.state == RoundState.scoring:
        # A pass opens only once the session is closed (start_rescore), and a closed round
        # never returns to scoring (councils/states.py): while it scores there is none, and
        # every save of the session is spared the query.
        return None
    rescore = open_rescore(sheet.evaluation)
    if rescore is not None and sheet.member_id in (rescore.member_ids or []):
        return rescore
    return None


def is_editable(sheet: ScoreSheet) -> bool:
    """A draft sheet is editable while the session is open, or — after the reveal — while a
    discussion-loop pass names its member (for the items the chair named)."""
    if sheet.status != SheetStatus.draft:
        return False
    if sheet.evaluation.status == EvaluationStatus.concluded:
        return False
    state = sheet.evaluation.round.state
    if state == RoundState.scoring:
        return True
    return state == RoundState.closed and rescore_for(sheet) is not None


def _check_writable(sheet: ScoreSheet, expected_version: int | None, actor) -> None:
    member = sheet.member
    _require(member.user_id == actor.id, _("Đây không phải phiếu của bạn."))
    reason = blocked_reason(sheet.evaluation, member)
    if reason:
        raise NotAllowed(reason)
    if expected_version is not None and expected_version != sheet.version:
        raise SheetConflict(_("Phiếu vừa được thay đổi ở cửa sổ hoặc thiết bị khác; "
                              "trang đã được cập nhật theo bản mới nhất."))
    if sheet.status != SheetStatus.draft:
        raise SheetConflict(_("Phiếu đã nộp; chỉ chủ tịch hội đồng mở lại được."))
    if not is_editable(sheet):
        raise CouncilError(_("Phiên chấm điểm đã đóng."), code="not_scoring")


def save_entries(sheet: ScoreSheet, values: dict[str, tuple[int | None, str | None]], *,
                 comments: dict[str, str] | None = None, overall_comment: str | None = None,
                 knockouts: list[str] | None = None, expected_version: int | None,
                 actor) -> list[str]:
    """Save the member's choices (and comments). All-or-nothing: every code, option and case
    is checked before anything changes. Returns the codes changed."""
    _check_writable(sheet, expected_version, actor)
    definition = get_rulebook(sheet.rulebook_code).sheet(sheet.set_no)
    comments = comments or {}
    checked = {}
    for code, (index, case) in values.items():
        try:
            item = definition.item(code)
            if item.is_case_choice:
                if index is not None and case is None:
                    raise CouncilError(_("Mục %(c)s: chọn trường hợp áp dụng trước.", c=code),
                                       code="case_required")
                options = item.options_for(case) if case else ()
            else:
                case, options = None, item.options
        except RulebookError:
            raise CouncilError(_("Mục %(c)s không có trong phiếu.", c=code),
                               code="unknown_item") from None
        if index is not None and not 0 <= index < len(options):
            raise CouncilError(_("Mục %(c)s: lựa chọn không hợp lệ.", c=code),
                               code="invalid_option")
        checked[code] = (index, case)
    for code in comments:
        try:
            definition.item(code)
        except RulebookError:
            raise CouncilError(_("Mục %(c)s không có trong phiếu.", c=code),
                               code="unknown_item") from None
    if knockouts is not None:
        unknown = set(knockouts) - set(definition.knockout_codes)
        if unknown:
            raise CouncilError(_("Trường hợp loại không áp dụng cho bộ sản phẩm này."),
                               code="unknown_knockout")
    entries = sheet.entries_by_code()
    rescore = rescore_for(sheet)
    if rescore is not None:
        # After the reveal only the items the chair named may change.
        for code, (index, case) in checked.items():
            entry = entries.get(code)
            current = (entry.option_index, entry.case_key) if entry else (None, None)
            if (index, case) != current and code not in rescore.items:
                raise CouncilError(_("Mục %(c)s không nằm trong các mục hội đồng cho chấm lại "
                                     "(%(items)s).", c=code, items=", ".join(rescore.items)),
                                   code="not_in_rescore")
    changed = []
    now = utcnow()
    for code in sorted(set(checked) | set(comments)):
        entry = entries.get(code)
        if entry is None:
            entry = ScoreEntry(item_code=code)
            sheet.entries.append(entry)
        before = (entry.option_index, entry.case_key, entry.comment)
        if code in checked:
            entry.option_index, entry.case_key = checked[code]
        if code in comments:
            entry.comment = comments[code].strip()
        if (entry.option_index, entry.case_key, entry.comment) != before:
            entry.updated_at = now
            changed.append(code)
    if overall_comment is not None and overall_comment.strip() != sheet.overall_comment:
        sheet.overall_comment = overall_comment.strip()
        changed.append("overall")
    if knockouts is not None and sorted(set(knockouts)) != sorted(sheet.knockouts or []):
        sheet.knockouts = sorted(set(knockouts))
        changed.append("knockouts")
    # Every save bumps the version, even an idempotent one: the page's version stays current.
    sheet.updated_at = now
    # The sheet's rows first, under the sheet's own lock; the audit row in a flush of its
    # own, last: appending to the chain locks its head, one row for the whole system held
    # until the commit, so concurrent saves of other members queue on it only for the
    # audit row and the commit (issue 13), not for the sheet's writes too.
    db.session.flush()
    if changed:
        audit.record(sheet, "scores_saved", actor=actor,
                     data={"items": changed, **{c: list(checked[c]) for c in changed
                                                if c in checked}})
        db.session.flush()
    return changed


def sheet_result(sheet: ScoreSheet) -> SheetResult:
    definition = get_rulebook(sheet.rulebook_code).sheet(sheet.set_no)
    choices, cases = {}, {}
    for entry in sheet.entries:
        if entry.option_index is not None:
            choices[entry.item_code] = entry.option_index
            if entry.case_key:
                cases[entry.item_code] = entry.case_key
    return score_sheet(definition, choices, cases=cases, knockouts=sheet.knockouts or ())


def submit_sheet(sheet: ScoreSheet, *, expected_version: int | None, actor) -> None:
    _check_writable(sheet, expected_version, actor)
    result = sheet_result(sheet)
    if result.missing:
        raise CouncilError(_("Còn %(n)d mục chưa chấm: %(codes)s.", n=len(result.missing),
                             codes=", ".join(result.missing[:10])), code="incomplete")
    rescore = rescore_for(sheet)
    sheet.status = SheetStatus.submitted
    sheet.submitted_at = utcnow()
    sheet.updated_at = sheet.submitted_at
    audit.record(sheet, "submitted", actor=actor, data={"total": str(result.total)})
    db.session.flush()
    if rescore is not None and all(
            s.status == SheetStatus.submitted for s in sheet.evaluation.sheets
            if s.member_id in rescore.member_ids):
        rescore.closed_at = utcnow()
        audit.record(sheet.evaluation, "rescore_done", actor=actor, data={"seq": rescore.seq})
        db.session.flush()


def reopen_sheet(sheet: ScoreSheet, *, reason: str, expected_version: int | None = None,
                 actor) -> None:
    """The chair reopens a submitted sheet while the session is still open, with a reason.
    After the reveal, re-scoring goes through :func:`start_rescore` only."""
    council = sheet.evaluation.council
    chair = council.chair
    _require((chair is not None and chair.user_id == actor.id) or council.can_manage(actor),
             _("Chỉ chủ tịch hội đồng mở lại phiếu đã nộp."))
    if not (reason or "").strip():
        raise CouncilError(_("Vui lòng ghi lý do mở lại phiếu."), code="reason_required")
    if expected_version is not None and expected_version != sheet.version:
        raise SheetConflict(_("Phiếu vừa thay đổi; vui lòng tải lại trang."))
    if sheet.status != SheetStatus.submitted:
        raise CouncilError(_("Phiếu chưa nộp."), code="not_submitted")
    if sheet.evaluation.status == EvaluationStatus.concluded:
        raise CouncilError(_("Hồ sơ đã có kết luận."), code="concluded")
    if sheet.evaluation.round.state != RoundState.scoring:
        raise CouncilError(_("Phiên chấm đã đóng, điểm đã công bố: dùng thủ tục thảo luận và "
                             "chấm lại (nêu các mục và lý do)."), code="use_rescore")
    sheet.status = SheetStatus.draft
    sheet.submitted_at = None
    sheet.reopened_reason = reason.strip()
    sheet.updated_at = utcnow()
    audit.record(sheet, "reopened", actor=actor, note=reason.strip())
    db.session.flush()
    _notify_users([sheet.member.user], _l("Phiếu chấm được mở lại: %(r)s", r=reason.strip()),
                  sheet.evaluation, actor)


def start_rescore(evaluation: Evaluation, *, items: list[str], member_ids: list[int] | None,
                  reason: str, actor) -> Rescore:
    """The discussion loop after the reveal (spread too wide, members far apart): the chair
    names the items and the reason; the named members' sheets reopen for those items only;
    the scores before this pass are kept on the :class:`Rescore` and in the minutes."""
    council = evaluation.council
    chair = council.chair
    _require((chair is not None and chair.user_id == actor.id) or council.can_manage(actor),
             _("Chỉ chủ tịch hội đồng cho chấm lại sau khi thảo luận."))
    if evaluation.round.state != RoundState.closed:
        raise CouncilError(_("Chỉ chấm lại sau khi phiên chấm đã đóng; trước đó chủ tịch mở lại "
                             "từng phiếu."), code="not_closed")
    if evaluation.status == EvaluationStatus.concluded:
        raise CouncilError(_("Hồ sơ đã có kết luận."), code="concluded")
    if open_rescore(evaluation) is not None:
        raise CouncilError(_("Đang có một lượt chấm lại chưa xong."), code="rescore_open")
    reason = (reason or "").strip()
    if not reason:
        raise CouncilError(_("Vui lòng ghi lý do chấm lại."), code="reason_required")
    definition = sheet_definition(evaluation)
    codes = list(dict.fromkeys(c.strip() for c in items if c and c.strip()))
    if not codes:
        raise CouncilError(_("Vui lòng nêu các mục cần chấm lại."), code="items_required")
    for code in codes:
        try:
            definition.item(code)
        except RulebookError:
            raise CouncilError(_("Mục %(c)s không có trong phiếu.", c=code),
                               code="unknown_item") from None
    submitted = {s.member_id: s for s in evaluation.sheets if s.status == SheetStatus.submitted
                 and blocked_reason(evaluation, s.member) is None}
    chosen = sorted(submitted) if not member_ids else sorted(set(member_ids))
    if not chosen or any(m not in submitted for m in chosen):
        raise CouncilError(_("Chỉ mở lại phiếu đã nộp của thành viên chấm hồ sơ này."),
                           code="not_submitted")
    previous = {}
    for member_id, sheet in submitted.items():
        r = sheet_result(sheet)
        previous[str(member_id)] = {
            "total": str(r.total),
            "choices": {c.code: [c.option, c.case] for c in r.choices}}
    seq = len(rescores(evaluation)) + 1
    rescore = Rescore(evaluation_id=evaluation.id, seq=seq, items=codes, member_ids=chosen,
                      reason=reason, previous=previous, by_id=actor.id)
    db.session.add(rescore)
    now = utcnow()
    for member_id in chosen:
        sheet = submitted[member_id]
        sheet.status = SheetStatus.draft
        sheet.submitted_at = None
        sheet.reopened_reason = reason
        sheet.updated_at = now
        audit.record(sheet, "reopened", actor=actor, note=reason,
                     data={"rescore": seq, "items": codes})
    audit.record(evaluation, "rescore_started", actor=actor, note=reason,
                 data={"seq": seq, "items": codes, "members": chosen})
    db.session.flush()
    _notify_users([submitted[m].member.user for m in chosen],
                  _l("Hội đồng cho chấm lại các mục %(i)s: %(r)s", i=", ".join(codes), r=reason),
                  evaluation, actor, link=f"/councils/evaluations/{evaluation.id}/score")
    return rescore


def remind(evaluation: Evaluation, *, actor) -> list[User]:
    """E-mail the members expected to score who have not submitted (never the others)."""
    _require(can_follow(evaluation, actor), _("Chỉ chủ tịch, thư ký hoặc văn phòng OCOP."))
    pending = [p.member.user for p in progress(evaluation)
               if p.blocked is None and not p.submitted]
    _notify_users(pending, _l("Nhắc chấm điểm: %(p)s", p=evaluation.dossier.product.name),
                  evaluation, actor, link=f"/councils/evaluations/{evaluation.id}/score")
    audit.record(evaluation, "reminded", actor=actor, data={"users": [u.id for u in pending]})
    db.session.flush()
    return pending


def council_result(evaluation: Evaluation, *, knockouts_confirmed=(),
                   knockouts_dismissed=()) -> CouncilResult | None:
    """Aggregate the submitted sheets of the members expected to score."""
    members = scoring_members(evaluation)
    submitted = []
    for member in members:
        sheet = evaluation.sheet_of(member)
        if sheet is not None and sheet.status == SheetStatus.submitted:
            submitted.append(MemberResult(member_id=member.id, result=sheet_result(sheet),
                                          is_chair=member.role == MemberRole.chair))
    if not submitted:
        return None
    chair = evaluation.council.chair
    chair_present = chair is not None and any(m.is_chair for m in submitted)
    return aggregate(submitted, evaluation.round.rules, members_total=len(members),
                     chair_present=chair_present, knockouts_confirmed=knockouts_confirmed,
                     knockouts_dismissed=knockouts_dismissed)


def problem_label(code: str) -> str:
    """Why a council result cannot be adopted yet, for people."""
    return {
        "no_quorum": _("chưa đủ số thành viên chấm (tối thiểu theo quy chế)"),
        "chair_absent": _("chủ tịch hội đồng chưa chấm"),
        "spread_exceeded": _("điểm của các thành viên chênh lệch quá mức cho phép: hội đồng "
                             "thảo luận, chủ tịch nêu các mục cần chấm lại"),
        "knockout_pending": _("có trường hợp loại chưa được hội đồng quyết định"),
        "stop_pending": _("lựa chọn trên phiếu chấm gặp điều kiện dừng đánh giá (không được "
                          "công nhận): chủ tịch hội đồng quyết định và ghi lý do"),
        "rescore_open": _("đang chấm lại các mục hội đồng đã nêu"),
        "lab_pending": _("có yêu cầu kiểm nghiệm bổ sung chưa có kết quả"),
        "incomplete_sheets": _("có phiếu chưa chấm đủ các mục"),
    }.get(code, code)


def conclusion_problems(evaluation: Evaluation, result: CouncilResult | None) -> list[str]:
    """Everything that stands in the way of concluding, as problem codes."""
    problems = list(result.problems) if result is not None else []
    if open_rescore(evaluation) is not None:
        problems.append("rescore_open")
    if any(t.result_at is None for t in evaluation.lab_tests):
        problems.append("lab_pending")
    return problems


def can_decide_stops(evaluation: Evaluation, user) -> bool:
    """Flagged knock-outs and stops are decided by the chair (by the office when the chair is
    barred from this dossier or the council has none)."""
    from ..councils.services import is_barred

    chair = evaluation.council.chair
    if chair is not None and chair.user_id == getattr(user, "id", None):
        return not is_barred(evaluation, user)
    chair_barred = chair is None or is_barred(evaluation, chair.user)
    return chair_barred and evaluation.council.can_manage(user)


def conclude_evaluation(evaluation: Evaluation, *, proposal: str, knockouts_confirmed=(),
                        knockouts_dismissed=(), knockout_reasons=None, actor) -> CouncilResult:
    """Conclude one dossier once the scoring session is closed, and seal the result."""
    from .result_rules import knockout_decisions
    from .seal import seal_result

    council = evaluation.council
    _require(council.can_manage(actor) or council.is_secretary_or_chair(actor),
             _("Chỉ chủ tịch, thư ký hoặc văn phòng OCOP kết luận."))
    if evaluation.round.state != RoundState.closed:
        raise CouncilError(_("Đóng phiên chấm điểm trước khi kết luận."), code="not_closed")
    if evaluation.status == EvaluationStatus.concluded:
        raise CouncilError(_("Hồ sơ đã có kết luận."), code="concluded")
    decisions = knockout_decisions(knockouts_confirmed, knockouts_dismissed, knockout_reasons)
    confirmed, dismissed = list(decisions.confirmed), list(decisions.dismissed)
    if decisions.decided:
        _require(can_decide_stops(evaluation, actor),
                 _("Chỉ chủ tịch hội đồng quyết định trường hợp loại và điều kiện dừng."))
        missing = decisions.missing_reasons
        if missing:
            raise CouncilError(_("Vui lòng ghi lý do quyết định cho: %(c)s.",
                                 c=", ".join(missing)), code="reason_required")
    try:
        result = council_result(evaluation, knockouts_confirmed=confirmed,
                                knockouts_dismissed=dismissed)
    except RulebookError as e:
        raise CouncilError(str(e), code="invalid_knockout") from None
    if result is None:
        raise CouncilError(_("Chưa có phiếu nào được nộp."), code="no_sheets")
    problems = conclusion_problems(evaluation, result)
    if problems:
        raise CouncilError(_("Chưa thể kết luận: %(p)s", p="; ".join(
            problem_label(p) for p in problems)), code="result_not_final")
    import json

    from ..rulebook import to_json

    evaluation.result = json.loads(to_json(result.to_dict()))
    evaluation.mean_total = result.mean_total
    evaluation.star = result.star
    evaluation.recognised = bool(result.recognised)
    evaluation.proposal = (proposal or "").strip()
    evaluation.status = EvaluationStatus.concluded
    evaluation.concluded_at = utcnow()
    dossier = evaluation.dossier
    if dossier.status == DossierStatus.in_round:
        dossier_transition(dossier, DossierStatus.evaluated, actor=actor)
    if not evaluation.recognised and dossier.previous_certificate_id:
        # A failed re-evaluation: no new certificate, the old one ends at its expiry.
        from ..certificates.models import Certificate
        from ..reevaluation.services import end_extension_on_failure

        end_extension_on_failure(db.session.get(Certificate, dossier.previous_certificate_id),
                                 on=legal_date(evaluation.concluded_at), actor=actor)
    sealed = seal_result(evaluation, result, reasons=decisions.sealed_reasons, actor=actor)
    audit.record(evaluation, "concluded", actor=actor,
                 data={"mean": str(result.mean_total), "star": result.star,
                       "sealed": sealed.content_hash})
    db.session.flush()
    _notify_producer(dossier, _l("Kết quả đánh giá: %(m)s điểm, %(s)s sao",
                                 m=lazy_points(result.mean_total,
                                               int(result.rules.mean_decimals)),
                                 s=result.star or 0), actor)
    return result


def needs_meeting(evaluation: Evaluation, result: CouncilResult | None) -> bool:
    """Written opinions that diverge beyond the council's limit escalate to a meeting."""
    return (result is not None and result.spread_exceeded
            and written_deadline(evaluation) is not None)
