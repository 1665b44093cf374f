"""The office lists count from indexes alone (0031_count_indexes), on SQLite and PostgreSQL:
the re-evaluation pipeline's sections and months (nation, province, set and star filters),
the "filed since issue" check, and the dossiers list's unit counts and pager count. Each
statement the services send is explained as sent; a count that reads the table again (the
cost that grew with the data: 8-13 ms a query at national scale) fails here."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, text

from ocop_rating.accounts.roles import Role
from ocop_rating.db import db as _db
from ocop_rating.dossiers import services as dossiers
from ocop_rating.dossiers.states import DossierStatus
from ocop_rating.reevaluation import services as pipeline
from tests.factories import QUANG_NINH, VAN_DON, make_user
from tests.public.helpers import quick_certificate


@contextmanager
def sent():
    """The (statement, parameters) the block sends, in order."""
    log: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        log.append((statement, parameters))

    event.listen(_db.engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(_db.engine, "before_cursor_execute", record)


def _vacuum() -> None:
    """PostgreSQL: the visibility map filled, as autovacuum keeps it, so that a plan reading
    the index alone is costed as such (a fresh test table has none). SQLite: nothing (no
    statistics, as the application's databases have none)."""
    if _db.engine.dialect.name != "postgresql":
        return
    with _db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("certificates", "dossiers"):
            conn.exec_driver_sql(f"VACUUM ANALYZE {table}")


def plan(statement: str, parameters) -> str:
    if _db.engine.dialect.name == "postgresql":
        # A test holds a handful of rows: forbid the sequential and bitmap scans, so the
        # plan shows what the indexes can serve (without one it stays a penalised scan).
        _db.session.execute(text("SET LOCAL enable_seqscan = off"))
        _db.session.execute(text("SET LOCAL enable_bitmapscan = off"))
        # ... and make each page read dear, as a table far larger than memory would: a plan
        # that goes back to the table for its rows then costs more than one reading an index
        # alone (a few pages of a handful of rows otherwise cost the same either way).
        _db.session.execute(text("SET LOCAL random_page_cost = 1000"))
        _db.session.execute(text("SET LOCAL seq_page_cost = 1000"))
        rows = _db.session.connection().exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return "\n".join(r[0] for r in rows)
    rows = _db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                                   parameters)
    return "\n".join(r[-1] for r in rows)


def index_only(index: str) -> str:
    """The plan line of a read of ``index`` alone, as each engine writes it."""
    if _db.engine.dialect.name == "postgresql":
        return rf"Index Only Scan using {index}\b"
    return rf"USING COVERING INDEX {index}\b"


@pytest.fixture()
def certificate(db):
    certificate, _office = quick_certificate(commune_code=VAN_DON, star=3)
    db.session.commit()
    _vacuum()
    return certificate


@pytest.mark.parametrize("where, expiry_index", [
    (pipeline.PipelineFilter(), "ix_certificates_expiry_cover"),
    (pipeline.PipelineFilter(star=3), "ix_certificates_expiry_cover"),
    (pipeline.PipelineFilter(set_no=1), "ix_certificates_expiry_cover"),
    (pipeline.PipelineFilter(QUANG_NINH), "ix_certificates_province_expiry_cover"),
    (pipeline.PipelineFilter(QUANG_NINH, set_no=1, star=3),
     "ix_certificates_province_expiry_cover"),
], ids=["nation", "star", "set", "province", "province-set-star"])
def test_the_pipeline_counts_and_months_read_the_indexes_alone(db, certificate, where,
                                                                 expiry_index):
    bounds = pipeline.PipelineBounds.on(certificate.expires_on - timedelta(days=100))
    with sent() as log:
        counts = pipeline.section_counts(where, bounds)
        months = pipeline.expiries_by_month(where, bounds.today, 24)
    assert counts["window"] == 1 and sum(n for _m, n in months) == 1
    counts_plan, months_plan = (plan(*s) for s in log)
    if _db.engine.dialect.name == "postgresql":
        # every read of certificates is from an index alone (the cover of the nation or of
        # the province, as costed on a handful of rows; the extensions' partial index)
        for found in (counts_plan, months_plan):
            reads = re.findall(r"(\w[\w ]*Scan)(?: Backward)?(?: using (\w+))? on certificates",
                               found)
            assert reads and all(
                kind == "Index Only Scan" and re.fullmatch(
                    r"ix_certificates_(expiry_cover|province_expiry_cover|extended)", index)
                for kind, index in reads), found
        return
    for found in (counts_plan, months_plan):
        assert re.search(index_only(expiry_index), found), found
    # the extensions counted apart, from their partial index; the filed dossier of each
    # product from the dossiers' index
    assert re.search(index_only("ix_certificates_extended") if where.province_code is None
                     else index_only("ix_certificates_(extended|province_expiry_cover)"),
                     counts_plan), counts_plan
    assert re.search(index_only("ix_dossiers_product_filed"), counts_plan), counts_plan
    assert not re.search(r"SCAN (certificates|dossiers)\b", counts_plan), counts_plan


