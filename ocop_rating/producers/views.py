from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import case
from sqlalchemy.orm import selectinload

from ..accounts.roles import NATIONAL_ROLES, Role
from ..db import db
from ..errors import OcopError
from ..forms import ConfirmForm, attach_error
from ..geo.forms import fill_unit_choices
from ..i18n import current_language
from ..paging import read_paging
from ..search import paginate
from . import bp, services
from .forms import ProfileForm, RejectForm, SignUpForm
from .models import Gender, Producer, ProducerChangeRequest, ProducerKind, ProducerStatus

PER_PAGE = 50
OFFICER_ROLES = {Role.admin, Role.ministry, Role.province, Role.commune}
# Which form field a service error belongs beside.
ERROR_FIELDS = {
    "registration_format": "registration_number", "registration_taken": "registration_number",
    "unknown_commune": "commune_code", "commune_mismatch": "commune_code",
    "unknown_ethnicity": "representative_ethnicity", "username_taken": "username",
    "password_too_short": "password", "password_is_username": "password",
    "unit_outside_jurisdiction": "commune_code", "unit_change_by_officer": "commune_code",
    "password_common": "password",
}


def _entity_values(form) -> dict:
    return {
        "kind": ProducerKind(form.kind.data), "name": form.name.data,
        "registration_number": form.registration_number.data,
        "province_code": form.province_code.data, "commune_code": form.commune_code.data,
        "address": form.address.data, "phone": form.phone.data, "email": form.email.data,
        "representative_name": form.representative_name.data,
        "representative_position": form.representative_position.data or "",
        "representative_gender": Gender(form.representative_gender.data),
        "representative_ethnicity": form.representative_ethnicity.data,
        "representative_disabled": form.representative_disabled.data == "yes"}


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """A producer registers itself (public page); an officer approves it afterwards."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignUpForm()
    fill_unit_choices(form.province_code, form.commune_code)
    if form.validate_on_submit():
        try:
            producer, user = services.sign_up(
                **_entity_values(form), username=form.username.data,
                password=form.password.data, full_name=form.full_name.data)
        except OcopError as e:
            db.session.rollback()
            if e.code not in services.SIGNUP_COLLISIONS:
                attach_error(form, e, ERROR_FIELDS)
            else:
                services.report_signup_collision(
                    code=e.code, **_entity_values(form), username=form.username.data,
                    password=form.password.data, full_name=form.full_name.data)
                db.session.commit()
                return _signup_sent(form)
        else:
            # The language the person signed up in is the one their e-mails speak.
            user.locale = current_language()
            db.session.commit()
            return _signup_sent(form)
    status = 422 if request.method == "POST" else 200
    return render_template("producers/signup.html", form=form), status


def _signup_sent(form):
    """The one answer to an accepted or a colliding sign-up (it names only what was typed)."""
    from ..geo.models import Commune

    commune = db.session.get(Commune, form.commune_code.data)
    return render_template("producers/signup_done.html", name=form.name.data,
                           commune=commune, username=form.username.data)


def _officer_required():
    if not current_user.is_authenticated:
        abort(401)
    if current_user.role not in OFFICER_ROLES:
        abort(403)


@bp.get("/")
@login_required
def index():
    """Producers in the officer's jurisdiction, pending sign-ups first."""
    _officer_required()
    stmt = db.select(Producer)
    if current_user.role == Role.province:
        stmt = stmt.filter_by(province_code=current_user.province_code)
    elif current_user.role == Role.commune:
        stmt = stmt.filter_by(commune_code=current_user.commune_code)
    status = request.args.get("status", "")
    if status in {s.value for s in ProducerStatus}:
        stmt = stmt.filter_by(status=ProducerStatus(status))
    query = (request.args.get("q") or "").strip()
    # the words in the name (search.py), whole words first, or the typed registration number
    by_number = (Producer.registration_number.contains(query.upper(), autoescape=True)
                 if query else None)
    # Pending first, then Vietnamese alphabetical order: both in SQL (the stored sort key).
    order = case({ProducerStatus.pending: 0, ProducerStatus.approved: 1},
                 value=Producer.status, else_=2)
    paging = read_paging(PER_PAGE)
    pager = paginate(
        stmt.options(selectinload(Producer.commune), selectinload(Producer.province)),
        Producer.name_folded, query, order=[order, Producer.name_sort, Producer.id],
        also=by_number, page=paging.page, per_page=paging.per_page)
    filters = {k: v for k, v in (("status", status), ("q", query)) if v}
    return render_template("producers/index.html", producers=pager.items, pager=pager,
                           filters=filters, paging=paging, status=status, q=query,
                           statuses=list(ProducerStatus))


def _load(producer_id: int) -> Producer:
    producer = db.get_or_404(Producer, producer_id)
    if not producer.can_view(current_user):
        abort(403)
    return producer


