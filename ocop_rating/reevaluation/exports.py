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

from ..exports import is_formula_like, workbook_bytes

DATE_FORMAT = "dd/mm/yyyy"
HEADER_FILL = PatternFill("solid", start_color="DDEBE3", end_color="DDEBE3")


@dataclass
class PipelineRow:
    """One certificate as the pipeline page shows it (see views._pipeline_view)."""

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


def pipeline_xlsx(lines: Sequence, *, title: str, today: date) -> bytes:
    """``services.PipelineLine`` rows as an .xlsx: a header row, then one row per
    certificate. Written in openpyxl's write-only mode (rows streamed to the file, no cell
    objects kept), the labels translated once."""
    from openpyxl.cell import WriteOnlyCell

    from ..dossiers.states import DossierStatus
    from ..legaltime import legal_date
    from .models import NoticeKind

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_sheet_title(title))
    columns = _columns()
    for col, (_label, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    header_font, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="center")
    header = []
    for label, _width in columns:
        cell = WriteOnlyCell(ws, label)
        cell.font, cell.fill, cell.alignment = header_font, HEADER_FILL, wrap
        header.append(cell)
    ws.append(header)

    kinds = {k: str(k.label) for k in NoticeKind}
    statuses = {s: str(s.label) for s in DossierStatus}
    not_filed = _("Chưa nộp")
    top = Alignment(wrap_text=True, vertical="top")

    def text(value):
        if not is_formula_like(value):
            return value
        cell = WriteOnlyCell(ws, value)
        cell.data_type, cell.quotePrefix = "s", True
        return cell

    def day(value):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = DATE_FORMAT
        return cell

    count = 0
    for line in lines:
        notices = WriteOnlyCell(ws, "; ".join(
            f"{kinds[kind]} ({legal_date(sent_at):%d/%m/%Y})" for kind, sent_at in line.notices))
        notices.alignment = top
        if line.dossier is None:
            dossier = not_filed
        else:
            dossier_id, submitted_at, status = line.dossier
            dossier = _("Hồ sơ #%(id)s, nộp ngày %(d)s — %(s)s", id=dossier_id,
                        d=f"{legal_date(submitted_at):%d/%m/%Y}", s=statuses[status])
        ws.append([text(line.number), text(line.product_name), text(line.product_code),
                   text(line.producer_name), text(line.commune_name), text(line.province_name),
                   text(line.product_set_name), line.star, day(line.issued_on),
                   day(line.expires_on), (line.expires_on - today).days, notices, dossier])
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
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
