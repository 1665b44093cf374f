"""Request rate limits (Flask-Limiter) and the storage the login throttle counts in.

Storage: in memory by default (one server process); ``OCOP_RATELIMIT_STORAGE_URI`` names a
shared one, e.g. ``redis://127.0.0.1:6379/0``, so every process and server counts together.

The API's limit (``API_RATE_LIMIT``) is counted here too, per token or else per address
(api/auth.py ``rate_key``): one limiter per application, one storage.

The login limits here are hard caps per address (and per account *and* address): a request over
them answers 429. A cap per account alone is deliberately absent: whoever knows a username
could then keep its owner out. Slowing password guessing against one account is the login
throttle's job (accounts/throttle.py), which counts failures only.
"""
from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from limits.strategies import MovingWindowRateLimiter

# endpoint -> config key of its limit string; applied to POST only (GET shows the form).
LIMITED_ENDPOINTS = {
    "accounts.login": "LOGIN_RATE_LIMIT",
    "accounts.login_verify": "LOGIN_RATE_LIMIT",
    "producers.signup": "SIGNUP_RATE_LIMIT",
    "accounts.reset_password": "PASSWORD_RESET_RATE_LIMIT",
    "accounts.change_password": "PASSWORD_CHANGE_RATE_LIMIT",
    "surveillance.new_report": "REPORT_RATE_LIMIT",
}
# The same endpoints also counted per (submitted account, address).
ACCOUNT_LIMITED_ENDPOINTS = {
    "accounts.login": "LOGIN_ACCOUNT_RATE_LIMIT",
}


def client_address() -> str:
    """The client's address as the WSGI server saw it (behind a reverse proxy, configure
    werkzeug's ProxyFix so that this is the real client)."""
    return request.remote_addr or "unknown"


def account_and_address() -> str:
    from ..accounts.services import normalize_username

    return f"{normalize_username(request.form.get('username', ''))}@{client_address()}"


def init_ratelimit(app: Flask) -> Limiter:
    """Attach a limiter of this application (one per app, so that two apps in one process —
    tests — never share counters) and wrap the limited views. Call after the blueprints."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "ocop")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter = Limiter(client_address, app=app)
    for endpoint, key in LIMITED_ENDPOINTS.items():
        _wrap(app, limiter, endpoint, key, None)
    for endpoint, key in ACCOUNT_LIMITED_ENDPOINTS.items():
        _wrap(app, limiter, endpoint, key, account_and_address)
    api = app.blueprints.get("api")
    if api is not None:
        from ..api.auth import rate_key

        # Every API request, per token (or per address without one).
        limiter.limit(lambda: app.config["API_RATE_LIMIT"], key_func=rate_key,
                      scope="api")(api)
    app.extensions["ocop_limiter"] = limiter
    app.extensions["ocop_counter"] = MovingWindowRateLimiter(limiter.storage)
    return limiter


def _wrap(app: Flask, limiter: Limiter, endpoint: str, key: str, key_func) -> None:
    view = app.view_functions.get(endpoint)
    if view is None:
        return
    app.view_functions[endpoint] = limiter.limit(
        lambda: app.config[key], key_func=key_func, methods=["POST"],
        scope=f"{endpoint}:{key}")(view)


def counter(app: Flask) -> MovingWindowRateLimiter:
    """The moving-window counter over the limiter's storage (for the login throttle)."""
    return app.extensions["ocop_counter"]


def reset(app: Flask) -> None:
    """Forget every counter (tests; an operator after an incident)."""
    app.extensions["ocop_limiter"].storage.reset()
