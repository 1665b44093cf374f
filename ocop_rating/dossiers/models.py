from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.permissions import in_jurisdiction
from ..accounts.roles import Role
from ..db import UTCDateTime, db, enum_column, utcnow
from ..i18n import label_once
from ..producers.models import Producer
from ..products.models import Product
from .states import DossierStatus


class DossierKind(str, enum.Enum):
    first = "first"                # đánh giá lần đầu
    upgrade = "upgrade"            # nâng hạng
    reevaluation = "reevaluation"  # đánh giá lại khi hết hạn

    @property
    @label_once
    def label(self) -> str:
        return str({DossierKind.first: _l("Đánh giá, phân hạng lần đầu"),
                    DossierKind.upgrade: _l("Nâng hạng sao"),
                    DossierKind.reevaluation: _l("Đánh giá lại (hết hiệu lực)")}[self])


class Dossier(db.Model):
    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by ix_dossiers_product_filed (0031)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    # The units handling it: the producer's commune and province at the time of filing.
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    kind: Mapped[DossierKind] = mapped_column(enum_column(DossierKind))
    status: Mapped[DossierStatus] = mapped_column(enum_column(DossierStatus),
                                                  default=DossierStatus.draft, index=True)
    # The sheet the self-assessment is made on: pinned, so a later rulebook changes nothing.
    rulebook_code: Mapped[str] = mapped_column(String(32))
    set_no: Mapped[int]

    # Form 01 (registration)
    production_address: Mapped[str] = mapped_column(String(255), default="")
    annual_capacity: Mapped[str] = mapped_column(String(255), default="")
    main_markets: Mapped[str] = mapped_column(Text, default="")
    product_story: Mapped[str] = mapped_column(Text, default="")
    # The five samples handed to the commune (none for tourism, set 26)
    samples_count: Mapped[int] = mapped_column(default=0)
    samples_handed_on: Mapped[date | None]
    samples_received_by: Mapped[str] = mapped_column(String(120), default="")

    # Re-evaluation and upgrade: the certificate it follows, and what changed since.
    previous_certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", use_alter=True), index=True)
    changes_since_recognition: Mapped[str] = mapped_column(Text, default="")
    return_reason: Mapped[str] = mapped_column(Text, default="")
    commune_deadline: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: two tabs editing the same dossier cannot overwrite each other.
    version: Mapped[int] = mapped_column(default=1)

    product: Mapped[Product] = relationship()
    producer: Mapped[Producer] = relationship()
    claims: Mapped[list[SelfAssessmentClaim]] = relationship(
        cascade="all, delete-orphan", back_populates="dossier")
    evidence: Mapped[list[Evidence]] = relationship(
        cascade="all, delete-orphan", back_populates="dossier", order_by="Evidence.id")
    commune_check: Mapped[CommuneCheck | None] = relationship(
        cascade="all, delete-orphan", back_populates="dossier")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # The lists' unit counts and pager counts from the index alone (0031_count_indexes):
        # a province's dossiers by status and commune, the nation's by status and province.
        Index("ix_dossiers_province_status", "province_code", "status", "commune_code"),
        Index("ix_dossiers_status_province", "status", "province_code", "commune_code"),
        # A product's filed dossiers (the pipeline's "filed since issue"): the latest id of
        # the filed ones read from the index (PostgreSQL keeps the id in INCLUDE; SQLite has
        # the rowid in every index).
        Index("ix_dossiers_product_filed", "product_id", "submitted_at", "kind", "status",
              postgresql_include=["id"]),
    )

    @property
    def is_tourism(self) -> bool:
        return self.set_no == 26

    def claims_by_code(self) -> dict[str, SelfAssessmentClaim]:
        return {c.item_code: c for c in self.claims}

    def evidence_by_code(self) -> dict[str | None, list[Evidence]]:
        """Evidence of the sheet's criteria (and the dossier as a whole, under None); the
        Form 01 papers are in ``documents_by_code``."""
        grouped: dict[str | None, list[Evidence]] = {}
        for e in self.evidence:
            if e.document is None:
                grouped.setdefault(e.item_code, []).append(e)
        return grouped

    def documents_by_code(self) -> dict[str, list[Evidence]]:
        """The papers filed with Form 01, by checklist code ("registration", "food_safety")."""
        grouped: dict[str, list[Evidence]] = {}
        for e in self.evidence:
            if e.document is not None:
                grouped.setdefault(e.document, []).append(e)
        return grouped

    # -- permissions: role and jurisdiction through the one helper ------------------------
    def is_owner(self, user) -> bool:
        return (getattr(user, "is_authenticated", False) and user.role == Role.producer
                and user.producer_id == self.producer_id)

    def can_view(self, user) -> bool:
        if self.is_owner(user):
            return True
        if self.status == DossierStatus.draft:
            return False  # a draft is the producer's own until submitted
        return in_jurisdiction(user, province_code=self.province_code,
                               commune_code=self.commune_code)

    def can_edit(self, user) -> bool:
        return self.is_owner(user) and self.status.is_editable_by_producer

    def can_check_at_commune(self, user) -> bool:
        return (getattr(user, "role", None) == Role.commune
                and in_jurisdiction(user, commune_code=self.commune_code)
                and self.status == DossierStatus.submitted)

    def can_intake_at_province(self, user) -> bool:
        return (getattr(user, "role", None) in (Role.province, Role.admin)
                and in_jurisdiction(user, province_code=self.province_code)
                and self.status == DossierStatus.forwarded)


class SelfAssessmentClaim(db.Model):
    """Form 02: the option the producer claims for one scorable item of the sheet."""

    __tablename__ = "self_assessment_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    item_code: Mapped[str] = mapped_column(String(16))
    option_index: Mapped[int | None]
    case_key: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="claims")

    __table_args__ = (UniqueConstraint("dossier_id", "item_code", name="one_claim_per_item"),)


class Evidence(db.Model):
    """A file backing a claim (item_code), one of the papers filed with Form 01 that the
    commune checks in Form 03 (document: a checklist code such as "registration" or
    "food_safety"), or the dossier as a whole (both NULL)."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"),
                                            index=True)
    item_code: Mapped[str | None] = mapped_column(String(16))
    document: Mapped[str | None] = mapped_column(String(30))
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    label: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="evidence")
    file = relationship("StoredFile")


class CommuneCheck(db.Model):
    """Form 03: the commune's completeness check and its assessment (no points) of the four
    local items, with its proposal (Decision 26/2026, DOMAIN.md §5.2)."""

    __tablename__ = "commune_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"),
                                            unique=True)
    checklist: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    origin_assessment: Mapped[str] = mapped_column(Text, default="")
    labour_assessment: Mapped[str] = mapped_column(Text, default="")
    idea_assessment: Mapped[str] = mapped_column(Text, default="")
    identity_assessment: Mapped[str] = mapped_column(Text, default="")
    proposal: Mapped[str] = mapped_column(Text, default="")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dossier: Mapped[Dossier] = relationship(back_populates="commune_check")
    officer = relationship("User")
