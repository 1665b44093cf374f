"""What the commune checks for completeness (Form 03) and the four local items it assesses
without points (Decision 26/2026, DOMAIN.md §5.2). Data, so a province can adapt it."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# Product groups I (food) and II (beverages) need the food-safety eligibility certificate;
# III.1 (functional food, medicines) too. Sets by the rulebook classification of 26/2026.
FOOD_SAFETY_SETS = frozenset(range(1, 19))
TOURISM_SET = 26


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: object
    sets: frozenset[int] | None = None  # None: every set

    def applies(self, set_no: int) -> bool:
        return self.sets is None or set_no in self.sets


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("form01", _l("Phiếu đăng ký sản phẩm (Mẫu 01)")),
    ChecklistItem("form02", _l("Phiếu tự đánh giá, phân hạng sản phẩm (Mẫu 02) có minh chứng")),
    ChecklistItem("registration", _l("Giấy đăng ký kinh doanh / đăng ký hợp tác xã (bản sao)")),
    ChecklistItem("food_safety", _l("Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"),
                  FOOD_SAFETY_SETS),
    ChecklistItem("declaration", _l("Bản tự công bố / công bố chất lượng sản phẩm"),
                  frozenset(range(1, 26))),
    ChecklistItem("label", _l("Nhãn, bao bì sản phẩm"), frozenset(range(1, 26))),
    ChecklistItem("samples", _l("05 mẫu sản phẩm"), frozenset(range(1, 26))),
    ChecklistItem("tourism_plan", _l("Hồ sơ dịch vụ du lịch (điểm, tuyến, dịch vụ)"),
                  frozenset({TOURISM_SET})),
)

# The papers of the checklist the producer uploads with Form 01 (the commune then checks
# them in Form 03 without asking for paper copies).
FORM01_DOCUMENTS = ("registration", "food_safety")

LOCAL_ITEMS = (
    ("origin_assessment", _l("Nguồn gốc sản phẩm và nguyên liệu địa phương")),
    ("labour_assessment", _l("Sử dụng lao động địa phương")),
    ("idea_assessment", _l("Nguồn gốc ý tưởng sản phẩm")),
    ("identity_assessment", _l("Tính đặc trưng, bản sắc địa phương")),
)


def checklist_for(set_no: int) -> list[ChecklistItem]:
    return [item for item in CHECKLIST if item.applies(set_no)]
