"""Database object, column types and conventions shared by every model."""
from __future__ import annotations

import enum
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Enum, MetaData, String, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.pool import Pool
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from . import writequeue

# Stable constraint names, so Alembic migrations are reproducible on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every engine (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def sort_key_column() -> String:
    """The type of a stored sort key (``text.vn_sort_string``): ASCII compared byte by byte,
    so PostgreSQL is told the "C" collation whatever the database's locale."""
    from .text import SORT_KEY_LENGTH

    return String(SORT_KEY_LENGTH).with_variant(String(SORT_KEY_LENGTH, collation="C"),
                                                "postgresql")


def enum_column(enum_cls: type[enum.Enum], length: int = 32) -> Enum:
    """An enum stored by its value in a VARCHAR with a named CHECK constraint."""
    return Enum(
        enum_cls,
        values_callable=lambda cls: [m.value for m in cls],
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
        name=enum_cls.__name__.lower(),
    )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Foreign keys on, WAL journal and a busy timeout for every SQLite connection (an app's
    own settings follow in :func:`apply_sqlite_settings`)."""
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


SQLITE_SYNCHRONOUS = ("FULL", "NORMAL", "EXTRA")


def apply_sqlite_settings(app) -> None:
    """The app's SQLite settings on each new connection of its engines: ``SQLITE_SYNCHRONOUS``,
    ``SQLITE_BUSY_TIMEOUT_MS`` and ``SQLITE_WRITE_QUEUE``.

    ``FULL`` (the default) syncs the WAL at every commit, so an acknowledged save survives a
    power cut. ``NORMAL`` (SQLite's advice for WAL) syncs only at checkpoints: a crash of the
    application loses nothing committed, but a power cut or an operating-system crash may undo
    the last commits, a council member's acknowledged draft among them. A council's burst of
    autosaves queues for one disk sync each under FULL (issue 13); an installation that
    accepts the risk may choose NORMAL (docs/decisions.md). PostgreSQL is not affected.

    ``SQLITE_WRITE_QUEUE`` (on by default): :func:`begin_write` on a file database queues on
    a file lock beside it, waiting at most the busy timeout (ocop_rating/writequeue.py)."""
    synchronous = str(app.config.get("SQLITE_SYNCHRONOUS", "FULL")).upper()
    if synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS)}, "
                         f"not {synchronous!r}")
    busy = int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000))
    queue = _flag(app.config.get("SQLITE_WRITE_QUEUE", True)) and writequeue.available()

    def pragmas(dbapi_connection, record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA busy_timeout={busy}")
        cursor.close()
        path = writequeue.lock_path(dbapi_connection) if queue else None
        if path:
            record.info[writequeue.SETTINGS_KEY] = (path, busy / 1000)

    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", pragmas)


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def begin_write() -> None:
    """Start the request's transaction as a writer, for read-modify-write on contended rows
    (a score sheet). On SQLite this is BEGIN IMMEDIATE: a second writer waits for the first
    and then reads the committed row, instead of failing on a stale snapshot. On a file
    database the writers first queue on a file lock beside it (ocop_rating/writequeue.py),
    which wakes the next one the moment the transaction ends, instead of SQLite's busy
    timeout, which polls in growing sleeps (the long tail of a council's burst of autosaves,
    issue 13). The lock is released at commit or rollback, and when the connection returns to
    the pool; a writer that could not have it within the busy timeout goes on without it.
    Only the callers of this function queue: other writes keep the busy timeout
    (docs/decisions.md). On PostgreSQL the caller locks the row itself (SELECT … FOR UPDATE)."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    fairy = connection.connection
    raw = fairy.dbapi_connection
    if raw.in_transaction:
        return
    writequeue.enter(fairy.info, db.session.info, raw)
    try:
        raw.execute("BEGIN IMMEDIATE")
    except BaseException:
        writequeue.release(fairy.info)
        raise


# The write queue's lock ends with the transaction, on every path (writequeue.py).
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _release_after_transaction(session) -> None:
    writequeue.release_if_ended(session.info)


@event.listens_for(Pool, "checkin")
@event.listens_for(Pool, "invalidate")
@event.listens_for(Pool, "soft_invalidate")
@event.listens_for(Pool, "close")
@event.listens_for(Pool, "detach")
def _release_with_connection(_dbapi_connection, record, *_exception) -> None:
    writequeue.release(getattr(record, "info", None))


def commit_keeping_loaded() -> None:
    """Commit without expiring what the session holds, for a write that answers with the
    state it has just written (the autosave's sheet): the objects were read under the write
    lock and flushed, so they are what was committed, and reading them again would only
    repeat the same queries."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


class legal_day_start(FunctionElement):
    """SQL: the UTC moment a Vietnam day (a DATE expression) begins, comparable with a
    ``UTCDateTime`` column — ``legal_date(moment) >= day`` is ``moment >= legal_day_start(day)``
    (legaltime.py). PostgreSQL converts with the time zone database; SQLite, which stores
    naive UTC text, subtracts Vietnam's offset (UTC+7, without daylight saving since 1975)."""

    type = DateTime()
    name = "legal_day_start"
    inherit_cache = True


@compiles(legal_day_start, "postgresql")
def _legal_day_start_pg(element, compiler, **kw):
    from .legaltime import VN_TZ

    return (f"(CAST({compiler.process(element.clauses, **kw)} AS timestamp) "
            f"AT TIME ZONE '{VN_TZ.key}')")


@compiles(legal_day_start)
def _legal_day_start_sqlite(element, compiler, **kw):
    from .legaltime import VN_TZ

    hours = int(datetime(2000, 1, 1, tzinfo=VN_TZ).utcoffset().total_seconds() // 3600)
    return f"datetime({compiler.process(element.clauses, **kw)}, '{-hours:+d} hours')"
