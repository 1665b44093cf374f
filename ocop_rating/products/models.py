from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, db, utcnow
from ..producers.models import Producer


class Product(db.Model):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    name_folded: Mapped[str] = mapped_column(String(255), index=True)
    # The product set (bộ sản phẩm 1–26) under the rulebook that classified it.
    set_no: Mapped[int]
    rulebook_code: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    # Assigned by the commune when the first dossier is submitted; never changed or reused.
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    producer: Mapped[Producer] = relationship()
    photos: Mapped[list[ProductPhoto]] = relationship(cascade="all, delete-orphan",
                                                      order_by="ProductPhoto.id")

    __table_args__ = (CheckConstraint("set_no BETWEEN 1 AND 99", name="set_no_range"),)

    def can_view(self, user) -> bool:
        return self.producer.can_view(user)

    def can_edit(self, user) -> bool:
        return self.producer.is_member(user)


class ProductPhoto(db.Model):
    __tablename__ = "product_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))

    file = relationship("StoredFile")


class ProductCodeCounter(db.Model):
    """The serial each commune keeps for product codes: only ever increases."""

    __tablename__ = "product_code_counters"

    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), primary_key=True)
    last_serial: Mapped[int] = mapped_column(default=0)
