"""Forms 01, 02 and 03 of the OCOP dossier (Decision 26/2026/QĐ-TTg) as PDF, A4 portrait.

* Form 01 — the producer's registration of a product for evaluation, to the commune;
* Form 02 — the producer's self-assessment: entity facts and the self-scored criteria sheet
  with the evidence behind each criterion;
* Form 03 — the commune's preliminary check: completeness, the four local items assessed
  without points, and the proposal (forward to the province or return).

Pure rendering from frozen dataclasses (keyword-only); the caller turns models and rulebook
results into them. Labels (kinds, genders, options …) arrive as display text: the database
stores codes, translation happens before rendering. :class:`ScoreRow`/:class:`ScoreSection`/
:class:`ScorePart` are generic enough for the council's scoring sheet too.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ocop_rating.pdf import (
    BOLD,
    DEFAULT_MARGINS,
    REGULAR,
    StarRow,
    beside,
    build_pdf,
    dmy,
    fmt_points,
    form_number_marker,
    grid_style,
    heading,
    labelled,
    national_header,
    nfc,
    p,
    para,
    signature_block,
    string_width,
    styles,
    two_column_header,
    vn_date_line,
)
from ocop_rating.pdf.layout import PART_BG, SECTION_BG

PAGE = A4
BODY_SIZE = 10.5
NOT_CHOSEN = "Chưa chọn"
NO_EVIDENCE = "Chưa có minh chứng"
PRODUCER_SIGN_TITLE = "ĐẠI DIỆN CHỦ THỂ"
PRODUCER_SIGN_HINT = "(Ký, ghi rõ họ tên, đóng dấu nếu có)"
RECOGNISED_FROM = 3  # stars; 1–2 stars get no certificate (DOMAIN §4)

# The four items the commune assesses without points (DOMAIN §5.2), for callers that want the
# standard wording.
LOCAL_ITEM_LABELS = (
    "Nguồn gốc sản phẩm và nguyên liệu địa phương",
    "Sử dụng lao động địa phương",
    "Nguồn gốc ý tưởng sản phẩm",
    "Tính đặc trưng, bản sắc địa phương",
)
RESULT_FORWARD = "Đề nghị chuyển hồ sơ lên cấp tỉnh"
RESULT_RETURN = "Trả lại hồ sơ"

_RED = colors.HexColor("#A61B1B")


# --- data -------------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class Representative:
    """The producer's legal representative. Labels as printed ("Nữ", "Ê Đê", "Giám đốc");
    ``disability_label`` e.g. "Không" or "Có" ("" = not declared). Criterion 3.2 scores women,
    ethnic minorities and disabled people, so Form 02 prints these facts."""

    name: str
    gender_label: str = ""
    ethnicity: str = ""
    position: str = ""
    disability_label: str = ""


@dataclass(frozen=True, kw_only=True)
class ProducerInfo:
    """The producer (chủ thể OCOP) as printed on the forms."""

    name: str
    kind_label: str                  # "Hợp tác xã", "Hộ kinh doanh" …
    registration_number: str = ""    # enterprise / cooperative / household business number
    address: str = ""
    phone: str = ""
    email: str = ""
    representative: Representative | None = None


@dataclass(frozen=True, kw_only=True)
class Form01Data:
    """Form 01: "Phiếu đăng ký sản phẩm tham gia đánh giá, phân hạng sản phẩm OCOP".

    ``commune_name`` and ``province_name`` carry their kind, as they follow "Ủy ban nhân dân":
    "xã Ba Chẽ" / "phường Hạ Long" / "đặc khu Vân Đồn", "tỉnh Quảng Ninh". ``place_name`` is
    the short name for the date line ("Ba Chẽ"). ``current_star`` and
    ``current_certificate_number`` describe the certificate being upgraded or re-evaluated.
    """

    commune_name: str
    province_name: str
    producer: ProducerInfo
    product_name: str
    product_set_number: int
    product_set_name: str
    group_label: str                 # ngành: "I. Thực phẩm"
    subgroup_label: str              # nhóm: "I.4. Nông sản chế biến"
    evaluation_kind_label: str       # "Đánh giá lần đầu" / "Nâng hạng" / "Đánh giá lại"
    registered_on: date
    place_name: str
    signer_name: str
    signer_title: str = PRODUCER_SIGN_TITLE
    product_code: str = ""
    production_address: str = ""
    annual_capacity: str = ""
    main_markets: str = ""
    product_story: str = ""
    current_star: int | None = None
    current_certificate_number: str = ""
    attachments: tuple[str, ...] = ()  # documents filed with the form, as printed


@dataclass(frozen=True, kw_only=True)
class ScoreRow:
    """One line of a scoring sheet: a criterion ("1.1"), a sub-criterion ("6.1.1") or a
    section scored directly ("7"). ``chosen_label`` None prints "Chưa chọn"; ``points`` None
    prints "—". ``is_heading`` marks a criterion group heading ("6.1") whose sub-criteria
    follow as rows of their own: it has no option or points. ``evidence`` lists file names
    (or labels) of the proof filed for this line."""

    code: str
    label: str
    chosen_label: str | None = None
    points: Decimal | None = None
    max_points: Decimal | None = None
    evidence: tuple[str, ...] = ()
    is_heading: bool = False


@dataclass(frozen=True, kw_only=True)
class ScoreSection:
    """A numbered section ("1", "TỔ CHỨC SẢN XUẤT"). ``points`` None: the sum of its rows."""

    code: str
    label: str
    max_points: Decimal
    rows: tuple[ScoreRow, ...]
    points: Decimal | None = None

    @property
    def total(self) -> Decimal:
        if self.points is not None:
            return Decimal(self.points)
        return sum((Decimal(r.points) for r in self.rows
                    if not r.is_heading and r.points is not None), Decimal(0))


@dataclass(frozen=True, kw_only=True)
class ScorePart:
    """A part of the sheet ("A", "Sản phẩm và sức mạnh của cộng đồng", max 40). ``points``
    None: the sum of its sections. Pass the scoring engine's figures when you have them."""

    code: str
    label: str
    max_points: Decimal
    sections: tuple[ScoreSection, ...]
    points: Decimal | None = None

    @property
    def total(self) -> Decimal:
        if self.points is not None:
            return Decimal(self.points)
        return sum((s.total for s in self.sections), Decimal(0))


