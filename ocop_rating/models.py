"""Imports every model so that SQLAlchemy's metadata (and Alembic) sees the whole schema."""
from .accounts.models import User  # noqa: F401
from .audit import AuditEvent  # noqa: F401
from .geo.models import Commune, Province  # noqa: F401
