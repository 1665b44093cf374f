"""Re-evaluation pages (DOMAIN.md §6): the expiry pipeline and its workbook, the provinces'
re-evaluation plans, post-recognition inspections (hậu kiểm) and the revocations they propose.

Who sees what: a provincial OCOP office its province; the ministry and administrators the
nation, with a province filter; commune officers the pipeline of their commune, read-only;
everyone else gets 403. Changes are made by the office that manages the object; the services
check again."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..accounts.permissions import in_jurisdiction
from ..accounts.roles import NATIONAL_ROLES, Role
from ..certificates import services as certificate_services
from ..certificates import windows
from ..certificates.models import AuthorityLevel, RevocationGround, can_act_for
from ..db import db
from ..errors import OcopError
from ..exports import content_disposition
from ..forms import ConfirmForm, attach_error
from ..geo.models import Commune
from ..geo.services import provinces_sorted
from ..legaltime import legal_today
from ..paging import Paging, read_paging
from ..security.ids import db_id
from . import bp, exports, services
from .forms import AssignForm, FindingsForm, InspectionForm, PlanForm
from .models import Inspection, InspectionKind, InspectionOutcome, NoticeKind, ReevaluationPlan

OFFICES = frozenset({Role.admin, Role.ministry, Role.province})

SECTIONS = {
    "window": _l("Trong thời hạn đánh giá lại"),
    "late": _l("Chậm nộp hồ sơ"),
    "lapsed": _l("Hết hiệu lực, chưa đánh giá lại"),
    "extended": _l("Đang kéo dài chờ quyết định"),
}
# Short names for the notices column; the full label is the cell's title.
NOTICE_SHORT = {
    NoticeKind.window_open: _l("Mở thời hạn (180 ngày)"),
    NoticeKind.reminder_150: _l("Nhắc (150 ngày)"),
    NoticeKind.reminder_125: _l("Nhắc lần cuối (125 ngày)"),
    NoticeKind.reminder_30: _l("Báo trước 30 ngày"),
    NoticeKind.expired: _l("Báo hết hiệu lực"),
}
INSPECTION_FILTERS = {
    "scheduled": _l("Đã lên lịch"),
    "done": _l("Đã kiểm tra"),
    "violation": _l("Có vi phạm"),
}
MONTHS = 24


# -- who sees what ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    province_code: str | None        # None: the nation
    commune_code: str | None = None  # a commune officer's commune
    provinces: tuple = ()            # the province filter's options (national roles only)
    label: str = ""

    @property
    def is_national(self) -> bool:
        return bool(self.provinces)

    def args(self) -> dict:
        """The query arguments that keep this scope on a link."""
        return {"province": self.province_code} if self.is_national and self.province_code \
            else {}


def _scope(*, commune_allowed: bool = False) -> Scope:
    """The territory the current user looks at, or 403."""
    role = current_user.role
    if role == Role.province and current_user.province_code:
        province = current_user.province
        return Scope(current_user.province_code,
                     label=province.name if province else current_user.province_code)
    if role in NATIONAL_ROLES:
        provinces = tuple(provinces_sorted())
        chosen = next((p for p in provinces if p.code == request.args.get("province")), None)
        return Scope(chosen.code if chosen else None, provinces=provinces,
                     label=chosen.name if chosen else _("Toàn quốc"))
    if role == Role.commune and commune_allowed and current_user.commune_code:
        commune = db.session.get(Commune, current_user.commune_code)
        if commune is not None:
            return Scope(commune.province_code, commune.code,
                         label=f"{commune.name}, {commune.province.name}")
    abort(403)


def _can_plan(province_code: str) -> bool:
    return can_act_for(current_user, AuthorityLevel.province, province_code)


def _office_of(province_code: str) -> None:
    """403 unless the current user is an office covering the province."""
    if current_user.role not in OFFICES or not in_jurisdiction(current_user,
                                                                province_code=province_code):
        abort(403)


# -- the expiry pipeline -------------------------------------------------------------------------

@dataclass
class PipelineView:
    scope: Scope
    today: date
    section: str
    commune: str | None
    set_no: int | None
    star: int | None
    communes: list[tuple[str, str]]
    sets: tuple[tuple[int, str], ...]
    counts: dict[str, int]
    months: list[tuple[str, int]]
    rows: list[exports.PipelineRow]
    page: int = 1
    pages: int = 1
    paging: Paging | None = None

    @property
    def page_links(self) -> list[int | None]:
        from ..public.views import page_numbers

        return page_numbers(self.page, self.pages)

    def args(self, **changes) -> dict:
        """The query arguments of this view (for links, the export), with ``changes``."""
        values = {**self.scope.args(), "commune": None if self.scope.commune_code
                  else self.commune, "set": self.set_no, "star": self.star,
                  "section": self.section, **(self.paging.args() if self.paging else {})}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


def _months(by_month: list[tuple[str, int]], today: date) -> list[tuple[str, int]]:
    """The next ``MONTHS`` months from this one, each with its count (zero included)."""
    counts = dict(by_month)
    year, month, out = today.year, today.month, []
    for _i in range(MONTHS):
        key = f"{month:02d}/{year}"
        out.append((key, counts.get(key, 0)))
        month, year = (1, year + 1) if month == 12 else (month + 1, year)
    return out


PER_PAGE = 100


def _pipeline_filter():
    """The scope, the filter and the section the query string asks for (unknown values fall
    back to none: a commune officer's commune, a province office's province, whatever is
    asked), and the filter's options (communes, product sets)."""
    scope = _scope(commune_allowed=True)
    args = request.args
    communes = services.pipeline_communes(scope.province_code) \
        if scope.province_code and not scope.commune_code else []
    commune = scope.commune_code or next(
        (code for code, _name in communes if code == args.get("commune")), None)
    sets = services.pipeline_sets()
    set_no = args.get("set", type=db_id)
    set_no = set_no if set_no in {n for n, _name in sets} else None
    star = args.get("star", type=db_id)
    star = star if star in (3, 4, 5) else None
    section = args.get("section") if args.get("section") in SECTIONS else "window"
    where = services.PipelineFilter(scope.province_code, commune, set_no, star)
    return scope, where, section, communes, sets