@dataclass(frozen=True, kw_only=True)
class Form02Data:
    """Form 02: "Phiếu tự đánh giá, phân hạng sản phẩm OCOP".

    ``projected_star`` is the star the self-score would earn after the minimums (None: no
    star, e.g. a knock-out); ``blocking_minimums`` says, one string each, which star minimums
    hold it back. ``total_points`` None: the sum of the parts. ``extra_facts`` adds
    (label, value) lines to the entity facts (members, workers …). ``notes`` is free text
    printed under the result (knock-outs, unanswered criteria …).
    """

    producer: ProducerInfo
    product_name: str
    product_set_number: int
    product_set_name: str
    rulebook_label: str              # "Quyết định 26/2026/QĐ-TTg"
    parts: tuple[ScorePart, ...]
    projected_star: int | None
    assessed_on: date
    place_name: str
    signer_name: str
    signer_title: str = PRODUCER_SIGN_TITLE
    product_code: str = ""
    blocking_minimums: tuple[str, ...] = ()
    total_points: Decimal | None = None
    total_max: Decimal = Decimal(100)
    extra_facts: tuple[tuple[str, str], ...] = ()
    notes: str = ""

    @property
    def total(self) -> Decimal:
        if self.total_points is not None:
            return Decimal(self.total_points)
        return sum((part.total for part in self.parts), Decimal(0))


@dataclass(frozen=True, kw_only=True)
class ChecklistLine:
    """One document of the completeness check: is it in the dossier, and a note."""

    label: str
    present: bool
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class LocalAssessment:
    """One of the four local items, assessed in words (no points)."""

    label: str
    assessment: str


