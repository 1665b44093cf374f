"""ocop-rating: the star-rating system of Vietnam's OCOP programme."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask


def create_app(test_config: dict | None = None, *, instance_path: str | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates",
                instance_path=instance_path)
    from . import config

    app.config.from_object(config.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("OCOP")
    app.config.update(test_config or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _finish_config(app)
    from . import security

    # Before the blueprints: every <int:…> rule is built with the bounded converter.
    security.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    from .security.ratelimit import init_ratelimit

    init_ratelimit(app)
    from .errors import register_error_handlers

    register_error_handlers(app)
    return app


def _finish_config(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        url = app.config.get("DATABASE_URL") or (
            f"sqlite:///{os.path.join(app.instance_path, 'ocop.sqlite3')}")
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    if not app.config.get("SECRET_KEY"):
        # Generated once per installation and kept in the instance folder, never in git.
        key_file = Path(app.instance_path) / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()


def register_extensions(app: Flask) -> None:
    from . import (
        i18n,
        models,  # noqa: F401  (the whole schema, for Alembic)
        nav,
    )
    from .extensions import babel, bootstrap, csrf, db, login_manager, migrate

    db.init_app(app)
    from .db import apply_sqlite_settings

    apply_sqlite_settings(app)
    # The search index (search.py) is made by its migration, not declared in the models.
    from .search import include_name

    # Batch mode lets Alembic alter SQLite tables by copy-and-move.
    migrate.init_app(app, db, render_as_batch=True, compare_type=True,
                     include_name=include_name,
                     directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    i18n.init_app(app, babel)
    nav.init_app(app)
    from .accounts.loader import init_login

    init_login(app, login_manager)


def register_blueprints(app: Flask) -> None:
    from . import (
        accounts,
        certificates,
        councils,
        dossiers,
        geo,
        home,
        notifications,
        producers,
        products,
        sheets,
    )

    app.register_blueprint(home.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(geo.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(producers.bp)
    app.register_blueprint(products.bp)
    app.register_blueprint(dossiers.bp)
    app.register_blueprint(sheets.bp)
    app.register_blueprint(councils.bp)
    from . import evaluation

    app.register_blueprint(evaluation.bp)
    from . import api, public

    app.register_blueprint(public.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(certificates.bp)
    from . import reevaluation

    app.register_blueprint(reevaluation.bp)
    from . import imports

    app.register_blueprint(imports.bp)
    from .audit.views import bp as audit_bp

    app.register_blueprint(audit_bp)
    from . import opendata

    app.register_blueprint(opendata.bp)
    from . import oversight

    app.register_blueprint(oversight.bp)
    from . import dashboards

    app.register_blueprint(dashboards.bp)
    from . import surveillance

    app.register_blueprint(surveillance.bp)


def register_cli(app: Flask) -> None:
    from .cli import ocop

    app.cli.add_command(ocop)