def test_the_page_finds_its_filed_dossiers_from_the_products(db, certificate):
    with sent() as log:
        assert pipeline.filed_dossiers([certificate]) == {}
    (found,) = (plan(*s) for s in log if "FROM dossiers" in s[0])
    if _db.engine.dialect.name == "postgresql":
        # What PostgreSQL picks on an empty table says nothing (at national scale it reads
        # ix_dossiers_product_filed: docs/decisions.md); it must not scan the table.
        assert "Seq Scan" not in found, found
    else:
        assert "USING INDEX ix_dossiers_product_filed (product_id=?" in found, found


@pytest.mark.parametrize("role", [Role.ministry, Role.province])
def test_the_dossiers_list_counts_its_units_and_pages_from_the_indexes(app, db, certificate,
                                                                        role):
    user = make_user(role, province_code=QUANG_NINH if role == Role.province else None)
    db.session.commit()
    with sent() as log:
        if role == Role.ministry:
            dossiers.province_counts(user)
            dossiers.province_counts(user, status=DossierStatus.evaluated)
        else:
            dossiers.commune_counts(user)
            dossiers.commune_counts(user, status=DossierStatus.evaluated)
        stmt = dossiers.dossiers_query(user)
        db.session.scalar(_db.select(_db.func.count()).select_from(
            stmt.order_by(None).subquery()))
    counts = [plan(*s) for s in log if "count(" in s[0] and "dossiers" in s[0]]
    assert len(counts) == 3
    for found in counts:
        if _db.engine.dialect.name == "postgresql":
            assert "Seq Scan" not in found, found  # as above: an empty table
        else:
            assert re.search(index_only("ix_dossiers_(province_status|status_province)"),
                             found), found


def test_the_migration_made_the_count_indexes_and_dropped_those_they_replace(db):
    """Alembic compares the key columns only: the partial index's condition and PostgreSQL's
    INCLUDE are checked here, on the schema the migrations built."""
    from sqlalchemy import inspect

    names = {table: {i["name"] for i in inspect(_db.engine).get_indexes(table)}
             for table in ("certificates", "dossiers")}
    assert {"ix_certificates_expiry_cover", "ix_certificates_province_expiry_cover",
            "ix_certificates_extended"} <= names["certificates"]
    assert not {"ix_certificates_expires_on", "ix_certificates_province_expiry"} & \
        names["certificates"]
    assert {"ix_dossiers_province_status", "ix_dossiers_status_province",
            "ix_dossiers_product_filed", "ix_dossiers_status",
            "ix_dossiers_province_code"} <= names["dossiers"]
    assert "ix_dossiers_product_id" not in names["dossiers"]
    if _db.engine.dialect.name == "postgresql":
        definition = dict(db.session.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('ix_certificates_extended', 'ix_dossiers_product_filed')")).all())
        assert definition["ix_certificates_extended"].endswith(
            "WHERE (extended_until IS NOT NULL)"), definition
        assert definition["ix_dossiers_product_filed"].endswith(
            "(product_id, submitted_at, kind, status) INCLUDE (id)"), definition
    else:
        sql = db.session.scalar(text(
            "SELECT sql FROM sqlite_master WHERE name = 'ix_certificates_extended'"))
        assert sql.endswith("WHERE extended_until IS NOT NULL"), sql