@dataclass(frozen=True, kw_only=True)
class Form03Data:
    """Form 03: "Phiếu đánh giá sơ bộ hồ sơ (cấp xã)".

    ``authority_name`` defaults to "ỦY BAN NHÂN DÂN " + the commune name in capitals.
    ``result_label`` is :data:`RESULT_FORWARD` or :data:`RESULT_RETURN` (or the province's
    own wording). ``officer_title`` may hold several lines ("TM. ỦY BAN NHÂN DÂN\\nCHỦ TỊCH").
    """

    commune_name: str                # "xã Ba Chẽ"
    province_name: str               # "tỉnh Quảng Ninh"
    producer: ProducerInfo
    product_name: str
    received_on: date
    checklist: tuple[ChecklistLine, ...]
    local_items: tuple[LocalAssessment, ...]
    conclusion: str
    result_label: str
    officer_name: str
    officer_title: str
    assessed_on: date
    place_name: str
    product_set_number: int | None = None
    product_set_name: str = ""
    authority_name: str = ""
    document_number: str = ""        # "…/PĐG-UBND"; blank prints "Số: ……"

    @property
    def authority(self) -> str:
        return nfc(self.authority_name).strip() or f"ỦY BAN NHÂN DÂN {nfc(self.commune_name).upper()}"


# --- shared pieces ----------------------------------------------------------------------------

def _frame_width() -> float:
    left, right, _, _ = DEFAULT_MARGINS
    return PAGE[0] - left - right


def _form_pdf(story: list[Flowable], *, form_no: str, title: str, author: str,
              subject: str) -> bytes:
    return build_pdf(story, pagesize=PAGE, title=title, author=author, subject=subject,
                     keywords=["OCOP", f"Mẫu số {form_no}"], page_numbers=True,
                     on_first_page=form_number_marker(f"Mẫu số {form_no}"))


def _set_text(number: int | None, name: str) -> str:
    name = nfc(name).strip()
    if number is None:
        return name
    return f"Bộ sản phẩm số {number}: {name}" if name else f"Bộ sản phẩm số {number}"


def _closing(lead: list[Flowable], title: str, name: str, *, date_line: str | None,
             hint: str | None, width: float) -> Flowable:
    """The last words of a form and the signature block (right half), kept on one page: a
    signature must never stand alone at the top of a page."""
    block = signature_block(title, name, date_line=date_line, hint=hint, size=BODY_SIZE)
    return KeepTogether([*lead, Spacer(1, 8), beside(None, block, width, right_share=0.52)])


def _kv_table(rows: Sequence[tuple[str, object]], width: float, *, label_share: float = 0.36,
              bold_values: Sequence[str] = ()) -> Table:
    """Label/value lines in two columns, without rules (entity facts)."""
    st = styles(BODY_SIZE)
    data = []
    for label, value in rows:
        text = nfc(value).strip()
        shown = para(text) if text else "…"
        if label in bold_values and text:
            shown = f"<b>{shown}</b>"
        data.append([p(f"{label}:", st.body), Paragraph(shown, st.body)])
    table = Table(data, colWidths=[width * label_share, width * (1 - label_share)])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def _representative_rows(rep: Representative | None, *, facts: bool) -> list[tuple[str, str]]:
    if rep is None:
        return [("Người đại diện theo pháp luật", "")]
    rows = [("Người đại diện theo pháp luật", rep.name), ("Chức vụ", rep.position),
            ("Giới tính", rep.gender_label), ("Dân tộc", rep.ethnicity)]
    if facts:
        rows.append(("Người khuyết tật", rep.disability_label))
    return rows


# --- Form 01 ----------------------------------------------------------------------------------

