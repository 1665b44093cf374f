"""A server process is warmed before its first request (ocop_rating/warmup.py, wsgi.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import event

from ocop_rating.db import db
from ocop_rating.warmup import warm_up
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parents[2]


def test_warm_up_compiles_every_template_and_opens_no_connection(database_url, tmp_path):
    app = make_test_app(database_url, tmp_path)
    names = app.jinja_env.list_templates(extensions=("html", "txt"))
    assert len(names) > 50
    with app.app_context():
        connects = []
        event.listen(db.engine, "connect", lambda *a: connects.append(a))
        db.engine.dispose()
        spent = warm_up(app)
        assert connects == []  # a connection made in gunicorn's master would be shared by forks
    assert set(spent) == {"mappers", "templates", "languages", "rulebooks"}
    compiled = {key[1] for key in app.jinja_env.cache.keys()}
    assert set(names) <= compiled
    from ocop_rating.rulebook import loader

    assert loader._load_all.cache_info().currsize >= 1


def test_the_wsgi_module_builds_the_app_from_the_environment(tmp_path):
    """What gunicorn imports: the app from OCOP_* settings, warmed, serving the login page."""
    env = dict(os.environ, OCOP_DATABASE_URL=f"sqlite:///{tmp_path / 'w.sqlite3'}",
               OCOP_SECRET_KEY="wsgi-test", PYTHONPATH=str(ROOT))
    code = ("from ocop_rating.wsgi import app\n"
            "print(app.config['SQLALCHEMY_DATABASE_URI'])\n"
            "print(len(app.jinja_env.cache))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    url, compiled = out.stdout.split()
    assert url.endswith("w.sqlite3")
    assert int(compiled) > 50


def test_the_wsgi_module_freezes_what_start_up_built(tmp_path):
    env = dict(os.environ, OCOP_DATABASE_URL=f"sqlite:///{tmp_path / 'w.sqlite3'}",
               OCOP_SECRET_KEY="wsgi-test", PYTHONPATH=str(ROOT))
    code = ("import gc\nfrom ocop_rating.wsgi import app\nprint(gc.get_freeze_count())\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 100_000  # the app's objects, not a handful
