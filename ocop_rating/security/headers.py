"""Headers on every response, and the cookie flags.

* ``Content-Security-Policy`` without ``'unsafe-inline'``: templates carry no inline script,
  style attribute or event handler (tests/security/test_headers.py scans them); a response
  that set its own policy (stored files: ``sandbox``) keeps it.
* ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, ``Referrer-Policy``.
* ``Strict-Transport-Security`` when the request came over TLS, or always with
  ``HSTS_ALWAYS`` (behind a proxy that terminates TLS without telling the app).
* ``Cache-Control: no-store`` on every response to a signed-in person, and on every file
  download that is not public; public pages keep their own caching.
* Cookies: HttpOnly and SameSite=Lax always; Secure when ``COOKIE_SECURE`` is true, which by
  default it is when ``PUBLIC_BASE_URL`` is an https:// address (production).
"""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
       "base-uri 'none'; object-src 'none'")

# Endpoints whose responses are the same for everybody and may be cached.
_PUBLIC_FILE_ENDPOINTS = {"static", "bootstrap.static"}


def configure_cookies(app: Flask) -> None:
    config = app.config
    secure = config.get("COOKIE_SECURE")
    if secure is None:
        secure = str(config.get("PUBLIC_BASE_URL", "")).lower().startswith("https://")
    for name in ("SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SAMESITE"):
        if not config.get(name):
            config[name] = "Lax"
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    if secure:
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True


def _is_download(response) -> bool:
    disposition = response.headers.get("Content-Disposition", "")
    return bool(disposition) or response.mimetype in {
        "application/pdf", "application/zip", "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def secure_headers(response):
    config = _app_config()
    headers = response.headers
    headers.setdefault("Content-Security-Policy", config.get("CONTENT_SECURITY_POLICY") or CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", config.get("REFERRER_POLICY",
                                                     "strict-origin-when-cross-origin"))
    if request.is_secure or config.get("HSTS_ALWAYS"):
        headers.setdefault("Strict-Transport-Security",
                           f"max-age={int(config.get('HSTS_MAX_AGE', 31536000))}; "
                           "includeSubDomains")
    if request.endpoint in _PUBLIC_FILE_ENDPOINTS:
        return response
    signed_in = current_user.is_authenticated
    public = (request.blueprint or "") in {"public", "api"} and not signed_in
    if signed_in or (_is_download(response) and not public):
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
        headers.pop("ETag", None)
        headers.pop("Last-Modified", None)
        response.vary.add("Cookie")
    return response


def _app_config():
    from flask import current_app

    return current_app.config


def init_app(app: Flask) -> None:
    configure_cookies(app)
    app.after_request(secure_headers)
