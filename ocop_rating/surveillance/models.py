"""Market surveillance (issue 16): the public's reports of suspected fakes and misused marks,
checks at points of sale and online shops, and the public showcase of certified products.

A report belongs to the authority that recognised the product (the province, or the ministry
for its 5★ certificates); a check in trade is one post-recognition inspection
(``reevaluation.Inspection``) with the facts of the outlet alongside, so its findings follow
the one inspection → revocation path."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..certificates.models import AuthorityLevel, can_act_for
from ..db import UTCDateTime, db, enum_column, utcnow


class ReportKind(str, enum.Enum):
    counterfeit = "counterfeit"   # a fake bearing the OCOP name or mark
    mark_misuse = "mark_misuse"   # the mark on a product not (or no longer) certified at it
    mismatch = "mismatch"         # the product no longer matches its certificate

    @property
    def label(self) -> str:
        return str(REPORT_KIND_LABELS[self])


REPORT_KIND_LABELS = {
    ReportKind.counterfeit: _l("Nghi hàng giả, hàng nhái sản phẩm OCOP"),
    ReportKind.mark_misuse: _l("Sử dụng sai biểu trưng, tem OCOP"),
    ReportKind.mismatch: _l("Sản phẩm không còn đúng như giấy chứng nhận"),
}


class ReportStatus(str, enum.Enum):
    received = "received"
    assigned = "assigned"
    inspecting = "inspecting"
    closed = "closed"

    @property
    def label(self) -> str:
        return str(REPORT_STATUS_LABELS[self])

    @property
    def badge(self) -> str:
        return {"received": "warning", "assigned": "info", "inspecting": "primary",
                "closed": "secondary"}[self.value]


REPORT_STATUS_LABELS = {
    ReportStatus.received: _l("Đã tiếp nhận"),
    ReportStatus.assigned: _l("Đã phân công xử lý"),
    ReportStatus.inspecting: _l("Đang kiểm tra"),
    ReportStatus.closed: _l("Đã kết thúc xử lý"),
}


class ReportOutcome(str, enum.Enum):
    confirmed = "confirmed"     # violation found and handled (inspection, revocation …)
    remedied = "remedied"       # minor issue, the producer was asked to remedy
    unfounded = "unfounded"     # checked, nothing wrong
    referred = "referred"       # outside the OCOP office's remit (market management …)
    duplicate = "duplicate"     # the same case as another report

    @property
    def label(self) -> str:
        return str(REPORT_OUTCOME_LABELS[self])


REPORT_OUTCOME_LABELS = {
    ReportOutcome.confirmed: _l("Có vi phạm, đã xử lý"),
    ReportOutcome.remedied: _l("Có tồn tại, đã yêu cầu khắc phục"),
    ReportOutcome.unfounded: _l("Không phát hiện vi phạm"),
    ReportOutcome.referred: _l("Đã chuyển cơ quan có thẩm quyền (quản lý thị trường…)"),
    ReportOutcome.duplicate: _l("Trùng với phản ánh khác"),
}


class MarketReport(db.Model):
    """A report from anyone, no account needed. ``contact`` is personal data: it is shown
    to the office that handles the report, never on the public tracking page."""

    __tablename__ = "market_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # the tracking code
    kind: Mapped[ReportKind] = mapped_column(enum_column(ReportKind))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"),
                                                       index=True)
    product_text: Mapped[str] = mapped_column(String(255), default="")
    authority_level: Mapped[AuthorityLevel] = mapped_column(enum_column(AuthorityLevel))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"), index=True)
    description: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(500))
    seen_on: Mapped[date]
    contact: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus),
                                                 default=ReportStatus.received)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"),
                                                      index=True)
    outcome: Mapped[ReportOutcome | None] = mapped_column(enum_column(ReportOutcome))
    public_summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    certificate = relationship("Certificate")
    province = relationship("Province")
    assignee = relationship("User")
    inspection = relationship("Inspection")
    photos: Mapped[list[SurveillancePhoto]] = relationship(
        cascade="all, delete-orphan", order_by="SurveillancePhoto.id",
        primaryjoin="MarketReport.id == SurveillancePhoto.report_id")

    __table_args__ = (
        CheckConstraint("(authority_level = 'ministry') = (province_code IS NULL)",
                        name="ministry_has_no_province"),
        CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)",
                        name="closed_has_time"),
        CheckConstraint("(status = 'closed') = (outcome IS NOT NULL)",
                        name="closed_has_outcome"),
    )

    @property
    def display_code(self) -> str:
        return display_code(self.code)

    @property
    def is_open(self) -> bool:
        return self.status != ReportStatus.closed

    def can_manage(self, user) -> bool:
        """The office of the authority that recognised the product."""
        return can_act_for(user, self.authority_level, self.province_code)


def display_code(code: str) -> str:
    """"7KQ2M9XP3HTR" -> "BC-7KQ2-M9XP-3HTR" (read aloud or copied from a phone)."""
    return "BC-" + "-".join(code[i:i + 4] for i in range(0, len(code), 4))


class OutletKind(str, enum.Enum):
    shop = "shop"                # a shop, a showroom, the producer's own outlet
    market = "market"            # a market stall, a fair
    supermarket = "supermarket"
    online = "online"            # a web shop, a marketplace, a social-network page

    @property
    def label(self) -> str:
        return str(OUTLET_LABELS[self])


OUTLET_LABELS = {
    OutletKind.shop: _l("Cửa hàng"),
    OutletKind.market: _l("Chợ, hội chợ"),
    OutletKind.supermarket: _l("Siêu thị"),
    OutletKind.online: _l("Bán hàng trực tuyến"),
}


class MarkUse(str, enum.Enum):
    correct = "correct"
    missing = "missing"
    wrong = "wrong"        # wrong star, on another product, after expiry or revocation

    @property
    def label(self) -> str:
        return str({MarkUse.correct: _l("Đúng quy định"), MarkUse.missing: _l("Không có"),
                    MarkUse.wrong: _l("Sai quy định")}[self])


class StampUse(str, enum.Enum):
    """The OCOP stamp on the packs (its own type: one CHECK constraint name per column)."""

    correct = "correct"
    missing = "missing"
    wrong = "wrong"

    @property
    def label(self) -> str:
        return MarkUse(self.value).label


class TradeCheck(db.Model):
    """A check at a point of sale or an online shop. Its date, findings and outcome are
    those of its inspection (``inspection_id``): a violation found here proposes a
    revocation exactly like any other post-recognition inspection."""

    __tablename__ = "trade_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), unique=True)
    outlet_kind: Mapped[OutletKind] = mapped_column(enum_column(OutletKind))
    outlet_name: Mapped[str] = mapped_column(String(255))
    outlet_address: Mapped[str] = mapped_column(String(500))  # address, or the shop's link
    stamp_use: Mapped[StampUse] = mapped_column(enum_column(StampUse))  # OCOP stamp on packs
    mark_use: Mapped[MarkUse] = mapped_column(enum_column(MarkUse))   # the OCOP logo, star
    price_vnd: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                ondelete="SET NULL"))

    inspection = relationship("Inspection")
    photos: Mapped[list[SurveillancePhoto]] = relationship(
        cascade="all, delete-orphan", order_by="SurveillancePhoto.id",
        primaryjoin="TradeCheck.id == SurveillancePhoto.trade_check_id")

    __table_args__ = (CheckConstraint("price_vnd IS NULL OR price_vnd >= 0",
                                      name="price_not_negative"),)

    @property
    def certificate(self):
        return self.inspection.certificate


class SurveillancePhoto(db.Model):
    """A photo of a report or of a check in trade (content-checked JPEG or PNG)."""

    __tablename__ = "surveillance_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("market_reports.id", ondelete="CASCADE"), index=True)
    trade_check_id: Mapped[int | None] = mapped_column(
        ForeignKey("trade_checks.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))

    file = relationship("StoredFile")

    __table_args__ = (CheckConstraint("(report_id IS NULL) <> (trade_check_id IS NULL)",
                                      name="one_owner"),)


class SalesPoint(db.Model):
    """Where a certified product is sold, kept up to date by its producer (showcase)."""

    __tablename__ = "sales_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[OutletKind] = mapped_column(enum_column(OutletKind))
    name: Mapped[str] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(String(500), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("address <> '' OR url <> ''", name="has_place"),)


class ShowcaseHide(db.Model):
    """A product the authority took out of the showcase (a misleading entry); the
    certificate itself is untouched and stays in the registry."""

    __tablename__ = "showcase_hides"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    hidden_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                               ondelete="SET NULL"))