@bp.get("/<int:producer_id>")
@login_required
def show(producer_id: int):
    return _render_show(_load(producer_id))


def _render_show(producer: Producer, *, reject_form: RejectForm | None = None,
                 status: int = 200):
    """The producer's page; a refused rejection comes back with the reason as typed."""
    from ..products.services import products_of

    return render_template("producers/show.html", producer=producer,
                           products=products_of(producer), action_form=ConfirmForm(),
                           reject_form=reject_form or RejectForm(),
                           users=services.producer_users(producer),
                           pending_change=services.pending_change(producer),
                           change_requests=services.change_requests(producer)), status


@bp.get("/mine")
@login_required
def mine():
    if current_user.role != Role.producer or current_user.producer_id is None:
        abort(403)
    return redirect(url_for("producers.show", producer_id=current_user.producer_id))


@bp.post("/<int:producer_id>/approve")
@login_required
def approve(producer_id: int):
    producer = _load(producer_id)
    if not producer.can_decide(current_user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.approve(producer, actor=current_user)
    db.session.commit()
    flash(_("Đã phê duyệt %(name)s.", name=producer.name), "success")
    return redirect(url_for("producers.show", producer_id=producer.id))


@bp.post("/<int:producer_id>/reject")
@login_required
def reject(producer_id: int):
    producer = _load(producer_id)
    if not producer.can_decide(current_user):
        abort(403)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject(producer, reason=form.reason.data, actor=current_user)
        except OcopError as e:
            db.session.rollback()
            flash(e.message, "danger")
            return _render_show(producer, reject_form=form, status=422)
        db.session.commit()
        flash(_("Đã từ chối đăng ký của %(name)s.", name=producer.name), "success")
        return redirect(url_for("producers.show", producer_id=producer.id))
    flash(_("Vui lòng ghi lý do từ chối."), "danger")
    return _render_show(producer, reject_form=form, status=422)


@bp.route("/<int:producer_id>/edit", methods=["GET", "POST"])
@login_required
def edit(producer_id: int):
    producer = _load(producer_id)
    if not producer.can_edit(current_user):
        abort(403)
    form = ProfileForm(obj=producer if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = producer.kind.value
        form.representative_gender.data = producer.representative_gender.value
        form.representative_disabled.data = "yes" if producer.representative_disabled else "no"
    provinces = None if current_user.role in NATIONAL_ROLES or current_user.role == Role.producer \
        else [producer.province]
    fill_unit_choices(form.province_code, form.commune_code, provinces=provinces)
    if form.validate_on_submit():
        try:
            request_made = services.update_profile(producer, actor=current_user,
                                                   **_entity_values(form))
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, ERROR_FIELDS)
        else:
            db.session.commit()
            if request_made is not None:
                flash(_("Thay đổi về tên, mã số, loại hình và người đại diện đã được gửi xã "
                        "phê duyệt; các thông tin khác đã được lưu."), "info")
            else:
                flash(_("Đã lưu thông tin chủ thể."), "success")
            return redirect(url_for("producers.show", producer_id=producer.id))
    status = 422 if request.method == "POST" else 200
    return render_template("producers/edit.html", form=form, producer=producer), status



def _load_change(producer_id: int, request_id: int):
    producer = _load(producer_id)
    change = db.session.get(ProducerChangeRequest, request_id)
    if change is None or change.producer_id != producer.id:
        abort(404)
    if not producer.can_decide(current_user):
        abort(403)
    return producer, change


@bp.post("/<int:producer_id>/changes/<int:request_id>/approve")
@login_required
def approve_change(producer_id: int, request_id: int):
    producer, change = _load_change(producer_id, request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.decide_change(change, approve=True, actor=current_user)
    except OcopError as e:
        db.session.rollback()
        flash(e.message, "danger")
    else:
        db.session.commit()
        flash(_("Đã phê duyệt thay đổi thông tin của %(name)s.", name=producer.name), "success")
    return redirect(url_for("producers.show", producer_id=producer.id))


@bp.post("/<int:producer_id>/changes/<int:request_id>/reject")
@login_required
def reject_change(producer_id: int, request_id: int):
    producer, change = _load_change(producer_id, request_id)
    form = RejectForm()
    if not form.validate_on_submit():
        flash(_("Vui lòng ghi lý do từ chối."), "danger")
        return redirect(url_for("producers.show", producer_id=producer.id))
    try:
        services.decide_change(change, approve=False, actor=current_user,
                               reason=form.reason.data)
    except OcopError as e:
        db.session.rollback()
        flash(e.message, "danger")
    else:
        db.session.commit()
        flash(_("Đã từ chối thay đổi thông tin của %(name)s.", name=producer.name), "success")
    return redirect(url_for("producers.show", producer_id=producer.id))