def render_form01(data: Form01Data) -> bytes:
    """Form 01, the registration of a product for evaluation and rating."""
    st = styles(BODY_SIZE)
    width = _frame_width()
    producer = data.producer
    rep = producer.representative

    story: list[Flowable] = national_header(11.5)
    story += [
        Spacer(1, 10),
        p("PHIẾU ĐĂNG KÝ SẢN PHẨM THAM GIA ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP", st.title),
        Spacer(1, 2),
        Paragraph(f"Kính gửi: Ủy ban nhân dân {para(data.commune_name)}, "
                  f"{para(data.province_name)}", st.center),
        Spacer(1, 8),
        *heading("I. THÔNG TIN VỀ CHỦ THỂ", st.heading),
        labelled("1. Tên chủ thể", producer.name, st.body, bold_value=True),
        labelled("2. Loại hình tổ chức", producer.kind_label, st.body),
        labelled("3. Mã số doanh nghiệp/hợp tác xã/hộ kinh doanh", producer.registration_number,
                 st.body),
        labelled("4. Địa chỉ trụ sở", producer.address, st.body),
        Paragraph(f"5. Điện thoại: {para(producer.phone) or '…'}"
                  f"&nbsp;&nbsp;&nbsp;&nbsp;Email: {para(producer.email) or '…'}", st.body),
        labelled("6. Người đại diện theo pháp luật", rep.name if rep else "", st.body,
                 bold_value=True),
        Paragraph(f"&nbsp;&nbsp;&nbsp;&nbsp;Giới tính: {para(rep.gender_label) if rep and rep.gender_label else '…'}"
                  f";&nbsp;&nbsp;Dân tộc: {para(rep.ethnicity) if rep and rep.ethnicity else '…'}"
                  f";&nbsp;&nbsp;Chức vụ: {para(rep.position) if rep and rep.position else '…'}",
                  st.body),
        *heading("II. THÔNG TIN VỀ SẢN PHẨM ĐĂNG KÝ", st.heading),
        labelled("1. Tên sản phẩm", data.product_name, st.body, bold_value=True),
    ]
    number = 2
    if data.product_code:
        story.append(labelled(f"{number}. Mã sản phẩm", data.product_code, st.body))
        number += 1
    story += [
        labelled(f"{number}. Ngành", data.group_label, st.body),
        labelled(f"{number + 1}. Nhóm", data.subgroup_label, st.body),
        labelled(f"{number + 2}. Bộ sản phẩm",
                 _set_text(data.product_set_number, data.product_set_name), st.body),
        labelled(f"{number + 3}. Hình thức đánh giá", data.evaluation_kind_label, st.body,
                 bold_value=True),
    ]
    number += 4
    if data.current_star is not None or data.current_certificate_number:
        current = []
        if data.current_star is not None:
            current.append(f"đạt {data.current_star} sao")
        if data.current_certificate_number:
            current.append(f"Giấy chứng nhận số {nfc(data.current_certificate_number)}")
        story.append(labelled(f"{number}. Kết quả đã được công nhận", "; ".join(current),
                              st.body))
        number += 1
    for label, value in (("Địa chỉ sản xuất", data.production_address),
                         ("Công suất/sản lượng hằng năm", data.annual_capacity),
                         ("Thị trường tiêu thụ chính", data.main_markets),
                         ("Câu chuyện sản phẩm", data.product_story)):
        if nfc(value).strip():
            story.append(labelled(f"{number}. {label}", value, st.body))
            number += 1
    if data.attachments:
        story += heading("III. HỒ SƠ KÈM THEO", st.heading)
        story += [p(f"{i}. {item}", st.body) for i, item in enumerate(data.attachments, 1)]
        commit_no = "IV"
    else:
        commit_no = "III"
    story += [
        _closing([p(f"{commit_no}. CAM KẾT", st.heading),
                  p("Chủ thể cam kết các thông tin đã kê khai trong phiếu và hồ sơ kèm theo là "
                    "đúng sự thật; chấp hành các quy định về đánh giá, phân hạng sản phẩm OCOP "
                    "và chịu trách nhiệm trước pháp luật về nội dung đã đăng ký.",
                    st.body_justify)],
                 data.signer_title, data.signer_name,
                 date_line=vn_date_line(data.place_name, data.registered_on),
                 hint=PRODUCER_SIGN_HINT, width=width),
    ]
    return _form_pdf(story, form_no="01",
                     title="Phiếu đăng ký sản phẩm tham gia đánh giá, phân hạng sản phẩm OCOP",
                     author=nfc(producer.name),
                     subject=f"Mẫu số 01 – {nfc(data.product_name)}")


