from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import db


class Province(db.Model):
    """A province-level unit; ``code`` is the two-digit code of Decision 19/2025."""

    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    division_type: Mapped[str] = mapped_column(String(40))
    codename: Mapped[str] = mapped_column(String(120))
    name_folded: Mapped[str] = mapped_column(String(120), index=True)

    communes: Mapped[list[Commune]] = relationship(back_populates="province")

    def __str__(self) -> str:
        return self.name


class Commune(db.Model):
    """A commune-level unit (xã, phường, đặc khu); ``code`` is five digits."""

    __tablename__ = "communes"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    division_type: Mapped[str] = mapped_column(String(40))
    codename: Mapped[str] = mapped_column(String(120))
    name_folded: Mapped[str] = mapped_column(String(120), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)

    province: Mapped[Province] = relationship(back_populates="communes")

    def __str__(self) -> str:
        return self.name
