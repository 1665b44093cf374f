from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.roles import Role
from ..db import db
from ..errors import OcopError
from ..forms import attach_error
from ..i18n import legal_text
from . import bp, services
from .forms import PhotoForm, ProductForm
from .models import Product, ProductPhoto

ERROR_FIELDS = {"unknown_set": "set_no", "set_not_for_kind": "set_no",
                "product_coded": "name", "empty": "photo", "too_large": "photo",
                "wrong_type": "photo"}


def _set_choices(form: ProductForm) -> None:
    form.set_no.choices = [(0, _("— Chọn bộ sản phẩm —"))] + [
        (number, f"{number}. {legal_text(name)} ({legal_text(group)} — {legal_text(sub)})")
        for number, name, group, sub in services.set_choices()]


def _producer_of_current_user():
    if current_user.role != Role.producer or current_user.producer is None:
        abort(403)
    return current_user.producer


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    producer = _producer_of_current_user()
    form = ProductForm()
    _set_choices(form)
    if form.validate_on_submit():
        try:
            product = services.create_product(producer, name=form.name.data,
                                              set_no=form.set_no.data,
                                              description=form.description.data,
                                              actor=current_user)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, ERROR_FIELDS)
        else:
            db.session.commit()
            flash(_("Đã thêm sản phẩm %(name)s.", name=product.name), "success")
            return redirect(url_for("products.show", product_id=product.id))
    status = 422 if request.method == "POST" else 200
    return render_template("products/form.html", form=form, product=None), status


def _load(product_id: int) -> Product:
    product = db.get_or_404(Product, product_id)
    if not product.can_view(current_user):
        abort(403)
    return product


@bp.get("/<int:product_id>")
@login_required
def show(product_id: int):
    from ..dossiers.models import Dossier
    from ..dossiers.services import kind_options
    from ..rulebook import get_rulebook

    product = _load(product_id)
    dossiers = [d for d in db.session.scalars(
        db.select(Dossier).filter_by(product_id=product.id).order_by(Dossier.id.desc()))
        if d.can_view(current_user)]
    from ..certificates.services import star_history

    sheet = get_rulebook(product.rulebook_code).sheet(product.set_no)
    return render_template("products/show.html", product=product, dossiers=dossiers,
                           sheet=sheet, photo_form=PhotoForm(), kind_options=kind_options(product),
                           history=star_history(product))


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
@login_required
def edit(product_id: int):
    product = _load(product_id)
    if not product.can_edit(current_user):
        abort(403)
    form = ProductForm(obj=product if request.method == "GET" else None)
    _set_choices(form)
    if form.validate_on_submit():
        try:
            services.update_product(product, name=form.name.data, set_no=form.set_no.data,
                                    description=form.description.data, actor=current_user)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, ERROR_FIELDS)
        else:
            db.session.commit()
            flash(_("Đã lưu sản phẩm."), "success")
            return redirect(url_for("products.show", product_id=product.id))
    status = 422 if request.method == "POST" else 200
    return render_template("products/form.html", form=form, product=product), status


@bp.post("/<int:product_id>/photos")
@login_required
def add_photo(product_id: int):
    product = _load(product_id)
    if not product.can_edit(current_user):
        abort(403)
    form = PhotoForm()
    if form.validate_on_submit():
        try:
            services.add_photo(product, form.photo.data, actor=current_user)
        except OcopError as e:
            db.session.rollback()
            flash(e.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã tải ảnh lên."), "success")
    else:
        flash(_("Vui lòng chọn một tệp ảnh."), "danger")
    return redirect(url_for("products.show", product_id=product.id))


@bp.get("/<int:product_id>/photos/<int:photo_id>")
@login_required
def photo(product_id: int, photo_id: int):
    from ..files.services import send_stored_file

    product = _load(product_id)
    item = db.get_or_404(ProductPhoto, photo_id)
    if item.product_id != product.id:
        abort(404)
    return send_stored_file(item.file, inline=True)
