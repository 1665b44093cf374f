"""OCOP certificates as PDF (A4 landscape), one page per certificate.

No national template exists (DOMAIN §6): provinces design their own. This one carries what the
domain expects — national header, issuing authority, certificate number, the recognition
decision, product name and code, product set, producer and address, the stars, validity,
signature block and a QR code to the public verification page — inside a decorative border.

Pure rendering: the caller fills a :class:`CertificateData`; nothing here touches Flask or the
database. The same data always gives the same bytes (``invariant=1``; fixed ZIP timestamps).
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer, Table, TableStyle

from ocop_rating.pdf import (
    BOLD,
    ITALIC,
    REGULAR,
    StarRow,
    build_pdf,
    dmy,
    nfc,
    para,
    qr_drawing,
    signature_block,
    string_width,
    two_column_header,
    vn_date_line,
)

PAGE = landscape(A4)
RECOGNISED_STARS = (3, 4, 5)  # only recognised products get a certificate (DOMAIN §4)
QR_CAPTION = "Quét mã để kiểm tra tính xác thực"
# The certificate is bilingual where a certificate customarily is: the English line under the
# Vietnamese title and caption (the Vietnamese is the authority; the body stays Vietnamese).
TITLE = "GIẤY CHỨNG NHẬN SẢN PHẨM OCOP"
TITLE_EN = "OCOP PRODUCT CERTIFICATE"
QR_CAPTION_EN = "Scan to verify"

CRIMSON = colors.HexColor("#9E1B1B")
GOLD = colors.HexColor("#B8892B")
INK = colors.HexColor("#1A1A1A")
OVERLAY = colors.HexColor("#C62828")

OUTER_INSET = 14
INNER_INSET = 22
CONTENT_INSET = 44
QR_SIZE = 92
BODY_SIZES = (12.5, 12, 11.5, 11, 10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7)


@dataclass(frozen=True, kw_only=True)
class CertificateData:
    """Everything printed on one certificate; plain values, already decided by the caller.

    Names are printed as given (NFC-normalised); ``authority_name`` and ``signer_title`` are
    printed in capitals. ``signer_title`` may hold several lines separated by "\\n", e.g.
    "TM. ỦY BAN NHÂN DÂN\\nKT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH". ``status_note`` (e.g. "ĐÃ THU HỒI")
    is printed as a diagonal overlay, only on reprints of a certificate that is no longer
    valid; leave it ``None`` for a normal certificate.
    """

    certificate_number: str
    issued_on: date
    expires_on: date
    decision_number: str
    decision_date: date
    authority_name: str          # "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"
    place_name: str              # for the date line: "Quảng Ninh"
    product_name: str
    product_code: str
    product_set_name: str
    producer_name: str
    producer_address: str
    star: int                    # 3, 4 or 5
    rulebook_code: str           # "qd26-2026" (goes into the PDF keywords)
    rulebook_label: str          # "Quyết định 26/2026/QĐ-TTg"
    signer_name: str
    signer_title: str
    verify_url: str
    status_note: str | None = None

    def __post_init__(self):
        if self.star not in RECOGNISED_STARS:
            raise ValueError(f"A certificate is issued for 3, 4 or 5 stars, not {self.star!r}.")
        if self.expires_on <= self.issued_on:
            raise ValueError("expires_on must be after issued_on.")
        if not self.verify_url:
            raise ValueError("verify_url is required (the QR code points to it).")
        if not nfc(self.certificate_number).strip():
            raise ValueError("certificate_number is required.")


# --- styles -----------------------------------------------------------------------------------

def _style(name: str, font: str, size: float, *, color=INK, leading: float = 1.28,
           space_after: float = 0) -> ParagraphStyle:
    return ParagraphStyle(f"cert-{name}-{size}", fontName=font, fontSize=size,
                          leading=size * leading, alignment=TA_CENTER, textColor=color,
                          spaceAfter=space_after, splitLongWords=1)


# --- page parts -------------------------------------------------------------------------------

def _paint_border(canv) -> None:
    w, h = PAGE
    canv.saveState()
    canv.setStrokeColor(CRIMSON)
    canv.setLineWidth(3)
    canv.rect(OUTER_INSET, OUTER_INSET, w - 2 * OUTER_INSET, h - 2 * OUTER_INSET)
    canv.setLineWidth(0.6)
    canv.rect(OUTER_INSET + 4, OUTER_INSET + 4, w - 2 * OUTER_INSET - 8, h - 2 * OUTER_INSET - 8)
    canv.setStrokeColor(GOLD)
    canv.setLineWidth(1.2)
    canv.rect(INNER_INSET, INNER_INSET, w - 2 * INNER_INSET, h - 2 * INNER_INSET)
    # corner ornaments: a gold diamond with a crimson core at each inner corner
    canv.setFillColor(GOLD)
    for cx, cy in ((INNER_INSET, INNER_INSET), (w - INNER_INSET, INNER_INSET),
                   (INNER_INSET, h - INNER_INSET), (w - INNER_INSET, h - INNER_INSET)):
        for r, fill in ((9, GOLD), (4, CRIMSON)):
            path = canv.beginPath()
            path.moveTo(cx, cy + r)
            path.lineTo(cx + r, cy)
            path.lineTo(cx, cy - r)
            path.lineTo(cx - r, cy)
            path.close()
            canv.setFillColor(fill)
            canv.drawPath(path, stroke=0, fill=1)
    canv.restoreState()


@lru_cache(maxsize=1)
def _border_ops() -> str:
    """The border's page operators, painted once on a scratch canvas (it never changes)."""
    scratch = Canvas(io.BytesIO(), pagesize=PAGE, invariant=1, initialFontName=REGULAR)
    start = len(scratch._code)
    _paint_border(scratch)
    return "\n".join(scratch._code[start:])


