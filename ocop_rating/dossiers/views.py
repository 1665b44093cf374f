from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import audit
from ..accounts.roles import Role
from ..actions import perform
from ..db import db
from ..errors import OcopError
from ..exports import content_disposition
from ..forms import ConfirmForm, attach_error, errors_text
from ..i18n import legal_text
from ..legaltime import legal_date, legal_today
from ..paging import read_paging
from ..products.models import Product
from . import bp, services
from .checklist import FORM01_DOCUMENTS, LOCAL_ITEMS, checklist_for
from .forms import EvidenceForm, ReasonForm, RegistrationForm
from .models import Dossier, DossierKind, Evidence
from .results import producer_result
from .states import DossierStatus


def _load(dossier_id: int) -> Dossier:
    dossier = db.get_or_404(Dossier, dossier_id)
    if not dossier.can_view(current_user):
        abort(403)
    return dossier


def _confirm() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _projection_json(dossier: Dossier) -> dict:
    """Running part totals, total and projected star for the self-assessment page."""
    result = services.projection(dossier)
    sheet = services.sheet_of(dossier)
    holding = {}
    for star in (3, 4, 5):
        items = []
        for h in result.holding_back(star):
            item = sheet.item(h.code)
            options = item.options_for(h.case) if item.is_case_choice and h.case else \
                item.all_options if item.is_case_choice else item.options
            required = legal_text(options[h.required_option].label) \
                if h.required_option < len(options) else ""
            items.append({"code": h.code, "label": legal_text(item.label), "required": required})
        holding[str(star)] = items
    return {
        "parts": [{"code": p.code, "points": str(p.points), "max": str(p.max_points)}
                  for p in result.parts],
        "total": str(result.total),
        "band_star": result.band_star,
        "star": result.star,
        "missing": list(result.missing),
        "holding_back": holding,
    }


PER_PAGE = 50


@bp.get("/")
@login_required
def index():
    if current_user.role not in {Role.admin, Role.ministry, Role.province, Role.commune,
                                 Role.producer}:
        abort(403)
    from sqlalchemy.orm import selectinload

    from ..producers.models import Producer

    from ..accounts.roles import NATIONAL_ROLES

    status = request.args.get("status") or ""
    status_enum = DossierStatus(status) if status in {s.value for s in DossierStatus} else None
    # National roles pick a province first; its communes are offered once it is chosen.
    national = current_user.role in NATIONAL_ROLES
    provinces = services.province_counts(current_user, status=status_enum) if national else []
    province = request.args.get("province") or None
    if province not in {code for code, _name, _n in provinces}:
        province = None
    communes = services.commune_counts(current_user, status=status_enum,
                                       province_code=province) \
        if not national or province else []
    commune = request.args.get("commune") or None
    if national and not province:
        commune = None
    stmt = services.dossiers_query(current_user, status=status_enum, commune_code=commune,
                                   province_code=province)
    paging = read_paging(PER_PAGE)
    pager = db.paginate(
        stmt.options(selectinload(Dossier.product),
                     selectinload(Dossier.producer).selectinload(Producer.commune))
        .order_by(Dossier.id.desc()),
        page=paging.page, per_page=paging.per_page, error_out=False)
    filters = {k: v for k, v in (("status", status), ("province", province),
                                 ("commune", commune)) if v}
    is_producer = current_user.role == Role.producer
    products = []
    if is_producer and not pager.items and current_user.producer is not None:
        from ..products.services import products_of

        products = products_of(current_user.producer)  # where a new dossier starts
    return render_template("dossiers/index.html", dossiers=pager.items, pager=pager,
                           is_producer=is_producer, products=products,
                           filters=filters, paging=paging, status=status,
                           statuses=list(DossierStatus),
                           today=legal_today(), legal_date=legal_date, is_late=services.is_late_at_commune,
                           communes=communes, commune=commune, provinces=provinces,
                           province=province)


def _new_page(product: Product, *, error: str = "", selected: str = "", status: int = 200):
    return render_template("dossiers/new.html", product=product,
                           kind_options=services.kind_options(product), kind_error=error,
                           selected_kind=selected), status


@bp.get("/new/<int:product_id>")
@login_required
def new(product_id: int):
    product = db.get_or_404(Product, product_id)
    if not product.can_edit(current_user):
        abort(403)
    return _new_page(product)


