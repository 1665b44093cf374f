
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from ..accounts import services as accounts
from ..accounts.roles import NATIONAL_ROLES, Role
from ..actions import perform
from ..db import db
from ..errors import OcopError
from ..forms import ConfirmForm, attach_error, errors_text
from ..geo.services import communes_of, provinces_sorted
from ..rulebook import CouncilRules
from ..security.ids import db_id
from . import bp, services
from .forms import (
    AdvisorForm,
    ConcludeForm,
    CouncilForm,
    LabResultForm,
    LabTestForm,
    MemberForm,
    ReasonForm,
    ReviewForm,
    RoundForm,
    RulesForm,
)
from .models import (
    Conflict,
    Council,
    CouncilLevel,
    CouncilMember,
    DecisionMode,
    Evaluation,
    LabTest,
    MemberRole,
    Round,
    RoundState,
)
from .states import ALLOWED as ROUND_TRANSITIONS


def _confirm() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _council(council_id: int) -> Council:
    council = db.get_or_404(Council, council_id)
    if not council.can_view(current_user):
        abort(403)
    return council


def _managed_council(council_id: int) -> Council:
    """A council the current user runs (the provincial office, the ministry, admins)."""
    council = _council(council_id)
    if not council.can_manage(current_user):
        abort(403)
    return council


def _round(round_id: int) -> Round:
    round_ = db.get_or_404(Round, round_id)
    if not round_.council.can_view(current_user):
        abort(403)
    return round_


def _evaluation(evaluation_id: int) -> Evaluation:
    evaluation = db.get_or_404(Evaluation, evaluation_id)
    if not services.can_view_evaluation(evaluation, current_user):
        abort(403)  # not on the council, or excluded/conflicted on this dossier
    return evaluation


def _flash_error(e: OcopError) -> None:
    db.session.rollback()
    flash(e.message, "danger")


# -- councils ----------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    # Members, advisors and provinces in three queries for the whole list (can_view and the
    # member count read them), the rounds counted in SQL: the same number of queries
    # whatever the number of councils (it was four per council).
    councils = [c for c in db.session.scalars(
        db.select(Council).order_by(Council.id)
        .options(selectinload(Council.members), selectinload(Council.advisors),
                 joinedload(Council.province)))
        if c.can_view(current_user)]
    rounds = dict(db.session.execute(
        db.select(Round.council_id, func.count()).group_by(Round.council_id)).all())
    can_create = current_user.role in (Role.admin, Role.ministry, Role.province)
    return render_template("councils/index.html", councils=councils, can_create=can_create,
                           rounds=rounds)


def _council_form_choices(form: CouncilForm) -> None:
    levels = [CouncilLevel.province, CouncilLevel.central, CouncilLevel.district]
    if current_user.role == Role.province:
        levels = [CouncilLevel.province, CouncilLevel.district]
    elif current_user.role == Role.ministry:
        levels = [CouncilLevel.central]
    form.level.choices = [(lv.value, lv.label) for lv in levels]
    provinces = provinces_sorted() if current_user.role in NATIONAL_ROLES \
        else [current_user.province]
    form.province_code.choices = [("", "—")] + [(p.code, p.name) for p in provinces]
    form.decision_mode.choices = [(m.value, m.label) for m in DecisionMode]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    if current_user.role not in (Role.admin, Role.ministry, Role.province):
        abort(403)
    form = CouncilForm()
    _council_form_choices(form)
    if request.method == "GET" and current_user.role == Role.province:
        form.province_code.data = current_user.province_code
    if form.validate_on_submit():
        try:
            council = services.create_council(
                level=CouncilLevel(form.level.data), province_code=form.province_code.data,
                name=form.name.data, decision_number=form.decision_number.data,
                decision_date=form.decision_date.data, term_from=form.term_from.data,
                term_to=form.term_to.data, decision_mode=DecisionMode(form.decision_mode.data),
                actor=current_user)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, {"province_required": "province_code",
                                   "term_order": "term_to"})
        else:
            db.session.commit()
            flash(_("Đã lập hội đồng."), "success")
            return redirect(url_for("councils.show", council_id=council.id))
    status = 422 if request.method == "POST" else 200
    return render_template("councils/form.html", form=form), status


