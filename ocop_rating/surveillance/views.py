"""Market surveillance pages.

Public (no account): the report form, the tracking page, the showcase catalogue and product
pages. Offices: the province's (or the ministry's) list of open reports and inspections with
their ages, a report's triage, checks in trade. Producers: their points of sale. Every office
route checks the role and the report's or certificate's authority; the services check again.
"""
from __future__ import annotations

import io
import math

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.roles import Role
from ..certificates import services as certificate_services
from ..certificates.models import Certificate, RevocationGround
from ..db import db
from ..errors import OcopError
from ..forms import ConfirmForm, attach_error, errors_text
from ..geo.services import provinces_sorted
from ..legaltime import legal_today
from ..paging import read_paging
from ..products.models import Product, ProductPhoto
from ..public import reading
from ..public.query import parse_registry_args
from ..public.views import page_numbers
from ..reevaluation.models import InspectionOutcome
from ..security.ids import db_id
from . import bp, services
from .forms import (
    AssignForm,
    CloseForm,
    HideForm,
    OpenInspectionForm,
    ReportForm,
    SalesPointForm,
    TrackForm,
    TradeCheckForm,
)
from .models import (
    MarketReport,
    MarkUse,
    OutletKind,
    ReportKind,
    ReportOutcome,
    SalesPoint,
    StampUse,
    SurveillancePhoto,
    TradeCheck,
)

OFFICES = frozenset({Role.admin, Role.ministry, Role.province})
PUBLIC_CACHE = "public, max-age=300"
MINISTRY_CHOICE = "BO"


def _public_cache(response):
    """Showcase pages are the same for every anonymous visitor: cacheable for five minutes
    (security/headers.py turns it into no-store for a signed-in person)."""
    if not current_user.is_authenticated:
        response.headers["Cache-Control"] = PUBLIC_CACHE
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


# -- the public's report ---------------------------------------------------------------------

def _report_form() -> ReportForm:
    form = ReportForm()
    form.kind.choices = [("", "—")] + [(k.value, k.label) for k in ReportKind]
    form.province_code.choices = [("", "—")] + [(p.code, p.name) for p in provinces_sorted()] \
        + [(MINISTRY_CHOICE, _("Không rõ — gửi Bộ Nông nghiệp và Môi trường"))]
    return form


REPORT_ERRORS = {"seen_on_future": "seen_on", "description_required": "description",
                 "place_required": "place", "product_required": "product_text",
                 "too_many_photos": "photos", "empty": "photos", "too_large": "photos",
                 "wrong_type": "photos"}


@bp.route("/report", methods=["GET", "POST"])
def new_report():
    """Report a suspected fake, a misused mark or a product that no longer matches its
    certificate; from a certificate (``?certificate=<token>``) or about any product."""
    form = _report_form()
    token = request.values.get("certificate", "")
    certificate = reading.find_token(token) if token else None
    if request.method == "GET":
        form.certificate.data = certificate.token if certificate else ""
        form.started.data = services.form_stamp()
        if certificate is not None:
            form.product_text.data = certificate.product_name
    elif form.validate_on_submit():
        try:
            services.check_not_spam(stamp=form.started.data, honeypot=form.website.data or "")
            province = form.province_code.data or ""
            if certificate is None and not province:
                raise services.SurveillanceError(
                    _("Vui lòng chọn tỉnh/thành phố nơi bạn thấy sản phẩm."), code="province")
            report = services.file_report(
                kind=ReportKind(form.kind.data), certificate=certificate,
                province_code=None if province == MINISTRY_CHOICE else province or None,
                product_text=form.product_text.data or "", description=form.description.data,
                place=form.place.data, seen_on=form.seen_on.data,
                contact=form.contact.data or "", photos=request.files.getlist("photos"),
                actor=current_user if current_user.is_authenticated else None)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, {**REPORT_ERRORS, "province": "province_code"})
        else:
            db.session.commit()
            flash(_("Đã gửi phản ánh. Mã theo dõi của bạn: %(c)s — hãy ghi lại mã này để theo "
                    "dõi kết quả xử lý.", c=report.display_code), "success")
            return redirect(url_for("surveillance.track", code=report.display_code))
    if request.method == "POST":
        form.started.data = services.form_stamp()  # a fresh stamp for the next try
    status = 422 if request.method == "POST" else 200
    return render_template("surveillance/report_form.html", form=form,
                           certificate=certificate), status