def _pipeline_view() -> PipelineView:
    """The pipeline as filtered by the query string: the four sections counted and the
    months grouped in SQL, and only the page's rows (``PER_PAGE``) read, with their notices
    and filed dossiers — the same queries whatever the size of the section."""
    scope, where, section, communes, sets = _pipeline_filter()
    today = legal_today()
    bounds = services.PipelineBounds.on(today)
    counts = services.section_counts(where, bounds)
    paging = read_paging(PER_PAGE)
    pages = max(1, -(-counts[section] // paging.per_page))
    page = min(paging.page, pages)
    shown = services.section_page(where, bounds, section, page=page, per_page=paging.per_page)
    notices = services.notices_for(shown)
    dossiers = services.filed_dossiers(shown)
    rows = [exports.PipelineRow(c, (c.expires_on - today).days, notices[c.id],
                                dossiers.get(c.id)) for c in shown]
    return PipelineView(scope=scope, today=today, section=section, commune=where.commune_code,
                        set_no=where.set_no, star=where.star, communes=communes, sets=sets,
                        counts=counts,
                        months=_months(services.expiries_by_month(where, today, MONTHS), today),
                        rows=rows, page=page, pages=pages, paging=paging)


@bp.get("/")
@login_required
def index():
    view = _pipeline_view()
    peak = max((n for _m, n in view.months), default=0) or 1
    return render_template("reevaluation/index.html", view=view, scope=view.scope, peak=peak,
                           sections={k: str(v) for k, v in SECTIONS.items()},
                           notice_short={k: str(v) for k, v in NOTICE_SHORT.items()},
                           notice_label={k: str(k.label) for k in NoticeKind},
                           window_days=services.window_days(), late_days=services.late_days(),
                           grace_days=services.grace_days(),
                           is_office=current_user.role in OFFICES,
                           alerts=services.revocation_alerts(view.scope.province_code)
                           if current_user.role in OFFICES else [])


@bp.get("/pipeline.xlsx")
@login_required
def pipeline_xlsx():
    """The whole section of the view as a workbook (every row, not the page)."""
    scope, where, section, _communes, _sets = _pipeline_filter()
    today = legal_today()
    lines = services.section_lines(where, services.PipelineBounds.on(today), section)
    title = f"{SECTIONS[section]} — {scope.label}"
    body = exports.pipeline_xlsx(lines, title=title, today=today)
    place = scope.commune_code or scope.province_code or "toan-quoc"
    name = f"danh-gia-lai-{section}-{place}-{today:%Y%m%d}.xlsx"
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet",
                    headers={"Content-Disposition": content_disposition(name)})


# -- plans ---------------------------------------------------------------------------------------

@bp.get("/plans/")
@login_required
def plans():
    scope = _scope()
    stmt = db.select(ReevaluationPlan)
    if scope.province_code:
        stmt = stmt.where(ReevaluationPlan.province_code == scope.province_code)
    from sqlalchemy import func
    from sqlalchemy.orm import joinedload

    from .models import PlanEntry

    paging = read_paging(PER_PAGE)
    pager = db.paginate(stmt.options(joinedload(ReevaluationPlan.province)).order_by(
        ReevaluationPlan.period_from.desc(), ReevaluationPlan.id.desc()),
        page=paging.page, per_page=paging.per_page, error_out=False)
    ids = [p.id for p in pager.items]
    entries = dict(db.session.execute(
        db.select(PlanEntry.plan_id, func.count()).where(PlanEntry.plan_id.in_(ids))
        .group_by(PlanEntry.plan_id)).all()) if ids else {}
    return render_template("reevaluation/plans.html", plans=pager.items, pager=pager,
                           paging=paging, entries=entries, scope=scope,
                           can_create=current_user.role in (Role.admin, Role.province))


@bp.route("/plans/new", methods=["GET", "POST"])
@login_required
def new_plan():
    if current_user.role not in (Role.admin, Role.province):
        abort(403)
    form = PlanForm()
    if current_user.role == Role.admin:
        form.province_code.choices = [("", "—")] + [(p.code, p.name)
                                                     for p in provinces_sorted()]
    else:
        del form.province_code
    if form.validate_on_submit():
        province_code = current_user.province_code if current_user.role == Role.province \
            else form.province_code.data
        try:
            plan_ = services.create_plan(
                province_code=province_code, name=form.name.data,
                period_from=form.period_from.data, period_to=form.period_to.data,
                note=form.note.data or "", actor=current_user)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, {"period_order": "period_to", "not_allowed": "province_code"})
        else:
            db.session.commit()
            flash(_("Đã lập kế hoạch với %(n)d giấy chứng nhận hết hiệu lực trong kỳ.",
                    n=len(plan_.entries)), "success")
            return redirect(url_for("reevaluation.plan", plan_id=plan_.id))
    status = 422 if request.method == "POST" else 200
    return render_template("reevaluation/plan_form.html", form=form), status