@bp.post("/new/<int:product_id>")
@login_required
def create(product_id: int):
    product = db.get_or_404(Product, product_id)
    if not product.can_edit(current_user):
        abort(403)
    _confirm()
    try:
        kind = DossierKind(request.form.get("kind", "first"))
    except ValueError:
        abort(400)
    try:
        dossier = services.create_dossier(product, kind=kind, actor=current_user)
    except OcopError as e:
        db.session.rollback()
        # The refusal stands beside the choice on the form, the choice kept.
        return _new_page(product, error=e.message, selected=kind.value, status=422)
    db.session.commit()
    flash(_("Đã lập hồ sơ. Hãy điền phiếu đăng ký và phiếu tự đánh giá."), "success")
    return redirect(url_for("dossiers.registration", dossier_id=dossier.id))


@bp.get("/<int:dossier_id>")
@login_required
def show(dossier_id: int):
    return _render_show(_load(dossier_id))


def _render_show(dossier: Dossier, *, reason_form: ReasonForm | None = None, status: int = 200):
    """The dossier page; a refused form (the return reason) comes back with what was typed."""
    problems = services.submission_problems(dossier) if dossier.can_edit(current_user) else []
    return render_template(
        "dossiers/show.html", dossier=dossier, problems=problems,
        result=services.projection(dossier), timeline=audit.condensed_timeline(dossier),
        late=services.is_late_at_commune(dossier), reason_form=reason_form or ReasonForm(),
        checklist=checklist_for(dossier.set_no), local_items=LOCAL_ITEMS,
        council_result=producer_result(dossier)
        if dossier.status == DossierStatus.evaluated else None), status


@bp.route("/<int:dossier_id>/registration", methods=["GET", "POST"])
@login_required
def registration(dossier_id: int):
    dossier = _load(dossier_id)
    editable = dossier.can_edit(current_user)
    form = RegistrationForm(obj=dossier if request.method == "GET" else None)
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit():
            try:
                services.update_registration(
                    dossier, actor=current_user,
                    production_address=form.production_address.data,
                    annual_capacity=form.annual_capacity.data,
                    main_markets=form.main_markets.data or "",
                    product_story=form.product_story.data or "",
                    samples_count=form.samples_count.data or 0,
                    samples_handed_on=form.samples_handed_on.data,
                    samples_received_by=form.samples_received_by.data or "")
                if dossier.kind == DossierKind.reevaluation:
                    services.update_changes(dossier, text=form.changes_since_recognition.data,
                                            actor=current_user)
            except OcopError as e:
                db.session.rollback()
                attach_error(form, e, {"samples_count": "samples_count"})
            else:
                db.session.commit()
                flash(_("Đã lưu phiếu đăng ký."), "success")
                return redirect(url_for("dossiers.self_assessment", dossier_id=dossier.id))
    elif dossier.samples_handed_on:
        form.samples_handed_on.data = dossier.samples_handed_on
    status = 422 if request.method == "POST" else 200
    return _registration_page(dossier, form, editable=editable, status=status)


def _registration_page(dossier: Dossier, form, *, editable: bool, status: int = 200,
                       upload_errors: dict | None = None):
    from ..files.services import upload_limits

    return render_template("dossiers/registration.html", dossier=dossier, form=form,
                           editable=editable, documents=services.form01_documents(dossier),
                           filed=dossier.documents_by_code(), evidence_form=EvidenceForm(),
                           limits=upload_limits(), upload_errors=upload_errors or {}), status


def _claims_from_form(form, sheet) -> tuple[dict, dict]:
    values, notes = {}, {}
    for item in sheet.items:
        raw = form.get(f"item-{item.code}")
        case = form.get(f"case-{item.code}") or None
        if raw is None and case is None and f"note-{item.code}" not in form:
            continue
        try:
            index = int(raw) if raw not in (None, "") else None
        except ValueError:
            raise services.DossierError(_("Mục %(c)s: lựa chọn không hợp lệ.", c=item.code),
                                        code="invalid_option") from None
        values[item.code] = (index, case)
        if f"note-{item.code}" in form:
            notes[item.code] = form.get(f"note-{item.code}", "")
    unknown = {k.split("-", 1)[1] for k in form if k.startswith("item-")} - \
        {i.code for i in sheet.items}
    if unknown:
        raise services.DossierError(_("Mục %(c)s không có trong phiếu đánh giá.",
                                      c=sorted(unknown)[0]), code="unknown_item")
    return values, notes


