"""The council's session papers: the minutes (biên bản họp hội đồng) as PDF, and the compiled
score table (bảng tổng hợp điểm: every member's sheet and the means) as PDF and XLSX.

Pure rendering from frozen, keyword-only dataclasses of plain values (DOMAIN §4: the mean of the
members' totals with two decimals, the spread against its limit, the quorum, knock-outs and star
minimums). The council service computes everything (``rulebook.council.CouncilResult``) and
fills the dataclasses with labels already in Vietnamese; nothing here imports Flask, the
database or the rest of the councils package, and nothing is decided here. The same data
always gives the same bytes (PDF: ``invariant=1``; XLSX: fixed document times and ZIP entry
times).
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ocop_rating.pdf import (
    BOLD,
    DEFAULT_MARGINS,
    ITALIC,
    REGULAR,
    authority_block,
    beside,
    build_pdf,
    dmy,
    fmt_fixed,
    fmt_points,
    grid_style,
    heading,
    labelled,
    nfc,
    p,
    para,
    signature_block,
    star_line,
    string_width,
    styles,
    two_column_header,
    vn_date,
    vn_date_line,
)
from ocop_rating.pdf.layout import SECTION_BG

MINUTES_TITLE = "BIÊN BẢN HỌP HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP"
_MINUTES_TITLE_LINES = ("BIÊN BẢN HỌP HỘI ĐỒNG", "ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP")
SCORE_TABLE_TITLE = "BẢNG TỔNG HỢP ĐIỂM"
NOT_SCORED = "Không chấm"
NOT_SUBMITTED = "Không nộp phiếu chấm điểm"
NO_STAR = "Không xếp hạng"
SUMMARY_SHEET = "Tổng hợp"
CHAIR_TITLE = "CHỦ TỊCH HỘI ĐỒNG"
SECRETARY_TITLE = "THƯ KÝ HỘI ĐỒNG"
SIGN_HINT = "(Ký, ghi rõ họ tên)"

DISAGREEMENT_HEX = "FCE4D6"  # light orange, the same in the PDF and the workbook
DISAGREEMENT_BG = colors.HexColor(f"#{DISAGREEMENT_HEX}")
NOT_SCORED_BG = colors.HexColor("#F2F2F2")
_RED = colors.HexColor("#A61B1B")

MINUTES_PAGE = A4
TABLE_PAGE = landscape(A4)
MINUTES_SIZE = 10.5
TABLE_SIZE = 9.5


# --- data -------------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class MemberLine:
    """One member of the council in the attendance list. ``note`` e.g. "Đi công tác" or
    "Xung đột lợi ích, không chấm hồ sơ Trà hoa vàng Ba Chẽ"."""

    name: str
    role_label: str                  # "Chủ tịch Hội đồng", "Ủy viên thư ký", "Ủy viên"
    agency: str                      # "Sở Nông nghiệp và Môi trường"
    present: bool
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class MemberScore:
    """One member's result on one dossier. The member counts in the mean when ``submitted``,
    ``excluded_reason`` is None and ``total`` is given; otherwise the papers print
    "Không chấm" with ``excluded_reason`` (or "Không nộp phiếu chấm điểm").
    ``parts`` are the part subtotals: (("A", 34.25), ("B", 20), ("C", 31.25))."""

    member_name: str
    role_label: str
    total: Decimal | None
    parts: tuple[tuple[str, Decimal], ...]
    submitted: bool
    excluded_reason: str | None = None

    @property
    def counted(self) -> bool:
        return self.submitted and self.excluded_reason is None and self.total is not None

    @property
    def not_scored_reason(self) -> str:
        return nfc(self.excluded_reason).strip() or NOT_SUBMITTED


@dataclass(frozen=True, kw_only=True)
class ItemScores:
    """One criterion row of the compiled table. ``points_by_member`` follows
    ``DossierResult.members`` (None: no score from that member); ``disagreement``: the members'
    choices lie far apart (``rulebook.council`` decides), the row is highlighted."""

    code: str
    label: str
    max_points: Decimal
    points_by_member: tuple[Decimal | None, ...]
    mean: Decimal | None
    disagreement: bool = False


@dataclass(frozen=True, kw_only=True)
class DossierResult:
    """The council's result on one dossier, as computed by ``rulebook.council``.

    ``mean_total`` and ``part_means`` are printed with two decimals; ``spread`` (max − min of
    the totals) against ``spread_limit``; ``quorum_label`` says whether enough members scored
    ("Đủ điều kiện: tối thiểu 7 thành viên, có Chủ tịch Hội đồng"); ``star`` None: no star
    (knock-out); ``recognised``: 3–5 stars that may be certified. ``knockouts`` and
    ``minimums_failed`` are one sentence each, as printed. ``proposal``: what the council
    proposes ("Đề nghị Chủ tịch UBND tỉnh công nhận sản phẩm đạt 4 sao").
    """

    product_name: str
    product_code: str
    producer_name: str
    product_set_label: str           # "Bộ sản phẩm số 14: Chè và các sản phẩm từ chè"
    rulebook_label: str              # "Quyết định 26/2026/QĐ-TTg"
    members: tuple[MemberScore, ...]
    items: tuple[ItemScores, ...]
    mean_total: Decimal | None
    part_means: tuple[tuple[str, Decimal], ...]
    spread: Decimal | None
    spread_limit: Decimal
    quorum_label: str
    star: int | None
    recognised: bool
    knockouts: tuple[str, ...] = ()
    minimums_failed: tuple[str, ...] = ()
    proposal: str = ""

    @property
    def counted_members(self) -> int:
        return sum(1 for m in self.members if m.counted)

    @property
    def spread_exceeded(self) -> bool:
        return self.spread is not None and self.spread > self.spread_limit

    def part_codes(self) -> tuple[str, ...]:
        """The parts in order of first appearance (part means first, then the members)."""
        codes: list[str] = []
        for code, _ in (*self.part_means, *(pt for m in self.members for pt in m.parts)):
            if code not in codes:
                codes.append(code)
        return tuple(codes)


@dataclass(frozen=True, kw_only=True)
class MinutesData:
    """One council session: who sat, and the result on each dossier.

    ``council_name`` in ordinary case ("Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Quảng
    Ninh"; the header prints it in capitals). ``place_name`` is the locality of the date line
    ("Quảng Ninh"); ``venue`` the meeting room (blank: ``place_name``). ``quorum_statement``
    is the council's finding on the session's quorum, printed under the attendance counts.
    """

    authority_name: str              # "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"
    council_name: str
    council_decision: str            # "Quyết định số 125/QĐ-UBND ngày 02/03/2026"
    round_name: str                  # "Đợt 1 năm 2026"
    held_on: date
    place_name: str
    chair_name: str
    secretary_name: str
    attendance: tuple[MemberLine, ...]
    dossiers: tuple[DossierResult, ...]
    conclusion: str
    document_number: str = ""        # "12/BB-HĐOCOP"; blank prints "Số: ……"
    venue: str = ""
    quorum_statement: str = ""

    @property
    def present_count(self) -> int:
        return sum(1 for m in self.attendance if m.present)


def _check(data: MinutesData) -> None:
    for dossier in data.dossiers:
        for item in dossier.items:
            if len(item.points_by_member) != len(dossier.members):
                raise ValueError(
                    f"criterion {item.code} of {dossier.product_code or dossier.product_name}: "
                    f"{len(item.points_by_member)} scores for {len(dossier.members)} members")
        if dossier.star is not None and not 1 <= dossier.star <= 5:
            raise ValueError(f"star must be 1–5 or None, got {dossier.star!r}")


# --- shared pieces ----------------------------------------------------------------------------

def _frame_width(page: tuple[float, float]) -> float:
    left, right, _, _ = DEFAULT_MARGINS
    return page[0] - left - right


def _header_number(data: MinutesData) -> str:
    return nfc(data.document_number).strip() or "……"


def _star_result(dossier: DossierResult, width: float, size: float) -> Flowable:
    """"Kết quả phân hạng: 4 sao" and the four drawn stars, or "không xếp hạng"."""
    st = styles(size)
    if dossier.star is None:
        return Paragraph("Kết quả phân hạng: <b>không xếp hạng</b>", st.body)
    note = ("đủ điều kiện công nhận" if dossier.recognised
            else "chưa đủ điều kiện công nhận")
    plain = f"Kết quả phân hạng: {dossier.star} sao ({note})"
    markup = f"Kết quả phân hạng: <b>{dossier.star} sao</b> ({note})"
    return star_line(Paragraph(markup, st.body), dossier.star, width,
                     label_width=string_width(plain, BOLD, size) + 10, size=size + 2.5)


def _spread_text(dossier: DossierResult) -> str:
    """Markup: "3,50 điểm (tối đa 10 điểm) – trong giới hạn"."""
    if dossier.spread is None:
        return "—"
    text = f"{fmt_fixed(dossier.spread)} điểm (tối đa {fmt_points(dossier.spread_limit)} điểm) – "
    if dossier.spread_exceeded:
        return para(text) + '<font color="#A61B1B"><b>vượt giới hạn</b></font>'
    return para(text) + "trong giới hạn"


def _sentences(label: str, lines: Sequence[str], st, *, alarm: bool) -> list[Flowable]:
    lines = [nfc(x).strip() for x in lines if nfc(x).strip()]
    if not lines:
        return [Paragraph(f"{para(label)}: không có.", st.body)]
    style = ParagraphStyle(f"ocop-alarm-{st.body.name}", parent=st.body, textColor=_RED) \
        if alarm else st.body
    return [Paragraph(f"{para(label)}:", st.body)] + [p(f"– {x}", style) for x in lines]


def _signatures(width: float, data: MinutesData, size: float) -> Table:
    """The secretary (left) and the chair (right), side by side, as minutes are signed."""
    left = signature_block(SECRETARY_TITLE, data.secretary_name, hint=SIGN_HINT, size=size)
    right = signature_block(CHAIR_TITLE, data.chair_name, hint=SIGN_HINT, size=size)
    return beside(left, right, width, right_share=0.5)


# --- minutes ----------------------------------------------------------------------------------

def _attendance_table(data: MinutesData, width: float) -> Table:
    st = styles(MINUTES_SIZE)
    absent_style = ParagraphStyle("ocop-absent", parent=st.cell_center_bold, textColor=_RED)
    rows: list[list] = [[p("STT", st.cell_center_bold), p("Họ và tên", st.cell_center_bold),
                         p("Chức danh trong Hội đồng", st.cell_center_bold),
                         p("Cơ quan, đơn vị", st.cell_center_bold),
                         p("Tham dự", st.cell_center_bold)]]
    for i, member in enumerate(data.attendance, 1):
        status = [p("Có mặt", st.cell_center) if member.present
                  else p("Vắng mặt", absent_style)]
        if nfc(member.note).strip():
            status.append(p(member.note, ParagraphStyle(
                "ocop-note-center", parent=st.cell_note, alignment=1)))
        rows.append([p(str(i), st.cell_center), p(member.name, st.cell_bold),
                     p(member.role_label, st.cell), p(member.agency, st.cell), status])
    table = Table(rows, colWidths=[width * s for s in (0.065, 0.25, 0.235, 0.27, 0.18)],
                  repeatRows=1)
    table.setStyle(grid_style(1))
    return table


def _totals_table(dossier: DossierResult, width: float) -> Table:
    """Member | role | part A | part B | part C | total, then the mean row."""
    st = styles(MINUTES_SIZE)
    codes = dossier.part_codes()
    n_num = len(codes) + 1
    fixed = (0.07, 0.3, 0.21)
    num_share = (1 - sum(fixed)) / n_num
    col_widths = [width * s for s in fixed] + [width * num_share] * n_num
    rows: list[list] = [[p("STT", st.cell_center_bold), p("Thành viên", st.cell_center_bold),
                         p("Chức danh", st.cell_center_bold),
                         *[p(f"Phần {c}", st.cell_center_bold) for c in codes],
                         p("Tổng điểm", st.cell_center_bold)]]
    style: list[tuple] = []
    for i, member in enumerate(dossier.members, 1):
        r = len(rows)
        lead = [p(str(i), st.cell_center), p(member.member_name, st.cell),
                p(member.role_label, st.cell)]
        if member.counted:
            parts = dict(member.parts)
            rows.append([*lead, *[p(fmt_fixed(parts.get(c)), st.cell_center) for c in codes],
                         p(fmt_fixed(member.total), st.cell_center_bold)])
        else:
            rows.append([*lead, Paragraph(f"<b>{NOT_SCORED}</b>: {para(member.not_scored_reason)}",
                                          st.cell_note), *[""] * (n_num - 1)])
            style += [("SPAN", (3, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), NOT_SCORED_BG)]
    means = dict(dossier.part_means)
    r = len(rows)
    rows.append([p(f"Điểm trung bình ({dossier.counted_members} thành viên chấm)",
                   st.cell_bold), "", "",
                 *[p(fmt_fixed(means.get(c)), st.cell_center_bold) for c in codes],
                 p(fmt_fixed(dossier.mean_total), st.cell_center_bold)])
    style += [("SPAN", (0, r), (2, r)), ("BACKGROUND", (0, r), (-1, r), SECTION_BG)]
    table = Table(rows, colWidths=col_widths, repeatRows=1)
    table.setStyle(grid_style(1, extra=style))
    return table


def _dossier_section(number: int, dossier: DossierResult, width: float) -> list[Flowable]:
    st = styles(MINUTES_SIZE)
    # semicolons: a comma is already the decimal mark
    means = "; ".join(f"Phần {c}: {fmt_fixed(v)}" for c, v in dossier.part_means)
    mean_line = (f"Điểm trung bình: <b>{fmt_fixed(dossier.mean_total)}</b> điểm"
                 + (f" ({para(means)})" if means else ""))
    members = len(dossier.members)
    quorum = f"{dossier.counted_members}/{members}"
    if nfc(dossier.quorum_label).strip():
        quorum += f" – {nfc(dossier.quorum_label).strip()}"
    product_style = ParagraphStyle("ocop-minutes-product", parent=st.bold,
                                   spaceBefore=MINUTES_SIZE * 0.6, spaceAfter=1)
    body: list[Flowable] = [
        p(f"{number}. Sản phẩm: {nfc(dossier.product_name)}", product_style),
        labelled("Mã sản phẩm", dossier.product_code, st.body),
        labelled("Chủ thể", dossier.producer_name, st.body, bold_value=True),
        labelled("Bộ sản phẩm", dossier.product_set_label, st.body),
        labelled("Bộ tiêu chí", dossier.rulebook_label, st.body),
        Spacer(1, 3),
        p("Điểm chấm của các thành viên Hội đồng:", st.italic),
        Spacer(1, 2),
        _totals_table(dossier, width),
        Spacer(1, 4),
        labelled("Số thành viên chấm điểm", quorum, st.body),
        Paragraph(mean_line, st.body),
        Paragraph(f"Chênh lệch tổng điểm (cao nhất – thấp nhất): {_spread_text(dossier)}",
                  st.body),
        *_sentences("Tiêu chí loại (không xếp hạng)", dossier.knockouts, st, alarm=True),
        *_sentences("Yêu cầu tối thiểu chưa đạt", dossier.minimums_failed, st, alarm=False),
        _star_result(dossier, width, MINUTES_SIZE),
        Paragraph(f"Đề xuất của Hội đồng: <b>{para(dossier.proposal) or '…'}</b>", st.body),
    ]
    # One dossier on one page when it fits (any council of ordinary size):
    # the table and its findings are read together. A longer one splits like any other story.
    # (KeepTogether must not be nested: an inner one reports an endless height.)
    return [KeepTogether(body), Spacer(1, 4)]


def render_minutes(data: MinutesData) -> bytes:
    """The minutes of the council's session, A4 portrait: header, title, time and place,
    composition and attendance with the quorum, each dossier's result (the members' totals,
    the mean, spread, knock-outs, minimums, star and proposal), the conclusion and the
    signatures of the secretary and the chair. "Trang x/y" on every page."""
    _check(data)
    st = styles(MINUTES_SIZE)
    width = _frame_width(MINUTES_PAGE)
    total = len(data.attendance)
    present = data.present_count
    absentees = [m for m in data.attendance if not m.present]
    venue = nfc(data.venue).strip() or nfc(data.place_name).strip()

    story: list[Flowable] = [
        two_column_header([data.authority_name, data.council_name], width, size=10.5,
                          number=_header_number(data),
                          date_line=vn_date_line(data.place_name, data.held_on),
                          left_share=0.45),
        Spacer(1, 14),
        # broken by hand: left to wrap, the title leaves "OCOP" alone on its second line
        Paragraph("<br/>".join(_MINUTES_TITLE_LINES), st.title),
        p(data.round_name, st.subtitle),
        p(f"Căn cứ {nfc(data.council_decision).strip()} về việc thành lập "
          f"{nfc(data.council_name).strip()};", st.body_justify),
        *heading("I. THỜI GIAN, ĐỊA ĐIỂM", st.heading),
        labelled("Thời gian", vn_date(data.held_on).capitalize(), st.body),
        labelled("Địa điểm", venue, st.body),
        *heading("II. THÀNH PHẦN THAM DỰ", st.heading),
        labelled("Chủ trì", f"{nfc(data.chair_name)} – Chủ tịch Hội đồng", st.body),
        labelled("Thư ký", data.secretary_name, st.body),
        Spacer(1, 3),
        _attendance_table(data, width),
        Spacer(1, 4),
        Paragraph(f"Tổng số thành viên Hội đồng: <b>{total}</b>; có mặt: <b>{present}</b>; "
                  f"vắng mặt: <b>{total - present}</b>"
                  + (f" ({para(', '.join(nfc(m.name) for m in absentees))})"
                     if absentees else "") + ".", st.body),
    ]
    if nfc(data.quorum_statement).strip():
        story.append(p(data.quorum_statement, st.body_justify))

    story += heading("III. NỘI DUNG VÀ KẾT QUẢ ĐÁNH GIÁ, PHÂN HẠNG", st.heading)
    story.append(p(f"Hội đồng đã xem xét hồ sơ, chấm điểm và tổng hợp kết quả của "
                   f"{len(data.dossiers)} sản phẩm như sau:", st.body_justify))
    for i, dossier in enumerate(data.dossiers, 1):
        story += _dossier_section(i, dossier, width)

    story.append(KeepTogether([
        p("IV. KẾT LUẬN", st.heading),
        p(data.conclusion or "…", st.body_justify),
        Spacer(1, 10),
        _signatures(width, data, MINUTES_SIZE),
    ]))
    return build_pdf(story, pagesize=MINUTES_PAGE, page_numbers=True,
                     title=f"Biên bản họp Hội đồng đánh giá, phân hạng sản phẩm OCOP – "
                           f"{nfc(data.round_name)}",
                     author=nfc(data.council_name),
                     subject=f"Biên bản họp ngày {dmy(data.held_on)}",
                     keywords=["OCOP", "biên bản họp hội đồng", nfc(data.round_name)])


# --- compiled score table, PDF ----------------------------------------------------------------

_CODE_W, _MAX_W, _MEAN_W = 34.0, 34.0, 46.0
_LABEL_W = (120.0, 170.0)           # the criterion column: at least, and before members shrink
_MEMBER_W_MAX = 58.0
_NAMES_IN_HEADER_FROM = 40.0       # narrower columns print "TV1" … and a legend


def _grid_table(dossier: DossierResult, width: float) -> tuple[Table, bool]:
    """The criterion × member grid; returns the table and whether members are numbered."""
    st = styles(TABLE_SIZE)
    n = len(dossier.members)
    room = width - _CODE_W - _MAX_W - _MEAN_W
    member_w = min(_MEMBER_W_MAX, (room - _LABEL_W[1]) / max(n, 1))
    if member_w < _NAMES_IN_HEADER_FROM:  # a large council: the criteria give way first
        member_w = min(_NAMES_IN_HEADER_FROM, (room - _LABEL_W[0]) / max(n, 1))
    label_w = room - n * member_w
    numbered = member_w < _NAMES_IN_HEADER_FROM
    pad = 3.5 if member_w >= 30 else 1.5
    head = ParagraphStyle("ocop-grid-head", parent=st.cell_center_bold,
                          fontSize=st.cell.fontSize - 0.5, leading=(st.cell.fontSize - 0.5) * 1.2)
    muted_head = ParagraphStyle("ocop-grid-head-muted", parent=st.cell_note, alignment=1)

    # member cells: the widest figure must fit its column unbroken ("10,5" a criterion,
    # "100,00" a total); only a large council's narrow columns need a smaller size
    def fitted(name, parent, font, widest):
        size = min(parent.fontSize,
                   round((member_w - 2 * pad - 1) / string_width(widest, font, 1), 1))
        return ParagraphStyle(name, parent=parent, fontSize=size, leading=parent.leading)

    num = fitted("ocop-grid-num", st.cell_center, REGULAR, "10,5")
    num_bold = fitted("ocop-grid-num-bold", st.cell_center_bold, BOLD, "100,00")
    not_scored = fitted("ocop-grid-not-scored",
                        ParagraphStyle("ocop-ns", parent=st.cell_note, alignment=1),
                        ITALIC, "Không")
    member_heads = []
    for i, member in enumerate(dossier.members, 1):
        cell = [p(f"TV{i}" if numbered else member.member_name, head)]
        if not member.counted and not numbered:  # numbered: the legend says it
            cell.append(p(f"({NOT_SCORED.lower()})", muted_head))
        member_heads.append(cell)
    rows: list[list] = [[p("Mã", head), p("Tiêu chí", head), p("Tối đa", head), *member_heads,
                         p("Trung bình", head)]]
    style: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                          ("LEFTPADDING", (3, 0), (2 + n, -1), pad),
                          ("RIGHTPADDING", (3, 0), (2 + n, -1), pad),
                          ("TOPPADDING", (0, 1), (-1, -1), 1.5),
                          ("BOTTOMPADDING", (0, 1), (-1, -1), 2.5)]
    first_member, last_member = 3, 2 + n
    for item in dossier.items:
        r = len(rows)
        mean_style = st.cell_center_bold if item.disagreement else st.cell_center
        rows.append([p(item.code, st.cell_center), p(item.label, st.cell),
                     p(fmt_points(item.max_points), st.cell_center),
                     *[p(fmt_points(v), num) for v in item.points_by_member],
                     p(fmt_fixed(item.mean), mean_style)])
        if item.disagreement:
            style.append(("BACKGROUND", (0, r), (-1, r), DISAGREEMENT_BG))

    means = dict(dossier.part_means)
    for code in dossier.part_codes():
        r = len(rows)
        cells = []
        for member in dossier.members:
            value = dict(member.parts).get(code) if member.counted else None
            cells.append(p(fmt_fixed(value), num_bold))
        rows.append([p(f"Cộng phần {code}", st.cell_bold), "", "", *cells,
                     p(fmt_fixed(means.get(code)), st.cell_center_bold)])
        style += [("SPAN", (0, r), (2, r)), ("BACKGROUND", (0, r), (-1, r), SECTION_BG)]
    r = len(rows)
    totals = []
    for member in dossier.members:
        totals.append(p(fmt_fixed(member.total), num_bold) if member.counted
                      else p(NOT_SCORED, not_scored))
    rows.append([p("TỔNG ĐIỂM", st.cell_bold), "", "", *totals,
                 p(fmt_fixed(dossier.mean_total), st.cell_center_bold)])
    style += [("SPAN", (0, r), (2, r)), ("BACKGROUND", (0, r), (-1, r), SECTION_BG),
              ("LINEABOVE", (0, r), (-1, r), 1.0, colors.HexColor("#555555"))]
    # a member who did not score keeps a grey column, through shaded rows too
    for j, member in enumerate(dossier.members):
        if not member.counted:
            style.append(("BACKGROUND", (first_member + j, 1), (first_member + j, -1),
                          NOT_SCORED_BG))
    if n:
        style.append(("LINEAFTER", (last_member, 0), (last_member, -1), 1.0,
                      colors.HexColor("#555555")))
    table = Table(rows, colWidths=[_CODE_W, label_w, _MAX_W, *[member_w] * n, _MEAN_W],
                  repeatRows=1, splitByRow=1)
    table.setStyle(grid_style(1, extra=style))
    return table, numbered


def _legend(dossier: DossierResult, numbered: bool, st) -> list[Flowable]:
    out: list[Flowable] = []
    if numbered:
        names = "; ".join(f"TV{i}: {nfc(m.member_name)} ({nfc(m.role_label)})"
                          for i, m in enumerate(dossier.members, 1))
        out.append(p(f"Thành viên: {names}.", st.small))
    if any(item.disagreement for item in dossier.items):
        out.append(Paragraph(
            f'<span backColor="#{DISAGREEMENT_HEX}">&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;</span>'
            "&nbsp; Tiêu chí các thành viên chấm chênh lệch lớn (Hội đồng thảo luận).",
            st.small))
    for i, member in enumerate(dossier.members, 1):
        if not member.counted:
            who = f"TV{i} " if numbered else ""
            out.append(p(f"{who}{nfc(member.member_name)} – {NOT_SCORED.lower()}: "
                         f"{member.not_scored_reason}.", st.small_italic))
    return out


def _dossier_grid(number: int, dossier: DossierResult, width: float) -> list[Flowable]:
    st = styles(TABLE_SIZE)
    facts = " · ".join(
        f"{label}: {para(value)}" for label, value in (
            ("Mã sản phẩm", nfc(dossier.product_code)), ("Chủ thể", nfc(dossier.producer_name)),
            ("Bộ sản phẩm", nfc(dossier.product_set_label)),
            ("Bộ tiêu chí", nfc(dossier.rulebook_label))) if value.strip())
    table, numbered = _grid_table(dossier, width)
    # the result first: the grid runs over two pages, the verdict should not trail after it
    result = [
        Paragraph(f"Điểm trung bình: <b>{fmt_fixed(dossier.mean_total)}</b> điểm"
                  f" ({dossier.counted_members}/{len(dossier.members)} thành viên chấm)"
                  f"&nbsp;&nbsp;·&nbsp;&nbsp;Chênh lệch tổng điểm: {_spread_text(dossier)}",
                  st.body),
        _star_result(dossier, width, TABLE_SIZE),
    ]
    if nfc(dossier.proposal).strip():
        result.append(Paragraph(f"Đề xuất: <b>{para(dossier.proposal)}</b>", st.body))
    return [
        p(f"{number}. {nfc(dossier.product_name)}", ParagraphStyle(
            "ocop-grid-product", parent=st.heading, fontSize=TABLE_SIZE + 2,
            leading=(TABLE_SIZE + 2) * 1.3, spaceBefore=0)),
        Paragraph(facts, st.body),
        *result,
        Spacer(1, 4),
        table,
        Spacer(1, 4),
        *_legend(dossier, numbered, st),
    ]


def render_score_table_pdf(data: MinutesData) -> bytes:
    """The compiled score table, A4 landscape: for each dossier (each on its own page) the
    grid of criteria × members with the mean per criterion, rows of disagreement shaded light
    orange, part subtotals and totals per member and the mean total; the header row repeats
    on every page. Signed by the secretary and the chair at the end."""
    _check(data)
    st = styles(TABLE_SIZE)
    width = _frame_width(TABLE_PAGE)
    left = authority_block([data.authority_name, data.council_name], size=9.5,
                           width=width * 0.5 - 6)
    head = Table([[left, ""]], colWidths=[width * 0.5, width * 0.5])
    head.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR),
                              ("ALIGN", (0, 0), (0, 0), "CENTER"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    annex = f"Kèm theo Biên bản họp Hội đồng ngày {dmy(data.held_on)}"
    if nfc(data.document_number).strip():
        annex = (f"Kèm theo Biên bản số {nfc(data.document_number).strip()} "
                 f"ngày {dmy(data.held_on)}")
    story: list[Flowable] = [
        head,
        Spacer(1, 6),
        p(SCORE_TABLE_TITLE, st.title),
        p(f"Đánh giá, phân hạng sản phẩm OCOP – {nfc(data.round_name)}", st.center_bold),
        p(f"({annex})", st.subtitle),
    ]
    for i, dossier in enumerate(data.dossiers, 1):
        if i > 1:
            story.append(PageBreak())
        story += _dossier_grid(i, dossier, width)
    story.append(KeepTogether([Spacer(1, 14), _signatures(width * 0.8, data, 10)]))
    return build_pdf(story, pagesize=TABLE_PAGE, page_numbers=True,
                     title=f"Bảng tổng hợp điểm – {nfc(data.round_name)}",
                     author=nfc(data.council_name),
                     subject=f"Bảng tổng hợp điểm, họp ngày {dmy(data.held_on)}",
                     keywords=["OCOP", "bảng tổng hợp điểm", nfc(data.round_name)])


# --- compiled score table, XLSX ---------------------------------------------------------------

SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_SHEET_RESERVED = {"history"}  # Excel keeps it for change tracking
XLSX_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
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
    cell = ws.cell(row=row, column=col, value=value)
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
        cell = ws.cell(row=HEADER_ROW, column=col, value=nfc(label))
        cell.font = Font(bold=True)
        cell.fill = _FILL_HEAD
        cell.alignment = _HEAD_ALIGN
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(col)].width = w


def _title(ws, title: str, subtitle: str) -> None:
    ws.cell(row=1, column=1, value=nfc(title)).font = Font(bold=True, size=13)
    ws.cell(row=2, column=1, value=nfc(subtitle)).font = Font(italic=True)


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
    _title(ws, f"{SCORE_TABLE_TITLE} – {nfc(data.round_name)}",
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
        if dossier.star is None:
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
        ("Hạng sao", dossier.star if dossier.star is not None else NO_STAR, False),
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
        ws.cell(row=row, column=2, value=label).font = Font(bold=True)
        cell = ws.cell(row=row, column=3, value=value)
        if number:
            cell.number_format = NUMBER_FORMAT
        elif isinstance(value, int):
            cell.number_format = "0"
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=4)
    _print_setup(ws)


def _fixed_zip(raw: bytes) -> bytes:
    """Re-pack the workbook's ZIP with fixed entry times and attributes (openpyxl stamps
    every entry with the current time), in the same order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=XLSX_ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            dst.writestr(info, src.read(entry.filename))
    return out.getvalue()


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

    buf = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook() would stamp "modified" with now.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return _fixed_zip(buf.getvalue())