def _draw_border(canv) -> None:
    """The decorative border: the cached operators, enclosed in their own q … Q."""
    canv.addLiteral(_border_ops())


class _Stack(Flowable):
    """Flowables already wrapped at ``width``, drawn top to bottom as a frame would place
    them (each followed by its space after), without wrapping them a second time."""

    def __init__(self, items: list[tuple[Flowable, float]], width: float):
        super().__init__()
        self._items = items
        self.width = width
        self.height = sum(h + f.getSpaceAfter() for f, h in items)

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        y = self.height
        for flowable, height in self._items:
            y -= height
            flowable.drawOn(self.canv, 0, y)
            y -= flowable.getSpaceAfter()


def _body(data: CertificateData, size: float) -> list[Flowable]:
    """The middle of the certificate at body size ``size`` (the caller shrinks it to fit)."""
    basis = _style("basis", ITALIC, size - 1.5)
    label = _style("label", REGULAR, size)
    name = _style("product", BOLD, size * 1.4, color=CRIMSON, leading=1.22)
    strong = _style("strong", BOLD, size * 1.08)
    gap = size * 0.45
    return [
        Paragraph(f"Căn cứ Quyết định số {para(data.decision_number)} ngày "
                  f"{dmy(data.decision_date)} về việc công nhận sản phẩm đạt chuẩn OCOP;", basis),
        Paragraph("Căn cứ Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP ban hành kèm theo "
                  f"{para(data.rulebook_label)},", basis),
        Spacer(1, gap),
        Paragraph("CHỨNG NHẬN SẢN PHẨM", _style("lead", BOLD, size)),
        Spacer(1, gap * 0.4),
        Paragraph(para(data.product_name), name),
        Spacer(1, gap * 0.4),
        Paragraph(f"Mã sản phẩm: <b>{para(data.product_code)}</b>", label),
        Paragraph(f"Bộ sản phẩm: {para(data.product_set_name)}", label),
        Spacer(1, gap),
        Paragraph("Của chủ thể", label),
        Paragraph(para(data.producer_name), strong),
        Paragraph(f"Địa chỉ: {para(data.producer_address)}", label),
        Spacer(1, gap),
        Paragraph(f"Có giá trị từ {dmy(data.issued_on)} đến {dmy(data.expires_on)}",
                  _style("validity", BOLD, size)),
    ]


