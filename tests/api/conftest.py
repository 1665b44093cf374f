import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app):
    from ocop_rating.extensions import limiter

    limiter.reset()
    yield
    limiter.reset()
