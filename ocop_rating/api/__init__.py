"""The JSON API v1: the public registry (anonymous, read-only) and, for holders of a personal
access token (api/tokens.py), the records of their role and jurisdiction. Described by a
hand-written OpenAPI 3.1 document at /api/v1/openapi.json (a test keeps it in step with the
routes)."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

@bp.before_request
def _authenticate():
    from .auth import authenticate

    authenticate()


from . import v1, views  # noqa: E402,F401
from ..extensions import csrf  # noqa: E402

# Bearer requests carry no cookie rights: auth.authenticate() runs the CSRF check itself for
# the unsafe requests without a token.
csrf.exempt(bp)
# Its rate limit (API_RATE_LIMIT, per token or per address) is set by the application's one
# limiter, security/ratelimit.py.
