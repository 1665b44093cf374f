"""The cache of the public answers (ocop_rating/public/cache.py): the verification page and the
API certificate are served from memory to anonymous visitors, and never with a stale status.
Each change a certificate can go through after issue is made through the services, committed,
and must show on the very next request."""
from datetime import date, timedelta
from urllib.parse import quote

from ocop_rating import legaltime

from .helpers import quick_certificate, revoke


def verify_url(certificate) -> str:
    return f"/verify/{certificate.token}"


def api_url(certificate) -> str:
    return f"/api/v1/certificates/{quote(certificate.number, safe='')}"


def cache_of(app):
    return app.extensions["ocop_public_cache"]


def cached(app, client, url):
    """Ask until the answer comes from the cache (the first answer names its certificate,
    the second is stored); returns the cached response."""
    cache = cache_of(app)
    for _ in range(2):
        assert client.get(url).status_code == 200
    hits = cache.hits
    response = client.get(url)
    assert response.status_code == 200
    assert cache.hits == hits + 1, "the third anonymous request was not served from the cache"
    return response


def status_of(html: str) -> str:
    return html.split('data-status="')[1].split('"')[0]


def test_a_cached_answer_is_the_answer_flask_gives(app, client, db):
    certificate, _ = quick_certificate()
    db.session.commit()
    for url in (verify_url(certificate), api_url(certificate)):
        fresh = client.get(url)
        hit = cached(app, client, url)
        assert hit.data == fresh.data
        drop = {"Date", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"}
        assert {k: v for k, v in hit.headers.items() if k not in drop} == \
            {k: v for k, v in fresh.headers.items() if k not in drop}
        assert "Set-Cookie" not in hit.headers and hit.headers["Cache-Control"] == \
            "public, no-cache"
        # a conditional request with the ETag: 304 from the cache, no body
        hits = cache_of(app).hits
        again = client.get(url, headers={"If-None-Match": hit.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
        assert cache_of(app).hits == hits + 1


def test_revocation_shows_at_once_on_the_cached_page_and_api(app, client, db):
    certificate, office = quick_certificate()
    db.session.commit()
    assert status_of(cached(app, client, verify_url(certificate)).get_data(as_text=True)) \
        == "valid"
    assert cached(app, client, api_url(certificate)).json["status"] == "valid"
    revoke(certificate, office, number="77/QĐ-UBND")
    db.session.commit()
    html = client.get(verify_url(certificate)).get_data(as_text=True)
    assert status_of(html) == "revoked" and "77/QĐ-UBND" in html
    body = client.get(api_url(certificate)).json
    assert body["status"] == "revoked" and body["revocation"]["decision"]["number"] == \
        "77/QĐ-UBND"
    # and the revoked answer is itself cached from then on
    assert status_of(cached(app, client, verify_url(certificate)).get_data(as_text=True)) \
        == "revoked"


def test_supersession_and_extension_show_at_once(app, client, db):
    old, _ = quick_certificate(star=3, decided_on=date.today() - timedelta(days=400))
    db.session.commit()
    assert status_of(cached(app, client, verify_url(old)).get_data(as_text=True)) == "valid"
    new, _ = quick_certificate(product=old.product, star=4)
    db.session.commit()
    html = client.get(verify_url(old)).get_data(as_text=True)
    assert status_of(html) == "superseded" and new.number in html
    assert client.get(api_url(old)).json["superseded_by"] == new.number

    # the newer certificate's own page, cached, then extended by the transition rule
    assert cached(app, client, api_url(new)).json["extended_until"] is None
    new.extended_until = new.expires_on + timedelta(days=90)
    db.session.commit()
    assert client.get(api_url(new)).json["extended_until"] == \
        new.extended_until.isoformat()


def test_a_new_legal_day_is_a_new_answer(app, client, db, monkeypatch):
    certificate, _ = quick_certificate()
    db.session.commit()
    cached(app, client, verify_url(certificate))
    # the day the certificate expires is past: the page must say expired, not valid
    after = certificate.expires_on + timedelta(days=1)
    monkeypatch.setattr(legaltime, "legal_today", lambda: after)
    monkeypatch.setattr("ocop_rating.public.views.legal_today", lambda: after)
    hits = cache_of(app).hits
    assert status_of(client.get(verify_url(certificate)).get_data(as_text=True)) == "expired"
    assert cache_of(app).hits == hits


def test_signed_in_cookies_and_tokens_are_never_served_from_the_cache(app, client, db,
                                                                       login_as):
    from ocop_rating.accounts.roles import Role
    from tests.factories import make_user

    certificate, _ = quick_certificate()
    db.session.commit()
    cached(app, client, verify_url(certificate))
    hits = cache_of(app).hits
    # a visitor who chose a language has a session: Flask answers (in English)
    other = app.test_client()
    other.get("/language/en")
    assert "Certificate" in other.get(verify_url(certificate)).get_data(as_text=True)
    # a bearer request goes to Flask (its use is audited), even a bad one
    assert client.get(api_url(certificate),
                      headers={"Authorization": "Bearer nope"}).status_code == 401
    # a signed-in person gets Flask's no-store answer
    user = make_user(Role.province, province_code=certificate.province_code)
    db.session.commit()
    login_as(user)
    response = client.get(verify_url(certificate))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert cache_of(app).hits == hits


def test_the_api_limit_counts_cached_answers(app, client, db, monkeypatch):
    """Three answers under "3 per minute" (the third from the cache), then 429: the hit was
    counted in the same bucket as Flask-Limiter's own."""
    from ocop_rating.security.ratelimit import reset

    certificate, _ = quick_certificate()
    db.session.commit()
    reset(app)
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    try:
        url = api_url(certificate)
        codes = [client.get(url).status_code for _ in range(2)]
        hits = cache_of(app).hits
        third = client.get(url)
        assert cache_of(app).hits == hits + 1
        assert third.headers["X-RateLimit-Limit"] == "3"
        assert third.headers["X-RateLimit-Remaining"] == "0"
        codes += [third.status_code, client.get(url).status_code]
        assert codes == [200, 200, 200, 429]
    finally:
        reset(app)


def test_the_cache_can_be_turned_off(app, client, db, monkeypatch):
    certificate, _ = quick_certificate()
    db.session.commit()
    monkeypatch.setitem(app.config, "PUBLIC_CACHE", False)
    hits = cache_of(app).hits
    for _ in range(4):
        assert client.get(verify_url(certificate)).status_code == 200
    assert cache_of(app).hits == hits