@bp.route("/<int:dossier_id>/self-assessment", methods=["GET", "POST"])
@login_required
def self_assessment(dossier_id: int):
    dossier = _load(dossier_id)
    editable = dossier.can_edit(current_user)
    sheet = services.sheet_of(dossier)
    if request.method == "POST":
        if not editable:
            abort(403)
        _confirm()
        def save():
            values, notes = _claims_from_form(request.form, sheet)
            return services.save_claims(dossier, values, notes=notes, actor=current_user)

        perform(save, lambda changed: _("Đã lưu phiếu tự đánh giá (%(n)d mục thay đổi).",
                                        n=len(changed)) if changed else None)
        return redirect(url_for("dossiers.self_assessment", dossier_id=dossier.id))
    return _self_assessment_page(dossier, editable=editable)


def _self_assessment_page(dossier: Dossier, *, editable: bool, status: int = 200,
                          upload_errors: dict | None = None):
    from ..files.services import upload_limits

    return render_template(
        "dossiers/self_assessment.html", dossier=dossier, sheet=services.sheet_of(dossier),
        editable=editable, claims=dossier.claims_by_code(), evidence=dossier.evidence_by_code(),
        projection=_projection_json(dossier), evidence_form=EvidenceForm(),
        derived=services.DERIVED_ITEMS, limits=upload_limits(),
        upload_errors=upload_errors or {}), status


@bp.post("/<int:dossier_id>/self-assessment/autosave")
@login_required
def autosave(dossier_id: int):
    """One choice saved as it is made (fetch from the page); answers the new projection."""
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None:
        return jsonify(error={"status": 404, "message": _("Không tìm thấy hồ sơ.")}), 404
    if not dossier.can_edit(current_user):
        return jsonify(error={"status": 403, "message": _("Bạn không thể sửa hồ sơ này.")}), 403
    if not ConfirmForm().validate_on_submit():
        return jsonify(error={"status": 400, "message": _("Phiên làm việc đã hết hạn, vui lòng "
                                                          "tải lại trang.")}), 400
    try:
        values, notes = _claims_from_form(request.form, services.sheet_of(dossier))
        services.save_claims(dossier, values, notes=notes, actor=current_user)
    except OcopError as e:
        db.session.rollback()
        return jsonify(error={"status": 422, "code": e.code, "message": e.message}), 422
    db.session.commit()
    return jsonify(saved=True, projection=_projection_json(dossier))


def _evidence_json(dossier: Dossier, e: Evidence) -> dict:
    return {"id": e.id, "name": e.label or e.file.original_name,
            "url": url_for("dossiers.evidence_file", dossier_id=dossier.id, evidence_id=e.id),
            "delete_url": url_for("dossiers.remove_evidence", dossier_id=dossier.id,
                                  evidence_id=e.id)}


def _slot_anchor(item_code: str | None, document: str | None) -> str:
    return f"doc-{document}" if document else f"item-{item_code}" if item_code else "general"


