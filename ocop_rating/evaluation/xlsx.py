"""The compiled score table (bảng tổng hợp điểm) as an XLSX workbook: a summary sheet and one
sheet per dossier, from the dataclasses of ``evaluation.papers``. The same data always gives
the same bytes (fixed document times and ZIP entry times).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ocop_rating.exports import XLSX_ZIP_TIMESTAMP, sheet_cell, workbook_bytes  # noqa: F401
from ocop_rating.pdf import dmy, nfc

from .papers import (
    DISAGREEMENT_HEX,
    DRAFT_MARK,
    NO_STAR,
    NOT_CONCLUDED,
    NOT_SCORED,
    SCORE_TABLE_TITLE,
    SUMMARY_SHEET,
    DossierResult,
    MinutesData,
    _check,
)

# --- compiled score table, XLSX ---------------------------------------------------------------

SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_SHEET_RESERVED = {"history"}  # Excel keeps it for change tracking
HEADER_ROW = 3                   # rows 1–2: title; 3: column heads; data from row 4
NUMBER_FORMAT = "0.00"

_FILL_HEAD = PatternFill("solid", fgColor="E8EEF4")
_FILL_TOTAL = PatternFill("solid", fgColor="F1F5F9")
_FILL_DISAGREE = PatternFill("solid", fgColor=DISAGREEMENT_HEX)
_FILL_NOT_SCORED = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="8C8C8C")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_HEAD_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")
_NUM_ALIGN = Alignment(horizontal="center", vertical="top")


def sheet_title(name: str, taken: Iterable[str] = ()) -> str:
    """A valid, unused worksheet name made from ``name``: NFC; ``[ ]`` become ``( )``,
    ``/ \\`` become "-", ":" becomes " - ", ``* ?`` and control characters go; no apostrophe
    at either end; at most 31 characters; not "History"; and unique against ``taken`` the way
    Excel compares (case-insensitively), by a suffix " (2)", " (3)" … within the 31."""
    text = nfc(name).replace("[", "(").replace("]", ")")
    text = re.sub(r"[/\\]", "-", text).replace(":", " - ")
    text = _SHEET_FORBIDDEN.sub("", text)
    text = " ".join(text.split()).strip("'").strip() or "Trang tính"
    used = {nfc(t).casefold() for t in taken} | _SHEET_RESERVED

    def fit(base: str, suffix: str = "") -> str:
        return base[:SHEET_NAME_MAX - len(suffix)].rstrip().rstrip("'").rstrip() + suffix

    candidate, n = fit(text), 1
    while candidate.casefold() in used:
        n += 1
        candidate = fit(text, f" ({n})")
    return candidate


def _sheet_ref(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _num(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _put(ws, row: int, col: int, value, *, number: bool = False, bold: bool = False,
         fill: PatternFill | None = None, italic: bool = False, fmt: str = NUMBER_FORMAT):
    cell = sheet_cell(ws, row, col, value)
    cell.border = _BORDER
    if number:
        cell.number_format = fmt
        cell.alignment = _NUM_ALIGN
    else:
        cell.alignment = _WRAP_TOP
    if bold or italic:
        cell.font = Font(bold=bold, italic=italic, color="555555" if italic else None)
    if fill is not None:
        cell.fill = fill
    return cell


def _heads(ws, labels: Sequence[str], widths: Sequence[float]) -> None:
    for col, (label, w) in enumerate(zip(labels, widths, strict=True), 1):
        cell = sheet_cell(ws, HEADER_ROW, col, nfc(label))
        cell.font = Font(bold=True)
        cell.fill = _FILL_HEAD
        cell.alignment = _HEAD_ALIGN
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(col)].width = w


def _title(ws, title: str, subtitle: str) -> None:
    sheet_cell(ws, 1, 1, nfc(title)).font = Font(bold=True, size=13)
    sheet_cell(ws, 2, 1, nfc(subtitle)).font = Font(italic=True)


def _print_setup(ws) -> None:
    """A4 landscape, one page wide, the column heads repeated on every printed page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _summary_sheet(ws, data: MinutesData, sheet_names: Sequence[str]) -> None:
    names: list[str] = []
    for dossier in data.dossiers:
        for member in dossier.members:
            if nfc(member.member_name) not in names:
                names.append(nfc(member.member_name))
    _title(ws, (f"{DRAFT_MARK} – " if data.is_draft else "")
           + f"{SCORE_TABLE_TITLE} – {nfc(data.round_name)}",
           f"{nfc(data.council_name)}, họp ngày {dmy(data.held_on)}")
    labels = ["STT", "Tên sản phẩm", "Mã sản phẩm", "Chủ thể", "Bộ sản phẩm", *names,
              "Điểm trung bình", "Chênh lệch", "Hạng sao", "Đề xuất"]
    widths = [6, 34, 20, 34, 28, *[14] * len(names), 12, 11, 9, 40]
    _heads(ws, labels, widths)
    first_member = 6
    for i, (dossier, sheet) in enumerate(zip(data.dossiers, sheet_names, strict=True), 1):
        row = HEADER_ROW + i
        _put(ws, row, 1, i, number=True, fmt="0")
        link = _put(ws, row, 2, nfc(dossier.product_name))
        link.hyperlink = f"#{_sheet_ref(sheet)}!A1"
        link.font = Font(color="1F4E79", underline="single")
        _put(ws, row, 3, nfc(dossier.product_code))
        _put(ws, row, 4, nfc(dossier.producer_name))
        _put(ws, row, 5, nfc(dossier.product_set_label))
        by_name = {nfc(m.member_name): m for m in dossier.members}
        for j, name in enumerate(names):
            member = by_name.get(name)
            if member is None:
                _put(ws, row, first_member + j, None)
            elif member.counted:
                _put(ws, row, first_member + j, _num(member.total), number=True)
            else:
                _put(ws, row, first_member + j, NOT_SCORED, italic=True, fill=_FILL_NOT_SCORED)
        col = first_member + len(names)
        _put(ws, row, col, _num(dossier.mean_total), number=True, bold=True)
        _put(ws, row, col + 1, _num(dossier.spread), number=True)
        if not dossier.concluded:
            _put(ws, row, col + 2, NOT_CONCLUDED, italic=True)
        elif dossier.star is None:
            _put(ws, row, col + 2, NO_STAR, italic=True)
        else:
            _put(ws, row, col + 2, dossier.star, number=True, fmt="0")
        _put(ws, row, col + 3, nfc(dossier.proposal))
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    _print_setup(ws)


