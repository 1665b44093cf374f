"""Bearer authentication of the API: ``Authorization: Bearer <token>``.

A request with a token acts as the token's owner for that request only (no session cookie is
read or written); a request without one is anonymous, whatever cookie it carries. Bad,
expired or revoked tokens get 401, a missing scope 403, always as JSON. Each use is dated and
audited (one row per request). CSRF protection is skipped only for bearer requests: a
browser cannot be tricked into sending a header it does not know."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, request
from flask_babel import gettext as _

from .. import audit
from ..db import db, utcnow
from ..errors import OcopError
from ..legaltime import legal_today
from .tokens import ApiToken, find_token


class Unauthorized(OcopError):
    code = "unauthorized"
    status = 401


class InsufficientScope(OcopError):
    code = "insufficient_scope"
    status = 403


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized(_("Tiêu đề Authorization phải có dạng “Bearer <khóa>”."),
                           code="bad_authorization")
    return secret.strip()


def authenticate() -> None:
    """Run before every /api/v1 request (registered by the blueprint)."""
    g.api_token = None
    secret = bearer_secret()
    if secret is None:
        # Anonymous: session cookies carry no rights on the API.
        g._login_user = current_app.login_manager.anonymous_user()
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            # Only bearer requests are exempt from CSRF; a cookie-only write is refused
            # outright (stricter than the CSRF check, and a clear answer for API clients).
            raise Unauthorized(_("Cần khóa truy cập (Authorization: Bearer <khóa>)."),
                               code="token_required")
        return
    token = find_token(secret)
    if token is None:
        raise Unauthorized(_("Khóa truy cập không hợp lệ."), code="invalid_token")
    if token.revoked_at is not None:
        raise Unauthorized(_("Khóa truy cập đã bị thu hồi."), code="token_revoked")
    if legal_today() > token.expires_on:
        raise Unauthorized(_("Khóa truy cập đã hết hạn."), code="token_expired")
    if not token.user.is_active:
        raise Unauthorized(_("Tài khoản của khóa đã bị khóa."), code="account_inactive")
    token.last_used_at = utcnow()
    audit.record(token, "used", actor=token.user,
                 data={"method": request.method, "path": request.path[:200]})
    db.session.commit()
    g.api_token = token
    g._login_user = token.user


def current_token() -> ApiToken | None:
    return g.get("api_token")


def require_scope(scope: str):
    """View decorator: a live token holding ``scope``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = current_token()
            if token is None:
                raise Unauthorized(_("Cần khóa truy cập (Authorization: Bearer <khóa>)."),
                                   code="token_required")
            if scope not in token.scope_list:
                raise InsufficientScope(_("Khóa truy cập không có phạm vi “%(s)s”.", s=scope))
            return view(*args, **kwargs)

        wrapped.required_scope = scope
        return wrapped

    return decorator


def rate_key() -> str:
    """Rate limits count per token (by its visible prefix) or else per address."""
    header = request.headers.get("Authorization", "")
    parts = header.split()
    if len(parts) == 2 and parts[0].lower() == "bearer":
        from .tokens import hash_secret

        return "token:" + hash_secret(parts[1])[:24]
    return "addr:" + (request.remote_addr or "unknown")
