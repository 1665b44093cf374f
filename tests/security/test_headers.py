"""Security headers on every kind of page, cookie flags, the Origin check on state-changing
requests, and templates free of inline script and style (the CSP has no 'unsafe-inline')."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ocop_rating.accounts.roles import Role
from ocop_rating.security.headers import CSP
from tests.conftest import csrf_from, make_test_app
from tests.factories import (
    DEFAULT_PASSWORD,
    complete_dossier,
    issued_certificate,
    make_dossier,
    make_producer,
    make_product,
    make_user,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# E-mail bodies are never served over HTTP (and mail clients need inline styles).
NOT_SERVED = {"notifications/email.html"}

CSP_PARTS = ["script-src 'self'", "style-src 'self'", "img-src 'self' data:",
             "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'",
             "object-src 'none'"]


def assert_common(response, *, csp=True):
    h = response.headers
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] in ("strict-origin-when-cross-origin", "same-origin")
    if csp:
        policy = h["Content-Security-Policy"]
        for part in CSP_PARTS:
            assert part in policy, (part, policy)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    # plain HTTP: no HSTS (a browser would pin a site that may not have TLS)
    assert "Strict-Transport-Security" not in h


def test_public_html_page(client, db):
    response = client.get("/registry")
    assert response.status_code == 200
    assert_common(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_not_found_page(client, db):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert_common(response)


def test_json_api(client, db):
    response = client.get("/api/v1/registry")
    assert response.status_code == 200 and response.is_json
    assert_common(response)


@pytest.fixture()
def office_with_certificate(db, login_as):
    certificate, office = issued_certificate(star=4)
    login_as(office)
    return certificate, office


def test_office_html_page_is_not_stored(client, office_with_certificate):
    response = client.get("/certificates/")
    assert response.status_code == 200
    assert_common(response)
    assert response.headers["Cache-Control"] == "no-store"
    # static files stay cacheable for the same signed-in person
    static = client.get("/static/app.js")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")


def test_pdf_download(client, office_with_certificate):
    certificate, _ = office_with_certificate
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert_common(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]


def test_evidence_file(client, db, login_as):
    producer, owner = make_producer()
    dossier = complete_dossier(make_dossier(make_product(producer, owner), owner), owner)
    login_as(owner)
    evidence = dossier.evidence[0]
    response = client.get(f"/dossiers/{dossier.id}/evidence/{evidence.id}")
    assert response.status_code == 200
    assert_common(response, csp=False)
    # the file keeps its own, stricter policy
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]


def test_hsts_only_over_tls(client, db):
    assert "Strict-Transport-Security" not in client.get("/registry").headers
    secure = client.get("/registry", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_cookies_are_lax_httponly_and_secure_in_production(app, tmp_path):
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert not app.config.get("SESSION_COOKIE_SECURE")  # tests serve plain HTTP
    production = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path,
                               PUBLIC_BASE_URL="https://ocop.example.gov.vn")
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    forced_off = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "b",
                               PUBLIC_BASE_URL="https://ocop.example.gov.vn",
                               COOKIE_SECURE=False)
    assert not forced_off.config.get("SESSION_COOKIE_SECURE")


def test_session_and_remember_cookies_carry_the_flags(client, db):
    user = make_user(Role.admin)
    db.session.commit()
    token = csrf_from(client, "/login")
    response = client.post("/login", data={"username": user.username, "password":
                                           DEFAULT_PASSWORD, "remember": "y",
                                           "csrf_token": token})
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies, response.status_code
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


# --- Origin check ------------------------------------------------------------------------

def test_foreign_origin_is_refused(client, db, login_as):
    user = login_as(make_user(Role.admin))
    token = csrf_from(client, "/account/password")
    data = {"csrf_token": token, "lang": "en", "next": "/"}
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"},
                    {"Referer": "http://evil.example/page"}):
        response = client.post("/language", data=data, headers=headers)
        assert response.status_code == 403, headers
        assert "trang khác" in response.get_data(as_text=True)
    # same origin, or no Origin at all (old clients), pass
    same = client.post("/language", data=data, headers={"Origin": "http://localhost"})
    assert same.status_code == 302
    assert client.post("/language", data=data).status_code == 302
    assert user.id


def test_foreign_origin_is_refused_before_anything_else(client, db):
    # no CSRF token either: the Origin check answers first, with 403
    response = client.post("/login", data={"username": "x", "password": "y"},
                           headers={"Origin": "https://attacker.example"})
    assert response.status_code == 403


def test_bearer_requests_are_exempt(client, db):
    response = client.post("/api/v1/registry", headers={
        "Origin": "http://evil.example", "Authorization": "Bearer abc"})
    assert response.status_code != 403


# --- templates --------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def served_templates():
    return sorted(p for p in TEMPLATES.rglob("*.html")
                  if p.relative_to(TEMPLATES).as_posix() not in NOT_SERVED)


def test_the_scan_finds_what_it_looks_for():
    sample = ('<script>alert(1)</script><div style="x"></div><a onclick="f()">'
              '<style>p{}</style><a href="javascript:void(0)">')
    assert INLINE_SCRIPT.search(sample) and INLINE_STYLE.search(sample)
    assert HANDLER.search(sample) and JS_URL.search(sample)
    assert not INLINE_SCRIPT.search('<script src="/static/app.js"></script>')
    assert not INLINE_STYLE.search("{{ field(f, button_style='primary') }}")


def test_no_template_has_inline_script_or_style():
    found = []
    for path in served_templates():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, HANDLER, JS_URL):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(TEMPLATES)}:{line}: {match.group(0)}")
    assert len(served_templates()) > 50
    assert not found, "\n".join(found)


def test_rendered_pages_have_no_inline_script_or_style(client, office_with_certificate):
    # Macros and extensions (Bootstrap-Flask) render markup too: check what is served.
    for url in ("/certificates/", "/", "/registry", "/no-such-page"):
        html = client.get(url).get_data(as_text=True)
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, HANDLER):
            assert not pattern.search(html), (url, pattern.search(html).group(0))


def test_policy_is_the_documented_one():
    for part in CSP_PARTS:
        assert part in CSP


# -- public pages are cacheable for anonymous visitors (issue 13 §3) ---------------------------

def _public_urls():
    from ocop_rating.certificates.models import Certificate
    from ocop_rating.db import db

    certificate = db.session.scalar(db.select(Certificate).limit(1))
    return ["/registry", "/registry?q=ca+phe", f"/verify/{certificate.token}",
            "/lookup", "/open-data/", "/api/v1/registry",
            f"/api/v1/certificates/{certificate.number}"]


def test_anonymous_public_pages_are_cacheable_without_a_session(app, db):
    issued_certificate(star=4)
    db.session.commit()
    for url in _public_urls():
        client = app.test_client()
        response = client.get(url)
        assert response.status_code == 200, url
        assert_common(response)
        # where a certificate's status is stated, a cache must ask again every time
        live = url.startswith(("/verify/", "/lookup", "/api/v1/certificates/"))
        assert response.headers["Cache-Control"] == (
            "public, no-cache" if live else "public, max-age=60"), url
        assert "Set-Cookie" not in response.headers, (url, response.headers["Set-Cookie"])
        assert "Cookie" not in response.headers.get("Vary", ""), url
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", url
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_anonymous_language_switch_is_a_link_and_keeps_the_choice(app, db):
    client = app.test_client()
    page = client.get("/registry").get_data(as_text=True)
    assert 'name="csrf_token"' not in page
    assert 'href="/language/en?next=/registry"' in page
    response = client.get("/language/en?next=/registry")
    assert response.status_code == 302 and response.headers["Location"].endswith("/registry")
    assert "Set-Cookie" in response.headers
    english = client.get("/registry")
    assert english.headers.get("Content-Language", "en").startswith("en")
    assert 'lang="en"' in english.get_data(as_text=True)[:300]
    # a visitor with a chosen language has a session: the page depends on it, not shared
    assert "public" not in english.headers.get("Cache-Control", "")
    assert "Cookie" in english.headers.get("Vary", "")
    # never an open redirect
    assert client.get("/language/vi?next=//evil.example").headers["Location"] in ("/", "http://localhost/")


def test_signed_in_public_pages_stay_private(client, office_with_certificate):
    certificate, _office = office_with_certificate
    for url in ("/registry", f"/verify/{certificate.token}", "/open-data/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert "ETag" not in response.headers and "Cookie" in response.headers["Vary"]
        page = response.get_data(as_text=True)
        assert 'name="csrf_token"' in page  # the signed-in language form and logout