def _dossier_sheet(ws, dossier: DossierResult) -> None:
    _title(ws, nfc(dossier.product_name),
           " · ".join(f"{label}: {nfc(value)}" for label, value in (
               ("Mã sản phẩm", dossier.product_code), ("Chủ thể", dossier.producer_name),
               ("Bộ sản phẩm", dossier.product_set_label),
               ("Bộ tiêu chí", dossier.rulebook_label)) if nfc(value).strip()))
    n = len(dossier.members)
    heads = [nfc(m.member_name) if m.counted else f"{nfc(m.member_name)} ({NOT_SCORED.lower()})"
             for m in dossier.members]
    _heads(ws, ["Mã", "Tiêu chí", "Tối đa", *heads, "Trung bình", "Chênh lệch lớn"],
           [8, 52, 8, *[14] * n, 12, 11])
    mean_col, flag_col = 4 + n, 5 + n
    row = HEADER_ROW
    for item in dossier.items:
        row += 1
        fill = _FILL_DISAGREE if item.disagreement else None
        _put(ws, row, 1, nfc(item.code), fill=fill)
        _put(ws, row, 2, nfc(item.label), fill=fill)
        _put(ws, row, 3, _num(item.max_points), number=True, fill=fill)
        for j, value in enumerate(item.points_by_member):
            member_fill = fill or (None if dossier.members[j].counted else _FILL_NOT_SCORED)
            _put(ws, row, 4 + j, _num(value), number=True, fill=member_fill)
        _put(ws, row, mean_col, _num(item.mean), number=True, bold=item.disagreement, fill=fill)
        _put(ws, row, flag_col, "Có" if item.disagreement else None, fill=fill)

    means = dict(dossier.part_means)
    for code in dossier.part_codes():
        row += 1
        _put(ws, row, 1, None, fill=_FILL_TOTAL)
        _put(ws, row, 2, f"Cộng phần {code}", bold=True, fill=_FILL_TOTAL)
        _put(ws, row, 3, None, fill=_FILL_TOTAL)
        for j, member in enumerate(dossier.members):
            value = dict(member.parts).get(code) if member.counted else None
            _put(ws, row, 4 + j, _num(value), number=True, bold=True, fill=_FILL_TOTAL)
        _put(ws, row, mean_col, _num(means.get(code)), number=True, bold=True, fill=_FILL_TOTAL)
        _put(ws, row, flag_col, None, fill=_FILL_TOTAL)
    row += 1
    _put(ws, row, 1, None, fill=_FILL_TOTAL)
    _put(ws, row, 2, "TỔNG ĐIỂM", bold=True, fill=_FILL_TOTAL)
    _put(ws, row, 3, None, fill=_FILL_TOTAL)
    for j, member in enumerate(dossier.members):
        if member.counted:
            _put(ws, row, 4 + j, _num(member.total), number=True, bold=True, fill=_FILL_TOTAL)
        else:
            _put(ws, row, 4 + j, NOT_SCORED, italic=True, fill=_FILL_NOT_SCORED)
    _put(ws, row, mean_col, _num(dossier.mean_total), number=True, bold=True, fill=_FILL_TOTAL)
    _put(ws, row, flag_col, None, fill=_FILL_TOTAL)

    facts: list[tuple[str, object, bool]] = [
        ("Chênh lệch tổng điểm", _num(dossier.spread), True),
        ("Giới hạn chênh lệch", _num(dossier.spread_limit), True),
        ("Số thành viên chấm", f"{dossier.counted_members}/{n} – {nfc(dossier.quorum_label)}",
         False),
        ("Hạng sao", NOT_CONCLUDED if not dossier.concluded
         else dossier.star if dossier.star is not None else NO_STAR, False),
        ("Tiêu chí loại", "; ".join(nfc(x) for x in dossier.knockouts) or "Không có", False),
        ("Yêu cầu tối thiểu chưa đạt",
         "; ".join(nfc(x) for x in dossier.minimums_failed) or "Không có", False),
        ("Đề xuất", nfc(dossier.proposal), False),
    ]
    for member in dossier.members:
        if not member.counted:
            facts.append((f"{NOT_SCORED}: {nfc(member.member_name)}",
                          member.not_scored_reason, False))
    row += 1
    for label, value, number in facts:
        row += 1
        sheet_cell(ws, row, 2, label).font = Font(bold=True)
        cell = sheet_cell(ws, row, 3, value)
        if number:
            cell.number_format = NUMBER_FORMAT
        elif isinstance(value, int):
            cell.number_format = "0"
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=4)
    _print_setup(ws)