@bp.get("/track")
def track_lookup():
    form = TrackForm(request.args)
    if request.args.get("code") is not None and form.validate():
        report = services.find_report(form.code.data)
        if report is not None:
            return redirect(url_for("surveillance.track", code=report.display_code))
        form.code.errors.append(_("Không tìm thấy phản ánh có mã này."))
        return render_template("surveillance/track_lookup.html", form=form), 404
    return render_template("surveillance/track_lookup.html", form=form)


@bp.get("/track/<code>")
def track(code: str):
    """What became of a report: its public steps only (no personal data)."""
    report = services.find_report(code)
    if report is None:
        return render_template("surveillance/track_lookup.html", form=TrackForm(),
                               not_found=True), 404
    return render_template("surveillance/track.html", report=report,
                           steps=services.timeline(report))


# -- the office: lists and triage ------------------------------------------------------------

def _office() -> None:
    if current_user.role not in OFFICES:
        abort(403)


PER_PAGE = 100
RECENT = 20


@bp.get("/surveillance/")
@login_required
def index():
    """The office's open reports (paged, oldest first) and its oldest open inspections, with
    their ages in working days; its latest checks in trade and closed reports. The same
    queries whatever the number of reports (counts and pages in SQL, certificates loaded
    with their inspections)."""
    _office()
    today = legal_today()
    paging = read_paging(PER_PAGE)  # the reports' page and the inspections shown beside it
    pager = db.paginate(services.reports_statement(current_user), page=paging.page,
                        per_page=paging.per_page, error_out=False)
    inspections = db.paginate(services.open_inspections_statement(current_user), page=1,
                              per_page=paging.per_page, error_out=False)
    closed = list(db.session.scalars(
        services.reports_statement(current_user, closed_only=True).limit(RECENT)))
    return render_template("surveillance/index.html", reports=pager.items, pager=pager,
                           paging=paging, today=today, inspections=inspections.items,
                           inspections_total=inspections.total, age_of=services.age_of,
                           checks=services.trade_checks_for(current_user, limit=RECENT),
                           closed=closed)


def _report(report_id: int) -> MarketReport:
    _office()
    report = db.get_or_404(MarketReport, report_id)
    if not report.can_manage(current_user):
        abort(403)
    return report


def _triage_forms(report: MarketReport, **given):
    assign = given.get("assign") or AssignForm(prefix="assign")
    assign.assignee_id.choices = [("", "—")] + [
        (str(u.id), u.full_name or u.username)
        for u in services.office_users(report.authority_level, report.province_code)]
    inspect = given.get("inspect") or OpenInspectionForm(prefix="inspect",
                                                         data={"scheduled_on": legal_today()})
    close = given.get("close") or CloseForm(prefix="close")
    close.outcome.choices = [("", "—")] + [(o.value, o.label) for o in ReportOutcome]
    return {"assign_form": assign, "inspect_form": inspect, "close_form": close}


def _render_report(report: MarketReport, status: int = 200, **given):
    return render_template("surveillance/report.html", report=report,
                           steps=services.timeline(report), age=services.age_of(report.created_at),
                           **_triage_forms(report, **given)), status


@bp.get("/surveillance/reports/<int:report_id>")
@login_required
def report(report_id: int):
    return _render_report(_report(report_id))


@bp.post("/surveillance/reports/<int:report_id>/assign")
@login_required
def assign(report_id: int):
    report_ = _report(report_id)
    form = _triage_forms(report_)["assign_form"]
    if form.validate_on_submit():
        from ..accounts.models import User

        assignee = db.session.get(User, int(form.assignee_id.data))
        try:
            services.assign_report(report_, assignee, actor=current_user)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, {"assignee": "assignee_id"})
        else:
            db.session.commit()
            flash(_("Đã phân công xử lý phản ánh."), "success")
            return redirect(url_for("surveillance.report", report_id=report_id))
    return _render_report(report_, 422, assign=form)


