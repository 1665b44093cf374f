"""Reusable pieces of Vietnamese administrative documents (Decree 30/2020/NĐ-CP, Appendix I):
paragraph styles, the national header, the two-column header (issuing authority left, national
motto right), the signature block, tables and labelled lines.

Every style names a Be Vietnam Pro face explicitly: ReportLab's defaults are base-14 Helvetica.
All builders take plain text and escape it themselves (see :func:`~.text.para`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from .fonts import BOLD, ITALIC, REGULAR, register_fonts, string_width
from .text import nfc, para

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#1A1A1A")
GRID = colors.HexColor("#8C8C8C")
HEAD_BG = colors.HexColor("#E8EEF4")
PART_BG = colors.HexColor("#D5E1EC")
SECTION_BG = colors.HexColor("#F1F5F9")

SIGN_SPACE = 20 * mm  # room for the signature and the seal


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of one base size. Get them with :func:`styles`."""

    body: ParagraphStyle
    body_justify: ParagraphStyle
    bold: ParagraphStyle
    italic: ParagraphStyle
    small: ParagraphStyle
    small_italic: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    center: ParagraphStyle
    center_bold: ParagraphStyle
    center_italic: ParagraphStyle
    right: ParagraphStyle
    right_bold: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_center: ParagraphStyle
    cell_center_bold: ParagraphStyle
    cell_right: ParagraphStyle
    cell_note: ParagraphStyle


@lru_cache(maxsize=8)
def styles(size: float = 10.5) -> Styles:
    """Paragraph styles for body text of ``size`` points (tables one point smaller).

    The returned styles are shared: derive new ones with ``ParagraphStyle(name, parent=…)``
    rather than changing them.
    """
    register_fonts()
    lead = size * 1.35
    cell = size - 1.5

    def s(name, **kw):
        base = {"fontName": REGULAR, "fontSize": size, "leading": lead, "textColor": INK,
                "splitLongWords": 1, "allowWidows": 1}
        base.update(kw)
        return ParagraphStyle(f"ocop-{name}-{size}", **base)

    return Styles(
        body=s("body", spaceAfter=size * 0.25),
        body_justify=s("body-justify", alignment=TA_JUSTIFY, spaceAfter=size * 0.25),
        bold=s("bold", fontName=BOLD),
        italic=s("italic", fontName=ITALIC),
        small=s("small", fontSize=size - 2, leading=(size - 2) * 1.3),
        small_italic=s("small-italic", fontName=ITALIC, fontSize=size - 2,
                       leading=(size - 2) * 1.3),
        title=s("title", fontName=BOLD, fontSize=size + 3.5, leading=(size + 3.5) * 1.3,
                alignment=TA_CENTER, spaceAfter=size * 0.3),
        subtitle=s("subtitle", fontName=ITALIC, alignment=TA_CENTER, spaceAfter=size * 0.6),
        heading=s("heading", fontName=BOLD, spaceBefore=size * 0.8, spaceAfter=size * 0.35),
        center=s("center", alignment=TA_CENTER),
        center_bold=s("center-bold", fontName=BOLD, alignment=TA_CENTER),
        center_italic=s("center-italic", fontName=ITALIC, alignment=TA_CENTER),
        right=s("right", alignment=TA_RIGHT),
        right_bold=s("right-bold", fontName=BOLD, alignment=TA_RIGHT),
        cell=s("cell", fontSize=cell, leading=cell * 1.3),
        cell_bold=s("cell-bold", fontName=BOLD, fontSize=cell, leading=cell * 1.3),
        cell_center=s("cell-center", fontSize=cell, leading=cell * 1.3, alignment=TA_CENTER),
        cell_center_bold=s("cell-center-bold", fontName=BOLD, fontSize=cell,
                           leading=cell * 1.3, alignment=TA_CENTER),
        cell_right=s("cell-right", fontSize=cell, leading=cell * 1.3, alignment=TA_RIGHT),
        cell_note=s("cell-note", fontName=ITALIC, fontSize=cell - 1, leading=(cell - 1) * 1.3,
                    textColor=MUTED, alignment=TA_LEFT),
    )


