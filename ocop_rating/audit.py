"""The audit trail: one row per state change, written in the same commit as the change."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .db import UTCDateTime, db, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    old: Mapped[str | None] = mapped_column(String(255))
    new: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)


def _plain(value):
    return None if value is None else str(getattr(value, "value", value))


def record(obj, action: str, *, actor, old=None, new=None, note: str = "",
           data: dict | None = None) -> AuditEvent:
    """Add an audit row for ``obj`` to the session (the caller's commit writes it)."""
    if getattr(obj, "id", 0) is None:
        db.session.flush()
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        object_type=getattr(obj, "__tablename__", type(obj).__name__),
        object_id=str(obj.id if hasattr(obj, "id") else obj.code),
        action=action,
        old=_plain(old),
        new=_plain(new),
        note=note or "",
        data=data,
    )
    db.session.add(event)
    return event


def history(obj) -> list[AuditEvent]:
    """Every audit row of ``obj``, oldest first."""
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .filter_by(object_type=obj.__tablename__, object_id=str(obj.id))
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )


def timeline(obj) -> list[tuple[AuditEvent, str]]:
    """``history(obj)`` with each actor's name, in one query."""
    from .accounts.models import User

    rows = db.session.execute(
        db.select(AuditEvent, User.full_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .filter(AuditEvent.object_type == obj.__tablename__,
                AuditEvent.object_id == str(obj.id))
        .order_by(AuditEvent.at, AuditEvent.id))
    return [(event, name or "") for event, name in rows]


def condensed_timeline(obj) -> list[dict]:
    """The timeline for people: consecutive routine edits by the same person (e.g. twenty
    evidence uploads) become one line with a count; status changes always stand alone."""
    lines: list[dict] = []
    for event, actor in timeline(obj):
        last = lines[-1] if lines else None
        if (last and event.action != "status" and last["action"] == event.action
                and last["actor"] == actor and not event.note):
            last["count"] += 1
            last["at"] = event.at
            continue
        lines.append({"at": event.at, "actor": actor, "action": event.action, "old": event.old,
                      "new": event.new, "note": event.note, "count": 1})
    return lines
