"""Warm a server process before its first request.

A fresh process pays for its first page several times over: SQLAlchemy configures every
mapper, Jinja compiles each template the page extends and includes, Babel reads the message
catalogues and locale data, and the rulebooks are read from their JSON files (measured under
gunicorn on the small generated set: 50 ms for /login and 150-200 ms for a verify page on
the first request, 3-12 ms afterwards; 1.5-7 s on a machine at load 22). ``ocop_rating.wsgi``
calls :func:`warm_up` (then ``gc.freeze()``) when gunicorn imports the application, so with ``--preload`` the work is
done once in the master and every forked worker starts warm (copy-on-write), and without it
each worker does it while booting, before it accepts a connection.

Nothing here touches the database: a connection opened in the master would be shared by
the forked workers."""
from __future__ import annotations

import time

from flask import Flask


def warm_up(app: Flask) -> dict[str, float]:
    """Configure the mappers, compile every template, load both languages' catalogues and
    locale data and the rulebooks. Returns what each step cost (seconds), for the log."""
    spent: dict[str, float] = {}

    def step(name, fn):
        start = time.perf_counter()
        fn()
        spent[name] = time.perf_counter() - start

    from sqlalchemy.orm import configure_mappers

    step("mappers", configure_mappers)

    def templates():
        env = app.jinja_env
        for name in env.list_templates(extensions=("html", "txt")):
            env.get_template(name)

    step("templates", templates)

    def languages():
        from datetime import date

        from flask_babel import force_locale, format_date, get_translations

        with app.test_request_context():
            for lang in app.config["LANGUAGES"]:
                with force_locale(lang):
                    get_translations().gettext("Đăng nhập")
                    format_date(date(2026, 1, 1))

    step("languages", languages)

    def rulebooks():
        with app.app_context():
            from .rulebook import load_rulebooks

            load_rulebooks()  # read, parsed, validated and cached for the process

    step("rulebooks", rulebooks)
    return spent
