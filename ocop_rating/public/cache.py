"""A cache, in each server process, of the two public answers asked for again and again: the
verification page behind a QR code (``/verify/<token>``) and the API's certificate
(``/api/v1/certificates/<number>``), as an anonymous visitor gets them.

It sits in front of Flask (a WSGI middleware inside ProxyFix), so a hit costs what a bare
route costs plus one query: no request context, session, template or ORM. It never serves a
stale legal status:

* **Checked on every request.** An entry is stored with the *stamp* of its certificate: the
  life-event columns (revocation, supersession, transition extension) of every certificate of
  the same product, read in one indexed query. The stamp is read again on each request, and a
  different stamp (a revocation, a supersession, a new certificate of the product, an
  extension) drops the entry at once, in every process and on every server, since they all read
  the one database. The stamp of a stored answer is read *before* Flask renders it: a change
  committed while it renders makes the next request miss, never the reverse.
* **Keyed by** the path and query, the scheme and host (HSTS, the API's ``verify_url``), the
  public base address, and the legal day in Vietnam (``expiring`` counts days; ``valid``
  becomes ``expired`` at midnight).
* **Kept at most** ``PUBLIC_CACHE_SECONDS`` (what the stamp does not cover: a province or
  commune renamed by an administrative merger, decision wording), and at most
  ``PUBLIC_CACHE_ENTRIES`` entries (least recently used dropped).
* **Only anonymous answers**: a request with any cookie (a session, a chosen language, a
  "remember me") or an ``Authorization`` header goes to Flask, and only a 200 that Flask marked
  ``Cache-Control: public`` and that set no cookie is stored, headers included (security
  headers, ETag). A matching ``If-None-Match`` gets 304.
* **The API's rate limit still counts** a hit, in the application's limiter and with the
  same key and scope as Flask-Limiter (per address, ``API_RATE_LIMIT``); a request over the
  limit goes to Flask, which answers 429.

``PUBLIC_CACHE = False`` turns it off. Views name the certificate their answer depends on
with :func:`depends_on`; an answer that named none is not stored.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, request

ENVIRON_SLOT = "ocop.public_cache"
VERIFY_PREFIX = "/verify/"
API_PREFIX = "/api/v1/certificates/"
API_ENDPOINT = "api.certificate"
# Per-request headers that are not stored: the limiter's are recomputed on each hit.
_NOT_STORED = {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
               "retry-after", "date"}
_STAMP_SQL = (
    "SELECT id, revoked_at, revocation_decision_id, superseded_by_id, extended_until "
    "FROM certificates WHERE product_id = "
    "(SELECT product_id FROM certificates WHERE id = :id) ORDER BY id")


def depends_on(certificate) -> None:
    """Called by a public view: its answer shows ``certificate`` (and its product's
    history), so the cache may keep it under that certificate's stamp."""
    slot = request.environ.get(ENVIRON_SLOT)
    if slot is not None:
        slot["certificate_id"] = certificate.id


@dataclass
class Entry:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    stamp: tuple
    today: object
    until: float
    etag: str | None


