"""The evaluation of one dossier: its page (progress, sheets, result, conclusion), the
member's scoring screen, and the round's papers (minutes, score tables)."""

import functools

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import audit
from ..actions import perform
from ..councils import services as councils
from ..councils.forms import (
    ConcludeForm,
    LabResultForm,
    LabTestForm,
    ReasonForm,
    ReviewForm,
)
from ..councils.models import CouncilMember, Evaluation, Round, RoundState
from ..db import begin_write, commit_keeping_loaded, db
from ..errors import OcopError
from ..exports import content_disposition
from ..forms import ConfirmForm
from ..i18n import current_language, legal_text
from ..legaltime import legal_today
from ..rulebook import get_rulebook
from . import bp, services
from .models import ScoreSheet


def _confirm() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _round(round_id: int) -> Round:
    round_ = db.get_or_404(Round, round_id)
    if not round_.council.can_view(current_user):
        abort(403)
    return round_


def _evaluation(evaluation_id: int) -> Evaluation:
    evaluation = db.get_or_404(Evaluation, evaluation_id)
    if not councils.can_view_evaluation(evaluation, current_user):
        abort(403)  # not on the council, or excluded/conflicted on this dossier
    return evaluation


def _flash_error(e: OcopError) -> None:
    db.session.rollback()
    flash(e.message, "danger")


@bp.get("/evaluations/<int:evaluation_id>")
@login_required
def show(evaluation_id: int):
    return render_show(_evaluation(evaluation_id))


def render_show(evaluation_: Evaluation, *, review_form: ReviewForm | None = None,
                status: int = 200, **forms):
    """The evaluation page. A refused form comes back with what was typed: the advisory
    review in ``review_form``; ``lab_form``, ``supplement_form``, ``conflict_form`` and
    ``conclude_form`` likewise (the caller has checked the user may view the evaluation)."""
    from .seal import check_sealed, sealed_for

    council = evaluation_.council
    member = council.member_for(current_user)
    if review_form is None:
        review_form = ReviewForm(obj=None)
        review_form.notes.data = evaluation_.advisory_notes
        review_form.site_visit_on.data = evaluation_.site_visit_on
        review_form.site_visit_notes.data = evaluation_.site_visit_notes
        review_form.report.data = evaluation_.advisory_report
    visible = councils.can_read_scores(evaluation_, current_user)
    if visible:
        audit.record_read(evaluation_, "scores_revealed")
    sealed = sealed_for(evaluation_)
    can_follow = councils.can_follow(evaluation_, current_user)
    office = council.can_manage(current_user) or can_follow
    # Once sealed, the page shows the seal; recomputing from the rows is only a check whose
    # disagreements the offices see.
    result = services.council_result(evaluation_) if visible and sealed is None else None
    disagreements = check_sealed(sealed) if sealed is not None and office else []
    return render_template(
        "evaluation/show.html", evaluation=evaluation_, council=council, member=member,
        progress=councils.progress(evaluation_), review_form=review_form,
        lab_form=forms.get("lab_form") or LabTestForm(), lab_result_form=LabResultForm(),
        reason_form=ReasonForm(), supplement_form=forms.get("supplement_form") or ReasonForm(),
        conflict_form=forms.get("conflict_form") or ReasonForm(),
        conclude_form=forms.get("conclude_form") or ConcludeForm(), result=result, scores_visible=visible,
        sealed=sealed, snapshot=sealed.snapshot if sealed else None,
        disagreements=disagreements,
        conclusion_problems=services.conclusion_problems(evaluation_, result)
        if result is not None else [],
        rescore=services.open_rescore(evaluation_), rescores=services.rescores(evaluation_),
        rules=evaluation_.round.rules,
        member_names={m.id: m.user.full_name for m in council.members},
        can_review=councils.can_review(evaluation_, current_user),
        can_follow=can_follow,
        papers=councils.can_read_papers(evaluation_.round, current_user) is True,
        can_score=services.can_score(evaluation_, current_user),
        can_decide_stops=services.can_decide_stops(evaluation_, current_user),
        is_chair=council.chair is not None and council.chair.user_id == current_user.id,
        manage=council.can_manage(current_user), problem_label=services.problem_label,
        central=councils.central_outcome(evaluation_),
        written_deadline=councils.written_deadline(evaluation_),
        needs_meeting=services.needs_meeting(evaluation_, result), today=legal_today(),
        stop_texts={k.code: k.text for k in services.sheet_definition(evaluation_).knockouts},
        sheet_results={s.id: services.sheet_result(s) for s in evaluation_.sheets}
        if visible else {}), status


