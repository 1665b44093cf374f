"""A list or report as an office prints it (Decree 30/2020/NĐ-CP layout): the issuing body
top left, the national motto top right, the place-and-date line, the title and its
sub-title, the table, then the signature block. One writer for every official export, XLSX
through openpyxl (every cell through ``exports.sheet_cell``, saved by
``exports.workbook_bytes``) and CSV with the very same header and rows (``exports.csv_text``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..evaluation.xlsx import sheet_title
from ..exports import csv_text, sheet_cell, workbook_bytes
from ..pdf import nfc
from ..pdf.text import vn_date_line

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DATE_FORMAT = "dd/mm/yyyy"
# Rows 1–2: the two headers; 3: place and date; 5: title; 6: sub-title; 8: column heads.
HEADER_ROW = 8

_HEAD_FILL = PatternFill("solid", fgColor="E8EEF4")
_THIN = Side(style="thin", color="8C8C8C")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)


@dataclass
class Table:
    """One sheet: column heads with widths, and the rows (values as they should be typed:
    numbers as numbers, dates as dates)."""

    name: str
    columns: list[tuple[str, float]]
    rows: list[list]


@dataclass
class Paper:
    """What an official list or report says. ``issuer`` is the body on the left
    ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"), ``office`` the line under it."""

    title: str
    subtitle: str
    issuer: str
    office: str
    place: str
    day: date
    tables: list[Table]
    signer_title: str = "THỦ TRƯỞNG ĐƠN VỊ"
    preparer: str = "NGƯỜI LẬP BIỂU"
    notes: list[str] = field(default_factory=list)


def issuer_lines(province_name: str | None) -> tuple[str, str, str]:
    """(issuing body, office, place) of the province's papers, or the ministry's."""
    if not province_name:
        return ("BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI TRUNG ƯƠNG",
                "Hà Nội")
    name = nfc(province_name)
    lowered = name.lower()
    if lowered.startswith("thành phố"):
        body, place = name, name[len("thành phố"):].strip()
    elif lowered.startswith("tỉnh"):
        body, place = name, name[len("tỉnh"):].strip()
    else:
        body, place = f"tỉnh {name}", name
    return (f"ỦY BAN NHÂN DÂN {body.upper()}", "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI", place)


def _excel_value(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _csv_value(value):
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, bool):
        return "x" if value else ""
    return value


def paper_xlsx(paper: Paper) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    taken: list[str] = []
    for table in paper.tables:
        name = sheet_title(table.name, taken)
        taken.append(name)
        _write_sheet(wb.create_sheet(title=name), paper, table)
    props = wb.properties
    props.creator = props.lastModifiedBy = "ocop-rating"
    props.title = nfc(paper.title)
    props.subject = nfc(paper.subtitle)
    props.language = "vi"
    props.created = props.modified = datetime.combine(paper.day, time())
    return workbook_bytes(wb)


def _merge(ws, row: int, first: int, last: int, value, *, bold=False, italic=False,
           size=11, align=_CENTER):
    cell = sheet_cell(ws, row, first, value)
    cell.font = Font(bold=bold, italic=italic, size=size)
    cell.alignment = align
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    return cell


def _write_sheet(ws, paper: Paper, table: Table) -> None:
    ncol = max(len(table.columns), 4)
    half = max(ncol // 2, 1)
    _merge(ws, 1, 1, half, nfc(paper.issuer), bold=True)
    _merge(ws, 1, half + 1, ncol, NATION, bold=True)
    _merge(ws, 2, 1, half, nfc(paper.office), bold=True)
    _merge(ws, 2, half + 1, ncol, MOTTO, bold=True)
    _merge(ws, 3, half + 1, ncol, vn_date_line(paper.place, paper.day), italic=True)
    _merge(ws, 5, 1, ncol, nfc(paper.title).upper(), bold=True, size=13)
    _merge(ws, 6, 1, ncol, nfc(paper.subtitle), italic=True)
    for col, (label, width) in enumerate(table.columns, start=1):
        cell = sheet_cell(ws, HEADER_ROW, col, label)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = _CENTER
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(col)].width = width
    row = HEADER_ROW
    for values in table.rows:
        row += 1
        for col, value in enumerate(values, start=1):
            cell = sheet_cell(ws, row, col, _excel_value(value))
            cell.border = _BORDER
            cell.alignment = _WRAP
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, Decimal):
                cell.number_format = "0.00"
    if not table.rows:
        row += 1
        _merge(ws, row, 1, len(table.columns), "(Không có dữ liệu)", italic=True)
    for note in paper.notes:
        row += 1
        _merge(ws, row, 1, ncol, nfc(note), italic=True, align=_WRAP)
    row += 2
    _merge(ws, row, 1, half, paper.preparer, bold=True)
    _merge(ws, row, half + 1, ncol, paper.signer_title, bold=True)
    row += 1
    _merge(ws, row, 1, half, "(Ký, ghi rõ họ tên)", italic=True)
    _merge(ws, row, half + 1, ncol, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)


def paper_csv(paper: Paper, table_index: int = 0) -> str:
    """The first (or the named) table as CSV: its column heads, then its rows, exactly the
    cells of the workbook's table (dates as dd/mm/yyyy)."""
    table = paper.tables[table_index]
    return csv_text([[label for label, _w in table.columns],
                     *([_csv_value(v) for v in row] for row in table.rows)])