class PublicResponseCache:
    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._ids: dict[tuple, int] = {}  # key -> the certificate its answer showed
        self._lock = threading.Lock()
        self._engine = None
        self._api_limit = None
        self.hits = 0
        self.stores = 0

    # -- the request path ------------------------------------------------------------------

    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        from .. import legaltime

        today = legaltime.legal_today()
        certificate_id = self._ids.get(key)
        # The stamp first, then the answer: see the module's docstring.
        stamp = self._stamp(certificate_id) if certificate_id is not None else None
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                if (entry.stamp == stamp and entry.today == today
                        and entry.until > time.monotonic()):
                    self._entries.move_to_end(key)
                else:
                    del self._entries[key]
                    entry = None
        if entry is not None:
            limit_headers = self._count_api(environ) if key[0] == "api" else []
            if limit_headers is not None:
                self.hits += 1
                return self._serve(entry, limit_headers, environ, start_response)
            # over the API limit: Flask answers (429)
        return self._fill(key, environ, start_response, certificate_id, stamp, today)

    def _key(self, environ) -> tuple | None:
        if environ.get("REQUEST_METHOD") != "GET" or not self.app.config.get("PUBLIC_CACHE",
                                                                             True):
            return None
        path = environ.get("PATH_INFO", "")
        if path.startswith(VERIFY_PREFIX):
            kind = "verify"
        elif path.startswith(API_PREFIX):
            kind = "api"
        else:
            return None
        if environ.get("HTTP_COOKIE") or environ.get("HTTP_AUTHORIZATION"):
            return None
        return (kind, path, environ.get("QUERY_STRING", ""), environ.get("wsgi.url_scheme"),
                environ.get("HTTP_HOST", ""), self.app.config.get("PUBLIC_BASE_URL", ""))

    def _fill(self, key, environ, start_response, certificate_id, stamp, today):
        slot: dict = {}
        environ[ENVIRON_SLOT] = slot
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        shown = slot.get("certificate_id")
        if shown is not None:
            self._ids[key] = shown  # tokens and numbers never change hands
            if shown == certificate_id and self._storable(captured):
                self._store(key, Entry(
                    captured["status"],
                    [(k, v) for k, v in captured["headers"] if k.lower() not in _NOT_STORED],
                    body, stamp, today,
                    time.monotonic() + float(self.app.config.get("PUBLIC_CACHE_SECONDS", 300)),
                    next((v for k, v in captured["headers"] if k.lower() == "etag"), None)))
        return [body]

    @staticmethod
    def _storable(captured) -> bool:
        if not captured.get("status", "").startswith("200"):
            return False
        headers = {k.lower(): v for k, v in captured["headers"]}
        return ("set-cookie" not in headers
                and headers.get("cache-control", "").startswith("public")
                and "cookie" not in headers.get("vary", "").lower())

    def _store(self, key, entry: Entry) -> None:
        limit = int(self.app.config.get("PUBLIC_CACHE_ENTRIES", 1024))
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > limit:
                self._entries.popitem(last=False)
            if len(self._ids) > 8 * limit:
                self._ids.clear()
        self.stores += 1

    def _serve(self, entry: Entry, extra, environ, start_response):
        from werkzeug.http import http_date, parse_etags, unquote_etag

        headers = [*entry.headers, *extra, ("Date", http_date())]
        if entry.etag and environ.get("HTTP_IF_NONE_MATCH"):
            tag, _weak = unquote_etag(entry.etag)
            if parse_etags(environ["HTTP_IF_NONE_MATCH"]).contains_weak(tag):
                start_response("304 NOT MODIFIED", [
                    (k, v) for k, v in headers
                    if k.lower() not in ("content-length", "content-type")])
                return [b""]
        start_response(entry.status, headers)
        return [entry.body]

    # -- the database and the limiter ------------------------------------------------------

    def _stamp(self, certificate_id: int) -> tuple:
        """The stamp, in one query on a connection of the cache's own small pool: no
        pre-ping (the application's pool pings at every checkout, which would double the
        cost); a connection found broken is dropped and the query tried once more."""
        if self._engine is None:
            self._open_engine()
        sql, positional = self._sql
        params = (certificate_id,) if positional else {"id": certificate_id}
        for attempt in (1, 2):
            connection = self._engine.raw_connection()
            try:
                cursor = connection.cursor()
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                cursor.close()
                connection.rollback()  # end the read (PostgreSQL opened a transaction)
                connection.close()  # back to the pool
                return tuple(tuple(str(v) for v in r) for r in rows)
            except self._engine.dialect.dbapi.Error:
                connection.invalidate()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _open_engine(self) -> None:
        from sqlalchemy import create_engine, text

        from ..db import db

        with self._lock:
            if self._engine is not None:
                return
            with self.app.app_context():
                main = db.engine
            if main.url.get_backend_name() == "sqlite" and main.url.database in (None, "",
                                                                                 ":memory:"):
                engine = main  # one in-memory database: only the application's pool sees it
            else:
                engine = create_engine(main.url, pool_pre_ping=False, pool_size=2,
                                       max_overflow=8)
            compiled = text(_STAMP_SQL).compile(dialect=engine.dialect)
            self._sql = (str(compiled), engine.dialect.positional)
            self._engine = engine

    def _count_api(self, environ) -> list[tuple[str, str]] | None:
        """Count the hit in the API's limit (Flask-Limiter's key and scope, the same storage).
        The X-RateLimit headers Flask would send; None when over the limit."""
        limiter = self.app.extensions.get("ocop_limiter")
        if limiter is None or not limiter.enabled:
            return []
        from limits import parse_many

        spec = self.app.config["API_RATE_LIMIT"]
        if self._api_limit is None or self._api_limit[0] != spec:
            self._api_limit = (spec, sorted(parse_many(spec)))
        prefix = self.app.config.get("RATELIMIT_KEY_PREFIX", "")
        identity = "addr:" + (environ.get("REMOTE_ADDR") or "unknown")
        scope = f"{API_ENDPOINT}:api"
        strategy = limiter.limiter
        args = [a for a in (prefix, identity, scope) if a]
        for item in self._api_limit[1]:  # as Flask-Limiter does: hit, refused when over
            if not strategy.hit(item, *args):
                return None
        if not self.app.config.get("RATELIMIT_HEADERS_ENABLED"):
            return []
        item = self._api_limit[1][0]  # Flask-Limiter reports the shortest window's
        reset, remaining = strategy.get_window_stats(item, *args)
        return [("X-RateLimit-Limit", str(item.amount)),
                ("X-RateLimit-Remaining", str(remaining)),
                ("X-RateLimit-Reset", str(int(reset))),
                ("Retry-After", str(int(int(reset) - time.time())))]


def init_app(app: Flask) -> None:
    """Wrap the application (call before ProxyFix wraps it, so the client's address and
    scheme are the proxy's findings)."""
    app.wsgi_app = PublicResponseCache(app, app.wsgi_app)
    app.extensions["ocop_public_cache"] = app.wsgi_app