def _plan(plan_id: int) -> ReevaluationPlan:
    plan_ = db.get_or_404(ReevaluationPlan, plan_id)
    _office_of(plan_.province_code)
    return plan_


def _assign_form(plan_: ReevaluationPlan) -> AssignForm:
    form = AssignForm()
    form.round_id.choices = [("", _("— Không thuộc đợt nào (bỏ phân đợt) —"))] + [
        (str(r.id), _("%(council)s — %(round)s (%(state)s, hạn %(d)s)", council=r.council.name,
                      round=r.name, state=r.state.label, d=r.finish_by.strftime("%d/%m/%Y")))
        for r in services.assignable_rounds(plan_.province_code)]
    return form


def _render_plan(plan_: ReevaluationPlan, form: AssignForm, *, checked=frozenset(),
                 status: int = 200):
    load = services.plan_load(plan_)
    return render_template("reevaluation/plan.html", plan=plan_, load=load, form=form,
                           stage_labels=services.STAGE_LABELS, checked=set(checked),
                           can_manage=_can_plan(plan_.province_code),
                           refresh_form=ConfirmForm()), status


@bp.get("/plans/<int:plan_id>")
@login_required
def plan(plan_id: int):
    plan_ = _plan(plan_id)
    return _render_plan(plan_, _assign_form(plan_))


