"""Configuration defaults.

Precedence (lowest first): these defaults, ``instance/config.py``, ``OCOP_*`` environment
variables (``OCOP_DATABASE_URL``, ``OCOP_SECRET_KEY`` …), then the dict given to
``create_app`` in tests.
"""
from datetime import timedelta


class Defaults:
    # Left empty on purpose: create_app() fills it from DATABASE_URL or the instance folder.
    DATABASE_URL = ""
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 5000
    # API v1: requests per token (or per address without one), Flask-Limiter syntax.
    API_RATE_LIMIT = "600 per minute"

    # None means: read instance/secret_key, creating it on first run (never committed).
    SECRET_KEY = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    REMEMBER_COOKIE_DURATION = timedelta(days=7)
    REMEMBER_COOKIE_HTTPONLY = True

    WTF_CSRF_TIME_LIMIT = 8 * 3600

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    # Bootstrap-Flask serves its CSS/JS from the installed package: no CDN, intranet-safe.
    BOOTSTRAP_SERVE_LOCAL = True

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    UPLOAD_MAX_BYTES = 20 * 1024 * 1024

    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "ocop-noreply@localhost"

    # The address the public reaches the system at: QR codes on certificates and links in
    # e-mails point here. Set OCOP_PUBLIC_BASE_URL in production.
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    PASSWORD_MIN_LENGTH = 8
    # After this many wrong passwords in LOGIN_LOCK_MINUTES, the account's logins pause.
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    ITEMS_PER_PAGE = 50
