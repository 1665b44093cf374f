"""Security plumbing that applies to every request: response headers and cookies
(``headers``), the Origin check on state-changing requests (``origin``) and bounded integer ids
in URLs and forms (``ids``), no NUL characters in any input (``text_input``); behind ``TRUSTED_PROXIES`` reverse proxies, werkzeug's
ProxyFix takes the client's address and scheme from X-Forwarded-For / -Proto. ``init_app`` is called by ``create_app`` before the blueprints are
registered, so every ``<int:...>`` rule uses the bounded converter."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import headers, ids, origin, text_input

    from ..public import cache

    # The public answers' cache (public/cache.py) sits inside ProxyFix: it sees the client's
    # real address (the API's limit) and scheme (HSTS).
    cache.init_app(app)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only the address and the scheme: the Host stays the one the proxy passed on, so
        # the Origin check compares with what the browser used.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    ids.init_app(app)
    headers.init_app(app)
    origin.init_app(app)
    text_input.init_app(app)
