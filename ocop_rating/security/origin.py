"""Refuse state-changing requests sent from another site.

CSRF tokens already guard every form; this is the second lock that does not depend on a
token leaking. A POST, PUT, PATCH or DELETE whose ``Origin`` (or, without one, ``Referer``)
names another host answers 403. No header at all passes (old clients, curl, the test
client); ``Origin: null`` (a sandboxed frame, a ``data:`` page) is foreign. The app's own
host, the host of ``PUBLIC_BASE_URL`` and ``TRUSTED_ORIGINS`` are accepted. A request with an
``Authorization: Bearer`` token (API clients) carries no ambient credentials and is exempt.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_babel import gettext as _

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _host_of(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts.netloc.lower()


def _allowed_hosts() -> set[str]:
    hosts = {request.host.lower()}
    for url in (current_app.config.get("PUBLIC_BASE_URL") or "",
                *current_app.config.get("TRUSTED_ORIGINS", ())):
        host = _host_of(url)
        if host:
            hosts.add(host)
    return hosts


def is_foreign(origin: str | None, referer: str | None) -> bool:
    claimed = origin if origin is not None else referer
    if claimed is None or claimed == "":
        return False
    host = _host_of(claimed)
    return host is None or host not in _allowed_hosts()


def check_origin():
    if request.method not in UNSAFE_METHODS:
        return
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return
    if is_foreign(request.headers.get("Origin"), request.headers.get("Referer")):
        from ..errors import NotAllowed

        current_app.logger.warning("Cross-origin %s %s refused (Origin %r, Referer %r)",
                                   request.method, request.path,
                                   request.headers.get("Origin"), request.headers.get("Referer"))
        raise NotAllowed(_("Yêu cầu này được gửi từ một trang khác nên đã bị từ chối. "
                           "Vui lòng thao tác trực tiếp trên hệ thống OCOP."), code="foreign_origin")
    return


def init_app(app: Flask) -> None:
    app.before_request(check_origin)
