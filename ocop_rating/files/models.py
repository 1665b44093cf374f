from __future__ import annotations

from datetime import datetime
from pathlib import PurePath

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, db, utcnow
from .kinds import FileKind, kind_of


class StoredFile(db.Model):
    """One upload. The bytes live on disk under their SHA-256 (identical content is stored
    once); this row records who uploaded what, when, and under which name."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    extension: Mapped[str] = mapped_column(String(10))
    # Sanitised (no directories, no control characters); for display and download only,
    # never used to build a path.
    original_name: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("size > 0", name="size_positive"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    @property
    def kind(self) -> FileKind | None:
        return kind_of(self.media_type)

    @property
    def download_name(self) -> str:
        """The original name, with the real extension added when the name claims another
        (a PDF uploaded as "scan.jpg" downloads as "scan.jpg.pdf", so it opens correctly)."""
        suffix = PurePath(self.original_name).suffix.lower().lstrip(".")
        kind = self.kind
        accepted = kind.extensions if kind else {self.extension}
        if suffix in accepted:
            return self.original_name
        return f"{self.original_name}.{self.extension}"

    def __repr__(self) -> str:
        return f"<StoredFile {self.id} {self.sha256[:12]} {self.media_type}>"
