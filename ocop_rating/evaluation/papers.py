"""The council's session papers as plain data: the minutes (biên bản họp hội đồng) and the
compiled score table (bảng tổng hợp điểm), filled by ``evaluation.minutes`` from the sealed
result and rendered by ``evaluation.pdf`` (PDF) and ``evaluation.xlsx`` (XLSX).

Frozen, keyword-only dataclasses of plain values with labels already in Vietnamese; nothing
here imports Flask or the database, and nothing is decided here.
"""
from __future__ import annotations

from collections.abc import Sequence  # noqa: F401
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape

from ocop_rating.pdf import nfc

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
DRAFT_MARK = "DỰ THẢO — chưa kết luận"
DRAFT_NOTE = ("Dự thảo để Hội đồng xem xét: chưa có giá trị pháp lý, không ký; "
              "kết quả chỉ được ghi khi Hội đồng đã kết luận.")
NOT_CONCLUDED = "chưa kết luận"

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
    # False: the dossier has no sealed result yet; the papers print "chưa kết luận" and no
    # star (issue 10 §8).
    concluded: bool = True
    stops: tuple[str, ...] = ()          # automatic stops met by the sheets, as printed
    rescores: tuple[str, ...] = ()       # the discussion-loop passes, earlier totals included
    rules_label: str = ""                # the pinned rules the result was concluded under

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
    # A draft (the round is not concluded): marked "DỰ THẢO — chưa kết luận", no signatures.
    is_draft: bool = False

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
