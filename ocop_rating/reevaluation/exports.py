"""The expiry pipeline as a workbook: one row per certificate of the view the office is
looking at, dates as real Excel dates (dd/mm/yyyy), the header frozen and filterable.

The same rows on the same day give the same bytes: the workbook's dates are the day's and
the ZIP entries carry a fixed time (openpyxl would stamp both with the current time)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..exports import sheet_cell, workbook_bytes
from ..i18n import format_date

DATE_FORMAT = "dd/mm/yyyy"
HEADER_FILL = PatternFill("solid", start_color="DDEBE3", end_color="DDEBE3")


@dataclass
class PipelineRow:
    """One certificate as the pipeline shows it (see views.pipeline_rows)."""

    certificate: object          # Certificate
    days_left: int
    notices: list                # ReevaluationNotice, oldest first
    dossier: object | None       # the filed re-evaluation dossier, if any


def _columns() -> list[tuple[str, float]]:
    return [(_("Số giấy chứng nhận"), 22), (_("Sản phẩm"), 34), (_("Mã sản phẩm"), 16),
            (_("Chủ thể"), 34), (_("Xã/phường"), 22), (_("Tỉnh/thành phố"), 18),
            (_("Bộ sản phẩm"), 30), (_("Hạng sao"), 9), (_("Ngày cấp"), 12),
            (_("Ngày hết hiệu lực"), 14), (_("Số ngày còn lại"), 10),
            (_("Thông báo đã gửi"), 60), (_("Hồ sơ đánh giá lại"), 30)]


def _sheet_title(text: str) -> str:
    for ch in "[]:*?/\\":
        text = text.replace(ch, " ")
    return text[:31].strip() or "OCOP"


def _notices_text(notices) -> str:
    return "; ".join(f"{n.kind.label} ({format_date(n.sent_at)})" for n in notices)


def _dossier_text(dossier) -> str:
    if dossier is None:
        return _("Chưa nộp")
    return _("Hồ sơ #%(id)s, nộp ngày %(d)s — %(s)s", id=dossier.id,
             d=format_date(dossier.submitted_at), s=dossier.status.label)


def pipeline_xlsx(rows: Sequence[PipelineRow], *, title: str, today: date) -> bytes:
    """The rows as an .xlsx: a header row, then one row per certificate."""
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(title)
    columns = _columns()
    for col, (label, width) in enumerate(columns, start=1):
        cell = sheet_cell(ws, 1, col, label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, row in enumerate(rows, start=2):
        c = row.certificate
        values = [c.number, c.product_name, c.product_code, c.producer_name,
                  c.commune.name if c.commune else c.commune_code,
                  c.province.name if c.province else c.province_code, c.product_set_name,
                  c.star, c.issued_on, c.expires_on, row.days_left,
                  _notices_text(row.notices), _dossier_text(row.dossier)]
        for col, value in enumerate(values, start=1):
            cell = sheet_cell(ws, r, col, value)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            if col == 12:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    stamp = datetime.combine(today, time())
    props = wb.properties
    props.creator = props.lastModifiedBy = "ocop-rating"
    props.title = title
    props.language = "vi"
    props.created = props.modified = stamp

    return workbook_bytes(wb)
