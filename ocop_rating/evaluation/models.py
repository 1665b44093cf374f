"""Scoring and results of one evaluation: the members' score sheets (phiếu chấm), their
entries, and the sealed result the council concluded (DOMAIN.md §3–4).

This feature sits above ``councils`` (councils, rounds, evaluations, conflicts): it imports
from there, never the other way round."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..councils.models import CouncilMember, Evaluation
from ..db import UTCDateTime, db, enum_column, utcnow
from ..i18n import label_once


class SheetStatus(str, enum.Enum):
    draft = "draft"
    submitted = "submitted"

    @property
    @label_once
    def label(self) -> str:
        return str({SheetStatus.draft: _l("Đang chấm"),
                    SheetStatus.submitted: _l("Đã nộp")}[self])


class ScoreSheet(db.Model):
    """One member's scoring sheet for one evaluation. ``version`` is the optimistic lock:
    every save, submit and reopen bumps it, and a write based on an older version is refused
    (two tabs, two devices, a submit racing a reopen)."""

    __tablename__ = "score_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id"), index=True)
    rulebook_code: Mapped[str] = mapped_column(String(32))
    set_no: Mapped[int]
    status: Mapped[SheetStatus] = mapped_column(enum_column(SheetStatus),
                                                default=SheetStatus.draft)
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    knockouts: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    evaluation: Mapped[Evaluation] = relationship(back_populates="sheets")
    member: Mapped[CouncilMember] = relationship()
    entries: Mapped[list[ScoreEntry]] = relationship(
        back_populates="sheet", cascade="all, delete-orphan", order_by="ScoreEntry.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("evaluation_id", "member_id", name="one_sheet_per_member"),
        CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL)",
                        name="submitted_has_time"),
    )

    def entries_by_code(self) -> dict[str, ScoreEntry]:
        return {e.item_code: e for e in self.entries}


class ScoreEntry(db.Model):
    __tablename__ = "score_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheets.id", ondelete="CASCADE"))
    item_code: Mapped[str] = mapped_column(String(16))
    option_index: Mapped[int | None]
    case_key: Mapped[str | None] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sheet: Mapped[ScoreSheet] = relationship(back_populates="entries")

    __table_args__ = (UniqueConstraint("sheet_id", "item_code", name="one_entry_per_item"),)


class Rescore(db.Model):
    """One pass of the discussion loop after the scores were revealed (the spread is too wide,
    or members disagree): the chair names the items and the reason, the named members' sheets
    reopen for those items only, and the scores before the pass are kept here (and printed in
    the minutes beside the new ones)."""

    __tablename__ = "rescores"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    seq: Mapped[int]
    items: Mapped[list[str]] = mapped_column(JSON, default=list)
    member_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text)
    # {member id: {"total": "88.5", "choices": {code: [option, case]}}} before the pass
    previous: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    evaluation: Mapped[Evaluation] = relationship()

    __table_args__ = (UniqueConstraint("evaluation_id", "seq", name="one_seq_per_evaluation"),)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SealedResult(db.Model):
    """The council's result on one evaluation, sealed when it concludes: each member's choices
    and total, the mean, band, star, minimums and stops, the rulebook version and the pinned
    rules, in ``snapshot``; ``content_hash`` is the SHA-256 of its canonical JSON. Written once,
    never updated (pages, PDFs and the API show it; recomputation from the rows is a check)."""

    __tablename__ = "sealed_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), unique=True)
    rulebook_code: Mapped[str] = mapped_column(String(32))
    set_no: Mapped[int]
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    mean_total: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    star: Mapped[int | None]
    recognised: Mapped[bool]
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sealed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    evaluation: Mapped[Evaluation] = relationship()

    __table_args__ = (
        CheckConstraint("length(content_hash) = 64", name="hash_is_sha256"),
        CheckConstraint("NOT recognised OR star >= 3", name="recognised_has_star"),
    )