def _fit_body(canv, data: CertificateData, width: float, height: float) -> Flowable:
    """The body at the largest size that fits ``width`` × ``height``; a long name wraps,
    then the whole body steps down in size, and as a last resort it is scaled to fit — it is
    never cut."""
    for size in BODY_SIZES:
        flowables = _body(data, size)
        items = [(f, f.wrapOn(canv, width, height)[1]) for f in flowables]
        if sum(h + f.getSpaceAfter() for f, h in items) <= height:
            return _Stack(items, width)
    return KeepInFrame(width, height, _body(data, BODY_SIZES[-1]), mode="shrink")


def _pdf_text_string(text: str) -> str:
    """A PDF text string in UTF-16BE with its byte-order mark, as a hex string."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _draw_overlay(canv, note: str) -> None:
    """A translucent diagonal stamp across the page (reprints of revoked, expired …).

    The stamp is wrapped in a marked-content span with /ActualText (ISO 32000-1, 14.9.4), so
    text extraction and copy-paste read it as one phrase instead of scattering its rotated
    letters through the product and producer names printed underneath.
    """
    w, h = PAGE
    text = nfc(note).strip().upper()
    if not text:
        return
    size = 110.0
    limit = 0.8 * (w ** 2 + h ** 2) ** 0.5
    while size > 20 and string_width(text, BOLD, size) > limit:
        size -= 4
    text_w = string_width(text, BOLD, size)
    canv.saveState()
    canv.addLiteral(f"/Span <</ActualText {_pdf_text_string(text)}>> BDC")
    canv.translate(w / 2, h / 2)
    canv.rotate(28)
    canv.setFillColor(OVERLAY)
    canv.setFillAlpha(0.22)
    canv.setStrokeColor(OVERLAY)
    canv.setStrokeAlpha(0.45)
    canv.setLineWidth(2)
    canv.setFont(BOLD, size)
    canv.drawCentredString(0, -size * 0.35, text)
    canv.roundRect(-text_w / 2 - 18, -size * 0.65, text_w + 36, size * 1.15, 10, stroke=1,
                   fill=0)
    canv.addLiteral("EMC")
    canv.restoreState()


def _draw_certificate(canv, data: CertificateData) -> None:
    w, h = PAGE
    left = CONTENT_INSET
    width = w - 2 * CONTENT_INSET
    top = h - CONTENT_INSET + 8
    bottom = CONTENT_INSET - 10

    _draw_border(canv)

    header = two_column_header([data.authority_name], width, number=data.certificate_number,
                               size=11, left_share=0.44)
    _, header_h = header.wrapOn(canv, width, h)
    header.drawOn(canv, left, top - header_h)
    y = top - header_h - 14

    # title, star line and the stars themselves
    title = Paragraph(TITLE, _style("title", BOLD, 25, color=CRIMSON, leading=1.2))
    title_en = Paragraph(TITLE_EN, _style("title-en", ITALIC, 12, color=CRIMSON))
    rank = Paragraph(f"đạt hạng {data.star} sao", _style("rank", BOLD, 15, color=INK))
    stars = StarRow(data.star, size=24, gap=9)
    for flowable, after in ((title, 0), (title_en, 3), (rank, 6), (stars, 8)):
        fw, fh = flowable.wrapOn(canv, width, h)
        flowable.drawOn(canv, left + (width - fw) / 2, y - fh)
        y -= fh + after

    # bottom: QR code (left) and signature (right)
    qr = qr_drawing(data.verify_url, QR_SIZE)
    caption = Paragraph(f"{QR_CAPTION}<br/>{QR_CAPTION_EN}", _style("qr-caption", ITALIC, 8.5))
    qr_cell = [qr, Spacer(1, 3), caption]
    signature = signature_block(
        data.signer_title, data.signer_name,
        date_line=vn_date_line(data.place_name, data.issued_on), size=11.5, space=17 * mm)
    qr_w = 150
    sign_w = width * 0.46
    bottom_table = Table([[qr_cell, "", signature]],
                         colWidths=[qr_w, width - qr_w - sign_w, sign_w])
    bottom_table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("ALIGN", (0, 0), (0, 0), "CENTER"),
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    _, bottom_h = bottom_table.wrapOn(canv, width, h)
    bottom_table.drawOn(canv, left, bottom)

    # body between the stars and the bottom block, centred vertically
    body_left = left + 40
    body_w = width - 80
    body_top = y - 4
    body_bottom = bottom + bottom_h + 8
    avail = body_top - body_bottom
    body = _fit_body(canv, data, body_w, avail)
    bw, bh = body.wrapOn(canv, body_w, avail)
    body.drawOn(canv, body_left + (body_w - bw) / 2, body_bottom + (avail - bh) / 2)

    if data.status_note:
        _draw_overlay(canv, data.status_note)


# --- public API -------------------------------------------------------------------------------

def _keywords(items: Sequence[CertificateData]) -> list[str]:
    words = ["OCOP", "giấy chứng nhận"]
    for d in items[:50]:  # metadata only; a batch of thousands would bloat the Info dict
        words += [nfc(d.certificate_number), nfc(d.product_code), nfc(d.rulebook_code)]
    return list(dict.fromkeys(w for w in words if w))


def _render(items: Sequence[CertificateData], *, title: str, subject: str) -> bytes:
    authorities = list(dict.fromkeys(nfc(d.authority_name) for d in items))

    def draw(canv):
        for data in items:
            _draw_certificate(canv, data)
            canv.showPage()

    return build_pdf(draw, pagesize=PAGE, title=title, author="; ".join(authorities),
                     subject=subject, keywords=_keywords(items))


def render_certificate(data: CertificateData) -> bytes:
    """One certificate as a one-page PDF (A4 landscape)."""
    return _render(
        [data],
        title=f"Giấy chứng nhận sản phẩm OCOP số {nfc(data.certificate_number)}",
        subject=f"{nfc(data.product_name)} – {nfc(data.producer_name)} – {data.star} sao",
    )


def render_certificates(items: Iterable[CertificateData]) -> bytes:
    """Several certificates in one PDF, one page each, in the given order (for printing)."""
    items = list(items)
    if not items:
        raise ValueError("No certificates to render.")
    if len(items) == 1:
        return render_certificate(items[0])
    return _render(items, title=f"Giấy chứng nhận sản phẩm OCOP ({len(items)} giấy)",
                   subject="Giấy chứng nhận sản phẩm OCOP")


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest a ZIP can hold: bytes stay stable


def certificate_filename(number: str) -> str:
    """A portable file name for a certificate number: "12/GCN-UBND" -> "12_GCN-UBND.pdf".

    Accents are dropped (Đ -> D) and anything outside ``A-Z a-z 0-9 . _ -`` becomes "_", so
    the name works on every file system and in every unzip tool.
    """
    text = nfc(number).replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _UNSAFE.sub("_", text).strip("._") or "giay-chung-nhan"
    return f"{text[:120]}.pdf"


def zip_certificates(items: Iterable[CertificateData]) -> bytes:
    """A ZIP with one PDF per certificate, named from the certificate number (duplicates get
    "-2", "-3" … in input order). Timestamps and attributes are fixed, so the same list gives
    the same bytes."""
    buf = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for data in items:
            base = certificate_filename(data.certificate_number)[:-4]
            name, n = f"{base}.pdf", 1
            while name.lower() in used:  # case-insensitive: Windows and macOS unzip
                n += 1
                name = f"{base}-{n}.pdf"
            used.add(name.lower())
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the OS that builds it
            info.external_attr = 0o100644 << 16
            zf.writestr(info, render_certificate(data))
    return buf.getvalue()
