"""History pages and the trail search (issue 11 §5). Read only: every route is a GET."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import nav
from ..db import db
from ..exports import content_disposition
from ..paging import Paging, read_paging
from . import trail

bp = Blueprint("audit", __name__, url_prefix="/audit")

nav.register("audit.search", _l("Nhật ký"), lambda user: trail.may_search(user), order=95, group="admin")


@bp.app_template_global("history_url")
def history_url(obj) -> str | None:
    """The history page of ``obj`` for the current user, or None when he may not read it
    (templates: ``_macros/history.html``)."""
    if obj is None or getattr(obj, "id", None) is None or \
            not trail.may_read_history(current_user, obj):
        return None
    return url_for("audit.history", kind=trail.kind_of(obj), object_id=obj.id)


@bp.get("/<kind>/<int:object_id>")
@login_required
def history(kind: str, object_id: int):
    if kind not in trail.KINDS:
        abort(404)
    obj = db.get_or_404(trail.model_for(kind), object_id)
    if not trail.may_read_history(current_user, obj):
        abort(403)
    return render_template("audit/history.html", obj=obj, kind=kind,
                           title_label=trail.type_label(trail.KINDS[kind]),
                           rows=trail.record_history(obj), action_label=trail.action_label,
                           type_label=trail.type_label)


def _date_arg(name: str) -> tuple[date | None, str | None]:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None, None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return None, _("Ngày không hợp lệ: %(v)s (dd/mm/yyyy).", v=raw)


def _query(paging: Paging | None = None) -> tuple[trail.TrailQuery, list[str]]:
    errors = []
    date_from, error = _date_arg("date_from")
    errors += [error] if error else []
    date_to, error = _date_arg("date_to")
    errors += [error] if error else []
    paging = paging or read_paging(trail.TrailQuery.per_page)
    query = trail.TrailQuery(
        actor=(request.args.get("actor") or "")[:100],
        object_type=(request.args.get("object_type") or "")[:64],
        object_id=(request.args.get("object_id") or "")[:64],
        action=(request.args.get("action") or "")[:64],
        date_from=date_from, date_to=date_to, page=paging.page, per_page=paging.per_page)
    return query, errors


@bp.get("/")
@login_required
def search():
    if not trail.may_search(current_user):
        abort(403)
    paging = read_paging(trail.TrailQuery.per_page)
    query, errors = _query(paging)
    pager = db.paginate(trail.trail_statement(query, viewer=current_user), page=query.page,
                        per_page=query.per_page, error_out=False, count=True)
    return render_template("audit/search.html", query=query, errors=errors, pager=pager,
                           paging=paging,
                           rows=pager.items, actors=trail.actors(pager.items),
                           filters=query.filters(), choices=trail.choices(),
                           action_label=trail.action_label, type_label=trail.type_label,
                           kinds={v: k for k, v in trail.KINDS.items()})


@bp.get("/export.csv")
@login_required
def export():
    if not trail.may_search(current_user):
        abort(403)
    query, errors = _query()
    if errors:
        abort(400)
    body = trail.trail_csv(query, viewer=current_user)
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": content_disposition("nhat-ky-ocop.csv")})
