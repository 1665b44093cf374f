"""SQLite's writers queue on a file lock (ocop_rating/writequeue.py, db.begin_write): taken
before BEGIN IMMEDIATE, released whenever the transaction ends, never a hang.

Each test builds its own application on a SQLite file, whatever engine the suite runs on;
the last one checks the suite's own database (PostgreSQL: no queue)."""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from ocop_rating import writequeue
from ocop_rating.db import begin_write
from ocop_rating.db import db as _db
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parents[2]


def lock_is_free(path: str) -> bool:
    """Whether another open file could take the lock now (flock belongs to the open file, so
    this tells even within one process)."""
    fd = os.open(path, os.O_RDONLY | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


@pytest.fixture()
def queue_app(tmp_path):
    def build(**config):
        database = tmp_path / "queue.sqlite3"
        app = make_test_app(f"sqlite:///{database}", tmp_path, **config)
        with app.app_context():
            _db.session.execute(text(
                "CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, n INTEGER)"))
            _db.session.execute(text("CREATE TABLE IF NOT EXISTS parent (id INTEGER PRIMARY KEY)"))
            _db.session.execute(text(
                "CREATE TABLE IF NOT EXISTS child (id INTEGER PRIMARY KEY, parent_id INTEGER "
                "REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)"))
            _db.session.execute(text("INSERT OR IGNORE INTO counter VALUES (1, 0)"))
            _db.session.commit()
        built.append(app)
        app.lock_path = f"{database}{writequeue.SUFFIX}"
        return app

    built = []
    yield build
    for app in built:
        with app.app_context():
            _db.engine.dispose()


def counter() -> int:
    return _db.session.execute(text("SELECT n FROM counter WHERE id = 1")).scalar_one()


def increment() -> None:
    begin_write()
    n = counter()
    _db.session.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": n + 1})
    _db.session.commit()


def test_the_lock_is_held_from_begin_write_to_commit_and_to_rollback(queue_app):
    app = queue_app()
    with app.app_context():
        assert lock_is_free(app.lock_path)
        begin_write()
        assert not lock_is_free(app.lock_path)
        begin_write()  # a second call in the same transaction neither waits nor deadlocks
        _db.session.execute(text("UPDATE counter SET n = 5"))
        _db.session.commit()
        assert lock_is_free(app.lock_path)
        begin_write()
        _db.session.execute(text("UPDATE counter SET n = 6"))
        assert not lock_is_free(app.lock_path)
        _db.session.rollback()
        assert lock_is_free(app.lock_path)
        assert counter() == 5


def test_a_savepoint_ending_does_not_release_the_transactions_lock(queue_app):
    app = queue_app()
    with app.app_context():
        begin_write()
        with _db.session.begin_nested():  # its RELEASE fires the session's after_commit
            _db.session.execute(text("UPDATE counter SET n = 7"))
        assert not lock_is_free(app.lock_path)
        savepoint = _db.session.begin_nested()
        _db.session.execute(text("UPDATE counter SET n = 8"))
        savepoint.rollback()
        assert not lock_is_free(app.lock_path)
        _db.session.commit()
        assert lock_is_free(app.lock_path)
        assert counter() == 7


def test_the_lock_is_released_when_a_request_fails_or_forgets_to_commit(queue_app):
    app = queue_app(PROPAGATE_EXCEPTIONS=False)

    def boom():
        begin_write()
        _db.session.execute(text("UPDATE counter SET n = 100"))
        raise RuntimeError("inside the transaction")

    def forgets():
        begin_write()
        _db.session.execute(text("UPDATE counter SET n = 200"))
        return "left open"

    def commit_fails():
        begin_write()
        _db.session.execute(text("INSERT INTO child (id, parent_id) VALUES (1, 99)"))
        _db.session.commit()  # the deferred foreign key fails at COMMIT, the transaction stays
        return "unreachable"

    for name, view in (("boom", boom), ("forgets", forgets), ("commit_fails", commit_fails)):
        app.add_url_rule(f"/{name}", name, view)
    client = app.test_client()
    assert client.get("/boom").status_code == 500
    assert lock_is_free(app.lock_path)
    assert client.get("/forgets").status_code == 200
    assert lock_is_free(app.lock_path)
    assert client.get("/commit_fails").status_code == 500
    assert lock_is_free(app.lock_path)
    with app.app_context():
        assert counter() == 0  # nothing of the three was committed
        assert _db.session.execute(text("SELECT count(*) FROM child")).scalar_one() == 0
        increment()  # and the next writer is not held up
        assert counter() == 1


def test_a_failed_commit_keeps_the_lock_until_its_rollback(queue_app):
    """SQLite keeps the transaction open when COMMIT fails on a deferred constraint: the
    lock stays with it (another writer could not begin anyway) until the rollback."""
    app = queue_app()
    with app.app_context():
        begin_write()
        _db.session.execute(text("INSERT INTO child (id, parent_id) VALUES (1, 99)"))
        with pytest.raises(IntegrityError):
            _db.session.commit()
        _db.session.rollback()
        assert lock_is_free(app.lock_path)


def test_an_invalidated_connection_releases_the_lock(queue_app):
    app = queue_app()
    with app.app_context():
        begin_write()
        assert not lock_is_free(app.lock_path)
        _db.session.connection().invalidate()
        assert lock_is_free(app.lock_path)
        _db.session.rollback()
        increment()
        assert counter() == 1


def no_busy_wait() -> None:
    """SQLite's own wait off for this connection: a writer that found SQLite locked would fail
    at once, so a test passing with it waited in the queue."""
    _db.session.connection().exec_driver_sql("PRAGMA busy_timeout=0")


def test_threads_queue_in_turn_and_no_write_is_lost(queue_app):
    """Six threads of one process increment one row through begin_write, with SQLite's busy
    wait off: each waits on the file lock (held by another open file of the same process),
    none is refused as busy, every increment is there at the end."""
    app = queue_app(SQLITE_BUSY_TIMEOUT_MS=5000)
    errors, inside, overlap = [], [0], [0]
    guard = threading.Lock()

    def worker():
        with app.app_context():
            for _ in range(15):
                try:
                    no_busy_wait()
                    begin_write()
                    with guard:
                        inside[0] += 1
                        overlap[0] = max(overlap[0], inside[0])
                    n = counter()
                    time.sleep(0.002)  # the rest of a save's work, the lock held
                    _db.session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
                    with guard:
                        inside[0] -= 1
                    _db.session.commit()
                except Exception as e:  # noqa: BLE001 - counted and shown below
                    errors.append(repr(e))
                    _db.session.rollback()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert overlap[0] == 1
    with app.app_context():
        assert counter() == 6 * 15
    assert lock_is_free(app.lock_path)


WORKER = textwrap.dedent("""
    import sys, threading
    from sqlalchemy import text
    from ocop_rating.db import begin_write, db
    from tests.conftest import make_test_app

    app = make_test_app(sys.argv[1], sys.argv[2], SQLITE_BUSY_TIMEOUT_MS=5000)
    errors = []

    def worker():
        with app.app_context():
            for _ in range(15):
                try:
                    db.session.connection().exec_driver_sql("PRAGMA busy_timeout=0")
                    begin_write()
                    n = db.session.execute(text("SELECT n FROM counter")).scalar_one()
                    db.session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
                    db.session.commit()
                except Exception as e:
                    errors.append(repr(e))
                    db.session.rollback()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    print("errors", len(errors), errors[:3])
""")


def test_two_processes_queue_and_every_write_commits(queue_app, tmp_path):
    """Two processes of three threads each, SQLite's busy wait off as above."""
    app = queue_app()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    processes = [subprocess.Popen([sys.executable, "-c", WORKER, url, str(tmp_path / f"i{k}")],
                                  cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for k in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, err[-2000:]
        assert "errors 0 []" in out, out
    with app.app_context():
        assert counter() == 2 * 3 * 15
    assert lock_is_free(app.lock_path)


def test_a_lock_held_past_the_timeout_falls_back_to_the_busy_timeout(queue_app):
    """Someone holds the file lock and never lets go (a leak): the writer waits the busy
    timeout for it, then goes on as before without it; the next ones skip the queue while
    that wait is stuck, and queue again once the lock is free."""
    app = queue_app(SQLITE_BUSY_TIMEOUT_MS=300)
    leak = os.open(app.lock_path, os.O_RDONLY | os.O_CREAT)
    fcntl.flock(leak, fcntl.LOCK_EX)
    try:
        with app.app_context():
            start = time.perf_counter()
            increment()
            waited = time.perf_counter() - start
            assert 0.29 <= waited < 3
            start = time.perf_counter()
            increment()  # the first wait is still blocked: this one does not queue behind it
            assert time.perf_counter() - start < 0.25
            assert counter() == 2
    finally:
        os.close(leak)
    deadline = time.monotonic() + 5
    while app.lock_path in writequeue._stalled and time.monotonic() < deadline:
        time.sleep(0.01)
    assert app.lock_path not in writequeue._stalled  # the stuck wait took it and let go
    assert lock_is_free(app.lock_path)
    with app.app_context():
        begin_write()
        assert not lock_is_free(app.lock_path)  # queueing again
        _db.session.rollback()


def test_a_leaked_lock_and_a_busy_database_end_in_the_busy_error(queue_app):
    """Both the file lock and SQLite's write lock held elsewhere: the writer waits about the
    timeout twice (the queue, then SQLite) and gets SQLite's busy error, no hang."""
    import sqlite3

    app = queue_app(SQLITE_BUSY_TIMEOUT_MS=200)
    leak = os.open(app.lock_path, os.O_RDONLY | os.O_CREAT)
    fcntl.flock(leak, fcntl.LOCK_EX)
    holder = sqlite3.connect(app.lock_path[:-len(writequeue.SUFFIX)], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with app.app_context():
            start = time.perf_counter()
            with pytest.raises((OperationalError, sqlite3.OperationalError), match="locked"):
                begin_write()
            assert time.perf_counter() - start < 3
            _db.session.rollback()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        os.close(leak)


def test_no_queue_when_turned_off_or_in_memory(queue_app, tmp_path):
    app = queue_app(SQLITE_WRITE_QUEUE=False)
    with app.app_context():
        begin_write()
        assert lock_is_free(app.lock_path)
        _db.session.rollback()
    memory = make_test_app("sqlite://", tmp_path)
    with memory.app_context():
        begin_write()
        info = _db.session.connection().connection.info
        assert writequeue.SETTINGS_KEY not in info
        assert writequeue.HELD_KEY not in info
        _db.session.rollback()


def test_the_suites_database_queues_only_on_sqlite(db):
    """The suite's own database: a file on SQLite (queued), PostgreSQL (never)."""
    begin_write()
    info = db.session.connection().connection.info
    queued = db.engine.dialect.name == "sqlite"
    assert (writequeue.SETTINGS_KEY in info) is queued
    assert (writequeue.HELD_KEY in info) is queued
    db.session.rollback()
    assert writequeue.HELD_KEY not in info


def test_a_turn_left_taken_in_the_process_falls_back_and_recovers(queue_app):
    """The same within one process: a lock taken and never given back (a leak in this
    process) holds the process's turn; the next writer waits the timeout and goes on, the
    ones after it skip the queue at once, and releasing the leak restores the queue."""
    app = queue_app(SQLITE_BUSY_TIMEOUT_MS=300)
    leaked = writequeue.acquire(app.lock_path, 1.0)
    assert leaked is not None and not lock_is_free(app.lock_path)
    with app.app_context():
        start = time.perf_counter()
        increment()
        assert 0.29 <= time.perf_counter() - start < 3
        start = time.perf_counter()
        increment()
        assert time.perf_counter() - start < 0.25
        leaked.release()
        assert lock_is_free(app.lock_path)
        begin_write()
        assert not lock_is_free(app.lock_path)  # queueing again
        _db.session.execute(text("UPDATE counter SET n = n + 1"))
        _db.session.commit()
        assert counter() == 3
    assert lock_is_free(app.lock_path)


def test_a_forked_child_does_not_inherit_the_parents_turn(queue_app):
    """A worker forked while the parent holds its turn (gunicorn forks from a preloaded
    master) starts with the turn free; the file lock is the parent's, so the child waits
    for it and gets it once the parent lets go."""
    app = queue_app(SQLITE_BUSY_TIMEOUT_MS=3000)
    held = writequeue.acquire(app.lock_path, 1.0)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: wait for the parent's release, then take both locks
        os.close(read)
        child = writequeue.acquire(app.lock_path, 3.0)
        os.write(write, b"1" if child is not None else b"0")
        os._exit(0)
    os.close(write)
    time.sleep(0.2)
    held.release()
    answer = os.read(read, 1)
    os.close(read)
    os.waitpid(pid, 0)
    assert answer == b"1"