# --- Form 02 ----------------------------------------------------------------------------------

# column widths of the sheet, as shares of the frame width: code, criterion, choice, pts, max
_SHEET_COLS = (0.075, 0.33, 0.435, 0.08, 0.08)


def _sheet_table(parts: Sequence[ScorePart], width: float) -> Table:
    st = styles(BODY_SIZE)
    cell, bold, center, center_bold, note = (st.cell, st.cell_bold, st.cell_center,
                                             st.cell_center_bold, st.cell_note)
    missing = ParagraphStyle("ocop-not-chosen", parent=note, textColor=_RED)
    rows: list[list] = [[p("Mã", center_bold), p("Tiêu chí", center_bold),
                         p("Lựa chọn tự đánh giá và minh chứng", center_bold),
                         p("Điểm", center_bold), p("Tối đa", center_bold)]]
    style: list[tuple] = [("ALIGN", (3, 0), (4, -1), "CENTER")]
    for part in parts:
        r = len(rows)
        rows.append([p(f"PHẦN {part.code}. {nfc(part.label).upper()}", bold), "", "",
                     p(fmt_points(part.total), center_bold),
                     p(fmt_points(part.max_points), center_bold)])
        style += [("SPAN", (0, r), (2, r)), ("BACKGROUND", (0, r), (-1, r), PART_BG)]
        for section in part.sections:
            r = len(rows)
            rows.append([p(section.code, center_bold), p(section.label, bold), "",
                         p(fmt_points(section.total), center_bold),
                         p(fmt_points(section.max_points), center_bold)])
            style += [("SPAN", (1, r), (2, r)), ("BACKGROUND", (0, r), (-1, r), SECTION_BG)]
            for row in section.rows:
                r = len(rows)
                if row.is_heading:
                    rows.append([p(row.code, center), p(row.label, cell), "", "",
                                 p(fmt_points(row.max_points, empty=""), center)])
                    style.append(("SPAN", (1, r), (3, r)))
                    continue
                choice = (p(row.chosen_label, cell) if row.chosen_label is not None
                          else p(NOT_CHOSEN, missing))
                if row.evidence:
                    evidence = [p("Minh chứng:", note)] + [p(f"• {name}", note)
                                                           for name in row.evidence]
                else:
                    evidence = [p(NO_EVIDENCE, missing)]
                rows.append([p(row.code, center), p(row.label, cell),
                             [choice, Spacer(1, 2)] + evidence,
                             p(fmt_points(row.points), center),
                             p(fmt_points(row.max_points, empty=""), center)])
    table = Table(rows, colWidths=[width * s for s in _SHEET_COLS], repeatRows=1,
                  splitByRow=1)
    table.setStyle(grid_style(1, extra=style))
    return table


def _summary_table(data: Form02Data, width: float) -> Table:
    st = styles(BODY_SIZE)
    rows = [[p("Phần", st.cell_center_bold), p("Điểm tự đánh giá", st.cell_center_bold),
             p("Điểm tối đa", st.cell_center_bold)]]
    for part in data.parts:
        rows.append([p(f"Phần {part.code}: {nfc(part.label)}", st.cell),
                     p(fmt_points(part.total), st.cell_center),
                     p(fmt_points(part.max_points), st.cell_center)])
    rows.append([p("TỔNG ĐIỂM", st.cell_bold), p(fmt_points(data.total), st.cell_center_bold),
                 p(fmt_points(data.total_max), st.cell_center_bold)])
    table = Table(rows, colWidths=[width * 0.6, width * 0.2, width * 0.2])
    table.setStyle(grid_style(1, extra=[("BACKGROUND", (0, -1), (-1, -1), SECTION_BG)]))
    return table


