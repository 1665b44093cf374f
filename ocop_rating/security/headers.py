"""Headers on every response, and the cookie flags.

* ``Content-Security-Policy`` without ``'unsafe-inline'``: templates carry no inline script,
  style attribute or event handler (tests/security/test_headers.py scans them); a response
  that set its own policy (stored files: ``sandbox``) keeps it.
* ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, ``Referrer-Policy``.
* ``Strict-Transport-Security`` when the request came over TLS, or always with
  ``HSTS_ALWAYS`` (behind a proxy that terminates TLS without telling the app).
* ``Cache-Control: no-store`` on every response to a signed-in person, and on every file
  download that is not public.
* Public pages (registry, verification, lookup, open data, the public API) seen by an
  anonymous visitor with no session: ``Cache-Control: public, max-age=PUBLIC_MAX_AGE`` (``public,
  no-cache`` — revalidated each time — where a certificate's status is stated), an
  ETag answering conditional GETs with 304, and neither a session cookie nor
  ``Vary: Cookie`` (the base layout renders no CSRF token for anonymous visitors, and
  ``PublicSessionInterface`` leaves the empty session alone). A shared cache may then serve
  such a page to anyone: it is the same public page for everybody.
* Cookies: HttpOnly and SameSite=Lax always; Secure when ``COOKIE_SECURE`` is true, which by
  default it is when ``PUBLIC_BASE_URL`` is an https:// address (production).
"""
from __future__ import annotations

from flask import Flask, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
       "base-uri 'none'; object-src 'none'")

# Endpoints whose responses are the same for everybody and may be cached.
_PUBLIC_FILE_ENDPOINTS = {"static", "bootstrap.static"}
# Blueprints whose pages are public: the same for every anonymous visitor.
PUBLIC_BLUEPRINTS = {"public", "api", "opendata"}
PUBLIC_MAX_AGE = 60
# Pages that state a certificate's legal status now (valid, revoked …): a cache keeps them but
# asks again every time (no-cache with the ETag: a 304 when nothing changed), so a revocation
# shows at once on the verification page, the look-up and the API.
LIVE_STATUS_ENDPOINTS = {"public.verify", "public.lookup", "api.certificate"}


class PublicSessionInterface(SecureCookieSessionInterface):
    """Flask adds ``Vary: Cookie`` whenever the session was read, and every request reads it
    (the language, the login). A cacheable public response (``g.public_cacheable``) came from
    an empty session that nothing wrote: it depends on no cookie, so it says none."""

    def save_session(self, app, session_, response):
        if g.get("public_cacheable") and not session_ and not session_.modified:
            return
        super().save_session(app, session_, response)


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
    public = (request.blueprint or "") in PUBLIC_BLUEPRINTS and not signed_in
    if signed_in or (_is_download(response) and not public):
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
        headers.pop("ETag", None)
        headers.pop("Last-Modified", None)
        response.vary.add("Cookie")
    elif public and not session and not session.modified:
        _public_caching(response, config)
    return response


def _public_caching(response, config) -> None:
    """Cache-Control and an ETag on a public 200 answer to GET; a matching If-None-Match
    gets 304 without the body."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return
    g.public_cacheable = True
    max_age = int(config.get("PUBLIC_MAX_AGE", PUBLIC_MAX_AGE))
    response.headers["Cache-Control"] = ("public, no-cache"
                                         if request.endpoint in LIVE_STATUS_ENDPOINTS
                                         else f"public, max-age={max_age}")
    if response.is_streamed or response.direct_passthrough:
        return
    if "ETag" not in response.headers:
        response.add_etag()
    response.make_conditional(request)


def _app_config():
    from flask import current_app

    return current_app.config


def init_app(app: Flask) -> None:
    configure_cookies(app)
    app.session_interface = PublicSessionInterface()
    app.after_request(secure_headers)
