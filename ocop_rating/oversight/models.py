"""The oversight index and the ministry's central reviews (DOMAIN.md §9).

``OversightEvaluation`` and ``OversightSheet`` are a derived index of the sealed results — one
row per concluded evaluation and one per member's total in it — so that the quality statistics
are SQL aggregates whatever the size of the programme. They hold nothing that is not in a seal
(:class:`~ocop_rating.evaluation.models.SealedResult`, immutable) and are rebuilt from the seals
by ``flask --app ocop_rating ocop oversight rebuild``. ``CentralReview`` is a record: the
ministry selects an evaluation for a central review (thẩm định) and records its outcome,
each step audited."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, db, enum_column, utcnow
from ..i18n import label_once


class OversightEvaluation(db.Model):
    __tablename__ = "oversight_evaluations"

    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), primary_key=True)
    sealed_id: Mapped[int] = mapped_column(ForeignKey("sealed_results.id"), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    # the council's province; NULL for the central council
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    set_no: Mapped[int]
    year: Mapped[int] = mapped_column(index=True)
    concluded_on: Mapped[date]
    n_sheets: Mapped[int]
    # the sum and the sum of squares of the n_sheets members' totals: the agreement and
    # deviation statistics read them here, not grouped from oversight_sheets on every view
    sheets_sum: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default="0")
    sheets_sq: Mapped[Decimal] = mapped_column(Numeric(14, 4), server_default="0")
    mean_total: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    spread: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    star: Mapped[int | None]
    recognised: Mapped[bool]
    # the producer's self-assessed total (Form 02), when the dossier holds claims
    self_total: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    # a central evaluation of a 5★ proposal points at the provincial one
    escalated_from_id: Mapped[int | None] = mapped_column(ForeignKey("evaluations.id"),
                                                          index=True)

    # the national mean of each product set and year, which every province is set against
    __table_args__ = (Index("ix_oversight_evaluations_set_no_year", "set_no", "year"),)


class OversightSheet(db.Model):
    __tablename__ = "oversight_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("oversight_evaluations.evaluation_id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id"), index=True)
    total: Mapped[Decimal] = mapped_column(Numeric(6, 2))

    __table_args__ = (
        UniqueConstraint("evaluation_id", "member_id", name="one_total_per_member"),
        # each member's totals read from the index alone (the members' deviations)
        Index("ix_oversight_sheets_member_id_evaluation_id_total", "member_id",
              "evaluation_id", "total"),
    )


class ReviewOutcome(str, enum.Enum):
    consistent = "consistent"        # the evaluation followed the rules
    minor = "minor"                  # shortcomings to correct in later rounds
    serious = "serious"              # the result is not sound: referred to the province

    @property
    @label_once
    def label(self) -> str:
        return str({ReviewOutcome.consistent: _l("Đúng quy định"),
                    ReviewOutcome.minor: _l("Có thiếu sót cần khắc phục"),
                    ReviewOutcome.serious: _l("Có sai phạm, kiến nghị xử lý")}[self])

    @property
    def badge(self) -> str:
        return {"consistent": "success", "minor": "warning", "serious": "danger"}[self.value]


class CentralReview(db.Model):
    """The ministry's central review (thẩm định) of one evaluation of a locality."""

    __tablename__ = "central_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    selected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                  ondelete="SET NULL"))
    selected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[ReviewOutcome | None] = mapped_column(enum_column(ReviewOutcome))
    findings: Mapped[str] = mapped_column(Text, default="")
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                   ondelete="SET NULL"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    evaluation = relationship("Evaluation")
    selected_by = relationship("User", foreign_keys=[selected_by_id])
    completed_by = relationship("User", foreign_keys=[completed_by_id])

    __table_args__ = (
        CheckConstraint("(outcome IS NULL) = (completed_at IS NULL)", name="outcome_has_time"),
    )

    @property
    def is_open(self) -> bool:
        return self.completed_at is None
