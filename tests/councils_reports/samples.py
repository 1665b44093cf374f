"""A council session with tone-heavy Vietnamese names: 9 members, 3 dossiers, one member
excluded for a conflict of interest, one sheet not submitted, one member absent. The scores are
consistent: every member's criterion points add up to his part subtotals and total, and the
means, spreads and disagreement flags are computed from them as the council would."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from ocop_rating.evaluation.papers import (
    DossierResult,
    ItemScores,
    MemberLine,
    MemberScore,
    MinutesData,
)

CHAIR = "Nguyễn Thị Thuỳ Dương"
SECRETARY = "Lê Thị Ngọc Ánh"
CONFLICTED = "Vũ Minh Quyết"
ABSENT = "Đỗ Khắc Lượng"
# name, role, agency
MEMBERS = (
    (CHAIR, "Chủ tịch Hội đồng", "Ủy ban nhân dân tỉnh Quảng Ninh"),
    ("Trần Quốc Hưởng", "Phó Chủ tịch Hội đồng", "Sở Nông nghiệp và Môi trường"),
    (SECRETARY, "Ủy viên thư ký", "Văn phòng Điều phối nông thôn mới tỉnh"),
    ("Phạm Đức Thắng", "Ủy viên", "Sở Công Thương"),
    ("Hoàng Thị Phương Thảo", "Ủy viên", "Sở Y tế"),
    (CONFLICTED, "Ủy viên", "Sở Khoa học và Công nghệ"),
    ("Đặng Thị Huyền Trâm", "Ủy viên", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Bùi Xuân Trường", "Ủy viên", "Chi cục An toàn vệ sinh thực phẩm"),
    (ABSENT, "Ủy viên", "Hội Nông dân tỉnh Quảng Ninh"),
)
NAMES = tuple(m[0] for m in MEMBERS)

PRODUCT_1 = "Trà hoa vàng Ba Chẽ thượng hạng"
PRODUCER_1 = "Hợp tác xã Nông nghiệp Dịch vụ Tổng hợp Ba Chẽ Xanh"
PRODUCT_2 = "Miến dong Bình Liêu sợi nhỏ đặc sản"
PRODUCER_2 = "Hộ kinh doanh Triệu Thị Sửu"
# forbidden sheet-name characters and longer than 31 characters on purpose
PRODUCT_3 = "Rượu ba kích Đầm Hà [loại đặc biệt]: chai 500 ml/hộp quà*"
PRODUCER_3 = "Công ty TNHH Dược liệu Quảng Ninh Xanh"
CONFLICT_NOTE = f"Xung đột lợi ích, không chấm hồ sơ {PRODUCT_1}"
CONFLICT_REASON = "Xung đột lợi ích (người thân là thành viên hợp tác xã)"

# code, label, part, max — the criteria of a product set of Decision 26/2026, A 40, B 25, C 35
CRITERIA = (
    ("1.1", "Nguồn nguyên liệu", "A", 4), ("1.2", "Gia tăng giá trị", "A", 3),
    ("1.3", "Năng lực sản xuất để đáp ứng yêu cầu phân phối", "A", 3),
    ("1.4", "Liên kết chuỗi trong sản xuất", "A", 3),
    ("1.5", "Bảo vệ môi trường trong quá trình sản xuất", "A", 2),
    ("1.6", "Sử dụng công nghệ theo hướng bền vững trong sản xuất", "A", 2),
    ("2.1", "Nguồn gốc ý tưởng sản phẩm", "A", 2), ("2.2", "Đóng gói, bao bì sản phẩm", "A", 4),
    ("2.3", "Phong cách, ghi nhãn hàng hóa", "A", 3),
    ("2.4", "Ghi nhãn hàng hóa có sử dụng song ngữ (Việt - Anh hoặc ngôn ngữ nước ngoài khác)",
     "A", 1),
    ("3.1", "Loại hình tổ chức sản xuất - kinh doanh", "A", 3),
    ("3.2", ("Đại diện pháp luật của chủ thể là nữ; hoặc đồng bào dân tộc thiểu số; hoặc "
             "người khuyết tật"), "A", 2),
    ("3.3", "Sử dụng lao động địa phương", "A", 2),
    ("3.4", "Tăng trưởng sản xuất kinh doanh", "A", 3), ("3.5", "Sở hữu trí tuệ", "A", 3),
    ("4.1", "Khu vực phân phối chính", "B", 5),
    ("4.2", "Tổ chức phân phối (Gồm: Tổ chức kinh doanh, phân phối sản phẩm)", "B", 5),
    ("4.3", "Quảng bá sản phẩm", "B", 5), ("5.1", "Câu chuyện sản phẩm", "B", 4),
    ("5.2", "Cấu trúc câu chuyện sản phẩm", "B", 3), ("5.3", "Trí tuệ/bản sắc địa phương", "B", 3),
    ("6.1", "Tạp chất lạ", "C", 3), ("6.2", "Màu sắc", "C", 3), ("6.3", "Mùi", "C", 4),
    ("6.4", "Vị", "C", 5),
    ("7", "Tính độc đáo (có nét riêng, khác biệt, tiềm năng thành thương hiệu của địa phương)",
     "C", 5),
    ("8", "Công bố chất lượng sản phẩm", "C", 5), ("9", "Đảm bảo chất lượng sản phẩm", "C", 5),
    ("10", "Cơ hội thị trường toàn cầu", "C", 5),
)
assert sum(c[3] for c in CRITERIA) == 100
HALF = D("0.5")


def q2(value: D) -> D:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def member_points(target: D, shift: int) -> list[D]:
    """Criterion points adding up to ``target``: every maximum, then half-points taken away
    round-robin from a member-specific starting criterion (so members differ a little,
    criterion by criterion, as real sheets do)."""
    points = [D(c[3]) for c in CRITERIA]
    deficit = sum(points) - target
    n = len(CRITERIA)
    k = 0
    while deficit > 0:
        i = (shift + 7 * k) % n
        k += 1
        if points[i] >= HALF:
            points[i] -= HALF
            deficit -= HALF
    assert sum(points) == target
    return points


def disagree(points: list[D], code: str, moved: D) -> list[D]:
    """Take ``moved`` points of one member off criterion ``code`` and give them back on the
    criteria with room: his total stays, the criterion now splits the council."""
    codes = [c[0] for c in CRITERIA]
    i = codes.index(code)
    points = list(points)
    moved = min(moved, points[i])
    points[i] -= moved
    for j in reversed(range(len(CRITERIA))):
        if j == i:
            continue
        step = min(moved, D(CRITERIA[j][3]) - points[j])
        points[j] += step
        moved -= step
    assert moved == 0
    return points


def dossier(*, product, code, producer, set_label, targets, not_scored, star, recognised,
            knockouts=(), minimums_failed=(), proposal, spread_limit=D(10),
            quorum_label="Đủ điều kiện: tối thiểu 3/4 số thành viên, có Chủ tịch Hội đồng"):
    """``targets`` maps member name -> total; ``not_scored`` maps name -> (submitted, reason)."""
    members, sheets = [], []
    for j, (name, role, _) in enumerate(MEMBERS):
        if name in targets:
            pts = member_points(D(targets[name]), shift=5 * j + len(product))
            if j == 3:  # Phạm Đức Thắng judges the packaging and the taste harshly
                pts = disagree(pts, "2.2", D(3))
                pts = disagree(pts, "6.4", D("2.5"))
            parts = tuple((part, sum((pt for pt, c in zip(pts, CRITERIA) if c[2] == part),
                                     D(0))) for part in "ABC")
            members.append(MemberScore(member_name=name, role_label=role, total=sum(pts),
                                       parts=parts, submitted=True, excluded_reason=None))
            sheets.append(pts)
        else:
            submitted, reason = not_scored[name]
            members.append(MemberScore(member_name=name, role_label=role, total=None, parts=(),
                                       submitted=submitted, excluded_reason=reason))
            sheets.append(None)
    counted = [s for s in sheets if s is not None]
    items = []
    for i, (c_code, label, _, max_points) in enumerate(CRITERIA):
        values = [s[i] if s is not None else None for s in sheets]
        given = [v for v in values if v is not None]
        items.append(ItemScores(code=c_code, label=label, max_points=D(max_points),
                                points_by_member=tuple(values),
                                mean=q2(sum(given) / len(given)) if given else None,
                                disagreement=bool(given) and max(given) - min(given) >= 2))
    totals = [m.total for m in members if m.counted]
    part_means = tuple((part, q2(sum(dict(m.parts)[part] for m in members if m.counted)
                                 / len(totals))) for part in "ABC")
    assert len(counted) == len(totals)
    return DossierResult(
        product_name=product, product_code=code, producer_name=producer,
        product_set_label=set_label, rulebook_label="Quyết định 26/2026/QĐ-TTg",
        members=tuple(members), items=tuple(items), mean_total=q2(sum(totals) / len(totals)),
        part_means=part_means, spread=max(totals) - min(totals), spread_limit=spread_limit,
        quorum_label=quorum_label, star=star, recognised=recognised, knockouts=knockouts,
        minimums_failed=minimums_failed, proposal=proposal)


def _targets(values):
    scorers = [n for n in NAMES if n not in (CONFLICTED, ABSENT)]
    if len(values) == 8:
        scorers = [n for n in NAMES if n != ABSENT]
    return dict(zip(scorers, values, strict=True))


ABSENT_REASON = (False, None)  # absent: no sheet


def dossier_1() -> DossierResult:
    return dossier(
        product=PRODUCT_1, code="22-07123-0015-2026", producer=PRODUCER_1,
        set_label="Bộ sản phẩm số 14: Chè và các sản phẩm từ chè",
        targets=_targets(["86", "85", "87.5", "84", "85.5", "86", "84.5"]),  # mean 85,50
        not_scored={CONFLICTED: (False, CONFLICT_REASON), ABSENT: ABSENT_REASON},
        star=4, recognised=True,
        proposal="Đề nghị Chủ tịch UBND tỉnh công nhận sản phẩm đạt 4 sao")


def dossier_2() -> DossierResult:
    return dossier(
        product=PRODUCT_2, code="22-07141-0003-2026", producer=PRODUCER_2,
        set_label="Bộ sản phẩm số 5: Nông sản chế biến",
        targets=_targets(["72", "68.5", "81", "70", "74.5", "69", "71"]),  # 72,29; spread 12,5
        not_scored={CONFLICTED: (False, None), ABSENT: ABSENT_REASON},
        star=3, recognised=True,
        minimums_failed=(("Tiêu chí 8 – Công bố chất lượng sản phẩm: chưa đạt yêu cầu tối "
                          "thiểu của hạng 4 sao"),),
        proposal="Đề nghị công nhận sản phẩm đạt 3 sao; chủ thể hoàn thiện hồ sơ công bố "
                 "chất lượng để nâng hạng")


def dossier_3() -> DossierResult:
    return dossier(
        product=PRODUCT_3, code="22-07156-0021-2026", producer=PRODUCER_3,
        set_label="Bộ sản phẩm số 14: Rượu trắng",
        targets=_targets(["55", "58", "52.5", "60", "57", "56", "54", "59"]),  # 56,44
        not_scored={ABSENT: ABSENT_REASON},
        star=None, recognised=False,
        knockouts=("Nguyên liệu chính không rõ nguồn gốc, xuất xứ",),
        proposal="Không công nhận; trả lại hồ sơ cho chủ thể")


def attendance() -> tuple[MemberLine, ...]:
    lines = []
    for name, role, agency in MEMBERS:
        note = ""
        if name == CONFLICTED:
            note = CONFLICT_NOTE
        if name == ABSENT:
            note = "Đi công tác"
        lines.append(MemberLine(name=name, role_label=role, agency=agency,
                                present=name != ABSENT, note=note))
    return tuple(lines)


def minutes(**changes) -> MinutesData:
    data = MinutesData(
        authority_name="Ủy ban nhân dân tỉnh Quảng Ninh",
        council_name="Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Quảng Ninh",
        council_decision="Quyết định số 125/QĐ-UBND ngày 02/03/2026 của Chủ tịch Ủy ban nhân "
                         "dân tỉnh Quảng Ninh",
        round_name="Đợt 1 năm 2026",
        held_on=date(2026, 3, 7),
        place_name="Quảng Ninh",
        venue="Hội trường tầng 3, Sở Nông nghiệp và Môi trường tỉnh Quảng Ninh",
        chair_name=CHAIR,
        secretary_name=SECRETARY,
        attendance=attendance(),
        dossiers=(dossier_1(), dossier_2(), dossier_3()),
        conclusion="Hội đồng thống nhất đề nghị Chủ tịch Ủy ban nhân dân tỉnh công nhận 02 sản "
                   "phẩm đạt hạng OCOP (01 sản phẩm 4 sao, 01 sản phẩm 3 sao); 01 sản phẩm "
                   "không đủ điều kiện xếp hạng. Giao Văn phòng Điều phối nông thôn mới tỉnh "
                   "hoàn thiện hồ sơ trình công nhận.",
        document_number="12/BB-HĐOCOP",
        quorum_statement="Số thành viên dự họp đạt trên 3/4 tổng số thành viên Hội đồng, có "
                         "Chủ tịch Hội đồng; cuộc họp đủ điều kiện tiến hành.",
    )
    return replace(data, **changes)