@bp.post("/evaluations/<int:evaluation_id>/remind")
@login_required
def remind(evaluation_id: int):
    evaluation_ = _evaluation(evaluation_id)
    _confirm()
    perform(lambda: services.remind(evaluation_, actor=current_user),
            lambda users: _("Đã gửi nhắc nhở tới %(n)d thành viên chưa nộp phiếu.",
                            n=len(users)))
    return redirect(url_for("evaluation.show", evaluation_id=evaluation_.id) + "#progress")


@bp.post("/evaluations/<int:evaluation_id>/conclude")
@login_required
def conclude(evaluation_id: int):
    evaluation_ = _evaluation(evaluation_id)
    form = ConcludeForm()
    if not form.validate_on_submit():
        flash(_("Vui lòng ghi kết luận, đề xuất của hội đồng."), "danger")
        return render_show(evaluation_, conclude_form=form, status=422)
    confirmed = request.form.getlist("knockout_confirmed")
    dismissed = request.form.getlist("knockout_dismissed")
    reasons = {c: request.form.get(f"knockout_reason-{c}", "") for c in (*confirmed, *dismissed)}
    perform(lambda: services.conclude_evaluation(
        evaluation_, proposal=form.proposal.data, knockouts_confirmed=confirmed,
        knockouts_dismissed=dismissed, knockout_reasons=reasons, actor=current_user),
        _("Đã kết luận hồ sơ; kết quả đã được niêm phong."))
    return redirect(url_for("evaluation.show", evaluation_id=evaluation_.id))


@bp.post("/evaluations/<int:evaluation_id>/rescore")
@login_required
def rescore(evaluation_id: int):
    """The discussion loop: the chair names the items and the reason, the members re-score."""
    begin_write()
    evaluation_ = _evaluation(evaluation_id)
    _confirm()
    items = [c for c in request.form.get("items", "").replace(";", ",").split(",")]
    items += request.form.getlist("item")
    try:
        member_ids = [int(m) for m in request.form.getlist("member")]
    except ValueError:
        abort(400)
    perform(lambda: services.start_rescore(evaluation_, items=items, member_ids=member_ids,
                                           reason=request.form.get("reason", ""),
                                           actor=current_user),
            _("Đã mở lại phiếu để chấm lại các mục đã nêu."))
    return redirect(url_for("evaluation.show", evaluation_id=evaluation_.id) + "#result")