def _star_line(star: int | None, width: float) -> Flowable:
    """"Hạng sao dự kiến: 4 sao" followed by the drawn stars."""
    st = styles(BODY_SIZE)
    if star is None:
        return Paragraph("Hạng sao dự kiến: <b>không xếp hạng</b>", st.body)
    label = f"Hạng sao dự kiến: <b>{star} sao</b>"
    plain = f"Hạng sao dự kiến: {star} sao"
    if star < RECOGNISED_FROM:
        label += " (chưa đủ điều kiện công nhận)"
        plain += " (chưa đủ điều kiện công nhận)"
    text_w = min(string_width(plain, BOLD, BODY_SIZE) + 12, width * 0.7)
    table = Table([[Paragraph(label, st.body), StarRow(star, size=13, h_align="LEFT")]],
                  colWidths=[text_w, width - text_w])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def render_form02(data: Form02Data) -> bytes:
    """Form 02, the self-assessment: entity facts, the self-scored sheet with evidence, the
    part subtotals, total, projected star and the minimums that hold it back."""
    st = styles(BODY_SIZE)
    width = _frame_width()
    producer = data.producer
    facts = [
        ("Tên chủ thể", producer.name),
        ("Loại hình tổ chức", producer.kind_label),
        ("Mã số đăng ký", producer.registration_number),
        ("Địa chỉ", producer.address),
        *_representative_rows(producer.representative, facts=True),
        *[(nfc(label), value) for label, value in data.extra_facts],
    ]
    product = [("Tên sản phẩm", data.product_name)]
    if data.product_code:
        product.append(("Mã sản phẩm", data.product_code))
    product += [("Bộ sản phẩm", _set_text(data.product_set_number, data.product_set_name)),
                ("Bộ tiêu chí", f"Ban hành kèm theo {nfc(data.rulebook_label)}")]

    story: list[Flowable] = national_header(11.5)
    story += [
        Spacer(1, 10),
        p("PHIẾU TỰ ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP", st.title),
        Spacer(1, 4),
        *heading("I. THÔNG TIN VỀ CHỦ THỂ", st.heading),
        _kv_table(facts, width, bold_values=("Tên chủ thể", "Người đại diện theo pháp luật")),
        *heading("II. THÔNG TIN VỀ SẢN PHẨM", st.heading),
        _kv_table(product, width, bold_values=("Tên sản phẩm",)),
        *heading("III. TỰ ĐÁNH GIÁ THEO BỘ TIÊU CHÍ", st.heading),
        _sheet_table(data.parts, width),
        *heading("IV. TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ", st.heading),
        KeepTogether([_summary_table(data, width), Spacer(1, 6),
                      _star_line(data.projected_star, width)]),
    ]
    if data.blocking_minimums:
        story.append(p("Các yêu cầu tối thiểu chưa đạt (giữ hạng sao dự kiến):", st.bold))
        story += [p(f"– {text}", st.body) for text in data.blocking_minimums]
    else:
        story.append(p("Các yêu cầu tối thiểu chưa đạt: không có.", st.body))
    if nfc(data.notes).strip():
        story.append(p(data.notes, st.italic))
    story += [
        Spacer(1, 4),
        _closing([p("Chủ thể cam kết kết quả tự đánh giá và các minh chứng kèm theo là đúng "
                    "sự thật.", st.body_justify)],
                 data.signer_title, data.signer_name,
                 date_line=vn_date_line(data.place_name, data.assessed_on),
                 hint=PRODUCER_SIGN_HINT, width=width),
    ]
    return _form_pdf(story, form_no="02", title="Phiếu tự đánh giá, phân hạng sản phẩm OCOP",
                     author=nfc(producer.name),
                     subject=f"Mẫu số 02 – {nfc(data.product_name)}")


# --- Form 03 ----------------------------------------------------------------------------------

