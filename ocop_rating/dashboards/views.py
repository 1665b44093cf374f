"""The statistics pages: the dashboard, each chart's CSV, and the exports page with its
downloads. Every route asks ``scope.scope_for`` (role and jurisdiction) first."""
from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..exports import CSV_MIMETYPE, XLSX_MIMETYPE, content_disposition, csv_text
from ..legaltime import legal_today
from ..security.ids import db_id
from . import bp, official, reports, services
from .scope import may_export, scope_for

FIRST_YEAR = 2019  # Decision 1048/QĐ-TTg: the programme's first rulebook


@bp.get("/")
@login_required
def index():
    scope = scope_for(current_user)
    board = services.dashboard(scope)
    return render_template("dashboards/index.html", board=board, scope=scope,
                           exports_allowed=may_export(current_user))


@bp.get("/<key>.csv")
@login_required
def chart_csv(key: str):
    scope = scope_for(current_user)
    board = services.dashboard(scope)
    chart = board.chart(key)
    if chart is None:
        abort(404)
    body = csv_text([chart.headings(), *chart.table()])
    name = f"thong-ke-{chart.key}-{scope.slug()}-{board.today:%Y%m%d}.csv"
    return Response(body, mimetype=CSV_MIMETYPE,
                    headers={"Content-Disposition": content_disposition(name)})


# -- exports -----------------------------------------------------------------------------------

def _filters(today):
    """(period, decision id, errors) read from the query string; errors name the field."""
    args = request.args
    errors: dict[str, str] = {}
    year_text = (args.get("year") or "").strip()
    year = today.year
    if year_text:
        if not (year_text.isascii() and year_text.isdigit()) \
                or not FIRST_YEAR <= int(year_text) <= today.year + 3:
            errors["year"] = _("Năm phải từ %(a)d đến %(b)d.", a=FIRST_YEAR, b=today.year + 3)
        else:
            year = int(year_text)
    quarter_text = (args.get("quarter") if "quarter" in args else
                    str((today.month - 1) // 3 + 1)).strip()
    quarter = None
    if quarter_text:
        if quarter_text not in {"1", "2", "3", "4"}:
            errors["quarter"] = _("Chọn quý 1 đến 4, hoặc cả năm.")
        else:
            quarter = int(quarter_text)
    decision_text = (args.get("decision") or "").strip()
    decision_id = None
    if decision_text:
        try:
            decision_id = db_id(decision_text)
        except ValueError:
            errors["decision"] = _("Quyết định không hợp lệ.")
    return reports.Period(year, quarter), decision_id, errors


def _render_exports(scope, period, decision_id, errors, status=200):
    today = legal_today()
    return render_template(
        "dashboards/exports.html", scope=scope, period=period, errors=errors,
        kinds=reports.KINDS, period_kinds=reports.PERIOD_KINDS,
        decisions=reports.decision_choices(scope, period if not errors else None),
        decision_id=decision_id, years=range(today.year + 1, FIRST_YEAR - 1, -1),
        quarter_arg=request.args.get("quarter", str(period.quarter or "")),
        year_arg=request.args.get("year", str(period.year))), status


@bp.get("/exports")
@login_required
def exports():
    scope = scope_for(current_user, exports=True)
    period, decision_id, errors = _filters(legal_today())
    return _render_exports(scope, period, decision_id, errors, 400 if errors else 200)


@bp.get("/exports/<kind>.<fmt>")
@login_required
def download(kind: str, fmt: str):
    scope = scope_for(current_user, exports=True)
    if kind not in reports.KINDS or fmt not in {"xlsx", "csv"}:
        abort(404)
    today = legal_today()
    period, decision_id, errors = _filters(today)
    if kind == "recognised" and decision_id is None and not errors:
        errors["decision"] = _("Chọn quyết định công nhận.")
    if errors:
        return _render_exports(scope, period, decision_id, errors, 400)
    if kind == "recognised":
        decision = reports.recognition_decision(scope, decision_id)
        paper = reports.recognised_paper(scope, today, decision)
        name = f"danh-sach-cong-nhan-{decision.number}"
    else:
        paper = reports.BUILDERS[kind](scope, today, period)
        name = f"{kind}-{scope.slug()}"
        if kind in reports.PERIOD_KINDS:
            name += f"-{period.slug}"
    if fmt == "xlsx":
        return Response(official.paper_xlsx(paper), mimetype=XLSX_MIMETYPE,
                        headers={"Content-Disposition": content_disposition(name + ".xlsx")})
    table = request.args.get("table", 0, type=int)
    if not 0 <= table < len(paper.tables):
        table = 0
    if table:
        name += f"-{table + 1}"
    return Response(official.paper_csv(paper, table), mimetype=CSV_MIMETYPE,
                    headers={"Content-Disposition": content_disposition(name + ".csv")})

