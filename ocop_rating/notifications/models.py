from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from ..accounts.models import User


class Notification(db.Model):
    """A message to one person: listed in the application, and e-mailed after the commit
    that created it (``emailed_at``, or ``email_error`` after ``email_attempts`` tries)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))  # a code: "dossier_returned" …
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))  # same-site path, never a full URL
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_error: Mapped[str | None] = mapped_column(Text)
    email_attempts: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship()

    __table_args__ = (
        # The unread badge and the list: WHERE user_id = ? AND read_at IS NULL.
        Index("ix_notifications_user_read", "user_id", "read_at"),
        CheckConstraint("email_attempts >= 0", name="email_attempts_not_negative"),
        CheckConstraint("emailed_at IS NULL OR email_error IS NULL", name="emailed_has_no_error"),
    )

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def can_view(self, user) -> bool:
        """Only the addressee ever sees or marks a notification."""
        return bool(getattr(user, "is_authenticated", False) and user.id == self.user_id)

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} → user {self.user_id}>"
