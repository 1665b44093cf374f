"""Extension objects, created unbound and attached in create_app()."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from .db import db

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()


def _rate_key() -> str:
    from .api.auth import rate_key

    return rate_key()


# Rate limits (the API's, per token or per address; see api/__init__.py). In-memory storage
# by default; OCOP_RATELIMIT_STORAGE_URI (e.g. redis://) is shared with the login limits.
limiter = Limiter(key_func=_rate_key, default_limits=[])

__all__ = ["db", "migrate", "login_manager", "csrf", "babel", "bootstrap", "limiter"]
