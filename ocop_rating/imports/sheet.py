"""What every XLSX import shares: its columns, the template, reading cells as text, and the
row errors a dry run lists (row number, column, message in Vietnamese).

A workbook is read with openpyxl in read-only mode, only after files.services has checked by
content that it is an XLSX (a ZIP holding xl/, no macros) within the upload size; at most
``MAX_ROWS`` data rows are read. Every cell is read as text: numbers typed into a text column
keep no float tail ("0101234567" stays as typed when the template's text format is kept; a
number cell 5.0 reads "5"), dates read dd/mm/yyyy, control characters are dropped and a cell
is cut at ``MAX_CELL`` characters."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from ..errors import OcopError
from ..exports import sheet_cell
from ..text import fold

MAX_ROWS = 5000
MAX_CELL = 1000
MAX_UNPACKED = 64 * 1024 * 1024  # bytes of XML a workbook may inflate to
DATA_SHEET = "Du lieu"


class ImportFileError(OcopError):
    """The workbook cannot be read as this import (not a workbook, wrong columns, too long)."""

    code = "import_file"


@dataclass(frozen=True)
class Column:
    key: str
    header: str          # as printed in the template (Vietnamese: the offices' language)
    required: bool = True
    help: object = ""    # a lazy string: what to write
    example: str = ""


@dataclass(frozen=True)
class RowError:
    row: int       # the spreadsheet's row number (the header is row 1)
    column: str    # the column's header, or "" for the whole row
    message: str


@dataclass
class Row:
    number: int
    values: dict[str, str]

    def get(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass
class Plan:
    """A dry run's answer: every bad row, and what a clean file would create."""

    kind: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    todo: list = field(default_factory=list)   # what the kind's apply() creates
    present: int = 0                           # rows already in the registry (re-run)

    @property
    def is_clean(self) -> bool:
        return not self.errors

    def error(self, row: Row | int, column: Column | None, message: str) -> None:
        number = row.number if isinstance(row, Row) else row
        self.errors.append(RowError(number, column.header if column else "", str(message)))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def cell_text(value) -> str:
    """A cell as trimmed text, whatever openpyxl typed it as."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", _CONTROL.sub("", str(value)))
    return " ".join(text.split())[:MAX_CELL]


def parse_date(text: str) -> date | None:
    """dd/mm/yyyy (or yyyy-mm-dd); None when it is not a date."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_int(text: str) -> int | None:
    return int(text) if re.fullmatch(r"\d{1,6}", text or "") else None


def parse_yes(text: str) -> bool | None:
    key = fold(text or "")
    if key in ("co", "x", "1", "yes"):
        return True
    if key in ("", "khong", "0", "no"):
        return False
    return None


def read_rows(path: Path, columns: tuple[Column, ...]) -> list[Row]:
    """The data rows of the workbook at ``path`` (header row 1 names the columns, in any
    order); raises ImportFileError when it cannot be read as this import."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        unpacked = None
    if unpacked is None:
        raise ImportFileError(_("Không đọc được tệp: đây không phải bảng tính XLSX hợp lệ."),
                              code="unreadable")
    if unpacked > MAX_UNPACKED:  # a small file that would inflate to gigabytes
        raise ImportFileError(_("Tệp quá lớn khi giải nén: hãy chia thành nhiều tệp."),
                              code="too_large")
    try:
        # A file object: openpyxl judges a path by its extension, and blobs have none.
        book = load_workbook(io.BytesIO(Path(path).read_bytes()), read_only=True,
                             data_only=True)
    except Exception:  # openpyxl raises many types for a broken workbook
        raise ImportFileError(_("Không đọc được tệp: đây không phải bảng tính XLSX hợp lệ."),
                              code="unreadable") from None
    try:
        sheet = book[DATA_SHEET] if DATA_SHEET in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportFileError(_("Bảng tính trống."), code="empty")
        by_header = {fold(c.header): c for c in columns}
        position: dict[int, Column] = {}
        for index, value in enumerate(header[:200]):
            column = by_header.get(fold(cell_text(value)))
            if column is not None:
                position[index] = column
        missing = [c.header for c in columns if c.required and c not in position.values()]
        if missing:
            raise ImportFileError(_("Thiếu cột: %(cols)s. Hãy dùng tệp mẫu.",
                                    cols=", ".join(missing)), code="columns")
        out = []
        for number, values in enumerate(rows, start=2):
            texts = {c.key: cell_text(values[i]) if i < len(values) else ""
                     for i, c in position.items()}
            if not any(texts.values()):
                continue
            if len(out) >= MAX_ROWS:
                raise ImportFileError(_("Tệp có quá %(n)d dòng dữ liệu: hãy chia thành nhiều "
                                        "tệp.", n=MAX_ROWS), code="too_many_rows")
            out.append(Row(number, texts))
        return out
    finally:
        book.close()


def template_bytes(title: str, columns: tuple[Column, ...]) -> bytes:
    """The template of an import: the data sheet with its headers (every cell formatted as
    text, so codes keep their leading zeros) and a sheet explaining each column."""
    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, start=1):
        cell = sheet_cell(data, 1, index, column.header)
        cell.font, cell.fill = bold, fill
        letter = cell.column_letter
        data.column_dimensions[letter].width = max(14, len(column.header) + 4)
        for row in range(2, 502):
            data.cell(row=row, column=index).number_format = "@"
    data.freeze_panes = "A2"
    guide = book.create_sheet("Huong dan")
    sheet_cell(guide, 1, 1, title).font = Font(bold=True, size=13)
    for index, text in enumerate((_("Cột"), _("Bắt buộc"), _("Cách ghi"), _("Ví dụ")), start=1):
        sheet_cell(guide, 3, index, text).font = bold
    for row, column in enumerate(columns, start=4):
        sheet_cell(guide, row, 1, column.header)
        sheet_cell(guide, row, 2, _("Có") if column.required else _("Không"))
        sheet_cell(guide, row, 3, str(column.help))
        sheet_cell(guide, row, 4, column.example)
    for letter, width in (("A", 28), ("B", 10), ("C", 70), ("D", 28)):
        guide.column_dimensions[letter].width = width
    sheet_cell(guide, len(columns) + 5, 1, _(
        "Ghi dữ liệu từ dòng 2 của trang “Du lieu”; ngày ghi dd/mm/yyyy. Chạy thử trước: "
        "không dòng nào được nhập khi tệp còn lỗi."))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


REQUIRED = _l("Bắt buộc nhập.")
