from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.roles import NATIONAL_ROLES, Role
from ..db import db
from ..errors import OcopError
from ..exports import content_disposition
from ..forms import ConfirmForm, attach_error, errors_text
from ..legaltime import legal_today
from ..paging import read_paging
from ..search import paginate
from ..security.ids import db_id
from . import bp, services
from .instruments import instrument
from .forms import DecisionForm, RevokeForm
from .models import (
    AuthorityLevel,
    Certificate,
    CertificateStatus,
    Decision,
    DecisionItem,
    DecisionKind,
    RevocationGround,
)

PER_PAGE = 100
DECISIONS_PER_PAGE = 50
OFFICES = {Role.admin, Role.ministry, Role.province, Role.commune}


def _office_required() -> None:
    if current_user.role not in OFFICES:
        abort(403)


def _scoped(stmt):
    """Certificates of the current officer's territory."""
    if current_user.role == Role.province:
        return stmt.where(Certificate.province_code == current_user.province_code)
    if current_user.role == Role.commune:
        return stmt.where(Certificate.commune_code == current_user.commune_code)
    return stmt


def _revoke_form() -> RevokeForm:
    form = RevokeForm(prefix="revoke")
    form.ground.choices = [("", "—")] + [(g.value, g.label) for g in RevocationGround]
    return form


@bp.get("/")
@login_required
def index():
    _office_required()
    return _render_index()


def _render_index(*, revoke_form: RevokeForm | None = None, checked=frozenset(),
                  http_status: int = 200):
    """The registry page; a refused revocation comes back with what was typed and the
    certificates that were ticked."""
    q = (request.args.get("q") or "").strip()
    stmt = _scoped(db.select(Certificate))
    star = request.args.get("star", type=db_id)
    if star in (3, 4, 5):
        stmt = stmt.where(Certificate.star == star)
    else:
        star = None
    status = request.args.get("status", "")
    if status in {s.value for s in CertificateStatus}:
        stmt = stmt.where(services.status_condition(status, legal_today()))
    else:
        status = ""
    # every word in the product, producer or code, whole words first (search.py)
    paging = read_paging(PER_PAGE)
    pager = paginate(stmt, Certificate.search_text, q,
                     order=[Certificate.expires_on, Certificate.id],
                     page=paging.page, per_page=paging.per_page)
    filters = {k: v for k, v in (("q", q), ("star", star), ("status", status)) if v}
    return render_template("certificates/index.html", certificates=pager.items, pager=pager,
                           filters=filters, paging=paging, q=q, star=star,
                           status=status, statuses=list(CertificateStatus),
                           revoke_form=revoke_form or _revoke_form(),
                           revocable=services.revocable, checked=set(checked),
                           alerts=_revocation_alerts(),
                           can_revoke=current_user.role in (Role.admin, Role.ministry,
                                                            Role.province)), http_status


def _revocation_alerts() -> list:
    """Revocation proposals near or past their 15-day limit, for the offices that decide."""
    from ..reevaluation.services import revocation_alerts

    if current_user.role == Role.province:
        return revocation_alerts(current_user.province_code)
    if current_user.role in NATIONAL_ROLES:
        return revocation_alerts(None)
    return []


@bp.post("/revoke")
@login_required
def revoke():
    _office_required()
    form = _revoke_form()
    ids = request.form.getlist("certificate_id", type=db_id)
    certificates = [db.get_or_404(Certificate, i) for i in ids]
    if not form.validate_on_submit():
        flash(errors_text(form), "danger")
        return _render_index(revoke_form=form, checked=ids, http_status=422)
    try:
        decision = services.revoke(
            certificates, ground=RevocationGround(form.ground.data), number=form.number.data,
            decided_on=form.decided_on.data, signer_name=form.signer_name.data,
            signer_title=form.signer_title.data, note=form.note.data or "", actor=current_user)
    except OcopError as e:
        db.session.rollback()
        flash(e.message, "danger")
        return _render_index(revoke_form=form, checked=ids, http_status=422)
    db.session.commit()
    flash(_("Đã thu hồi %(n)d giấy chứng nhận theo quyết định %(d)s.", n=len(certificates),
            d=decision.number), "success")
    return redirect(url_for("certificates.decision", decision_id=decision.id))


