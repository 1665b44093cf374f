"""The expiry pipeline as a workbook: one row per certificate of the view the office is
looking at, dates as real Excel dates (dd/mm/yyyy), the header frozen and filterable.

The same rows on the same day give the same bytes: the workbook's dates are the day's and
the ZIP entries carry a fixed time (openpyxl would stamp both with the current time)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..exports import is_formula_like, sheet_cell, workbook_bytes

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


class _SheetRows:
    """The data rows of a sheet as SpreadsheetML text, written directly: openpyxl builds an
    element per cell (about 0.5 ms a row of 13 cells here), which made the nation's
    workbook take most of a second; this writes a row in a few microseconds. Text goes in as
    inline strings (escaped, without the control characters XML forbids), numbers as
    numbers, dates as Excel serial days with the style ``ids`` given (registered with the
    workbook by ``_style_id``)."""

    EPOCH = date(1899, 12, 30)
    ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

    def __init__(self, columns: int, *, date_style: int, quote_style: int):
        self.letters = [get_column_letter(c) for c in range(1, columns + 1)]
        self.date_style, self.quote_style = date_style, quote_style
        self.parts: list[str] = []
        self.row = 1

    def text(self, ref: str, value: str, style: int | None = None) -> str:
        if not value:
            return ""
        if style is None and is_formula_like(value):
            style = self.quote_style  # text, never a formula (exports.sheet_cell)
        value = escape(self.ILLEGAL.sub("", value))
        space = ' xml:space="preserve"' if value != value.strip() else ""
        s = f' s="{style}"' if style is not None else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{value}</t></is></c>'

    def add(self, values: Sequence, styles: dict[int, int] | None = None) -> None:
        """One row; ``styles``: column index (0-based) -> style id for text cells."""
        self.row += 1
        r, cells = self.row, []
        for i, value in enumerate(values):
            ref = f"{self.letters[i]}{r}"
            if value is None:
                continue
            if isinstance(value, str):
                cells.append(self.text(ref, value, (styles or {}).get(i)))
            elif isinstance(value, date):
                cells.append(f'<c r="{ref}" s="{self.date_style}">'
                             f"<v>{(value - self.EPOCH).days}</v></c>")
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        self.parts.append(f'<row r="{r}">{"".join(cells)}</row>')

    def splice(self, sheet_xml: bytes) -> bytes:
        """The sheet with these rows after its header row, its dimension widened."""
        text = sheet_xml.decode("utf-8")
        last = f"{self.letters[-1]}{self.row}"
        text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{last}"/>', text,
                      count=1)
        head, tail = text.split("</sheetData>", 1)
        return (head + "".join(self.parts) + "</sheetData>" + tail).encode("utf-8")


def _style_id(ws, **style) -> int:
    """The workbook's id of a cell style (number format, alignment, quote prefix…), which
    the workbook then writes into its style sheet."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws)
    for name, value in style.items():
        setattr(cell, name, value)
    return cell.style_id


def pipeline_xlsx(lines: Sequence, *, title: str, today: date) -> bytes:
    """``services.PipelineLine`` rows as an .xlsx: a header row, then one row per
    certificate. openpyxl writes the workbook, its styles and the header; the data rows are
    written as sheet XML directly (``_SheetRows``) and spliced in, the labels translated
    once."""
    from ..dossiers.states import DossierStatus
    from ..legaltime import legal_date
    from .models import NoticeKind

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
    rows = _SheetRows(len(columns), date_style=_style_id(ws, number_format=DATE_FORMAT),
                      quote_style=_style_id(ws, quotePrefix=True))
    notices_style = {11: _style_id(ws, alignment=Alignment(wrap_text=True, vertical="top"))}

    kinds = {k: str(k.label) for k in NoticeKind}
    statuses = {s: str(s.label) for s in DossierStatus}
    not_filed = _("Chưa nộp")
    for line in lines:
        notices = "; ".join(f"{kinds[kind]} ({legal_date(sent_at):%d/%m/%Y})"
                            for kind, sent_at in line.notices)
        if line.dossier is None:
            dossier = not_filed
        else:
            dossier_id, submitted_at, status = line.dossier
            dossier = _("Hồ sơ #%(id)s, nộp ngày %(d)s — %(s)s", id=dossier_id,
                        d=f"{legal_date(submitted_at):%d/%m/%Y}", s=statuses[status])
        rows.add([line.number, line.product_name, line.product_code, line.producer_name,
                  line.commune_name, line.province_name, line.product_set_name, line.star,
                  line.issued_on, line.expires_on, (line.expires_on - today).days, notices,
                  dossier], notices_style)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows.row}"
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

    return workbook_bytes(wb, patch={"xl/worksheets/sheet1.xml": rows.splice})