@bp.post("/plans/<int:plan_id>/refresh")
@login_required
def refresh_plan(plan_id: int):
    plan_ = _plan(plan_id)
    if not _can_plan(plan_.province_code):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    added = services.refresh_plan(plan_)
    db.session.commit()
    if added:
        flash(_("Đã cập nhật kế hoạch: thêm %(n)d giấy chứng nhận.", n=added), "success")
    else:
        flash(_("Kế hoạch đã đầy đủ: không có giấy chứng nhận mới nào hết hiệu lực trong kỳ."),
              "info")
    return redirect(url_for("reevaluation.plan", plan_id=plan_.id))


@bp.post("/plans/<int:plan_id>/assign")
@login_required
def assign(plan_id: int):
    from ..councils.models import Round

    plan_ = _plan(plan_id)
    if not _can_plan(plan_.province_code):
        abort(403)
    form = _assign_form(plan_)
    ids = set(request.form.getlist("entry_id", type=db_id))
    entries = [e for e in plan_.entries if e.id in ids]
    if form.validate_on_submit():
        if not entries:
            form.form_errors.append(_("Vui lòng chọn ít nhất một sản phẩm trong kế hoạch."))
        else:
            round_ = db.session.get(Round, int(form.round_id.data)) if form.round_id.data \
                else None
            try:
                for entry in entries:
                    services.assign_round(entry, round_, actor=current_user)
            except OcopError as e:
                db.session.rollback()
                attach_error(form, e, {"not_allowed": "round_id"})
            else:
                db.session.commit()
                if round_ is None:
                    flash(_("Đã bỏ phân đợt cho %(n)d sản phẩm.", n=len(entries)), "success")
                else:
                    flash(_("Đã phân %(n)d sản phẩm vào đợt %(r)s.", n=len(entries),
                            r=round_.name), "success")
                return redirect(url_for("reevaluation.plan", plan_id=plan_.id))
    return _render_plan(plan_, form, checked=ids, status=422)


# -- inspections ---------------------------------------------------------------------------------

def _status_of(inspection: Inspection) -> str:
    if inspection.done_on is None:
        return "scheduled"
    return "violation" if inspection.outcome == InspectionOutcome.violation else "done"


@bp.get("/inspections/")
@login_required
def inspections():
    scope = _scope()
    status = request.args.get("status") if request.args.get("status") in INSPECTION_FILTERS \
        else ""
    paging = read_paging(PER_PAGE)
    pager = db.paginate(services.inspections_in(scope.province_code, status),
                        page=paging.page, per_page=paging.per_page, error_out=False)
    proposed = services.proposed_revocations(scope.province_code)
    args = {**scope.args(), **({"status": status} if status else {})}
    return render_template("reevaluation/inspections.html", inspections=pager.items,
                           pager=pager, paging=paging, args=args, scope=scope,
                           status=status, filters=INSPECTION_FILTERS, status_of=_status_of,
                           proposed_count=len(proposed), today=legal_today(),
                           alerts=services.revocation_alerts(scope.province_code),
                           ground_label=_ground_label)


def _ground_label(value: str | None) -> str:
    try:
        return RevocationGround(value).label
    except ValueError:
        return value or ""


@bp.route("/inspections/new", methods=["GET", "POST"])
@login_required
def new_inspection():
    if current_user.role not in OFFICES:
        abort(403)
    form = InspectionForm()
    form.kind.choices = [("", "—")] + [(k.value, k.label) for k in InspectionKind]
    if request.method == "GET" and request.args.get("certificate"):
        form.certificate_number.data = request.args["certificate"][:64]
    if form.validate_on_submit():
        certificate = certificate_services.managed_by_number(form.certificate_number.data,
                                                                current_user)
        if certificate is None:
            form.certificate_number.errors.append(_(
                "Không tìm thấy giấy chứng nhận số này trong các giấy chứng nhận bạn quản lý."))
        else:
            try:
                inspection_ = services.schedule_inspection(
                    certificate, kind=InspectionKind(form.kind.data),
                    on=form.scheduled_on.data, inspector=form.inspector.data,
                    actor=current_user)
            except OcopError as e:
                db.session.rollback()
                attach_error(form, e, {"not_allowed": "certificate_number"})
            else:
                db.session.commit()
                flash(_("Đã lên lịch kiểm tra giấy chứng nhận %(n)s.", n=certificate.number),
                      "success")
                return redirect(url_for("reevaluation.inspection",
                                        inspection_id=inspection_.id))
    status = 422 if request.method == "POST" else 200
    return render_template("reevaluation/inspection_form.html", form=form), status