def render_form03(data: Form03Data) -> bytes:
    """Form 03, the commune's preliminary check of the dossier."""
    st = styles(BODY_SIZE)
    width = _frame_width()
    producer = data.producer
    number = nfc(data.document_number).strip() or "……"

    story: list[Flowable] = [
        two_column_header([data.authority], width, number=number, size=10.5,
                          date_line=vn_date_line(data.place_name, data.assessed_on)),
        Spacer(1, 12),
        p("PHIẾU ĐÁNH GIÁ SƠ BỘ HỒ SƠ", st.title),
        p("(Cấp xã)", st.subtitle),
        *heading("I. THÔNG TIN CHUNG", st.heading),
        labelled("1. Tên chủ thể", producer.name, st.body, bold_value=True),
        labelled("2. Loại hình tổ chức", producer.kind_label, st.body),
        labelled("3. Địa chỉ", producer.address, st.body),
        labelled("4. Người đại diện theo pháp luật",
                 producer.representative.name if producer.representative else "", st.body),
        labelled("5. Tên sản phẩm", data.product_name, st.body, bold_value=True),
    ]
    n = 6
    if data.product_set_number is not None or data.product_set_name:
        story.append(labelled(f"{n}. Bộ sản phẩm",
                              _set_text(data.product_set_number, data.product_set_name),
                              st.body))
        n += 1
    story.append(labelled(f"{n}. Ngày tiếp nhận hồ sơ", dmy(data.received_on), st.body))

    # II. completeness
    story += heading("II. KIỂM TRA THÀNH PHẦN HỒ SƠ", st.heading)
    rows = [[p("STT", st.cell_center_bold), p("Thành phần hồ sơ", st.cell_center_bold),
             p("Có/Không", st.cell_center_bold), p("Ghi chú", st.cell_center_bold)]]
    absent = ParagraphStyle("ocop-absent", parent=st.cell_center_bold, textColor=_RED)
    for i, line in enumerate(data.checklist, 1):
        rows.append([p(str(i), st.cell_center), p(line.label, st.cell),
                     p("Có", st.cell_center) if line.present else p("Không", absent),
                     p(line.note, st.cell)])
    table = Table(rows, colWidths=[width * 0.08, width * 0.5, width * 0.13, width * 0.29],
                  repeatRows=1)
    table.setStyle(grid_style(1))
    story.append(table)
    missing = sum(1 for line in data.checklist if not line.present)
    story.append(Spacer(1, 3))
    story.append(p("Hồ sơ đầy đủ thành phần." if not missing
                   else f"Hồ sơ thiếu {missing} thành phần.", st.italic))

    # III. local items, without points
    story += heading("III. ĐÁNH GIÁ CÁC NỘI DUNG TẠI ĐỊA PHƯƠNG (không chấm điểm)", st.heading)
    rows = [[p("STT", st.cell_center_bold), p("Nội dung", st.cell_center_bold),
             p("Nhận xét, đánh giá", st.cell_center_bold)]]
    for i, item in enumerate(data.local_items, 1):
        rows.append([p(str(i), st.cell_center), p(item.label, st.cell_bold),
                     p(item.assessment or "…", st.cell)])
    table = Table(rows, colWidths=[width * 0.08, width * 0.3, width * 0.62], repeatRows=1)
    table.setStyle(grid_style(1))
    story.append(table)

    # IV. conclusion
    story += [
        # an official document carries its date line in the header, not above the signature
        _closing([p("IV. KẾT LUẬN VÀ ĐỀ XUẤT", st.heading),
                  p(data.conclusion or "…", st.body_justify),
                  Spacer(1, 2),
                  Paragraph(f"Kết quả: <b>{para(data.result_label)}</b>", st.body)],
                 data.officer_title, data.officer_name, date_line=None, hint=None,
                 width=width),
    ]
    return _form_pdf(story, form_no="03", title="Phiếu đánh giá sơ bộ hồ sơ (cấp xã)",
                     author=data.authority,
                     subject=f"Mẫu số 03 – {nfc(data.product_name)} – {nfc(producer.name)}")