def render_score_table_xlsx(data: MinutesData) -> bytes:
    """The compiled score table as a workbook: "Tổng hợp" (one row per dossier: product, code,
    producer, set, each member's total, mean, spread, star, proposal; the product name links
    to its sheet) and one sheet per dossier (criteria × members with the means; subtotals per
    part; totals), numbers as numbers with two decimals, heads and first columns frozen,
    rows of disagreement filled light orange. Created and modified at the session's date, so
    the same data gives the same bytes."""
    _check(data)
    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY_SHEET
    taken = [SUMMARY_SHEET]
    for dossier in data.dossiers:
        taken.append(sheet_title(dossier.product_name or dossier.product_code, taken))
    sheet_names = taken[1:]
    _summary_sheet(summary, data, sheet_names)
    for dossier, name in zip(data.dossiers, sheet_names, strict=True):
        _dossier_sheet(wb.create_sheet(title=name), dossier)

    stamp = datetime.combine(data.held_on, time())
    props = wb.properties
    props.creator = "ocop-rating"
    props.lastModifiedBy = "ocop-rating"
    props.title = f"Bảng tổng hợp điểm – {nfc(data.round_name)}"
    props.subject = nfc(data.council_name)
    props.keywords = "OCOP, bảng tổng hợp điểm"
    props.language = "vi"
    props.created = stamp
    props.modified = stamp

    return workbook_bytes(wb)