def _member_form(council: Council) -> MemberForm:
    form = MemberForm(prefix="member")
    form.role.choices = [(r.value, r.label) for r in MemberRole]
    communes = communes_of(council.province_code) if council.province_code else []
    choices = [("", "—")] + [(c.code, c.name) for c in communes]
    form.home_commune_code.choices = choices
    form.work_commune_code.choices = choices
    return form


def _rules_form(council: Council) -> RulesForm:
    form = RulesForm(prefix="rules")
    form.decision_mode.choices = [(m.value, m.label) for m in DecisionMode]
    if request.method == "GET":
        rules = council.council_rules
        form.decision_mode.data = council.decision_mode.value
        form.quorum_fraction.data = f"{rules.quorum_fraction.numerator}/" \
                                    f"{rules.quorum_fraction.denominator}"
        form.chair_required.data = rules.chair_required
        form.spread_limit.data = rules.spread_limit
        form.trim_extremes.data = rules.trim_extremes
        form.trim_min_members.data = rules.trim_min_members
    return form


@bp.get("/<int:council_id>")
@login_required
def show(council_id: int):
    council = _council(council_id)
    return render_template("councils/show.html", council=council,
                           member_form=_member_form(council),
                           advisor_form=AdvisorForm(prefix="advisor"),
                           rules_form=_rules_form(council), round_form=RoundForm(prefix="round"),
                           can_manage=council.can_manage(current_user),
                           rules=council.council_rules)


def _user_by_username(form) -> object | None:
    user = accounts.find_user(form.username.data or "")
    if user is None or not user.is_active_account:
        form.username.errors = list(form.username.errors) + [
            _("Không tìm thấy tài khoản đang hoạt động với tên đăng nhập này.")]
        return None
    return user


def _rerender_show(council: Council, **forms):
    context = dict(council=council, member_form=_member_form(council),
                   advisor_form=AdvisorForm(prefix="advisor"), rules_form=_rules_form(council),
                   round_form=RoundForm(prefix="round"),
                   can_manage=council.can_manage(current_user), rules=council.council_rules)
    context.update(forms)
    return render_template("councils/show.html", **context), 422


@bp.post("/<int:council_id>/members")
@login_required
def add_member(council_id: int):
    council = _managed_council(council_id)
    form = _member_form(council)
    if form.validate_on_submit():
        user = _user_by_username(form)
        if user is not None:
            try:
                services.add_member(council, user, role=MemberRole(form.role.data),
                                    agency=form.agency.data or "",
                                    home_commune_code=form.home_commune_code.data or None,
                                    work_commune_code=form.work_commune_code.data or None,
                                    relationship_note=form.relationship_note.data or "",
                                    actor=current_user)
            except OcopError as e:
                db.session.rollback()
                attach_error(form, e, {"already_member": "username", "role_taken": "role",
                                       "producer_member": "username"})
            else:
                db.session.commit()
                flash(_("Đã thêm %(n)s vào hội đồng.", n=user.full_name), "success")
                return redirect(url_for("councils.show", council_id=council.id) + "#members")
    return _rerender_show(council, member_form=form)


@bp.post("/<int:council_id>/members/<int:member_id>/remove")
@login_required
def remove_member(council_id: int, member_id: int):
    council = _council(council_id)
    member = db.get_or_404(CouncilMember, member_id)
    if member.council_id != council.id or not council.can_manage(current_user):
        abort(403)
    _confirm()
    services.remove_member(member, actor=current_user)
    db.session.commit()
    flash(_("Đã cho %(n)s thôi tham gia hội đồng.", n=member.user.full_name), "success")
    return redirect(url_for("councils.show", council_id=council.id) + "#members")


@bp.post("/<int:council_id>/advisors")
@login_required
def add_advisor(council_id: int):
    council = _managed_council(council_id)
    form = AdvisorForm(prefix="advisor")
    if form.validate_on_submit():
        user = _user_by_username(form)
        if user is not None:
            try:
                services.add_advisor(council, user, is_lead=form.is_lead.data,
                                     agency=form.agency.data or "", actor=current_user)
            except OcopError as e:
                db.session.rollback()
                attach_error(form, e, {"already_advisor": "username"})
            else:
                db.session.commit()
                flash(_("Đã thêm %(n)s vào tổ tư vấn.", n=user.full_name), "success")
                return redirect(url_for("councils.show", council_id=council.id) + "#advisors")
    return _rerender_show(council, advisor_form=form)