@bp.post("/surveillance/reports/<int:report_id>/inspect")
@login_required
def inspect(report_id: int):
    report_ = _report(report_id)
    form = _triage_forms(report_)["inspect_form"]
    if form.validate_on_submit():
        try:
            inspection = services.open_inspection(report_, on=form.scheduled_on.data,
                                                  inspector=form.inspector.data,
                                                  actor=current_user)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, {"inspector": "inspector"})
        else:
            db.session.commit()
            flash(_("Đã mở hậu kiểm từ phản ánh; ghi kết quả kiểm tra tại trang hậu kiểm."),
                  "success")
            return redirect(url_for("reevaluation.inspection", inspection_id=inspection.id))
    return _render_report(report_, 422, inspect=form)


@bp.post("/surveillance/reports/<int:report_id>/close")
@login_required
def close(report_id: int):
    report_ = _report(report_id)
    form = _triage_forms(report_)["close_form"]
    if form.validate_on_submit():
        try:
            services.close_report(report_, outcome=ReportOutcome(form.outcome.data),
                                  public_summary=form.public_summary.data, actor=current_user)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, {"summary_required": "public_summary"})
        else:
            db.session.commit()
            flash(_("Đã kết thúc xử lý phản ánh."), "success")
            return redirect(url_for("surveillance.report", report_id=report_id))
    return _render_report(report_, 422, close=form)


@bp.get("/surveillance/reports/<int:report_id>/photos/<int:photo_id>")
@login_required
def report_photo(report_id: int, photo_id: int):
    from ..files.services import send_stored_file

    report_ = _report(report_id)
    photo = db.get_or_404(SurveillancePhoto, photo_id)
    if photo.report_id != report_.id:
        abort(404)
    return send_stored_file(photo.file, inline=True, audit_of=report_)


# -- checks in trade -------------------------------------------------------------------------

def _check_form(**kwargs) -> TradeCheckForm:
    form = TradeCheckForm(**kwargs)
    form.outlet_kind.choices = [("", "—")] + [(k.value, k.label) for k in OutletKind]
    marks = [("", "—")] + [(m.value, m.label) for m in MarkUse]
    form.stamp_use.choices = marks
    form.mark_use.choices = marks
    form.outcome.choices = [("", "—")] + [(o.value, o.label) for o in InspectionOutcome]
    form.proposed_ground.choices = [("", "—")] + [(g.value, g.label) for g in RevocationGround]
    return form


CHECK_ERRORS = {"findings_required": "findings", "ground_required": "proposed_ground",
                "concluded_on_required": "concluded_on", "concluded_on_future": "concluded_on",
                "concluded_by_required": "concluded_by", "done_on_future": "done_on",
                "outlet_required": "outlet_name", "too_many_photos": "photos",
                "empty": "photos", "too_large": "photos", "wrong_type": "photos",
                "not_allowed": "certificate_number",
                "certificate_mismatch": "certificate_number"}


@bp.route("/surveillance/checks/new", methods=["GET", "POST"])
@login_required
def new_check():
    """Record a check at a point of sale or an online shop (optionally answering a report)."""
    _office()
    report_ = None
    raw_report = request.values.get("report_id", type=db_id)
    if raw_report:
        report_ = _report(raw_report)
    form = _check_form()
    if request.method == "GET":
        form.done_on.data = legal_today()
        if report_ is not None:
            form.report_id.data = str(report_.id)
            if report_.certificate is not None:
                form.certificate_number.data = report_.certificate.number
            form.outlet_address.data = report_.place
    if form.validate_on_submit():
        certificate = certificate_services.managed_by_number(form.certificate_number.data,
                                                                current_user)
        if certificate is None:
            form.certificate_number.errors.append(_(
                "Không tìm thấy giấy chứng nhận số này trong các giấy chứng nhận bạn quản lý."))
        else:
            try:
                check = services.record_trade_check(
                    certificate, done_on=form.done_on.data, inspector=form.inspector.data,
                    outlet_kind=OutletKind(form.outlet_kind.data),
                    outlet_name=form.outlet_name.data, outlet_address=form.outlet_address.data,
                    stamp_use=StampUse(form.stamp_use.data), mark_use=MarkUse(form.mark_use.data),
                    price_vnd=form.price_vnd.data, findings=form.findings.data,
                    outcome=InspectionOutcome(form.outcome.data),
                    proposed_ground=form.proposed_ground.data or None,
                    concluded_on=form.concluded_on.data,
                    concluded_by=form.concluded_by.data or "",
                    photos=request.files.getlist("photos"), report=report_,
                    actor=current_user)
            except OcopError as e:
                db.session.rollback()
                attach_error(form, e, CHECK_ERRORS)
            else:
                db.session.commit()
                flash(_("Đã ghi kết quả kiểm tra tại nơi bán."), "success")
                return redirect(url_for("surveillance.check", check_id=check.id))
    status = 422 if request.method == "POST" else 200
    return render_template("surveillance/check_form.html", form=form, report=report_), status


