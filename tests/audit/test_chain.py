"""The hash chain: verify finds edits, insertions and deletions; appends from several
processes at once keep it whole; the daily anchors prove the past (issue 11 §1, §2)."""
from __future__ import annotations

import multiprocessing
from datetime import date

from sqlalchemy import text

from ocop_rating import audit
from ocop_rating.audit import AuditEvent, chain
from ocop_rating.immutability import maintenance
from tests.audit.workers import Thing, append_events
from tests.factories import make_user


def _events(db, n=5):
    user = make_user()
    for i in range(n):
        audit.record(Thing(i), "tick", actor=user, old=str(i), new=str(i + 1),
                     note="ghi chú", data={"n": i, "tên": "Hạ Long"})
    db.session.commit()
    rows = list(db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq)))
    for row in rows:  # keep the values: tampering expires the objects
        db.session.expunge(row)
    return rows


def test_rows_are_chained_in_order(db):
    rows = _events(db)
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == chain.GENESIS
    for before, after in zip(rows, rows[1:]):
        assert after.prev_hash == before.row_hash
    for row in rows:
        assert chain.hash_of(row) == row.row_hash


def test_verify_prints_a_summary_and_exits_0_when_intact(db, cli):
    rows = _events(db)
    result = cli("ocop", "audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"Audit chain intact: {len(rows)} rows" in result.output
    assert f"seq={rows[-1].seq}  sha256={rows[-1].row_hash}" in result.output


def _tamper(db, sql: str, **params) -> None:
    """What an attacker with SQL access does, past the triggers (maintenance lets it through:
    the same as dropping them)."""
    with maintenance():
        db.session.execute(text(sql), params)
    db.session.commit()


def test_an_edited_row_is_reported_with_its_place(db, cli):
    rows = _events(db)
    _tamper(db, "UPDATE audit_events SET new = '999' WHERE seq = :s", s=rows[2].seq)
    result = cli("ocop", "audit", "verify")
    assert result.exit_code == 1
    assert f"row seq={rows[2].seq} (id {rows[2].id}" in result.output
    assert "was edited" in result.output


def test_a_rewritten_row_with_a_recomputed_hash_breaks_the_next_link(db, cli):
    rows = _events(db)
    row = rows[1]
    forged = chain.content_hash(seq=row.seq, prev_hash=row.prev_hash, at=row.at,
                                actor_id=row.actor_id, object_type=row.object_type,
                                object_id=row.object_id, action=row.action, old=row.old,
                                new="forged", note=row.note, data=row.data)
    _tamper(db, "UPDATE audit_events SET new = 'forged', row_hash = :h WHERE seq = :s",
            h=forged, s=row.seq)
    result = cli("ocop", "audit", "verify")
    assert result.exit_code == 1
    assert f"row seq={rows[2].seq} (id {rows[2].id}) does not follow" in result.output


def test_a_deleted_row_is_reported(db, cli):
    rows = _events(db)
    _tamper(db, "DELETE FROM audit_events WHERE seq = :s", s=rows[3].seq)
    result = cli("ocop", "audit", "verify")
    assert result.exit_code == 1
    assert f"rows seq={rows[3].seq}..{rows[3].seq} before row seq={rows[4].seq}" \
        in result.output


def test_deleting_the_last_rows_is_reported_by_the_head(db, cli):
    rows = _events(db)
    _tamper(db, "DELETE FROM audit_events WHERE seq >= :s", s=rows[3].seq)
    result = cli("ocop", "audit", "verify")
    assert result.exit_code == 1
    assert f"rows after seq={rows[2].seq} were deleted" in result.output


def test_an_inserted_row_is_reported(db, cli):
    rows = _events(db)
    # Room for a row: move the tail one place on, then slip a forged row into the gap.
    _tamper(db, "UPDATE audit_events SET seq = seq + 100 WHERE seq > :s", s=rows[1].seq)
    _tamper(db, "INSERT INTO audit_events (at, object_type, object_id, action, note, seq, "
                "prev_hash, row_hash) VALUES (:at, 'things', '1', 'forged', '', :seq, :p, :h)",
            at=rows[1].at.replace(tzinfo=None), seq=rows[1].seq + 1, p=rows[1].row_hash,
            h="f" * 64)
    result = cli("ocop", "audit", "verify")
    assert result.exit_code == 1
    assert f"row seq={rows[1].seq + 1}" in result.output


def _run_appenders(database_url, tmp_path, *, serialize: bool, workers=4, count=25):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(workers)
    results = ctx.Queue()
    race = tmp_path / "race"
    procs = [ctx.Process(target=append_events,
                         args=(database_url, str(tmp_path / f"w{i}"), barrier, results, i,
                               count, serialize, str(race), workers))
             for i in range(workers)]
    for p in procs:
        p.start()
    outcome = dict(results.get(timeout=300) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    # Every worker reached the head of the chain before any went on: the race happened.
    assert len(list(race.iterdir())) == workers
    return outcome


def test_appends_from_several_processes_at_once_keep_the_chain_whole(db, database_url,
                                                                      tmp_path, cli):
    db.session.commit()
    outcome = _run_appenders(database_url, tmp_path, serialize=True)
    assert outcome == {0: 0, 1: 0, 2: 0, 3: 0}  # every append succeeded
    seqs = list(db.session.scalars(db.select(AuditEvent.seq).order_by(AuditEvent.seq)))
    assert seqs == list(range(1, 101))
    report = chain.verify_chain()
    assert report.ok, [p.message for p in report.problems]
    # Each process's rows are interleaved with the others': they really ran at once.
    owners = list(db.session.scalars(db.select(AuditEvent.object_id)
                                     .order_by(AuditEvent.seq)))
    # Every worker appended (the barrier in workers.py already made them meet at the head).
    assert len(set(owners)) == 4


def test_without_the_head_lock_the_same_test_fails(db, database_url, tmp_path):
    """The control: with the lock off, the processes fork the chain or fail to append."""
    db.session.commit()
    outcome = _run_appenders(database_url, tmp_path, serialize=False)
    report = chain.verify_chain()
    assert sum(outcome.values()) > 0 or not report.ok


def test_daily_job_records_the_head_and_verify_against_proves_the_past(db, cli, app,
                                                                       tmp_path):
    _events(db)
    result = cli("ocop", "daily", "--date", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert "Audit chain head of the day: 2026-12-01  seq=" in result.output
    saved = chain.anchor_file().read_text(encoding="utf-8")
    line = saved.strip().splitlines()[-1]
    assert line.startswith("2026-12-01  seq=")
    anchor = db.session.get(audit.AuditAnchor, date(2026, 12, 1))
    assert f"seq={anchor.seq}  sha256={anchor.row_hash}" == line.split("  ", 1)[1]

    head = cli("ocop", "audit", "head")
    assert head.exit_code == 0 and f"seq={anchor.seq}" in head.output
    heads = tmp_path / "heads.txt"
    heads.write_text(head.output, encoding="utf-8")
    assert cli("ocop", "audit", "verify", "--against", str(heads)).exit_code == 0

    # Rewrite the whole chain consistently (edit a row, recompute every hash and the head):
    # only the saved heads can tell.
    rows = list(db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq)))
    prev = chain.GENESIS
    with maintenance():
        for row in rows:
            new = "rewritten" if row.seq == 2 else row.new
            h = chain.content_hash(seq=row.seq, prev_hash=prev, at=row.at,
                                   actor_id=row.actor_id, object_type=row.object_type,
                                   object_id=row.object_id, action=row.action, old=row.old,
                                   new=new, note=row.note, data=row.data)
            db.session.execute(text("UPDATE audit_events SET new = :n, prev_hash = :p, "
                                    "row_hash = :h WHERE id = :i"),
                               {"n": new, "p": prev, "h": h, "i": row.id})
            prev = h
        db.session.execute(text("UPDATE audit_chain_head SET row_hash = :h"), {"h": prev})
    db.session.commit()
    assert cli("ocop", "audit", "verify").exit_code == 0  # consistent by itself …
    result = cli("ocop", "audit", "verify", "--against", str(heads))
    assert result.exit_code == 1  # … but not with the past
    assert f"row seq={anchor.seq} now has hash" in result.output
