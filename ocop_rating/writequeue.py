"""SQLite's writers in line (issue 13): the requests that start their transaction with
``db.begin_write()`` queue on an operating-system file lock beside the database before
BEGIN IMMEDIATE, and the lock is released when that transaction ends.

Why: SQLite's own wait for its write lock (``PRAGMA busy_timeout``) is a busy handler that
sleeps in growing steps (1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms …) and tries again; it
is not woken when the lock is released. With a council's 30 members saving at once into
gthread workers (8 writers in 2 processes), an unlucky writer sleeps through many free
moments while newcomers take the lock: a long tail (p99 of a burst 350 ms to over a second,
for a p50 near 100 ms). ``flock(LOCK_EX)`` blocks in the kernel and the next waiter is woken
the moment the holder releases, so the writers take turns.

* The lock file is ``<database>-writelock``, opened for each acquisition (flock locks belong
  to the open file, so the threads of one process would exclude each other too). The kernel
  drops it when the file is closed or the process dies.
* The threads of one process first take the process's turn (a ``threading.Lock``, which wakes
  the next thread at once and has a timeout), so only one of them waits on the file lock for
  the other processes.
* Only file databases, only where ``fcntl`` exists; PostgreSQL (row locks) and ``:memory:``
  are untouched. ``SQLITE_WRITE_QUEUE = False`` turns it off.
* Released when the transaction ends: the session's commit or rollback (unless a savepoint
  only ended: the SQLite transaction must be over), and whenever the connection goes back to
  the pool (the request's teardown, a failed commit rolled back, an invalidated or closed
  connection). Releasing twice is harmless.
* Never a hang: a writer waits at most ``SQLITE_BUSY_TIMEOUT_MS`` for both (the wait on
  another process runs in a helper thread, flock having no timeout of its own), then goes on
  without them, as before: BEGIN IMMEDIATE and the busy timeout. While the turn that timed
  out is still taken, or the abandoned wait still blocked, the process's other writers skip
  the queue instead of waiting out the timeout each (or piling up threads behind it).

Only ``begin_write`` callers queue (docs/decisions.md, "SQLite writers queue"): they are the
contended read-modify-writes (a score sheet's save, submit, reopen, a rescore, the API's
save). Other writes keep SQLite's busy timeout.
"""
from __future__ import annotations

import logging
import os
import threading
import time

try:
    import fcntl
except ImportError:  # not a POSIX system: SQLite's busy timeout alone
    fcntl = None

log = logging.getLogger(__name__)

SUFFIX = "-writelock"
# connection record's info: (lock file, timeout in seconds) when this connection queues
SETTINGS_KEY = "ocop_write_queue"
# connection record's info and the session's info: the lock held for the open transaction
HELD_KEY = "ocop_write_lock"

# Per lock file, a wait abandoned at its timeout and still blocked in flock.
_stalled: dict[str, _Waiter] = {}
_stalled_guard = threading.Lock()


def available() -> bool:
    return fcntl is not None


def lock_path(dbapi_connection) -> str | None:
    """The lock file of a SQLite connection's main database, None for an in-memory or
    temporary one."""
    row = dbapi_connection.execute("PRAGMA database_list").fetchone()
    path = row[2] if row else ""
    return f"{path}{SUFFIX}" if path else None


class _Turn:
    """The process's own turn at one lock file: its threads queue on this lock first (woken
    at once, with a timeout, without a helper thread), so that only one of them at a time
    waits on the file lock, for the other processes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.stalled = False  # a thread gave up waiting for it: the others skip the queue


_turns: dict[str, _Turn] = {}


def _turn(path: str) -> _Turn:
    with _stalled_guard:
        return _turns.setdefault(path, _Turn())


def _forget_after_fork() -> None:
    """A forked child (a gunicorn worker) holds none of its parent's locks or waits."""
    global _stalled_guard
    _stalled_guard = threading.Lock()
    _turns.clear()
    _stalled.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


