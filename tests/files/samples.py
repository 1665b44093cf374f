"""Real files of each kind, made in memory."""
from __future__ import annotations

import io
import zipfile

from werkzeug.datastructures import FileStorage

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?>'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="xml" ContentType="application/xml"/></Types>')


def pdf_bytes(text: str = "Giấy chứng nhận") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1)
    pdf.drawString(72, 720, text.encode("ascii", "replace").decode())
    pdf.save()
    return out.getvalue()


def image_bytes(fmt: str, size=(40, 30), color=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def jpeg_bytes(**kw) -> bytes:
    return image_bytes("JPEG", **kw)


def png_bytes(**kw) -> bytes:
    return image_bytes("PNG", **kw)


def zip_bytes(entries: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return out.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes({
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": "<Relationships/>",
        "word/document.xml": "<w:document><w:body><w:p><w:r><w:t>Hồ sơ</w:t></w:r></w:p>"
                             "</w:body></w:document>",
    })


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Sản phẩm OCOP"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(data: bytes, name: str, **kw) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, **kw)