@bp.post("/sheets/<int:sheet_id>/reopen")
@login_required
def reopen(sheet_id: int):
    begin_write()
    sheet = db.get_or_404(ScoreSheet, sheet_id, with_for_update=True, populate_existing=True)
    evaluation_ = _evaluation(sheet.evaluation_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Vui lòng ghi lý do mở lại phiếu."), "danger")
    else:
        perform(lambda: services.reopen_sheet(sheet, reason=form.reason.data,
                                              actor=current_user),
                _("Đã mở lại phiếu của %(n)s.", n=sheet.member.user.full_name))
    return redirect(url_for("evaluation.show", evaluation_id=evaluation_.id) + "#progress")


# -- the scoring screen --------------------------------------------------------------------

@bp.get("/my")
@login_required
def my_work():
    """Everything the current user is to score, and what they scored."""
    members = db.session.scalars(db.select(CouncilMember).filter_by(
        user_id=current_user.id, is_active=True))
    rows = []
    for member in members:
        for round_ in member.council.rounds:
            if round_.state not in (RoundState.scoring, RoundState.closed, RoundState.open):
                continue
            for evaluation_ in councils.visible_evaluations(round_.evaluations, current_user):
                rows.append((evaluation_, evaluation_.sheet_of(member),
                             councils.blocked_reason(evaluation_, member)))
    return render_template("evaluation/my_work.html", rows=rows)


def unmet_minimums(result, definition, labels: dict[str, str] | None = None) -> list[dict]:
    """The criteria below a star minimum for the scoring screen, each listed once:
    ``[{"code", "label", "stars": [3, 4], "answered"}]`` (see SheetResult.unmet_minimums)."""
    labels = labels or _item_labels(definition, current_language())
    return [{"code": u.code, "label": labels[u.code], "stars": list(u.stars),
             "answered": u.answered} for u in result.unmet_minimums()]


@functools.lru_cache(maxsize=256)
def _item_labels(definition, language: str) -> dict[str, str]:
    """Every criterion's label of one sheet in one language, translated once per process
    (a sheet is loaded once and hashed by identity): each autosave's answer names the
    criteria holding a star back, dozens early on."""
    return {item.code: legal_text(item.label, language=language) for item in definition.items}


def _sheet_payload(sheet: ScoreSheet) -> dict:
    result = services.sheet_result(sheet)
    definition = services.sheet_definition(sheet.evaluation)
    language = current_language()
    labels = _item_labels(definition, language)
    holding = {}
    for star in (3, 4, 5):
        holding[str(star)] = [{"code": h.code, "label": labels[h.code]}
                              for h in result.holding_back(star)]
    return {
        "version": sheet.version,
        "status": sheet.status.value,
        "entries": {e.item_code: {"option": e.option_index, "case": e.case_key,
                                  "comment": e.comment} for e in sheet.entries},
        "parts": [{"code": p.code, "points": str(p.points), "max": str(p.max_points)}
                  for p in result.parts],
        "total": str(result.total), "star": result.star, "missing": list(result.missing),
        "holding_back": holding,
        # The same minimums, each criterion once, with the stars it holds back.
        "unmet": unmet_minimums(result, definition, labels),
        "recognised": result.projects_recognition,
        # Legal stops the choices meet: the sheet projects "không được công nhận".
        "stops": [{"code": code, "label": legal_text(next((k.text for k in definition.knockouts
                                                            if k.code == code), code), True,
                                                      language=language)}
                  for code in (*result.stops, *result.knockouts)],
    }


@bp.get("/evaluations/<int:evaluation_id>/score")
@login_required
def score(evaluation_id: int):
    """The member's scoring screen. Reads only: the sheet is created by the POST below."""
    evaluation_ = _evaluation(evaluation_id)
    member = evaluation_.council.member_for(current_user)
    if member is None:
        abort(403)
    blocked = councils.blocked_reason(evaluation_, member)
    if blocked:
        flash(blocked, "danger")
        return redirect(url_for("evaluation.show", evaluation_id=evaluation_.id))
    sheet = services.find_sheet(evaluation_, current_user)
    if sheet is None:
        return render_template(
            "evaluation/score_start.html", evaluation=evaluation_,
            can_open=evaluation_.round.state == RoundState.scoring
            and evaluation_.status.value == "scoring")
    dossier = evaluation_.dossier
    rescore = services.rescore_for(sheet)
    definition = services.sheet_definition(evaluation_)
    return render_template(
        "evaluation/score.html", evaluation=evaluation_, sheet=sheet,
        definition=definition, entries=sheet.entries_by_code(),
        claims=dossier.claims_by_code(), evidence=dossier.evidence_by_code(),
        payload=_sheet_payload(sheet), editable=services.is_editable(sheet), rescore=rescore,
        stop_texts={k.code: k.text for k in definition.knockouts},
        knockout_rules={k.code: k for k in get_rulebook(definition.rulebook_code).knockouts})


@bp.post("/evaluations/<int:evaluation_id>/score/open")
@login_required
def open_sheet(evaluation_id: int):
    evaluation_ = _evaluation(evaluation_id)
    _confirm()
    perform(lambda: services.open_sheet(evaluation_, actor=current_user))
    return redirect(url_for("evaluation.score", evaluation_id=evaluation_.id))


def _entries_from_form(form, definition) -> tuple[dict, dict]:
    values, comments = {}, {}
    for item in definition.items:
        raw = form.get(f"item-{item.code}")
        case = form.get(f"case-{item.code}") or None
        if raw is not None or case is not None:
            try:
                index = int(raw) if raw not in (None, "") else None
            except ValueError:
                raise councils.CouncilError(_("Mục %(c)s: lựa chọn không hợp lệ.", c=item.code),
                                            code="invalid_option") from None
            values[item.code] = (index, case)
        if f"comment-{item.code}" in form:
            comments[item.code] = form.get(f"comment-{item.code}", "")
    unknown = {k.split("-", 1)[1] for k in form if k.startswith(("item-", "comment-"))} \
        - {i.code for i in definition.items}
    if unknown:
        raise councils.CouncilError(_("Mục %(c)s không có trong phiếu.", c=sorted(unknown)[0]),
                                    code="unknown_item")
    return values, comments


def _locked_sheet(evaluation_: Evaluation, member: CouncilMember | None) -> ScoreSheet | None:
    """The member's sheet, row-locked for this transaction and read fresh: concurrent saves,
    submits and reopens of one sheet run one after the other and see each other's version."""
    if member is None:
        return None
    return db.session.scalar(
        db.select(ScoreSheet).filter_by(evaluation_id=evaluation_.id, member_id=member.id)
        .with_for_update().execution_options(populate_existing=True))


def _session_expired():
    return jsonify(error={"status": 400, "message": _(
        "Phiên làm việc đã hết hạn, vui lòng tải lại trang.")}), 400


def _save_refused(evaluation_id: int):
    """A save from someone with no sheet of his own on this evaluation: not found for whoever
    may not view the council, then the CSRF check, then no sheet."""
    evaluation_ = db.session.get(Evaluation, evaluation_id)
    if evaluation_ is None or not evaluation_.council.can_view(current_user):
        return jsonify(error={"status": 404, "message": _("Không tìm thấy hồ sơ.")}), 404
    if not ConfirmForm().validate_on_submit():
        return _session_expired()
    return jsonify(error={"status": 403,
                          "message": _("Bạn không có phiếu cho hồ sơ này.")}), 403


@bp.post("/evaluations/<int:evaluation_id>/score/save")
@login_required
def save_score(evaluation_id: int):
    """Autosave (JSON) and the plain form's save button both land here. The member's own
    sheet comes locked with everything the save checks in one query (the hot path: a
    council's members all save at once); anyone else gets the answers of the checks below."""
    begin_write()
    wants_json = request.accept_mimetypes.best == "application/json"
    sheet = services.own_sheet_for_update(evaluation_id, current_user)
    if sheet is None:
        return _save_refused(evaluation_id)
    evaluation_ = sheet.evaluation  # the user is an active member: he may view the council
    if not ConfirmForm().validate_on_submit():
        return _session_expired()
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        version = None
    try:
        values, comments = _entries_from_form(request.form, services.sheet_definition(evaluation_))
        knockouts = request.form.getlist("knockout") if "knockouts-present" in request.form \
            else None
        overall = request.form.get("overall_comment") if "overall_comment" in request.form \
            else None
        services.save_entries(sheet, values, comments=comments, overall_comment=overall,
                              knockouts=knockouts, expected_version=version, actor=current_user)
        commit_keeping_loaded()  # the answer below reads the sheet just written, not again
    except OcopError as e:
        db.session.rollback()
        if not wants_json:
            flash(e.message, "danger")
            return redirect(url_for("evaluation.score", evaluation_id=evaluation_.id))
        body = {"error": {"status": e.status, "code": e.code, "message": e.message}}
        if isinstance(e, services.SheetConflict):
            db.session.refresh(sheet)
            body["sheet"] = _sheet_payload(sheet)
        return jsonify(body), e.status if e.status != 400 else 422
    except Exception as e:  # a concurrent write won the race on the version column
        from sqlalchemy.orm.exc import StaleDataError

        if not isinstance(e, StaleDataError):
            raise
        db.session.rollback()
        sheet = db.session.get(ScoreSheet, sheet.id)
        return jsonify(error={"status": 409, "code": "sheet_conflict", "message": _(
            "Phiếu vừa được thay đổi ở nơi khác; trang đã được cập nhật.")},
            sheet=_sheet_payload(sheet)), 409
    if not wants_json:
        flash(_("Đã lưu phiếu chấm."), "success")
        return redirect(url_for("evaluation.score", evaluation_id=evaluation_.id))
    return jsonify(saved=True, sheet=_sheet_payload(sheet))


@bp.post("/evaluations/<int:evaluation_id>/score/submit")
@login_required
def submit_score(evaluation_id: int):
    begin_write()
    evaluation_ = _evaluation(evaluation_id)
    _confirm()
    member = evaluation_.council.member_for(current_user)
    sheet = _locked_sheet(evaluation_, member)
    if sheet is None:
        abort(403)
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        version = None
    try:
        services.submit_sheet(sheet, expected_version=version, actor=current_user)
        db.session.commit()
    except OcopError as e:
        _flash_error(e)
        return redirect(url_for("evaluation.score", evaluation_id=evaluation_.id))
    except Exception as e:
        from sqlalchemy.orm.exc import StaleDataError

        if not isinstance(e, StaleDataError):
            raise
        db.session.rollback()
        flash(_("Phiếu vừa thay đổi ở nơi khác; vui lòng kiểm tra lại rồi nộp."), "danger")
        return redirect(url_for("evaluation.score", evaluation_id=evaluation_.id))
    flash(_("Đã nộp phiếu chấm."), "success")
    return redirect(url_for("evaluation.my_work"))


def _round_records(round_id: int) -> Round:
    """Minutes and score tables exist once the session is closed, for the office, the
    chair, the secretary and the members; the ministry reads a provincial council's once a
    result of the round is sealed, and then only the sealed ones (councils.can_read_papers)."""
    round_ = _round(round_id)
    allowed = councils.can_read_papers(round_, current_user)
    if allowed is False:
        abort(403)
    if allowed is None:
        abort(404)
    return round_


@bp.get("/rounds/<int:round_id>/minutes.pdf")
@login_required
def minutes_pdf(round_id: int):
    from flask import Response

    from . import minutes, pdf

    round_ = _round_records(round_id)
    data = pdf.render_minutes(minutes.minutes_data(round_, viewer=current_user))
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": content_disposition(f"bien-ban-dot-{round_.id}.pdf")})


@bp.get("/rounds/<int:round_id>/scores.<fmt>")
@login_required
def score_table(round_id: int, fmt: str):
    from flask import Response

    from . import minutes, pdf, xlsx

    round_ = _round_records(round_id)
    data = minutes.minutes_data(round_, viewer=current_user)
    if fmt == "pdf":
        body, mimetype = pdf.render_score_table_pdf(data), "application/pdf"
    elif fmt == "xlsx":
        body = xlsx.render_score_table_xlsx(data)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    audit.record_read(round_, "scores_revealed", data={"format": fmt})
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": content_disposition(f"bang-diem-dot-{round_.id}.{fmt}")})