@bp.get("/mine")
@login_required
def mine():
    if current_user.role != Role.producer:
        abort(403)
    rows = db.session.scalars(db.select(Certificate).filter_by(
        producer_id=current_user.producer_id).order_by(Certificate.issued_on.desc())).all()
    return render_template("certificates/mine.html", certificates=rows, today=legal_today())


def _load(certificate_id: int) -> Certificate:
    certificate = db.get_or_404(Certificate, certificate_id)
    if not certificate.can_view_private(current_user):
        abort(403)
    return certificate


@bp.get("/<int:certificate_id>")
@login_required
def show(certificate_id: int):
    certificate = _load(certificate_id)
    return render_template("certificates/show.html", certificate=certificate,
                           history=services.star_history(certificate.product),
                           verify_url=services.verify_url(certificate), today=legal_today(),
                           instrument=instrument(certificate.rulebook_code))


@bp.get("/<int:certificate_id>.pdf")
@login_required
def pdf(certificate_id: int):
    certificate = _load(certificate_id)
    name = certificate.number.replace("/", "-")
    return Response(services.render_pdf(certificate), mimetype="application/pdf", headers={
        "Content-Disposition": content_disposition(f"giay-chung-nhan-{name}.pdf")})


# -- decisions ------------------------------------------------------------------------------

def _level_and_province() -> tuple[AuthorityLevel, str | None]:
    if current_user.role == Role.province:
        return AuthorityLevel.province, current_user.province_code
    if current_user.role in NATIONAL_ROLES:
        return AuthorityLevel.ministry, None
    abort(403)


@bp.get("/decisions/")
@login_required
def decisions():
    _office_required()
    stmt = db.select(Decision)
    if current_user.role in (Role.province, Role.commune):
        stmt = stmt.where(Decision.province_code == current_user.province_code)
    from sqlalchemy import func

    paging = read_paging(DECISIONS_PER_PAGE)
    pager = db.paginate(stmt.order_by(Decision.decided_on.desc(), Decision.id.desc()),
                        page=paging.page, per_page=paging.per_page, error_out=False)
    ids = [d.id for d in pager.items]
    item_counts = dict(db.session.execute(
        db.select(DecisionItem.decision_id, func.count())
        .where(DecisionItem.decision_id.in_(ids)).group_by(DecisionItem.decision_id)).all()) if ids else {}
    return render_template("certificates/decisions.html", decisions=pager.items, pager=pager,
                           paging=paging, item_counts=item_counts)


def _round_choices(form: DecisionForm, level, province_code) -> None:
    from ..councils.models import Council, CouncilLevel, Round

    council_level = CouncilLevel.central if level == AuthorityLevel.ministry \
        else CouncilLevel.province
    stmt = db.select(Round).join(Council).where(Council.level == council_level)
    if province_code:
        stmt = stmt.where(Council.province_code == province_code)
    form.round_id.choices = [("", _("— Không, thêm sản phẩm sau —"))] + [
        (str(r.id), f"{r.council.name} — {r.name}") for r in db.session.scalars(stmt)]


@bp.route("/decisions/new", methods=["GET", "POST"])
@login_required
def new_decision():
    from ..councils.models import Round

    level, province_code = _level_and_province()
    form = DecisionForm()
    _round_choices(form, level, province_code)
    if request.method == "GET" and request.args.get("round_id"):
        form.round_id.data = request.args.get("round_id")
    if form.validate_on_submit():
        try:
            if form.round_id.data:
                round_ = db.get_or_404(Round, int(form.round_id.data))
                decision = services.draft_from_round(
                    round_, number=form.number.data, decided_on=form.decided_on.data,
                    signer_name=form.signer_name.data, signer_title=form.signer_title.data,
                    actor=current_user)
            else:
                decision = services.create_decision(
                    kind=DecisionKind.recognition, level=level, province_code=province_code,
                    number=form.number.data, decided_on=form.decided_on.data,
                    signer_name=form.signer_name.data, signer_title=form.signer_title.data,
                    actor=current_user)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, {"number_taken": "number", "number_required": "number"})
        else:
            db.session.commit()
            flash(_("Đã lập dự thảo quyết định."), "success")
            return redirect(url_for("certificates.decision", decision_id=decision.id))
    status = 422 if request.method == "POST" else 200
    return render_template("certificates/decision_form.html", form=form), status


