"""One limiter per application (security/ratelimit.py) counts the logins and the API alike, in
the storage OCOP_RATELIMIT_STORAGE_URI names."""
import uuid

from tests.conftest import make_test_app


def _api_codes(client, n: int) -> list[int]:
    return [client.get("/api/v1/registry").status_code for _ in range(n)]


def test_api_limit_counts_in_the_applications_own_limiter(database_url, tmp_path, db):
    """Two applications in one process: the API limit of one never touches the other, and
    resetting the application's limiter (ratelimit.reset) frees its API too."""
    from ocop_rating.security.ratelimit import reset

    first = make_test_app(database_url, tmp_path / "a", API_RATE_LIMIT="2 per minute")
    second = make_test_app(database_url, tmp_path / "b", API_RATE_LIMIT="2 per minute")
    assert _api_codes(first.test_client(), 3) == [200, 200, 429]
    assert _api_codes(second.test_client(), 2) == [200, 200]
    reset(first)
    assert _api_codes(first.test_client(), 1) == [200]


def test_api_limit_lives_in_redis_when_configured(database_url, tmp_path, db):
    import redis

    prefix = f"ocop-test-{uuid.uuid4().hex[:8]}"
    redis_app = make_test_app(database_url, tmp_path, API_RATE_LIMIT="2 per minute",
                              RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",
                              RATELIMIT_KEY_PREFIX=prefix)
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        assert _api_codes(redis_app.test_client(), 3) == [200, 200, 429]
        keys = [k.decode() for k in connection.keys(f"*{prefix}*")]
        assert any("api" in k and "addr:" in k for k in keys), keys
        # A second application on the same storage (another server process) shares the count.
        other = make_test_app(database_url, tmp_path / "other", API_RATE_LIMIT="2 per minute",
                              RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",
                              RATELIMIT_KEY_PREFIX=prefix)
        assert _api_codes(other.test_client(), 1) == [429]
    finally:
        for key in connection.keys(f"*{prefix}*"):
            connection.delete(key)


def test_behind_a_trusted_proxy_the_limits_count_the_real_client(database_url, tmp_path, db):
    """TRUSTED_PROXIES=1: X-Forwarded-For names the client (two clients behind one proxy are
    counted apart) and X-Forwarded-Proto https brings HSTS. Without it the header is ignored:
    a client cannot forge its way out of the limit."""
    proxied = make_test_app(database_url, tmp_path / "p", API_RATE_LIMIT="2 per minute",
                            TRUSTED_PROXIES=1)
    client = proxied.test_client()
    one = {"X-Forwarded-For": "203.0.113.1", "X-Forwarded-Proto": "https"}
    two = {"X-Forwarded-For": "203.0.113.2"}
    codes = [client.get("/api/v1/registry", headers=one).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get("/api/v1/registry", headers=two).status_code == 200
    assert "Strict-Transport-Security" in client.get("/registry", headers=one).headers

    direct = make_test_app(database_url, tmp_path / "d", API_RATE_LIMIT="2 per minute")
    client = direct.test_client()
    codes = [client.get("/api/v1/registry", headers={"X-Forwarded-For": f"203.0.113.{i}"})
             .status_code for i in range(3)]
    assert codes == [200, 200, 429]
    assert "Strict-Transport-Security" not in client.get("/registry", headers=one).headers