@bp.post("/<int:dossier_id>/evidence")
@login_required
def add_evidence(dossier_id: int):
    """One or several files for one criterion (or one Form 01 paper) in one POST.

    Sent by evidence.js (fetch/XHR, ``Accept: application/json``): answers JSON with the
    files kept and those refused, each refusal with its reason. Sent as a plain form (no
    JavaScript): redirects back to the criterion when every file was kept, otherwise
    re-renders the page with the reasons beside the criterion (422)."""
    from ..errors import wants_json

    dossier = _load(dossier_id)
    if not dossier.can_edit(current_user):
        abort(403)
    form = EvidenceForm()
    if not form.validate_on_submit():  # CSRF, the description's length
        message = errors_text(form) or _("Vui lòng chọn tệp minh chứng.")
        if wants_json():
            return jsonify(error={"status": 400, "code": "invalid_form", "message": message}), 400
        flash(message, "danger")
        return redirect(url_for("dossiers.self_assessment", dossier_id=dossier.id))
    item_code = form.item_code.data or None
    document = form.document.data or None
    slot = _slot_anchor(item_code, document)
    try:
        batch = services.add_evidence_batch(
            dossier, request.files.getlist("file"), item_code=item_code, document=document,
            label=form.label.data or "", actor=current_user)
    except OcopError as e:
        db.session.rollback()
        if wants_json():
            return jsonify(error={"status": 422, "code": e.code, "message": e.message}), 422
        flash(e.message, "danger")
        batch = None
        rejected = [e.message]
    else:
        db.session.commit()
        rejected = [e.message for e in batch.rejected]
    added = batch.added if batch else []
    if wants_json():
        slot_files = dossier.documents_by_code().get(document, []) if document else \
            dossier.evidence_by_code().get(item_code, [])
        return jsonify(
            added=[_evidence_json(dossier, e) for e in added],
            rejected=[{"name": e.file_name, "code": e.code, "message": e.message}
                      for e in batch.rejected],
            count=len(slot_files),
            message=_("Đã tải lên %(n)d minh chứng.", n=len(added)) if added else ""), \
            422 if batch.rejected else 200
    if added:
        flash(_("Đã tải lên %(n)d minh chứng.", n=len(added)), "success")
    page = "dossiers.registration" if document else "dossiers.self_assessment"
    if not rejected:
        return redirect(url_for(page, dossier_id=dossier.id) + "#" + slot)
    # The reasons stand beside the criterion; the files that passed are already kept.
    errors = {slot: rejected}
    if document:
        return _registration_page(dossier, RegistrationForm(formdata=None, obj=dossier),
                                  editable=True,
                                  status=422, upload_errors=errors)
    return _self_assessment_page(dossier, editable=True, status=422, upload_errors=errors)


@bp.errorhandler(413)
def upload_too_large(e):
    """A request over MAX_CONTENT_LENGTH (the body is not read): the person is told the
    limits and led back to the dossier, JSON for evidence.js."""
    from ..errors import wants_json
    from ..files.services import upload_limits

    limits = upload_limits()
    message = _("Các tệp gửi cùng lúc quá lớn. %(limits)s Hãy gửi ít tệp hơn mỗi lần hoặc "
                "thu nhỏ tệp (ví dụ quét ở độ phân giải thấp hơn).", limits=limits["text"])
    if wants_json():
        return jsonify(error={"status": 413, "code": "too_large", "message": message,
                              "limits": {"file": limits["file"],
                                         "request": limits["request"]}}), 413
    dossier_id = (request.view_args or {}).get("dossier_id")
    dossier = db.session.get(Dossier, dossier_id) if dossier_id else None
    if dossier is not None and not dossier.can_view(current_user):
        dossier = None
    back = None
    if dossier is not None:
        # The form's action carries the place (?slot=item-1.1): the body was never read.
        slot = request.args.get("slot", "")
        page = "dossiers.registration" if slot.startswith("doc-") else "dossiers.self_assessment"
        back = url_for(page, dossier_id=dossier.id) + (f"#{slot}" if slot else "")
    return render_template("dossiers/too_large.html", dossier=dossier, back=back,
                           message=message, limits=limits), 413


def _evidence(dossier: Dossier, evidence_id: int) -> Evidence:
    evidence = db.get_or_404(Evidence, evidence_id)
    if evidence.dossier_id != dossier.id:
        abort(404)
    return evidence


@bp.get("/<int:dossier_id>/evidence/<int:evidence_id>")
@login_required
def evidence_file(dossier_id: int, evidence_id: int):
    from ..files.services import send_stored_file

    dossier = _load(dossier_id)
    evidence = _evidence(dossier, evidence_id)
    return send_stored_file(evidence.file, inline=request.args.get("inline") == "1",
                            audit_of=dossier)


@bp.post("/<int:dossier_id>/evidence/<int:evidence_id>/delete")
@login_required
def remove_evidence(dossier_id: int, evidence_id: int):
    dossier = _load(dossier_id)
    evidence = _evidence(dossier, evidence_id)
    _confirm()
    code = evidence.item_code
    perform(lambda: services.remove_evidence(evidence, actor=current_user),
            _("Đã xóa minh chứng."))
    return redirect(url_for("dossiers.self_assessment", dossier_id=dossier.id)
                    + (f"#item-{code}" if code else "#general"))


