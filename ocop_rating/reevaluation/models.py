"""Re-evaluation before expiry (DOMAIN.md §6): notices to producers, provincial plans, and
post-recognition inspections."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, db, enum_column, utcnow


class NoticeKind(str, enum.Enum):
    """The notices of a certificate's life, each sent at most once (days before expiry)."""

    window_open = "window_open"  # 180 days: the re-evaluation window opens
    reminder_150 = "reminder_150"
    reminder_125 = "reminder_125"
    reminder_30 = "reminder_30"
    expired = "expired"          # on the day after expiry

    @property
    def days_before(self) -> int:
        return NOTICE_DAYS[self]

    @property
    def label(self) -> str:
        return str(NOTICE_LABELS[self])


NOTICE_DAYS = {NoticeKind.window_open: 180, NoticeKind.reminder_150: 150,
               NoticeKind.reminder_125: 125, NoticeKind.reminder_30: 30,
               NoticeKind.expired: 0}
NOTICE_LABELS = {
    NoticeKind.window_open: _l("Mở thời hạn nộp hồ sơ đánh giá lại (trước 180 ngày)"),
    NoticeKind.reminder_150: _l("Nhắc nộp hồ sơ (trước 150 ngày)"),
    NoticeKind.reminder_125: _l("Nhắc nộp hồ sơ lần cuối (trước 125 ngày)"),
    NoticeKind.reminder_30: _l("Sắp hết hiệu lực (trước 30 ngày)"),
    NoticeKind.expired: _l("Giấy chứng nhận đã hết hiệu lực"),
}


class ReevaluationNotice(db.Model):
    """Proof that a producer was told: which notice, to whom, when and how. The unique
    constraint makes sending idempotent even with two daily jobs running at once."""

    __tablename__ = "reevaluation_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_on: Mapped[date]
    recipients: Mapped[list[dict]] = mapped_column(JSON, default=list)  # [{user, email}]
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)     # ["in_app", "email"]

    certificate = relationship("Certificate")

    __table_args__ = (UniqueConstraint("certificate_id", "kind", name="once_per_kind"),)


class ReevaluationPlan(db.Model):
    """A province's plan for the certificates expiring in a period."""

    __tablename__ = "reevaluation_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    period_from: Mapped[date]
    period_to: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                ondelete="SET NULL"))

    entries: Mapped[list[PlanEntry]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanEntry.id")
    province = relationship("Province")


class PlanEntry(db.Model):
    __tablename__ = "plan_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("reevaluation_plans.id",
                                                    ondelete="CASCADE"), index=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)

    plan: Mapped[ReevaluationPlan] = relationship(back_populates="entries")
    certificate = relationship("Certificate")
    round = relationship("Round")

    __table_args__ = (UniqueConstraint("plan_id", "certificate_id", name="once_per_plan"),)


class InspectionKind(str, enum.Enum):
    periodic = "periodic"
    adhoc = "adhoc"

    @property
    def label(self) -> str:
        return str({InspectionKind.periodic: _l("Định kỳ"),
                    InspectionKind.adhoc: _l("Đột xuất")}[self])


class InspectionOutcome(str, enum.Enum):
    compliant = "compliant"          # matches the dossier, mark used correctly
    remedy = "remedy"                # minor issues, to remedy
    violation = "violation"          # grounds for revocation

    @property
    def label(self) -> str:
        return str({InspectionOutcome.compliant: _l("Đạt, phù hợp hồ sơ"),
                    InspectionOutcome.remedy: _l("Có tồn tại, yêu cầu khắc phục"),
                    InspectionOutcome.violation: _l("Vi phạm, đề xuất thu hồi")}[self])


class Inspection(db.Model):
    """Post-recognition inspection (hậu kiểm): scheduled, then its findings recorded."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    kind: Mapped[InspectionKind] = mapped_column(enum_column(InspectionKind))
    scheduled_on: Mapped[date]
    inspector: Mapped[str] = mapped_column(String(255), default="")
    done_on: Mapped[date | None]
    findings: Mapped[str] = mapped_column(Text, default="")
    evidence_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    outcome: Mapped[InspectionOutcome | None] = mapped_column(enum_column(InspectionOutcome))
    proposed_ground: Mapped[str | None] = mapped_column(String(32))  # a RevocationGround value
    # A proposal to revoke counts its 15 days (Decision 26/2026) from the authority's
    # conclusion, or the commune's confirmation that production stopped: its date and who.
    concluded_on: Mapped[date | None]
    concluded_by: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                ondelete="SET NULL"))

    certificate = relationship("Certificate")
    evidence_file = relationship("StoredFile")