class Held:
    """The locks of one transaction (the process's turn and the file lock), with the
    connection they were taken for."""

    def __init__(self, fd: int, turn: _Turn, dbapi_connection=None):
        self._fd = fd
        self._turn = turn
        self.dbapi_connection = dbapi_connection

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
            self._turn.stalled = False
            self._turn.lock.release()


class _Waiter:
    """A blocking flock in a helper thread, so that the requester can stop waiting."""

    def __init__(self, fd: int, path: str):
        self.fd, self.path = fd, path
        self.outcome: str | None = None  # "granted" or "failed"
        self.abandoned = False
        self._state = threading.Condition()

    def block(self) -> None:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            outcome = "granted"
        except OSError:
            outcome = "failed"
        with self._state:
            if self.abandoned:  # nobody wants it any more: let the next one have it
                os.close(self.fd)
                with _stalled_guard:
                    if _stalled.get(self.path) is self:
                        del _stalled[self.path]
                return
            self.outcome = outcome
            self._state.notify()

    def granted(self, timeout: float) -> bool:
        with self._state:
            self._state.wait_for(lambda: self.outcome is not None, timeout)
            if self.outcome == "granted":
                return True
            if self.outcome == "failed":
                os.close(self.fd)
                return False
            self.abandoned = True
            with _stalled_guard:
                _stalled.setdefault(self.path, self)
            return False


def acquire(path: str, timeout: float) -> Held | None:
    """Both locks of ``path``, taken; None when they could not be had within ``timeout``
    seconds (or the file cannot be opened): the caller goes on without them."""
    turn = _turn(path)
    if turn.stalled:
        return None
    start = time.monotonic()
    if not turn.lock.acquire(timeout=timeout):
        turn.stalled = True
        log.warning("SQLite write queue: this process's turn at %s still taken after %.1f s; "
                    "going on with the busy timeout", path, timeout)
        return None
    try:
        fd = _lock_file(path, max(0.0, timeout - (time.monotonic() - start)))
    except BaseException:
        turn.lock.release()
        raise
    if fd is None:
        turn.lock.release()
        return None
    return Held(fd, turn)


def _lock_file(path: str, timeout: float) -> int | None:
    with _stalled_guard:
        if path in _stalled:
            return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as e:
        log.warning("SQLite write queue: cannot open %s (%s); using the busy timeout", path, e)
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except BlockingIOError:
        pass
    except BaseException:
        os.close(fd)
        raise
    # another process holds it: flock has no timeout, so the wait runs in a helper thread
    waiter = _Waiter(fd, path)
    threading.Thread(target=waiter.block, name="sqlite-write-queue", daemon=True).start()
    if waiter.granted(timeout):
        return fd
    log.warning("SQLite write queue: %s still held after %.1f s; going on with the busy "
                "timeout", path, timeout)
    return None


def enter(record_info: dict, session_info: dict, dbapi_connection) -> None:
    """Queue for the write lock before the caller's BEGIN IMMEDIATE on ``dbapi_connection``
    (no-op when that connection does not queue)."""
    settings = record_info.get(SETTINGS_KEY)
    if settings is None:
        return
    release(record_info)  # a lock left from an ended transaction: never wait on ourselves
    path, timeout = settings
    held = acquire(path, timeout)
    if held is None:
        return
    held.dbapi_connection = dbapi_connection
    record_info[HELD_KEY] = held
    session_info[HELD_KEY] = held


def release(info: dict | None) -> None:
    """Release the lock kept in a connection record's (or a session's) ``info``."""
    held = info.pop(HELD_KEY, None) if info is not None else None
    if held is not None:
        held.release()


def release_if_ended(session_info: dict) -> None:
    """After a session's commit or rollback: release unless the SQLite transaction is still
    open (a savepoint's end fires the same events)."""
    held = session_info.get(HELD_KEY)
    if held is None:
        return
    if held.held and getattr(held.dbapi_connection, "in_transaction", False):
        return
    session_info.pop(HELD_KEY, None)
    held.release()