@bp.post("/<int:dossier_id>/submit")
@login_required
def submit(dossier_id: int):
    dossier = _load(dossier_id)
    if not dossier.can_edit(current_user):
        abort(403)
    _confirm()
    perform(lambda: services.submit(dossier, actor=current_user), _("Đã nộp hồ sơ."))
    return redirect(url_for("dossiers.show", dossier_id=dossier.id))


@bp.route("/<int:dossier_id>/commune-check", methods=["GET", "POST"])
@login_required
def commune_check(dossier_id: int):
    dossier = _load(dossier_id)
    if not dossier.can_check_at_commune(current_user):
        abort(403)
    items = checklist_for(dossier.set_no)
    if request.method == "POST":
        _confirm()
        action = request.form.get("action", "save")
        try:
            services.save_commune_check(
                dossier, actor=current_user,
                checklist={i.code: request.form.get(f"check-{i.code}") == "on" for i in items},
                assessments={f: request.form.get(f, "") for f, _l in LOCAL_ITEMS},
                proposal=request.form.get("proposal", ""))
            if action == "forward":
                services.forward_to_province(dossier, actor=current_user)
        except OcopError as e:
            db.session.rollback()
            flash(e.message, "danger")
            # Re-render with what was typed: nothing is lost on an error.
            return render_template("dossiers/commune_check.html", dossier=dossier, items=items,
                                   local_items=LOCAL_ITEMS, values=request.form,
                                   reason_form=ReasonForm(),
                                   form01_documents=FORM01_DOCUMENTS), 422
        db.session.commit()
        if action == "forward":
            flash(_("Đã chuyển hồ sơ lên tỉnh."), "success")
            return redirect(url_for("dossiers.show", dossier_id=dossier.id))
        flash(_("Đã lưu phiếu kiểm tra."), "success")
        return redirect(url_for("dossiers.commune_check", dossier_id=dossier.id))
    check = dossier.commune_check
    values = {}
    if check is not None:
        values = {f"check-{k}": "on" for k, v in check.checklist.items() if v}
        values.update({f: getattr(check, f) for f, _l in LOCAL_ITEMS})
        values["proposal"] = check.proposal
    return render_template("dossiers/commune_check.html", dossier=dossier, items=items,
                           local_items=LOCAL_ITEMS, values=values, reason_form=ReasonForm(),
                           form01_documents=FORM01_DOCUMENTS)


@bp.post("/<int:dossier_id>/return")
@login_required
def return_dossier(dossier_id: int):
    dossier = _load(dossier_id)
    form = ReasonForm()
    if not (dossier.can_check_at_commune(current_user)
            or dossier.can_intake_at_province(current_user)):
        abort(403)
    if not form.validate_on_submit():
        # Re-rendered with the reason as typed, the message beside the field.
        flash(_("Vui lòng ghi rõ lý do trả lại (ít nhất 5 ký tự)."), "danger")
        return _render_show(dossier, reason_form=form, status=422)
    give_back = services.return_from_commune if dossier.can_check_at_commune(current_user) \
        else services.return_from_province
    perform(lambda: give_back(dossier, reason=form.reason.data, actor=current_user),
            _("Đã trả lại hồ sơ cho chủ thể."))
    return redirect(url_for("dossiers.show", dossier_id=dossier.id))


@bp.post("/<int:dossier_id>/accept")
@login_required
def accept(dossier_id: int):
    dossier = _load(dossier_id)
    if not dossier.can_intake_at_province(current_user):
        abort(403)
    _confirm()
    services.accept_at_province(dossier, actor=current_user)
    db.session.commit()
    flash(_("Đã tiếp nhận hồ sơ. Hồ sơ chờ đưa vào đợt đánh giá."), "success")
    return redirect(url_for("dossiers.show", dossier_id=dossier.id))


@bp.get("/<int:dossier_id>/form-<int:number>.pdf")
@login_required
def form_pdf(dossier_id: int, number: int):
    """Forms 01, 02 and 03 as filled, for printing and signing."""
    from flask import Response

    from . import documents

    dossier = _load(dossier_id)
    renderers = {1: documents.form01, 2: documents.form02, 3: documents.form03}
    if number not in renderers:
        abort(404)
    if number == 3 and not (dossier.commune_check and dossier.commune_check.checked_at):
        abort(404)
    data = renderers[number](dossier)
    name = f"mau-{number:02d}-ho-so-{dossier.id}.pdf"
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": content_disposition(name),
        "X-Content-Type-Options": "nosniff"})
