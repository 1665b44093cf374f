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
    # FULL: every commit synced (an acknowledged save survives a power cut); NORMAL is faster
    # under WAL but a power cut may undo the last commits (db.apply_sqlite_settings).
    SQLITE_SYNCHRONOUS = "FULL"
    # begin_write() on a file SQLite database queues its writers on a file lock that wakes
    # the next one at once, instead of the busy timeout's polling (db.begin_write).
    SQLITE_WRITE_QUEUE = True
    # A request that still found the database busy answers 503 with this Retry-After.
    BUSY_RETRY_AFTER_S = 2
    # API v1: requests per token (or per address without one), Flask-Limiter syntax.
    API_RATE_LIMIT = "600 per minute"

    # None means: read instance/secret_key, creating it on first run (never committed).
    SECRET_KEY = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    REMEMBER_COOKIE_DURATION = timedelta(days=7)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Secure cookies: None means "when PUBLIC_BASE_URL is https://" (production); True/False
    # forces it (ocop_rating/security/headers.py).
    COOKIE_SECURE = None
    # HSTS is sent on requests that came over TLS; HSTS_ALWAYS sends it on every response
    # (a proxy terminating TLS without X-Forwarded-Proto).
    HSTS_ALWAYS = False
    HSTS_MAX_AGE = 365 * 24 * 3600
    REFERRER_POLICY = "strict-origin-when-cross-origin"
    # Reverse proxies in front of the app that terminate TLS (nginx, a load balancer): how
    # many set X-Forwarded-For / X-Forwarded-Proto (werkzeug's ProxyFix). 0: none, the
    # headers are ignored (a client could forge them). With 1, the rate limits and the
    # login throttle count the real client's address, and HSTS and Secure follow https.
    TRUSTED_PROXIES = 0
    # Origins other than the app's own host allowed to POST (e.g. "https://ocop.example.gov.vn").
    TRUSTED_ORIGINS = ()

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
    # e-mails point here. Empty: the address each request was served on (development, e.g.
    # ``make run PORT=5101``). Set OCOP_PUBLIC_BASE_URL in production.
    PUBLIC_BASE_URL = ""
    # A live installation (OCOP_PRODUCTION=true): certificates are issued only once
    # PUBLIC_BASE_URL is set (their QR codes must outlive whatever host served the request),
    # and e-mail links never trust the request's Host header.
    PRODUCTION = False

    # Passwords: at least this long, not in accounts/common_passwords.txt, not the username.
    PASSWORD_MIN_LENGTH = 10

    # Rate limits (Flask-Limiter syntax, "N per period;…"), per client address; a request
    # over them answers 429. Storage: memory (one process) unless RATELIMIT_STORAGE_URI
    # (env OCOP_RATELIMIT_STORAGE_URI, e.g. redis://127.0.0.1:6379/0) names a shared one.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "ocop"
    LOGIN_RATE_LIMIT = "30 per minute;300 per hour"
    LOGIN_ACCOUNT_RATE_LIMIT = "10 per minute;100 per hour"  # per (account, address)
    SIGNUP_RATE_LIMIT = "10 per hour;30 per day"
    PASSWORD_RESET_RATE_LIMIT = "30 per hour"
    PASSWORD_CHANGE_RATE_LIMIT = "10 per 15 minutes"
    # The public's reports of suspected fakes (no account): per address, and the seconds a
    # person needs at least to fill the form (a robot posts at once).
    REPORT_RATE_LIMIT = "5 per hour;20 per day"
    REPORT_MIN_FILL_SECONDS = 5
    # Login throttle (accounts/throttle.py): failed logins counted per (account, address)
    # and per address; over any of these limits that pair/address is refused — with the
    # same answer as a wrong password — until the window slides. The tiers make the wait
    # grow with persistence. The real user from another address is not affected.
    LOGIN_THROTTLE_PAIR = "5 per 15 minutes;10 per hour;20 per day"
    LOGIN_THROTTLE_ADDRESS = "30 per 15 minutes;100 per day"
    # Wrong second-factor codes per account before the sign-in must start again.
    TWO_FACTOR_MAX_FAILURES = "5 per 15 minutes"

    # Roles that must enrol in two-factor sign-in at their next login (a list of role codes:
    # admin, ministry, province, commune, council_member, producer, and "council_chair" for
    # users chairing a council). Empty: two-factor sign-in is optional for everyone.
    # Environment: OCOP_REQUIRE_2FA_ROLES='["admin", "ministry", "province", "council_chair"]'
    REQUIRE_2FA_ROLES: list[str] = []
    TWO_FACTOR_ISSUER = "OCOP"
    ITEMS_PER_PAGE = 50
    # The cache of the verification page and the API certificate for anonymous visitors
    # (public/cache.py): checked against the database on every request, so a revocation shows
    # at once; kept at most this many seconds (renamed communes, decision wording) and this
    # many answers per server process.
    PUBLIC_CACHE = True
    PUBLIC_CACHE_SECONDS = 300
    PUBLIC_CACHE_ENTRIES = 1024

    # Open data (docs/open-data.md): where the published files live (default:
    # instance/open-data) and the licence they are published under.
    OPEN_DATA_DIR = None
    OPEN_DATA_LICENCE = "CC BY 4.0"
    OPEN_DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
