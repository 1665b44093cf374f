"""Security plumbing that applies to every request: response headers and cookies
(``headers``), the Origin check on state-changing requests (``origin``) and bounded integer ids
in URLs and forms (``ids``). ``init_app`` is called by ``create_app`` before the blueprints are
registered, so every ``<int:...>`` rule uses the bounded converter."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import headers, ids, origin

    ids.init_app(app)
    headers.init_app(app)
    origin.init_app(app)