@bp.post("/<int:council_id>/rules")
@login_required
def update_rules(council_id: int):
    council = _managed_council(council_id)
    form = _rules_form(council)
    if form.validate_on_submit():
        rules = CouncilRules.from_dict(council.rules or {}).to_dict()
        rules.update(quorum_fraction=form.quorum_fraction.data.strip(),
                     chair_required=form.chair_required.data,
                     spread_limit=str(form.spread_limit.data),
                     trim_extremes=form.trim_extremes.data,
                     trim_min_members=form.trim_min_members.data)
        try:
            services.update_rules(council, rules, mode=DecisionMode(form.decision_mode.data),
                                  actor=current_user)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, {"invalid_rules": "quorum_fraction"})
        else:
            db.session.commit()
            flash(_("Đã lưu quy chế hội đồng."), "success")
            return redirect(url_for("councils.show", council_id=council.id) + "#rules")
    return _rerender_show(council, rules_form=form)


@bp.post("/<int:council_id>/rounds/legal")
@login_required
def legal_rounds(council_id: int):
    council = _managed_council(council_id)
    _confirm()
    try:
        year = int(request.form.get("year", ""))
        if not 2019 <= year <= 2100:
            raise ValueError
    except ValueError:
        flash(_("Năm không hợp lệ."), "danger")
        return redirect(url_for("councils.show", council_id=council.id) + "#rounds")
    made = services.create_legal_rounds(council, year, actor=current_user)
    db.session.commit()
    flash(_("Đã tạo %(n)d đợt theo lịch quy định năm %(y)d.", n=len(made), y=year), "success")
    return redirect(url_for("councils.show", council_id=council.id) + "#rounds")


@bp.post("/<int:council_id>/rounds")
@login_required
def create_round(council_id: int):
    council = _managed_council(council_id)
    form = RoundForm(prefix="round")
    if form.validate_on_submit():
        try:
            round_ = services.create_round(council, name=form.name.data,
                                           proposals_by=form.proposals_by.data,
                                           finish_by=form.finish_by.data, is_extra=True,
                                           actor=current_user)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, {"dates_order": "finish_by"})
        else:
            db.session.commit()
            flash(_("Đã thêm đợt bổ sung."), "success")
            return redirect(url_for("councils.round_detail", round_id=round_.id))
    return _rerender_show(council, round_form=form)


# -- rounds ------------------------------------------------------------------------------------

@bp.get("/rounds/<int:round_id>")
@login_required
def round_detail(round_id: int):
    round_ = _round(round_id)
    council = round_.council
    user = current_user._get_current_object()  # checked once a row: not through the proxy
    manage = council.can_manage(user)
    evaluations = services.round_evaluations(round_)
    # A member excluded or conflicted on a dossier sees nothing of it here (one check).
    visible = services.visible_evaluations(evaluations, user)
    progress_of = services.round_progress(visible)  # every sheet of the round in one query
    rows = []
    for e in visible:
        expected = [p for p in progress_of[e.id] if p.blocked is None]
        rows.append((e, sum(1 for p in expected if p.submitted), len(expected),
                     services.can_read_scores(e, user)))
    adding = manage and round_.state in (RoundState.planned, RoundState.open,
                                         RoundState.scoring)
    return render_template(
        "councils/round.html", round=round_, council=council, rows=rows, manage=manage,
        steer=manage or council.is_secretary_or_chair(user),
        eligible=services.eligible_dossiers(round_) if adding else [],
        next_states=sorted((t for (f, t) in ROUND_TRANSITIONS
                            if f == round_.state and t != RoundState.concluded),
                           key=lambda t: list(RoundState).index(t)),
        member=council.member_for(user), conclude_form=ConcludeForm(),
        hidden=len(evaluations) - len(visible),  # hidden_count, from the check made above
        papers=services.can_read_papers(round_, user))