def _decision(decision_id: int) -> Decision:
    decision = db.get_or_404(Decision, decision_id)
    if not (decision.can_manage(current_user) or (
            current_user.role in OFFICES and current_user.role != Role.commune
            and (current_user.role in NATIONAL_ROLES
                 or decision.province_code == current_user.province_code))):
        abort(403)
    return decision


@bp.get("/decisions/<int:decision_id>")
@login_required
def decision(decision_id: int):
    from sqlalchemy.orm import joinedload, selectinload

    from ..products.models import Product

    decision_ = _decision(decision_id)
    # the items with their products, producers and certificates in one query more, not
    # three per item
    items = selectinload(Decision.items)
    db.session.scalars(db.select(Decision).filter_by(id=decision_.id).options(
        items.joinedload(DecisionItem.product).joinedload(Product.producer),
        items.joinedload(DecisionItem.certificate))).one()
    eligible = [] if decision_.is_issued or decision_.kind != DecisionKind.recognition else \
        services.recognisable_evaluations(decision_.authority_level, decision_.province_code)
    certificates = db.session.scalars(db.select(Certificate).filter_by(
        decision_id=decision_.id).order_by(Certificate.serial)).all()
    return render_template("certificates/decision.html", decision=decision_, eligible=eligible,
                           certificates=certificates,
                           can_manage=decision_.can_manage(current_user))


@bp.post("/decisions/<int:decision_id>/items")
@login_required
def add_items(decision_id: int):
    from ..councils.models import Evaluation

    decision_ = _decision(decision_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        for evaluation_id in request.form.getlist("evaluation_id", type=db_id):
            services.add_item(decision_, db.get_or_404(Evaluation, evaluation_id),
                              actor=current_user)
    except OcopError as e:
        db.session.rollback()
        flash(e.message, "danger")
    else:
        db.session.commit()
    return redirect(url_for("certificates.decision", decision_id=decision_.id))


@bp.post("/decisions/<int:decision_id>/items/<int:item_id>/remove")
@login_required
def remove_item(decision_id: int, item_id: int):
    decision_ = _decision(decision_id)
    item = db.get_or_404(DecisionItem, item_id)
    if item.decision_id != decision_.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.remove_item(item, actor=current_user)
    except OcopError as e:
        db.session.rollback()
        flash(e.message, "danger")
    else:
        db.session.commit()
    return redirect(url_for("certificates.decision", decision_id=decision_.id))


@bp.post("/decisions/<int:decision_id>/issue")
@login_required
def issue(decision_id: int):
    decision_ = _decision(decision_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        made = services.issue_decision(decision_, actor=current_user)
    except OcopError as e:
        db.session.rollback()
        flash(e.message, "danger")
    else:
        db.session.commit()
        flash(_("Đã ban hành quyết định %(n)s; cấp %(c)d giấy chứng nhận.", n=decision_.number,
                c=len(made)), "success")
    return redirect(url_for("certificates.decision", decision_id=decision_.id))


@bp.get("/decisions/<int:decision_id>/certificates.zip")
@login_required
def decision_zip(decision_id: int):
    decision_ = _decision(decision_id)
    if not decision_.is_issued or decision_.kind != DecisionKind.recognition:
        abort(404)
    name = decision_.number.replace("/", "-")
    return Response(services.decision_zip(decision_), mimetype="application/zip", headers={
        "Content-Disposition": content_disposition(f"giay-chung-nhan-{name}.zip")})
