"""Scoring and results of one evaluation: the members' score sheets (phiếu chấm), their
entries, and the sealed result the council concluded (DOMAIN.md §3–4).

This feature sits above ``councils`` (councils, rounds, evaluations, conflicts): it imports
from there, never the other way round."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..councils.models import CouncilMember, Evaluation
from ..db import UTCDateTime, db, enum_column, utcnow


class SheetStatus(str, enum.Enum):
    draft = "draft"
    submitted = "submitted"

    @property
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