def p(text: object, style: ParagraphStyle, *, markup: bool = False) -> Paragraph:
    """A Paragraph of plain ``text`` (escaped), or of ReportLab markup when ``markup``."""
    return Paragraph(nfc(text) if markup else para(text), style)


class Rule(Flowable):
    """A horizontal line of fixed ``width`` points with room above and below; its wrapped
    width is its own, so a table cell or frame can centre it (``hAlign`` CENTER)."""

    def __init__(self, width: float, thickness: float = 0.6, *, space_before: float = 1.5,
                 space_after: float = 3, color=RULE):
        super().__init__()
        self.width = width
        self.thickness = thickness
        self.space_before = space_before
        self.space_after = space_after
        self.color = color
        self.hAlign = "CENTER"
        self.height = space_before + thickness + space_after

    def wrap(self, avail_width, avail_height):
        self.width = min(self.width, avail_width)
        return self.width, self.height

    def draw(self):
        y = self.space_after + self.thickness / 2
        self.canv.saveState()
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, y, self.width, y)
        self.canv.restoreState()


def heading(text: str, style: ParagraphStyle, *, keep: float = 80) -> list[Flowable]:
    """A section heading that never ends a page: it moves to the next page unless ``keep``
    points are left under it. (``keepWithNext`` would instead drag a whole long table, which
    can split, to the next page and leave a gap.)"""
    return [CondPageBreak(keep + style.spaceBefore + style.leading), p(text, style)]


def rule(width: float, thickness: float = 0.6, *, space_before: float = 3,
         space_after: float = 3) -> Rule:
    """A centred horizontal rule of fixed ``width`` points (the line under a header)."""
    return Rule(width, thickness, space_before=space_before, space_after=space_after)


def national_header(size: float = 11) -> list[Flowable]:
    """"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" / "Độc lập - Tự do - Hạnh phúc" and the rule under
    the motto, as long as the motto (Decree 30/2020, Appendix I, II.1)."""
    nation = ParagraphStyle("ocop-nation", fontName=BOLD, fontSize=size, leading=size * 1.3,
                            alignment=TA_CENTER, textColor=INK)
    motto = ParagraphStyle("ocop-motto", parent=nation, fontSize=size + 1,
                           leading=(size + 1) * 1.3)
    return [
        Paragraph(NATION, nation),
        Paragraph(MOTTO, motto),
        rule(string_width(MOTTO, BOLD, size + 1)),
    ]


def authority_block(lines: Sequence[str], *, number: str | None = None,
                    size: float = 11, width: float | None = None) -> list[Flowable]:
    """The issuing authority: parent bodies in regular capitals, the issuing body itself (the
    last line) in bold, a short rule under it, then "Số: …" when ``number`` is given."""
    lines = [nfc(x).strip() for x in lines if nfc(x).strip()]
    regular = ParagraphStyle("ocop-authority", fontName=REGULAR, fontSize=size,
                             leading=size * 1.3, alignment=TA_CENTER, textColor=INK)
    bold = ParagraphStyle("ocop-authority-bold", parent=regular, fontName=BOLD)
    out: list[Flowable] = [p(x.upper(), regular) for x in lines[:-1]]
    if lines:
        out.append(p(lines[-1].upper(), bold))
        name_width = string_width(lines[-1].upper(), BOLD, size)
        if width:
            name_width = min(name_width, width)
        out.append(rule(max(name_width * 0.4, 30)))
    if number:
        out.append(p(f"Số: {number}", regular))
    return out


