import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    from ocop_rating.security.ratelimit import reset

    reset(app)
    yield
    reset(app)
