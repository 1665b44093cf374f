"""Extension objects, created unbound and attached in create_app()."""
from flask_babel import Babel
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

# Rate limits are not here: each application gets a limiter of its own (security/ratelimit.py),
# which counts the logins and the API alike.

__all__ = ["db", "migrate", "login_manager", "csrf", "babel", "bootstrap"]
