"""Oversight pages: the quality statistics, a member's sheets, and the central reviews.

Who sees what: the ministry and administrators the nation (with a province filter to drill
down); a provincial office its own province; everyone else 403. Only the ministry selects
evaluations for a central review and records the outcome; the province reads its reviews."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..accounts.roles import NATIONAL_ROLES, Role
from ..councils.models import CouncilMember, Evaluation
from ..db import db
from ..forms import attach_error, errors_text
from ..geo.services import provinces_sorted
from ..paging import read_paging
from ..public.views import page_numbers
from ..security.ids import db_id
from . import bp, services
from .forms import CompleteReviewForm, SelectReviewForm
from .models import CentralReview, ReviewOutcome

PER_PAGE = 50


def _filters() -> tuple[services.Filters, bool, list]:
    """The filters of the request within the user's territory, or 403."""
    role = current_user.role
    args = request.args
    year_from = args.get("from", type=int)
    year_to = args.get("to", type=int)
    set_no = args.get("set", type=int)
    years = (year_from if year_from and 2000 <= year_from <= 2100 else None,
             year_to if year_to and 2000 <= year_to <= 2100 else None)
    set_no = set_no if set_no and 1 <= set_no <= 99 else None
    if role in NATIONAL_ROLES:
        provinces = list(provinces_sorted())
        chosen = next((p.code for p in provinces if p.code == args.get("province")), None)
        return services.Filters(chosen, *years, set_no), True, provinces
    if role == Role.province and current_user.province_code:
        return services.Filters(current_user.province_code, *years, set_no), False, []
    abort(403)


def _in_scope(province_code: str | None, national: bool) -> bool:
    return national or province_code == current_user.province_code


@bp.get("/")
@login_required
def index():
    filters, national, provinces = _filters()
    view = services.overview(filters, national=national)
    return render_template("oversight/index.html", view=view, national=national,
                           provinces=provinces, years=services.years_available(),
                           args=_args(filters, national), title=_("Giám sát chất lượng đánh giá"))


def _args(filters: services.Filters, national: bool) -> dict:
    values = {"from": filters.year_from, "to": filters.year_to, "set": filters.set_no}
    if national:
        values["province"] = filters.province_code
    return {k: v for k, v in values.items() if v}


@bp.get("/members/<int:member_id>")
@login_required
def member(member_id: int):
    filters, national, _provinces = _filters()
    member = db.session.get(CouncilMember, db_id(member_id)) or abort(404)
    if not _in_scope(member.council.province_code, national):
        abort(404)
    services.sync()
    query = services.member_sheets(member, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    paging = read_paging(PER_PAGE)
    pages = max((total + paging.per_page - 1) // paging.per_page, 1)
    page = min(paging.page, pages)
    rows = db.session.execute(query.limit(paging.per_page)
                              .offset((page - 1) * paging.per_page)).all()
    return render_template("oversight/member.html", member=member, rows=rows, page=page,
                           paging=paging, pages=pages, page_links=page_numbers(page, pages),
                           total=total,
                           deviation=services.member_deviation(member, filters),
                           thresholds=services.thresholds(), args=_args(filters, national),
                           national=national, form=SelectReviewForm(),
                           may_review=services.may_review(current_user),
                           title=_("Phiếu chấm của %(n)s", n=member.user.full_name))


@bp.get("/reviews")
@login_required
def reviews():
    filters, national, _provinces = _filters()
    rows = db.session.scalars(services.reviews(filters)).all()
    return render_template("oversight/reviews.html", reviews=rows, national=national,
                           title=_("Thẩm định kết quả đánh giá"))


@bp.post("/reviews")
@login_required
def select_review():
    if not services.may_review(current_user):
        abort(403)
    form = SelectReviewForm()
    # The reason is checked first: a form without one goes back with its message, whatever
    # the evaluation; an evaluation id that is not one is 404 (never a 500).
    valid = form.validate_on_submit()
    if valid:
        evaluation_id = request.form.get("evaluation_id", type=db_id)
        evaluation = db.session.get(Evaluation, evaluation_id) if evaluation_id else None
        if evaluation is None:
            abort(404)
        try:
            review = services.select_for_review(evaluation, reason=form.reason.data,
                                                actor=current_user)
        except services.OversightError as error:
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Đã chọn kết quả đánh giá để thẩm định."), "success")
            return redirect(url_for(".review", review_id=review.id))
    if not valid:
        flash(errors_text(form), "danger")
    back = request.form.get("back", type=db_id)
    if back:
        return redirect(url_for(".member", member_id=back))
    return redirect(url_for(".reviews"))


def _review_or_404(review_id: int) -> tuple[CentralReview, bool]:
    _unused, national, _provinces = _filters()
    review = db.session.get(CentralReview, db_id(review_id)) or abort(404)
    if not _in_scope(review.evaluation.council.province_code, national):
        abort(404)
    return review, national


@bp.route("/reviews/<int:review_id>", methods=["GET", "POST"])
@login_required
def review(review_id: int):
    review, national = _review_or_404(review_id)
    form = CompleteReviewForm()
    form.outcome.choices = [("", _("— Chọn —"))] + [(o.value, o.label) for o in ReviewOutcome]
    if request.method == "POST":
        if not services.may_review(current_user):
            abort(403)
        if form.validate_on_submit():
            try:
                services.complete_review(review, outcome=ReviewOutcome(form.outcome.data),
                                         findings=form.findings.data or "", actor=current_user)
            except services.OversightError as error:
                attach_error(form, error, {"findings": "findings"})
            else:
                db.session.commit()
                flash(_("Đã ghi kết luận thẩm định."), "success")
                return redirect(url_for(".review", review_id=review.id))
    services.sync()
    indexed = db.session.get(services.OE, review.evaluation_id)
    return render_template("oversight/review.html", review=review, form=form,
                           indexed=indexed, may_review=services.may_review(current_user),
                           national=national, title=_("Thẩm định kết quả đánh giá"))
