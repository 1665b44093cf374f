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

* The lock file is ``<database>-writelock``, opened for each acquisition, so the threads of one
  process exclude each other as well as the processes (flock locks belong to the open file).
  The kernel drops it when the file is closed or the process dies.
* Only file databases, only where ``fcntl`` exists; PostgreSQL (row locks) and ``:memory:``
  are untouched. ``SQLITE_WRITE_QUEUE = False`` turns it off.
* Released when the transaction ends: the session's commit or rollback (unless a savepoint
  only ended: the SQLite transaction must be over), and whenever the connection goes back to
  the pool (the request's teardown, a failed commit rolled back, an invalidated or closed
  connection). Releasing twice is harmless.
* Never a hang: a writer waits at most ``SQLITE_BUSY_TIMEOUT_MS`` for the file lock (the wait
  runs in a helper thread, flock having no timeout of its own), then goes on without it, as
  before: BEGIN IMMEDIATE and the busy timeout. While such an abandoned wait is still blocked,
  the process's other writers skip the queue instead of piling up threads behind it.

Only ``begin_write`` callers queue (docs/decisions.md, "SQLite writers queue"): they are the
contended read-modify-writes (a score sheet's save, submit, reopen, a rescore, the API's
save). Other writes keep SQLite's busy timeout.
"""
from __future__ import annotations

import logging
import os
import threading

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


class Held:
    """The file lock of one transaction, with the connection it was taken for."""

    def __init__(self, fd: int, dbapi_connection):
        self._fd = fd
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


def acquire(path: str, timeout: float) -> int | None:
    """The lock file's descriptor, locked; None when the lock could not be had within
    ``timeout`` seconds (or the file cannot be opened): the caller goes on without it."""
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
    fd = acquire(path, timeout)
    if fd is None:
        return
    held = Held(fd, dbapi_connection)
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
