"""The audit trail: one row per state change, written in the same commit as the change.

Every row is chained (issue 11): it carries its place ``seq``, the hash of the row before it and
the hash of its own content, assigned at flush time while the chain head is locked (see
``chain.py``), so ``flask ocop audit verify`` finds any row edited, inserted or deleted."""
from __future__ import annotations

import itertools
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .. import immutability  # noqa: F401  (registers the SQLite guard function)
from ..db import UTCDateTime, db, utcnow


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
    # The province the object belongs to (None: national), for the provinces' search.
    province_code: Mapped[str | None] = mapped_column(String(2), index=True)
    # The chain (chain.py): the row's place, the previous row's hash, this row's hash.
    seq: Mapped[int] = mapped_column(unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),
                      Index("ix_audit_events_at", "at"))


class AuditChainHead(db.Model):
    """One row: the last ``seq`` and ``row_hash`` of the chain. Appends lock it, so several
    server processes append one after another."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    row_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditAnchor(db.Model):
    """The chain head recorded by the daily job, one per day (also written to the anchor
    file outside the database, to be copied into a signed letter or an external log)."""

    __tablename__ = "audit_anchors"

    on: Mapped[date] = mapped_column(primary_key=True)
    seq: Mapped[int]
    row_hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


_order = itertools.count()


def _json_safe(data):
    """The data as it will read back from the JSON column (the hash is of what is stored)."""
    import json

    return None if data is None else json.loads(json.dumps(data, default=str))


def province_of(obj, depth: int = 0) -> str | None:
    """The province whose office may read this object's history (None: national)."""
    value = getattr(obj, "province_code", None)
    if value:
        return value
    if depth < 3:
        for name in ("dossier", "evaluation", "certificate", "council", "producer"):
            related = getattr(obj, name, None)
            if related is not None and hasattr(related, "__tablename__"):
                return province_of(related, depth + 1)
    return None


def _plain(value):
    return None if value is None else str(getattr(value, "value", value))


def record(obj, action: str, *, actor, old=None, new=None, note: str = "",
           data: dict | None = None) -> AuditEvent:
    """Add an audit row for ``obj`` to the session (the caller's commit writes it)."""
    if getattr(obj, "id", 0) is None:
        db.session.flush()
    from .seals import seal_for

    seal = seal_for(obj, action)
    if seal is not None:
        data = {**(data or {}), "seal": seal}
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        object_type=getattr(obj, "__tablename__", type(obj).__name__),
        object_id=str(obj.id if hasattr(obj, "id") else obj.code),
        action=action,
        old=_plain(old),
        new=_plain(new),
        note=note or "",
        data=_json_safe(data),
        province_code=province_of(obj),
        at=utcnow(),
    )
    event._chain_order = next(_order)
    db.session.add(event)
    return event


def record_read(obj, action: str, *, data: dict | None = None) -> None:
    """Record that the current user read something confidential (an evidence file, the
    revealed scores). Reads happen on GET requests, which commit nothing else: this is the
    one audit call that commits, so the read is in the chain even though the view writes
    nothing."""
    from flask_login import current_user

    if not getattr(current_user, "is_authenticated", False):
        return
    record(obj, action, actor=current_user, data=data)
    db.session.commit()


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
    from ..accounts.models import User

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


from . import chain  # noqa: E402,F401  (the flush hook that chains new rows)
