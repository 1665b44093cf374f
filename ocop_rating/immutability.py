"""Legal records the database itself refuses to change (issue 11 §3).

``trigger_ddl(dialect, table, ...)`` gives the statements creating a trigger that refuses an
UPDATE changing any of ``columns`` (every column when ``columns`` is empty) and, with
``forbid_delete``, a DELETE, of the rows matching ``when`` (an SQL condition on ``OLD``, e.g.
``"OLD.status = 'issued'"``; subqueries allowed). The same helper serves PostgreSQL and SQLite,
so a migration adds a trigger to a new table in three lines::

    for sql in trigger_ddl(op.get_bind().dialect.name, "sealed_results",
                           columns=("star", "total"), when=None):
        op.execute(sql)

A refused change fails as an integrity error on both engines (SQLSTATE 23000 on PostgreSQL,
SQLITE_CONSTRAINT on SQLite), so nothing half-written is committed.

Maintenance (the test suite emptying its tables between tests, ``ocop restore``) passes the
triggers only inside ``with maintenance():``, explicitly, for the current transaction: on
PostgreSQL a transaction-local setting (``SET LOCAL ocop.maintenance = 'on'``), on SQLite a
per-connection flag read through the SQL function ``ocop_maintenance()`` this module registers on
the app's connections. No request or service path ever enters it.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

GUARD = "ocop.maintenance"


def trigger_name(table: str, suffix: str = "") -> str:
    return f"ocop_immutable_{table}{'_' + suffix if suffix else ''}"


def _changed(dialect: str, columns: Iterable[str]) -> str:
    cols = list(columns)
    if not cols:
        return "TRUE" if dialect == "postgresql" else "1"
    if dialect == "postgresql":
        # Compared as text: json columns have no equality operator.
        return " OR ".join(f"OLD.{c}::text IS DISTINCT FROM NEW.{c}::text" for c in cols)
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in cols)


def trigger_ddl(dialect: str, table: str, *, columns: Iterable[str] = (),
                when: str | None = None, forbid_delete: bool = True,
                suffix: str = "") -> list[str]:
    """The statements creating the refusing trigger(s) of ``table``, for ``dialect``
    (``"postgresql"`` or ``"sqlite"``)."""
    name = trigger_name(table, suffix)
    cond = f"({when})" if when else ("TRUE" if dialect == "postgresql" else "1")
    changed = f"({_changed(dialect, columns)})"
    message = f"ocop: {table} is a legal record; this change is refused by the database"
    if dialect == "postgresql":
        statements = [f"""
CREATE OR REPLACE FUNCTION {name}_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF {cond} AND {changed}
     AND coalesce(current_setting('{GUARD}', true), '') <> 'on' THEN
    RAISE EXCEPTION USING ERRCODE = '23000', MESSAGE = '{message} (UPDATE)';
  END IF;
  RETURN NEW;
END $$""", f"""
CREATE TRIGGER {name}_update BEFORE UPDATE ON {table}
FOR EACH ROW EXECUTE FUNCTION {name}_update()"""]
        if forbid_delete:
            statements += [f"""
CREATE OR REPLACE FUNCTION {name}_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF {cond} AND coalesce(current_setting('{GUARD}', true), '') <> 'on' THEN
    RAISE EXCEPTION USING ERRCODE = '23000', MESSAGE = '{message} (DELETE)';
  END IF;
  RETURN OLD;
END $$""", f"""
CREATE TRIGGER {name}_delete BEFORE DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {name}_delete()"""]
        return statements
    if dialect != "sqlite":
        raise ValueError(f"no immutability triggers for {dialect}")
    statements = [f"""
CREATE TRIGGER {name}_update BEFORE UPDATE ON {table}
FOR EACH ROW WHEN {cond} AND {changed} AND NOT ocop_maintenance()
BEGIN SELECT RAISE(ABORT, '{message} (UPDATE)'); END"""]
    if forbid_delete:
        statements.append(f"""