def two_column_header(authority: Sequence[str], width: float, *, number: str | None = None,
                      date_line: str | None = None, size: float = 11,
                      left_share: float = 0.42) -> Table:
    """The head of an administrative document: the authority (and its document number) on
    the left, the national header (and the place-and-date line) on the right."""
    left_w = width * left_share
    right_w = width - left_w
    left = authority_block(authority, number=number, size=size, width=left_w - 6)
    right: list[Flowable] = national_header(size)
    if date_line:
        right.append(Paragraph(para(date_line), ParagraphStyle(
            "ocop-dateline", fontName=ITALIC, fontSize=size, leading=size * 1.3,
            alignment=TA_CENTER, textColor=INK)))
    table = Table([[left, right]], colWidths=[left_w, right_w])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # cells set it even when empty
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def signature_block(title: str, name: str, *, date_line: str | None = None,
                    hint: str | None = None, size: float = 11,
                    space: float = SIGN_SPACE) -> list[Flowable]:
    """Place-and-date line (italic), the signer's title in bold capitals (one line per "\\n",
    e.g. "TM. ỦY BAN NHÂN DÂN\\nCHỦ TỊCH"), an optional italic hint such as "(Ký, ghi rõ họ
    tên)", room to sign, then the signer's name in bold."""
    center = ParagraphStyle("ocop-sign", fontName=REGULAR, fontSize=size, leading=size * 1.3,
                            alignment=TA_CENTER, textColor=INK)
    bold = ParagraphStyle("ocop-sign-bold", parent=center, fontName=BOLD)
    italic = ParagraphStyle("ocop-sign-italic", parent=center, fontName=ITALIC)
    hint_style = ParagraphStyle("ocop-sign-hint", parent=italic, fontSize=size - 1.5,
                                leading=(size - 1.5) * 1.3)
    out: list[Flowable] = []
    if date_line:
        out.append(p(date_line, italic))
    for line in nfc(title).split("\n"):
        if line.strip():
            out.append(p(line.strip().upper(), bold))
    if hint:
        out.append(p(hint, hint_style))
    out.append(Spacer(1, space))
    out.append(p(name, bold))
    return out


def beside(left: Sequence[Flowable] | Flowable | None, right: Sequence[Flowable] | Flowable,
           width: float, *, right_share: float = 0.5, valign: str = "TOP") -> Table:
    """Two blocks side by side (e.g. a QR code left, the signature right). The right block
    takes ``right_share`` of ``width``."""
    right_w = width * right_share
    table = Table([[left or "", right]], colWidths=[width - right_w, right_w])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
    ]))
    return table


def grid_style(header_rows: int = 1, *, extra: Sequence[tuple] = ()) -> TableStyle:
    """A ruled table: thin grey grid, shaded header rows (repeated on every page by the
    caller's ``repeatRows``), top-aligned cells."""
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        commands += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG),
            ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
        ]
    commands += list(extra)
    return TableStyle(commands)


def labelled(label: str, value: object, style: ParagraphStyle, *, bold_value: bool = False,
             empty: str = "…") -> Paragraph:
    """"Label: value" on one paragraph (value in bold when ``bold_value``; ``empty`` when the
    value is blank, so a printed form shows the gap)."""
    text = nfc(value).strip() if value is not None else ""
    shown = para(text) if text else empty
    if bold_value and text:
        shown = f"<b>{shown}</b>"
    return Paragraph(f"{para(label)}: {shown}", style)


def form_number_marker(label: str, *, size: float = 10, pad: float = 3):
    """An ``on_page`` callback drawing e.g. "Mẫu số 01" in a box at the top right corner."""
    def draw(canv, doc):
        width, height = doc.pagesize
        text_w = string_width(label, BOLD, size)
        x_right = width - doc.rightMargin
        y = height - doc.topMargin + 4 * mm
        canv.saveState()
        canv.setFont(BOLD, size)
        canv.setFillColor(INK)
        canv.drawRightString(x_right - pad, y + pad, label)
        canv.setStrokeColor(INK)
        canv.setLineWidth(0.6)
        canv.rect(x_right - text_w - 2 * pad, y, text_w + 2 * pad, size + 2 * pad - 1)
        canv.restoreState()
    return draw
