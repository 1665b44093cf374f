"""Workbooks for the import tests, filled in from the app's own template."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from ocop_rating.imports import services

PRODUCER = {
    "Mã số đăng ký": "5709990001", "Tên chủ thể": "Hợp tác xã Chè Vân Đồn",
    "Loại hình": "Hợp tác xã", "Mã xã/phường": "06994", "Địa chỉ": "Thôn 3",
    "Điện thoại": "0912345678", "E-mail": "che@example.vn", "Người đại diện": "Lê Thị Mai",
    "Chức vụ": "Giám đốc", "Giới tính": "Nữ", "Dân tộc": "Tày", "Người khuyết tật": "",
}


def producer_row(**changes) -> dict:
    return {**PRODUCER, **changes}


def workbook(kind: str, rows: list[dict]) -> bytes:
    book = load_workbook(io.BytesIO(services.template(services.KINDS[kind])))
    sheet = book["Du lieu"]
    headers = [c.value for c in sheet[1]]
    for r, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=r, column=headers.index(header) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _token(client, kind: str) -> str:
    html = client.get("/imports/").get_data(as_text=True)
    match = re.search(rf'name="{kind}-csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        rf'id="{kind}-csrf_token"[^>]*value="([^"]+)"', html)
    assert match, html[:3000]
    return match.group(1)


def upload(client, kind: str, content: bytes, *, name: str = "danh-sach.xlsx",
           council=None):
    """Upload like a browser; returns the dry-run page's response (after the redirect)."""
    data = {f"{kind}-csrf_token": _token(client, kind),
            f"{kind}-file": (io.BytesIO(content), name)}
    if council is not None:
        data[f"{kind}-council"] = str(council.id)
    response = client.post(f"/imports/{kind}", data=data, content_type="multipart/form-data")
    if response.status_code != 302:
        return response
    return client.get(response.headers["Location"])


def confirm(client, dry_run_url: str):
    html = client.get(dry_run_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token, html[:3000]
    return client.post(dry_run_url, data={"csrf_token": token.group(1)})


def errors_table(html: str) -> str:
    assert 'id="row-errors"' in html, html[html.find("<h1"):][:3000]
    return html.split('id="row-errors"')[1].split("</table>")[0]
