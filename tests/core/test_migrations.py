"""The schema comes only from migrations: an empty database upgraded to head matches the
models exactly (autogenerate finds nothing), on SQLite and on PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from ocop_rating.db import db
from ocop_rating.search import include_name
from tests.conftest import drop_database, fresh_database_url, make_test_app


def test_upgrade_empty_database_matches_models(tmp_path_factory):
    url = fresh_database_url(tmp_path_factory, "migrations")
    app = make_test_app(url, tmp_path_factory.mktemp("inst"))
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={
                    "compare_type": True, "include_name": include_name})
                diff = compare_metadata(context, db.metadata)
            assert diff == []
            tables = set(inspect(db.engine).get_table_names())
            assert {"users", "provinces", "communes", "audit_events"} <= tables

            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
    finally:
        drop_database(url)


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/x.sqlite3", tmp_path)
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        db.engine.dispose()