CREATE TRIGGER {name}_delete BEFORE DELETE ON {table}
FOR EACH ROW WHEN {cond} AND NOT ocop_maintenance()
BEGIN SELECT RAISE(ABORT, '{message} (DELETE)'); END""")
    return statements


def drop_trigger_ddl(dialect: str, table: str, *, suffix: str = "") -> list[str]:
    """The statements removing what ``trigger_ddl`` created (a migration's downgrade)."""
    name = trigger_name(table, suffix)
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name}_update ON {table}",
                f"DROP TRIGGER IF EXISTS {name}_delete ON {table}",
                f"DROP FUNCTION IF EXISTS {name}_update()",
                f"DROP FUNCTION IF EXISTS {name}_delete()"]
    return [f"DROP TRIGGER IF EXISTS {name}_update", f"DROP TRIGGER IF EXISTS {name}_delete"]


# The legal records of issue 11 §3, created by migration 0009 (and re-created by ``restore``).
LEGAL_TRIGGERS: list[dict] = [
    # The audit trail: append only.
    dict(table="audit_events"),
    # An issued decision: immutable; corrections by a new decision (DOMAIN.md §6).
    dict(table="decisions", when="OLD.status = 'issued'",
         columns=("kind", "status", "authority_level", "province_code", "authority_name",
                  "number", "decided_on", "signer_name", "signer_title", "round_id",
                  "is_legacy", "ground", "note", "issued_at")),
    dict(table="decision_items",
         when="EXISTS (SELECT 1 FROM decisions d WHERE d.id = OLD.decision_id "
              "AND d.status = 'issued')",
         columns=("decision_id", "product_id", "evaluation_id", "certificate_id", "star")),
    # A certificate exists only once issued: what it certifies never changes; revocation,
    # supersession and the transition-rule extension are the life events the law allows.
    dict(table="certificates",
         columns=("number", "issuer_key", "year", "serial", "token", "decision_id",
                  "decision_item_id", "product_id", "producer_id", "evaluation_id",
                  "province_code", "commune_code", "star", "rulebook_code", "set_no",
                  "issued_on", "expires_on", "product_name", "product_code",
                  "product_set_name", "producer_name", "producer_address")),
    # ... and a revocation or a supersession is final.
    dict(table="certificates", suffix="revoked", when="OLD.revoked_at IS NOT NULL",
         columns=("revoked_at", "revocation_decision_id"), forbid_delete=False),
    dict(table="certificates", suffix="superseded", when="OLD.superseded_by_id IS NOT NULL",
         columns=("superseded_by_id",), forbid_delete=False),
    # The scores of a submitted sheet (reopening the sheet, audited, is the way to change them).
    dict(table="score_entries",
         when="EXISTS (SELECT 1 FROM score_sheets s WHERE s.id = OLD.sheet_id "
              "AND s.status = 'submitted')",
         columns=("sheet_id", "item_code", "option_index", "case_key", "comment")),
    # A sealed result (issue 10 §3): written once when the council concludes, never changed.
    dict(table="sealed_results"),
]


def create_legal_triggers(execute, dialect: str) -> None:
    for spec in LEGAL_TRIGGERS:
        for sql in trigger_ddl(dialect, **spec):
            execute(sql)


def drop_legal_triggers(execute, dialect: str) -> None:
    for spec in LEGAL_TRIGGERS:
        for sql in drop_trigger_ddl(dialect, spec["table"], suffix=spec.get("suffix", "")):
            execute(sql)


# -- maintenance --------------------------------------------------------------------------------

@event.listens_for(Engine, "connect")
def _sqlite_guard_functions(dbapi_connection, connection_record):
    """``ocop_maintenance()`` for the SQLite triggers; off until ``maintenance()`` sets it."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    state = {"on": 0}

    def set_guard(value):
        state["on"] = 1 if value else 0
        return state["on"]

    dbapi_connection.create_function("ocop_maintenance", 0, lambda: state["on"])
    dbapi_connection.create_function("ocop_set_maintenance", 1, set_guard)


@contextmanager
def maintenance(connection=None) -> Iterator[None]:
    """Let the current transaction pass the immutability triggers (emptying test tables,
    restoring a backup). Only explicit maintenance code calls this."""
    if connection is None:
        from .db import db

        connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("SELECT ocop_set_maintenance(1)")
        try:
            yield
        finally:
            connection.exec_driver_sql("SELECT ocop_set_maintenance(0)")
    else:
        connection.exec_driver_sql(f"SET LOCAL {GUARD} = 'on'")
        try:
            yield
        finally:
            connection.exec_driver_sql(f"SET LOCAL {GUARD} = 'off'")
