"""The council's session papers as PDF: the minutes (biên bản họp hội đồng) and the compiled
score table (bảng tổng hợp điểm: every member's sheet and the means).

Pure rendering from the dataclasses of ``evaluation.papers`` (DOMAIN §4: the mean of the
members' totals with two decimals, the spread against its limit, the quorum, knock-outs and star
minimums). Nothing here imports Flask or the database, and nothing is decided here. The same
data always gives the same bytes (``invariant=1``).
"""
from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
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

from .papers import (
    _MINUTES_TITLE_LINES,
    _RED,
    CHAIR_TITLE,
    DISAGREEMENT_BG,
    DISAGREEMENT_HEX,
    DRAFT_MARK,
    DRAFT_NOTE,
    MINUTES_PAGE,
    MINUTES_SIZE,
    NOT_CONCLUDED,
    NOT_SCORED,
    NOT_SCORED_BG,
    SCORE_TABLE_TITLE,
    SECRETARY_TITLE,
    SIGN_HINT,
    TABLE_PAGE,
    TABLE_SIZE,
    DossierResult,
    MinutesData,
    _check,
)

# --- shared pieces ----------------------------------------------------------------------------

def _frame_width(page: tuple[float, float]) -> float:
    left, right, _, _ = DEFAULT_MARGINS
    return page[0] - left - right


def _header_number(data: MinutesData) -> str:
    return nfc(data.document_number).strip() or "……"


def _star_result(dossier: DossierResult, width: float, size: float) -> Flowable:
    """"Kết quả phân hạng: 4 sao" and the four drawn stars, or "không xếp hạng"."""
    st = styles(size)
    if not dossier.concluded:
        return Paragraph(f"Kết quả phân hạng: <b>{NOT_CONCLUDED}</b>", st.body)
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


def _draft_mark(size: float) -> list[Flowable]:
    st = styles(size)
    mark = ParagraphStyle("ocop-draft", parent=st.title, textColor=_RED)
    return [Paragraph(f"<b>{DRAFT_MARK}</b>", mark), p(DRAFT_NOTE, st.subtitle)]


def _signatures(width: float, data: MinutesData, size: float) -> Flowable:
    """The secretary (left) and the chair (right), side by side, as minutes are signed; a
    draft carries its mark instead."""
    if data.is_draft:
        return Paragraph(f"<b>{DRAFT_MARK}</b> – {DRAFT_NOTE}", styles(size).body)
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
        *_sentences("Điều kiện dừng đánh giá theo phiếu chấm", dossier.stops, st, alarm=True),
        *_sentences("Thảo luận và chấm lại", dossier.rescores, st, alarm=False),
        *([labelled("Quy chế áp dụng", dossier.rules_label, st.body)]
          if nfc(dossier.rules_label).strip() else []),
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
        *(_draft_mark(MINUTES_SIZE) if data.is_draft else []),
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
        *(_draft_mark(TABLE_SIZE) if data.is_draft else []),
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