def _check(check_id: int) -> TradeCheck:
    _office()
    check_ = db.get_or_404(TradeCheck, check_id)
    if not check_.certificate.can_manage(current_user):
        abort(403)
    return check_


@bp.get("/surveillance/checks/<int:check_id>")
@login_required
def check(check_id: int):
    check_ = _check(check_id)
    report_ = db.session.scalar(db.select(MarketReport).filter_by(
        inspection_id=check_.inspection_id))
    return render_template("surveillance/check.html", check=check_, i=check_.inspection,
                           c=check_.certificate, report=report_)


@bp.get("/surveillance/checks/<int:check_id>/photos/<int:photo_id>")
@login_required
def check_photo(check_id: int, photo_id: int):
    from ..files.services import send_stored_file

    check_ = _check(check_id)
    photo = db.get_or_404(SurveillancePhoto, photo_id)
    if photo.trade_check_id != check_.id:
        abort(404)
    return send_stored_file(photo.file, inline=True, audit_of=check_.inspection)


# -- the showcase ----------------------------------------------------------------------------

def _catalogue_query():
    parsed = parse_registry_args(request.args, per_page=24)
    q = parsed.query
    groups = services.group_choices()
    group = request.args.get("group", "")
    problems = list(parsed.problems)
    if group and group not in {code for code, _label, _sets in groups}:
        problems.append(_("Ngành sản phẩm không hợp lệ."))
        group = ""
    query = services.CatalogueQuery(q=q.q, province=q.province, group=group, set_no=q.set_no,
                                    star=q.star, page=q.page, per_page=24)
    filters = {k: v for k, v in {"q": q.q, "province": q.province, "group": group,
                                 "set": q.set_no, "star": q.star}.items() if v not in ("", None)}
    return query, filters, problems, groups


@bp.get("/showcase")
def catalogue():
    """Certified products (certificate in force, not hidden), searchable and paged."""
    query, filters, problems, groups = _catalogue_query()
    today = legal_today()
    rows, total = services.catalogue(query, today=today)
    _keep = reading.preload(rows)
    pages = max(1, math.ceil(total / query.per_page))
    covers = _covers([c.product_id for c in rows])
    response = render_template(
        "surveillance/catalogue.html", rows=rows, total=total, query=query, filters=filters,
        problems=[str(p.message) if hasattr(p, "message") else str(p) for p in problems],
        pages=pages, page_links=page_numbers(min(query.page, pages), pages),
        provinces=provinces_sorted(), groups=groups, sets=reading.set_choices(), covers=covers)
    return _public_cache(make_response(response))


def _covers(product_ids: list[int]) -> dict[int, ProductPhoto]:
    """The first photo of each product (one query)."""
    out: dict[int, ProductPhoto] = {}
    if not product_ids:
        return out
    for photo in db.session.scalars(db.select(ProductPhoto).where(
            ProductPhoto.product_id.in_(product_ids)).order_by(ProductPhoto.id)):
        out.setdefault(photo.product_id, photo)
    return out


def _listed(product_id: int) -> tuple[Product, Certificate]:
    certificate = services.listed_certificate(product_id)
    if certificate is None:
        abort(404)
    return certificate.product, certificate


@bp.get("/showcase/<int:product_id>")
def showcase(product_id: int):
    product, certificate = _listed(product_id)
    rulebook_label, set_name = reading.rulebook_facts(certificate)
    can_hide = current_user.is_authenticated and services.can_hide(current_user, certificate)
    response = make_response(render_template(
        "surveillance/showcase.html", product=product, c=certificate, set_name=set_name,
        status=certificate.status_on(legal_today()), points=services.sales_points(product.id),
        can_edit=current_user.is_authenticated and product.can_edit(current_user),
        can_hide=can_hide, hide_form=HideForm() if can_hide else None))
    return _public_cache(response)


