"""Pages of the imports: the office's list with templates, upload and dry run, confirm; and
the form for a single pre-system certificate."""
from __future__ import annotations

from flask import (Response, abort, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..councils.models import Council
from ..db import db
from ..errors import OcopError
from ..exports import content_disposition
from ..files.models import StoredFile
from ..files.services import UploadRejected
from ..security.ids import db_id
from . import bp, certificates, services
from .forms import LegacyCertificateForm, UploadForm
from .sheet import ImportFileError, Plan, Row

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_office() -> None:
    if not services.can_import(current_user):
        abort(403)


def _kind(code: str) -> services.ImportKind:
    kind = services.KINDS.get(code)
    if kind is None:
        abort(404)
    if code not in services.kinds_for(current_user):
        abort(403)  # the ministry imports certificates only; producers etc. are provincial
    return kind


def _councils() -> list[Council]:
    if services.is_national(current_user):
        return []
    rows = db.session.scalars(db.select(Council).filter_by(
        province_code=current_user.province_code).order_by(Council.decision_date.desc(),
                                                           Council.id.desc()))
    return [c for c in rows if c.can_manage(current_user)]


def _council_from(value) -> Council | None:
    try:
        council_id = db_id(value)
    except ValueError:
        return None
    council = db.session.get(Council, council_id)
    if council is not None and not council.can_manage(current_user):
        abort(403)
    return council


def _forms() -> dict[str, UploadForm]:
    choices = [("", _("— chọn hội đồng —"))] + [
        (str(c.id), f"{c.name} ({c.decision_number})") for c in _councils()]
    out = {}
    for code in services.kinds_for(current_user):
        form = UploadForm(prefix=code)
        form.council.choices = choices
        out[code] = form
    return out


@bp.get("/")
@login_required
def index():
    _require_office()
    return render_template("imports/index.html", kinds=services.kinds_for(current_user),
                           all_kinds=services.KINDS, forms=_forms(),
                           recent=services.recent_imports(current_user))


@bp.get("/<code>/template.xlsx")
@login_required
def template(code: str):
    kind = _kind(code)
    _require_office()
    return Response(services.template(kind), mimetype=XLSX_TYPE,
                    headers={"Content-Disposition": content_disposition(kind.template_name)})


@bp.post("/<code>")
@login_required
def upload(code: str):
    kind = _kind(code)
    _require_office()
    forms = _forms()
    form = forms[code]
    council = None
    if form.validate_on_submit():
        if kind.needs_council:
            council = _council_from(form.council.data)
            if council is None:
                form.council.errors = [_("Chưa chọn hội đồng.")]
        if not form.errors and not form.council.errors:
            try:
                stored = services.store(kind, form.file.data, actor=current_user)
            except UploadRejected as e:
                db.session.rollback()
                form.file.errors = list(form.file.errors) + [e.message]
            else:
                db.session.commit()
                return redirect(url_for("imports.check", code=code, file_id=stored.id,
                                        council=council.id if council else None))
    return render_template("imports/index.html", kinds=services.kinds_for(current_user),
                           all_kinds=services.KINDS, forms=forms,
                           recent=services.recent_imports(current_user),
                           open_kind=code), 400


def _stored(file_id: int) -> StoredFile:
    stored = db.session.get(StoredFile, file_id)
    if stored is None or stored.uploaded_by_id != current_user.id:
        abort(404)
    return stored


def _render_check(kind, stored, council, plan: Plan | None, file_error: str | None,
                  status: int = 200):
    return render_template("imports/check.html", kind=kind, stored=stored, council=council,
                           plan=plan, file_error=file_error), status


@bp.route("/<code>/<int:file_id>", methods=["GET", "POST"])
@login_required
def check(code: str, file_id: int):
    """GET: the dry run of an uploaded file. POST: import it (checked again first)."""
    kind = _kind(code)
    _require_office()
    stored = _stored(file_id)
    council = _council_from(request.values.get("council")) if kind.needs_council else None
    if kind.needs_council and council is None:
        abort(404)
    if request.method == "POST":
        from ..forms import ConfirmForm

        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            plan = services.run_import(kind, stored, actor=current_user, council=council)
        except ImportFileError as e:
            db.session.rollback()
            return _render_check(kind, stored, council, None, e.message, 400)
        except services.ImportNotClean as e:
            db.session.rollback()
            flash(e.message, "danger")
            return redirect(url_for("imports.check", code=code, file_id=file_id,
                                    council=council.id if council else None))
        except OcopError as e:
            db.session.rollback()
            flash(e.message, "danger")
            return redirect(url_for("imports.index"))
        db.session.commit()
        if plan.todo:
            flash(_("Đã nhập %(n)d dòng (%(p)d dòng đã có từ trước, giữ nguyên).",
                    n=len(plan.todo), p=plan.present), "success")
        else:
            flash(_("Không có gì thay đổi: cả %(p)d dòng của tệp đã có trong hệ thống.",
                    p=plan.present), "info")
        return redirect(url_for("imports.index"))
    try:
        plan = services.dry_run(kind, stored, actor=current_user, council=council)
    except ImportFileError as e:
        return _render_check(kind, stored, council, None, e.message, 400)
    return _render_check(kind, stored, council, plan, None)


@bp.route("/certificate", methods=["GET", "POST"])
@login_required
def certificate():
    """One pre-system certificate by hand, checked by the same rules as the import."""
    _kind("certificates")
    _require_office()
    form = LegacyCertificateForm()
    if form.validate_on_submit():
        row = Row(0, {c.key: " ".join((form[c.key].data or "").split())
                      for c in certificates.COLUMNS})
        plan = Plan(kind="certificates")
        certificates.check([row], plan, actor=current_user)
        by_header = {c.header: c.key for c in certificates.COLUMNS}
        if plan.errors:
            for error in plan.errors:
                name = by_header.get(error.column)
                if name:
                    form[name].errors = list(form[name].errors) + [error.message]
                else:
                    form.form_errors.append(error.message)
        elif not plan.todo:
            flash(_("Giấy chứng nhận này đã được ghi nhận: không có gì thay đổi."), "info")
            return redirect(url_for("imports.index"))
        else:
            try:
                made = certificates.record(plan.todo[0], actor=current_user)
            except OcopError as e:
                db.session.rollback()
                form.form_errors.append(e.message)
            else:
                db.session.commit()
                flash(_("Đã ghi nhận giấy chứng nhận %(n)s.", n=made.number), "success")
                return redirect(url_for("certificates.show", certificate_id=made.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("imports/certificate.html", form=form,
                           national=services.is_national(current_user)), status
