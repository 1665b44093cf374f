"""Shared fixtures. The whole suite runs on SQLite by default and on PostgreSQL when
OCOP_TEST_DATABASE_URL names a server (each xdist worker gets a database of its own,
created fresh; an unreachable server fails the run, it is never skipped)."""
from __future__ import annotations

import contextvars
import os
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ocop_rating import create_app
from ocop_rating.db import db as _db

pytest_plugins = ["tests.smtp"]
PG_BASE_URL = os.environ.get("OCOP_TEST_DATABASE_URL")
# Reference tables filled once per session and kept between tests.
KEEP_TABLES = {"provinces", "communes", "alembic_version"}


def worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def fresh_database_url(tmp_path_factory, name: str) -> str:
    """A new, empty database: a file for SQLite, a CREATE DATABASE on the PostgreSQL server."""
    if not PG_BASE_URL:
        return f"sqlite:///{tmp_path_factory.mktemp(name)}/{name}.sqlite3"
    base = make_url(PG_BASE_URL)
    # The process id keeps two suites run at once on one server (two checkouts, a developer
    # and CI) from dropping each other's databases.
    db_name = f"{base.database}_{name}_{worker_id()}_{os.getpid()}".lower()
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    engine.dispose()
    return base.set(database=db_name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    target = make_url(url)
    engine = create_engine(make_url(PG_BASE_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, like a request to a separate server process:
    it never shares the test's app context, ``g``, logged-in user or database session."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_test_app(database_url: str, instance_path, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": True,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 1,  # a test that sends mail starts its own SMTP server and sets this
        "PUBLIC_BASE_URL": "",  # tests that need the site's address set it themselves
        # Many logins per test from 127.0.0.1; tests of the rate limits set their own.
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": "1000 per minute",
        "SIGNUP_RATE_LIMIT": "1000 per hour",
        "PASSWORD_RESET_RATE_LIMIT": "1000 per hour",
        "PASSWORD_CHANGE_RATE_LIMIT": "1000 per hour",
    }
    config.update(extra)
    application = create_app(config, instance_path=str(instance_path))
    application.test_client_class = IsolatedClient
    return application


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = fresh_database_url(tmp_path_factory, "suite")
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """One application per worker; schema built by the real migrations, units imported."""
    from flask_migrate import upgrade

    from ocop_rating.geo.services import import_units

    application = make_test_app(database_url, tmp_path_factory.mktemp("instance"))
    with application.app_context():
        upgrade()
        import_units()
        _db.session.commit()
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture()
def ctx(app):
    """An application context for the test; the tables are emptied afterwards."""
    from ocop_rating.security.ratelimit import reset as reset_rate_limits

    reset_rate_limits(app)  # each test starts with no request or failure counted
    with app.app_context():
        yield
        _db.session.rollback()
        _empty_tables()
        _db.session.commit()


def _empty_tables() -> None:
    """Empty every table but the reference ones, children first. Foreign keys that close a
    cycle (declared with use_alter, e.g. decision items -> certificates) are cleared first.
    Legal records refuse deletion (ocop_rating/immutability.py): this is maintenance."""
    from ocop_rating.immutability import maintenance

    tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with maintenance():
        for table in tables:
            for fk in table.foreign_key_constraints:
                if fk.use_alter:
                    _db.session.execute(table.update().values({c.name: None
                                                               for c in fk.columns}))
        for table in tables:
            _db.session.execute(table.delete())


@pytest.fixture()
def db(ctx):
    return _db


@pytest.fixture()
def client(app, ctx):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(client, url: str) -> str:
    """The CSRF token of the form on ``url``, as a browser would read it."""
    page = client.get(url)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {page.status_code})"
    return match.group(1)


def form_post(client, url: str, data: dict | None = None, *, form_page: str | None = None,
              **kwargs):
    """POST like a browser: read the CSRF token from the page holding the form first."""
    payload = dict(data or {})
    payload["csrf_token"] = csrf_from(client, form_page or url)
    return client.post(url, data=payload, **kwargs)


@pytest.fixture()
def cli(app, ctx):
    """Run ``flask <args>`` as a separate process would: in its own context."""

    def run(*args: str):
        runner = app.test_cli_runner()
        return contextvars.Context().run(runner.invoke, args=list(args))

    return run


@pytest.fixture()
def login_as(client, db):
    from tests.factories import DEFAULT_PASSWORD

    def login(user, password: str = DEFAULT_PASSWORD):
        db.session.commit()  # the server only sees what is committed
        response = form_post(client, "/login", {"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return user

    return login


def committed(db_) -> None:
    """Forget what the session holds, so assertions see only what was committed."""
    db_.session.rollback()