def _inspection(inspection_id: int) -> Inspection:
    inspection_ = db.get_or_404(Inspection, inspection_id)
    _office_of(inspection_.certificate.province_code)
    return inspection_


def _findings_form(**kwargs) -> FindingsForm:
    form = FindingsForm(**kwargs)
    form.outcome.choices = [("", "—")] + [(o.value, o.label) for o in InspectionOutcome]
    form.proposed_ground.choices = [("", "—")] + [(g.value, g.label) for g in RevocationGround]
    return form


def _render_inspection(inspection_: Inspection, form: FindingsForm, status: int = 200):
    deadline = services.proposal_deadline(inspection_) \
        if inspection_.outcome == InspectionOutcome.violation else None
    return render_template("reevaluation/inspection.html", inspection=inspection_, form=form,
                           can_manage=inspection_.certificate.can_manage(current_user),
                           deadline=deadline,
                           status_of=_status_of, ground_label=_ground_label), status


@bp.get("/inspections/<int:inspection_id>")
@login_required
def inspection(inspection_id: int):
    inspection_ = _inspection(inspection_id)
    data = {"done_on": inspection_.done_on or inspection_.scheduled_on}
    if inspection_.outcome is not None:
        data.update(outcome=inspection_.outcome.value, findings=inspection_.findings,
                    proposed_ground=inspection_.proposed_ground or "",
                    concluded_on=inspection_.concluded_on,
                    concluded_by=inspection_.concluded_by)
    return _render_inspection(inspection_, _findings_form(data=data))


@bp.post("/inspections/<int:inspection_id>/findings")
@login_required
def record_findings(inspection_id: int):
    inspection_ = _inspection(inspection_id)
    if not inspection_.certificate.can_manage(current_user):
        abort(403)
    form = _findings_form()
    if form.validate_on_submit():
        try:
            services.record_findings(
                inspection_, done_on=form.done_on.data, findings=form.findings.data,
                outcome=InspectionOutcome(form.outcome.data),
                proposed_ground=form.proposed_ground.data or None,
                file_storage=form.evidence.data, concluded_on=form.concluded_on.data,
                concluded_by=form.concluded_by.data or "", actor=current_user)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, {"findings_required": "findings",
                                   "ground_required": "proposed_ground",
                                   "concluded_on_required": "concluded_on",
                                   "concluded_on_future": "concluded_on",
                                   "concluded_by_required": "concluded_by",
                                   "empty": "evidence", "too_large": "evidence",
                                   "wrong_type": "evidence"})
        else:
            db.session.commit()
            flash(_("Đã ghi kết quả kiểm tra."), "success")
            return redirect(url_for("reevaluation.inspection", inspection_id=inspection_id))
    return _render_inspection(inspection_, form, status=422)


@bp.get("/inspections/<int:inspection_id>/evidence")
@login_required
def evidence(inspection_id: int):
    from ..files.services import send_stored_file

    inspection_ = _inspection(inspection_id)
    if inspection_.evidence_file is None:
        abort(404)
    return send_stored_file(inspection_.evidence_file,
                            inline=request.args.get("inline") == "1", audit_of=inspection_)


@bp.get("/inspections/proposed")
@login_required
def proposed():
    scope = _scope()
    today = legal_today()
    items = services.proposals(scope.province_code, today)
    return render_template("reevaluation/proposed.html", items=items, scope=scope,
                           today=today, ground_label=_ground_label,
                           revocation_days=windows.revocation_days(),
                           alerts=[p for p in items if p.is_near or p.is_overdue])