@bp.get("/showcase/<int:product_id>/photos/<int:photo_id>")
def showcase_photo(product_id: int, photo_id: int):
    from ..files.services import send_stored_file

    product, _certificate = _listed(product_id)
    photo = db.get_or_404(ProductPhoto, photo_id)
    if photo.product_id != product.id:
        abort(404)
    response = send_stored_file(photo.file, inline=True)
    response.cache_control.private = False
    response.cache_control.no_cache = False
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/showcase/<int:product_id>/qr.svg")
def showcase_qr(product_id: int):
    """The QR code of the certificate's verification page, as on the printed certificate."""
    import segno

    _product, certificate = _listed(product_id)
    out = io.BytesIO()
    segno.make(certificate_services.verify_url(certificate), error="m").save(
        out, kind="svg", scale=4, border=2)
    response = make_response(out.getvalue())
    response.mimetype = "image/svg+xml"
    return _public_cache(response)


def _own_product(product_id: int) -> Product:
    product = db.get_or_404(Product, product_id)
    if not product.can_edit(current_user):
        abort(403)
    return product


def _points_form(**kwargs) -> SalesPointForm:
    form = SalesPointForm(**kwargs)
    form.kind.choices = [("", "—")] + [(k.value, k.label) for k in OutletKind]
    return form


@bp.route("/showcase/<int:product_id>/sales-points", methods=["GET", "POST"])
@login_required
def sales_points(product_id: int):
    """The producer keeps the product's points of sale and online shops up to date."""
    product = _own_product(product_id)
    form = _points_form()
    if form.validate_on_submit():
        try:
            services.add_sales_point(product, kind=OutletKind(form.kind.data),
                                     name=form.name.data, address=form.address.data or "",
                                     url=form.url.data or "", actor=current_user)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, {"url": "url", "place": "address"})
        else:
            db.session.commit()
            flash(_("Đã thêm nơi bán."), "success")
            return redirect(url_for("surveillance.sales_points", product_id=product.id))
    status = 422 if request.method == "POST" else 200
    return render_template("surveillance/sales_points.html", product=product, form=form,
                           points=services.sales_points(product.id), remove_form=ConfirmForm(),
                           listed=services.listed_certificate(product.id) is not None), status


@bp.post("/showcase/<int:product_id>/sales-points/<int:point_id>/remove")
@login_required
def remove_sales_point(product_id: int, point_id: int):
    product = _own_product(product_id)
    point = db.get_or_404(SalesPoint, point_id)
    if point.product_id != product.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.remove_sales_point(point, product, actor=current_user)
    db.session.commit()
    flash(_("Đã xóa nơi bán."), "success")
    return redirect(url_for("surveillance.sales_points", product_id=product.id))


def _managed_certificate(product_id: int) -> Certificate:
    _office()
    certificate = db.session.scalar(db.select(Certificate).filter_by(product_id=product_id)
                                    .order_by(Certificate.id.desc()).limit(1))
    if certificate is None:
        abort(404)
    if not services.can_hide(current_user, certificate):
        abort(403)
    return certificate


@bp.post("/showcase/<int:product_id>/hide")
@login_required
def hide(product_id: int):
    certificate = _managed_certificate(product_id)
    form = HideForm()
    if not form.validate_on_submit():
        flash(errors_text(form), "danger")
        return redirect(url_for("surveillance.showcase", product_id=product_id))
    services.hide_product(certificate, reason=form.reason.data, actor=current_user)
    db.session.commit()
    flash(_("Đã ẩn sản phẩm khỏi danh mục."), "success")
    return redirect(url_for("surveillance.hidden"))


@bp.post("/showcase/<int:product_id>/unhide")
@login_required
def unhide(product_id: int):
    certificate = _managed_certificate(product_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.unhide_product(certificate, actor=current_user)
    db.session.commit()
    flash(_("Đã hiện lại sản phẩm trong danh mục."), "success")
    return redirect(url_for("surveillance.hidden"))


@bp.get("/surveillance/hidden")
@login_required
def hidden():
    _office()
    return render_template("surveillance/hidden.html",
                           rows=services.hidden_entries(current_user), form=ConfirmForm())
