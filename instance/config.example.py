# Copy to instance/config.py and edit. Values here override ocop_rating/config.py defaults;
# OCOP_* environment variables override both (e.g. OCOP_SECRET_KEY, OCOP_DATABASE_URL).
SECRET_KEY = "change-me-to-a-long-random-string"
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://ocop:secret@127.0.0.1:5432/ocop"
# MAIL_SERVER = "127.0.0.1"
# MAIL_PORT = 25
