"""The hash chain of the audit trail (issue 11 §1, §2).

Row ``n`` stores ``prev_hash`` (row ``n-1``'s hash, or 64 zeros for the first row) and
``row_hash = sha256(canonical JSON of seq, prev_hash, time, actor, object, action, old, new,
note, data)``. Editing a row changes its hash; deleting or inserting one breaks the link of the
next; deleting the last rows leaves the chain head (``audit_chain_head``) pointing past the end.
The daily anchors, copied outside the database, prove that the past was not rewritten whole.

Appending: the hook below runs before every flush that adds audit rows. It locks the chain head
first — ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite an UPDATE of the head row, which takes
the database's single write lock until the commit — then numbers and hashes the new rows from the
head and moves the head. A second process appending at the same time waits for the first's
commit and continues from its head, so the chain never forks.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from ..db import db, utcnow

GENESIS = "0" * 64
# Off only in the concurrency test's child processes, to show that the test catches a fork.
_serialize = True


def _at(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_hash(*, seq, prev_hash, at, actor_id, object_type, object_id, action, old, new,
                 note, data, province_code=None) -> str:
    """The row's hash. Stable across engines: keys sorted, UTC time to the microsecond."""
    payload = json.dumps(
        {"seq": seq, "prev": prev_hash, "at": _at(at), "actor": actor_id,
         "type": object_type, "id": str(object_id), "action": action, "old": old, "new": new,
         "note": note or "", "data": data, "province": province_code},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def hash_of(event) -> str:
    return content_hash(seq=event.seq, prev_hash=event.prev_hash, at=event.at,
                        actor_id=event.actor_id, object_type=event.object_type,
                        object_id=event.object_id, action=event.action, old=event.old,
                        new=event.new, note=event.note, data=event.data,
                        province_code=event.province_code)


def _lock_head(connection, head_table):
    """The head row, locked for this transaction (created when missing: a new database)."""
    if connection.dialect.name == "sqlite":
        if _serialize:
            # Any write takes SQLite's write lock (waiting for the busy timeout); held until
            # the commit, it makes this transaction the only appender.
            connection.execute(update(head_table).where(head_table.c.id == 1)
                               .values(seq=head_table.c.seq))
        row = connection.execute(select(head_table.c.seq, head_table.c.row_hash)
                                 .where(head_table.c.id == 1)).first()
    else:
        query = select(head_table.c.seq, head_table.c.row_hash).where(head_table.c.id == 1)
        row = connection.execute(query.with_for_update() if _serialize else query).first()
    if row is None:
        from . import AuditEvent

        last = connection.execute(select(AuditEvent.seq, AuditEvent.row_hash)
                                  .order_by(AuditEvent.seq.desc()).limit(1)).first()
        seq, row_hash = (last.seq, last.row_hash) if last else (0, GENESIS)
        values = dict(id=1, seq=seq, row_hash=row_hash, updated_at=utcnow())
        if connection.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert

            # Two first appenders at once: one inserts, the other waits for it and locks it.
            connection.execute(insert(head_table).values(**values)
                               .on_conflict_do_nothing(index_elements=["id"]))
            query = select(head_table.c.seq, head_table.c.row_hash).where(head_table.c.id == 1)
            row = connection.execute(query.with_for_update() if _serialize else query).one()
        else:
            connection.execute(head_table.insert().values(**values))
            return seq, row_hash
    return row.seq, row.row_hash


@event.listens_for(Session, "before_flush")
def _chain_new_events(session, flush_context, instances):
    from . import AuditChainHead, AuditEvent

    new = [o for o in session.new if isinstance(o, AuditEvent) and o.seq is None]
    if not new:
        return
    new.sort(key=lambda e: getattr(e, "_chain_order", 0))
    head_table = AuditChainHead.__table__
    connection = session.connection()
    seq, prev = _lock_head(connection, head_table)
    for event_ in new:
        if event_.at is None:
            event_.at = utcnow()
        if event_.note is None:
            event_.note = ""
        seq += 1
        event_.seq = seq
        event_.prev_hash = prev
        event_.row_hash = prev = hash_of(event_)
    connection.execute(update(head_table).where(head_table.c.id == 1)
                       .values(seq=seq, row_hash=prev, updated_at=utcnow()))


# -- verification -----------------------------------------------------------------------------

@dataclass
class Problem:
    seq: int | None
    row_id: int | None
    kind: str      # edited | inserted_or_reordered | deleted | head | anchor | seal
    message: str


@dataclass
class Report:
    rows: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    first_at: datetime | None = None
    last_at: datetime | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(*, batch: int = 2000) -> Report:
    """Walk the whole chain in ``seq`` order; the first break is reported (what follows a
    break cannot be trusted either, but is still checked for edits of its own)."""
    from . import AuditChainHead, AuditEvent

    report = Report()
    expected_prev, expected_seq, previous = GENESIS, 1, None
    last_seq = None
    while True:
        query = select(AuditEvent).order_by(AuditEvent.seq).limit(batch)
        if last_seq is not None:
            query = query.where(AuditEvent.seq > last_seq)
        rows = db.session.scalars(query).all()
        if not rows:
            break
        for row in rows:
            report.rows += 1
            report.first_at = report.first_at or row.at
            report.last_at = row.at
            if hash_of(row) != row.row_hash:
                report.problems.append(Problem(
                    row.seq, row.id, "edited",
                    f"row seq={row.seq} (id {row.id}, {row.object_type} {row.object_id} "
                    f"{row.action}) was edited: its content no longer matches its hash"))
            if row.prev_hash != expected_prev:
                if row.seq > expected_seq:
                    report.problems.append(Problem(
                        row.seq, row.id, "deleted",
                        f"rows seq={expected_seq}..{row.seq - 1} before row seq={row.seq} "
                        f"(id {row.id}) were deleted"))
                else:
                    report.problems.append(Problem(
                        row.seq, row.id, "inserted_or_reordered",
                        f"row seq={row.seq} (id {row.id}) does not follow the row before it: "
                        "a row was inserted, or the row before it was rewritten"))
            elif row.seq != expected_seq:
                report.problems.append(Problem(
                    row.seq, row.id, "inserted_or_reordered",
                    f"row seq={row.seq} (id {row.id}) is out of place (expected "
                    f"seq={expected_seq})"))
            expected_prev, expected_seq, previous = row.row_hash, row.seq + 1, row
            last_seq = row.seq
        db.session.expunge_all()
        if len(rows) < batch:
            break
    report.head_seq = previous.seq if previous else 0
    report.head_hash = previous.row_hash if previous else GENESIS
    head = db.session.get(AuditChainHead, 1)
    if head is None:
        if previous is not None:
            report.problems.append(Problem(None, None, "head", "the chain head row is missing"))
    elif (head.seq, head.row_hash) != (report.head_seq, report.head_hash):
        if head.seq > report.head_seq:
            message = (f"rows after seq={report.head_seq} were deleted: the chain head is at "
                       f"seq={head.seq}")
        else:
            message = (f"rows after seq={head.seq} were added outside the application, or the "
                       f"chain head was rewritten (head seq={head.seq}, last row "
                       f"seq={report.head_seq})")
        report.problems.append(Problem(head.seq, None, "head", message))
    return report


ANCHOR_LINE = re.compile(r"seq=(\d+)\s+sha256=([0-9a-f]{64})")


def parse_anchors(text: str) -> list[tuple[int, str, str]]:
    """``(seq, hash, line)`` for every anchor line (the format ``audit head`` prints)."""
    found = []
    for line in text.splitlines():
        match = ANCHOR_LINE.search(line)
        if match:
            found.append((int(match.group(1)), match.group(2), line.strip()))
    return found


def verify_anchors(anchors: list[tuple[int, str, str]]) -> list[Problem]:
    """Each saved head must still be the hash of the row at its place."""
    from . import AuditEvent

    problems = []
    for seq, expected, line in anchors:
        if seq == 0:
            continue
        row = db.session.scalar(select(AuditEvent).filter_by(seq=seq))
        if row is None:
            problems.append(Problem(seq, None, "anchor",
                                    f"anchor {line!r}: row seq={seq} no longer exists"))
        elif row.row_hash != expected:
            problems.append(Problem(seq, row.id, "anchor",
                                    f"anchor {line!r}: row seq={seq} now has hash "
                                    f"{row.row_hash}: the chain up to it was rewritten"))
    return problems


def head_line(on=None) -> str:
    """The current chain head as one line, e.g. to paste in a signed letter."""
    from . import AuditChainHead, AuditEvent

    head = db.session.get(AuditChainHead, 1)
    seq, row_hash = (head.seq, head.row_hash) if head else (0, GENESIS)
    if head is None:
        last = db.session.execute(select(AuditEvent.seq, AuditEvent.row_hash)
                                  .order_by(AuditEvent.seq.desc()).limit(1)).first()
        if last:
            seq, row_hash = last
    label = on.isoformat() if on else utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{label}  seq={seq}  sha256={row_hash}"


def record_anchor(on) -> tuple[object, str, bool]:
    """Record the chain head of day ``on`` (the daily job): a row in ``audit_anchors``, kept
    as the first one of the day when run twice. Returns (anchor, line, created)."""
    from . import AuditAnchor, AuditChainHead

    from sqlalchemy.exc import IntegrityError

    anchor = db.session.get(AuditAnchor, on)
    created = anchor is None
    if anchor is None:
        head = db.session.get(AuditChainHead, 1)
        try:
            with db.session.begin_nested():  # another server may record the same day
                anchor = AuditAnchor(on=on, seq=head.seq if head else 0,
                                     row_hash=head.row_hash if head else GENESIS)
                db.session.add(anchor)
        except IntegrityError:
            anchor, created = db.session.get(AuditAnchor, on), False
    return anchor, f"{on.isoformat()}  seq={anchor.seq}  sha256={anchor.row_hash}", created


def anchor_file():
    from pathlib import Path

    from flask import current_app

    return Path(current_app.config.get("AUDIT_ANCHOR_FILE")
                or Path(current_app.instance_path) / "audit-heads.txt")


def save_anchor(on) -> str:
    """The daily job's anchor: recorded in the database and appended to the anchor file
    (outside the database; copy it off the server). Returns the line."""
    anchor, line, created = record_anchor(on)
    db.session.commit()
    if created:
        path = anchor_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
    return line