@bp.post("/rounds/<int:round_id>/dossiers")
@login_required
def add_dossier(round_id: int):
    from ..dossiers.models import Dossier

    round_ = _round(round_id)
    if not round_.council.can_manage(current_user):
        abort(403)
    _confirm()
    dossiers = [db.get_or_404(Dossier, i) for i in request.form.getlist("dossier_id", type=db_id)]
    if not dossiers:  # nothing was done: say so, never "0 dossiers added"
        flash(_("Chưa chọn hồ sơ nào: đánh dấu các hồ sơ cần đưa vào đợt."), "warning")
        return redirect(url_for("councils.round_detail", round_id=round_.id))
    perform(lambda: [services.add_to_round(round_, d, actor=current_user) for d in dossiers],
            _("Đã đưa %(n)d hồ sơ vào đợt.", n=len(dossiers)))
    return redirect(url_for("councils.round_detail", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/state")
@login_required
def move_round(round_id: int):
    round_ = _round(round_id)
    _confirm()
    try:
        to = RoundState(request.form.get("to", ""))
    except ValueError:
        abort(400)
    perform(lambda: services.move_round(round_, to, actor=current_user,
                                        note=request.form.get("note", "")),
            lambda _result: _("Đợt đánh giá: %(s)s.", s=round_.state.label))
    return redirect(url_for("councils.round_detail", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/conclude")
@login_required
def conclude_round(round_id: int):
    round_ = _round(round_id)
    form = ConcludeForm()
    if not form.validate_on_submit():
        flash(_("Vui lòng ghi kết luận của hội đồng."), "danger")
        return redirect(url_for("councils.round_detail", round_id=round_.id))
    perform(lambda: services.conclude_round(round_, conclusion=form.proposal.data,
                                            actor=current_user),
            _("Đã kết luận đợt đánh giá."))
    return redirect(url_for("councils.round_detail", round_id=round_.id))


# -- one dossier in a round ----------------------------------------------------------------

# The evaluation page belongs to the evaluation feature above this one: it hands its renderer
# down when it registers (evaluation/__init__.py), so councils never imports it.
evaluation_page_renderer = None


def _evaluation_page(evaluation_: Evaluation, **forms):
    """A refused form on the evaluation page comes back on that page with what was typed
    (nothing is lost)."""
    return evaluation_page_renderer(evaluation_, status=422, **forms)


@bp.post("/evaluations/<int:evaluation_id>/review")
@login_required
def save_review(evaluation_id: int):
    evaluation_ = _evaluation(evaluation_id)
    form = ReviewForm()
    if form.validate_on_submit():
        perform(lambda: services.save_review(
            evaluation_, notes=form.notes.data or "", site_visit_on=form.site_visit_on.data,
            site_visit_notes=form.site_visit_notes.data or "", report=form.report.data or "",
            submit_report=form.submit_report.data, actor=current_user),
            _("Đã lưu nhận xét của tổ tư vấn."))
    else:
        # Nothing typed is lost: the evaluation page comes back with the review as typed and
        # the message beside the field (the page belongs to the evaluation feature above).
        flash(errors_text(form), "danger")
        return _evaluation_page(evaluation_, review_form=form)
    return redirect(url_for("evaluation.show", evaluation_id=evaluation_.id) + "#review")


@bp.post("/evaluations/<int:evaluation_id>/lab-tests")
@login_required
def request_lab_test(evaluation_id: int):
    evaluation_ = _evaluation(evaluation_id)
    form = LabTestForm()
    if form.validate_on_submit():
        perform(lambda: services.request_lab_test(
            evaluation_, description=form.description.data, actor=current_user),
            _("Đã ghi yêu cầu kiểm nghiệm bổ sung."))
    else:
        flash(_("Vui lòng ghi nội dung cần kiểm nghiệm."), "danger")
        return _evaluation_page(evaluation_, lab_form=form)
    return redirect(url_for("evaluation.show", evaluation_id=evaluation_.id) + "#lab")


@bp.post("/lab-tests/<int:test_id>/result")
@login_required
def lab_result(test_id: int):
    test = db.get_or_404(LabTest, test_id)
    evaluation_ = _evaluation(test.evaluation_id)
    form = LabResultForm()
    if form.validate_on_submit():
        perform(lambda: services.record_lab_result(
            test, result_text=form.result_text.data or "", file_storage=form.file.data,
            actor=current_user), _("Đã ghi kết quả kiểm nghiệm."))
    return redirect(url_for("evaluation.show", evaluation_id=evaluation_.id) + "#lab")


@bp.get("/lab-tests/<int:test_id>/file")
@login_required
def lab_file(test_id: int):
    from ..files.services import send_stored_file

    test = db.get_or_404(LabTest, test_id)
    _evaluation(test.evaluation_id)
    if test.result_file is None:
        abort(404)
    return send_stored_file(test.result_file, audit_of=test.evaluation)


@bp.post("/evaluations/<int:evaluation_id>/supplement")
@login_required
def supplement(evaluation_id: int):
    evaluation_ = _evaluation(evaluation_id)
    form = ReasonForm()
    if form.validate_on_submit():
        perform(lambda: services.send_back_for_supplement(
            evaluation_, reason=form.reason.data, actor=current_user),
            _("Đã gửi yêu cầu bổ sung cho chủ thể."))
    else:
        flash(_("Vui lòng ghi rõ nội dung cần bổ sung."), "danger")
        return _evaluation_page(evaluation_, supplement_form=form)
    return redirect(url_for("evaluation.show", evaluation_id=evaluation_.id))


@bp.post("/evaluations/<int:evaluation_id>/resume")
@login_required
def resume(evaluation_id: int):
    evaluation_ = _evaluation(evaluation_id)
    _confirm()
    perform(lambda: services.resume_after_supplement(evaluation_, actor=current_user),
            _("Hồ sơ đã trở lại đợt đánh giá."))
    return redirect(url_for("evaluation.show", evaluation_id=evaluation_.id))


@bp.post("/evaluations/<int:evaluation_id>/conflicts")
@login_required
def declare_conflict(evaluation_id: int):
    evaluation_ = _evaluation(evaluation_id)
    form = ReasonForm()
    if form.validate_on_submit():
        perform(lambda: services.declare_conflict(evaluation_, reason=form.reason.data,
                                                  actor=current_user),
                _("Đã khai báo xung đột lợi ích; chủ tịch hội đồng sẽ quyết định."))
    else:
        flash(_("Vui lòng ghi lý do xung đột lợi ích."), "danger")
        return _evaluation_page(evaluation_, conflict_form=form)
    return redirect(url_for("evaluation.show", evaluation_id=evaluation_.id) + "#conflicts")


@bp.post("/conflicts/<int:conflict_id>/decide")
@login_required
def decide_conflict(conflict_id: int):
    conflict = db.get_or_404(Conflict, conflict_id)
    evaluation_ = _evaluation(conflict.evaluation_id)
    _confirm()
    perform(lambda: services.decide_conflict(conflict, upheld=request.form.get("upheld") == "1",
                                             actor=current_user),
            _("Đã quyết định về xung đột lợi ích."))
    return redirect(url_for("evaluation.show", evaluation_id=evaluation_.id) + "#conflicts")


@bp.post("/evaluations/<int:evaluation_id>/members/<int:member_id>/<action>")
@login_required
def assign(evaluation_id: int, member_id: int, action: str):
    evaluation_ = _evaluation(evaluation_id)
    member = db.get_or_404(CouncilMember, member_id)
    if member.council_id != evaluation_.council.id or action not in ("exclude", "include"):
        abort(404)
    _confirm()
    if action == "exclude":
        perform(lambda: services.exclude_member(
            evaluation_, member, reason=request.form.get("reason", ""), actor=current_user))
    else:
        perform(lambda: services.include_member(evaluation_, member, actor=current_user))
    return redirect(url_for("evaluation.show", evaluation_id=evaluation_.id) + "#progress")


@bp.get("/evaluations/<int:evaluation_id>/evidence/<int:evidence_id>")
@login_required
def evidence_file(evaluation_id: int, evidence_id: int):
    """The producer's evidence, for the council members, advisors and the office that runs
    the council (they have no territorial right to the dossier itself)."""
    from ..dossiers.models import Evidence
    from ..files.services import send_stored_file

    evaluation_ = _evaluation(evaluation_id)
    evidence = db.get_or_404(Evidence, evidence_id)
    if evidence.dossier_id != evaluation_.dossier_id:
        abort(404)
    return send_stored_file(evidence.file, inline=request.args.get("inline") == "1",
                            audit_of=evidence.dossier)

