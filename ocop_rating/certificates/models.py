"""Recognition and revocation decisions, and the certificates they issue (DOMAIN.md §6)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.permissions import in_jurisdiction
from ..accounts.roles import Role
from ..db import UTCDateTime, db, enum_column, utcnow
from ..i18n import label_once
from ..legaltime import legal_today
from . import rules
from .rules import EXPIRING_DAYS, STATUS_LABELS, CertificateStatus  # noqa: F401 (re-exported)


class DecisionKind(str, enum.Enum):
    recognition = "recognition"  # công nhận
    revocation = "revocation"    # thu hồi

    @property
    @label_once
    def label(self) -> str:
        return str({DecisionKind.recognition: _l("Quyết định công nhận"),
                    DecisionKind.revocation: _l("Quyết định thu hồi")}[self])


class DecisionStatus(str, enum.Enum):
    draft = "draft"
    issued = "issued"  # immutable; corrections by a new decision

    @property
    @label_once
    def label(self) -> str:
        return str({DecisionStatus.draft: _l("Dự thảo"),
                    DecisionStatus.issued: _l("Đã ban hành")}[self])


class AuthorityLevel(str, enum.Enum):
    province = "province"  # provincial People's Committee chair: 3★, 4★
    ministry = "ministry"  # Minister of Agriculture and Environment: 5★


class RevocationGround(str, enum.Enum):
    """The six grounds for revocation (Decision 26/2026, DOMAIN.md §6)."""

    false_dossier = "false_dossier"
    criteria_not_met = "criteria_not_met"
    violations = "violations"
    mark_misuse = "mark_misuse"
    production_stopped = "production_stopped"
    other = "other"

    @property
    @label_once
    def label(self) -> str:
        return str(GROUND_LABELS[self])


GROUND_LABELS = {
    RevocationGround.false_dossier: _l("Hồ sơ không trung thực, giả mạo"),
    RevocationGround.criteria_not_met: _l("Sản phẩm không còn đáp ứng tiêu chí"),
    RevocationGround.violations: _l("Vi phạm quy định về chất lượng, an toàn thực phẩm, "
                                    "môi trường, sở hữu trí tuệ, nhãn hàng hóa"),
    RevocationGround.mark_misuse: _l("Sử dụng sai mục đích biểu trưng OCOP"),
    RevocationGround.production_stopped: _l("Chủ thể ngừng sản xuất"),
    RevocationGround.other: _l("Trường hợp khác do cơ quan có thẩm quyền kết luận"),
}


class Decision(db.Model):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind))
    status: Mapped[DecisionStatus] = mapped_column(enum_column(DecisionStatus),
                                                   default=DecisionStatus.draft, index=True)
    authority_level: Mapped[AuthorityLevel] = mapped_column(enum_column(AuthorityLevel))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"), index=True)
    authority_name: Mapped[str] = mapped_column(String(255))
    number: Mapped[str] = mapped_column(String(64))
    decided_on: Mapped[date] = mapped_column(index=True)
    signer_name: Mapped[str] = mapped_column(String(120))
    signer_title: Mapped[str] = mapped_column(String(255))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    # Recorded from a paper decision made before the system (or under an older rulebook).
    is_legacy: Mapped[bool] = mapped_column(default=False)
    ground: Mapped[RevocationGround | None] = mapped_column(enum_column(RevocationGround))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list[DecisionItem]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionItem.id")
    province = relationship("Province")

    __table_args__ = (
        CheckConstraint("(authority_level = 'ministry') = (province_code IS NULL)",
                        name="ministry_has_no_province"),
        CheckConstraint("(status = 'issued') = (issued_at IS NOT NULL)",
                        name="issued_has_time"),
        CheckConstraint("(kind = 'revocation') = (ground IS NOT NULL)",
                        name="revocation_has_ground"),
        UniqueConstraint("authority_level", "province_code", "number", name="number_once"),
    )

    @property
    def is_issued(self) -> bool:
        return self.status == DecisionStatus.issued

    def can_manage(self, user) -> bool:
        """The office of the authority: the provincial OCOP office for the province's
        decisions, the ministry's office for the minister's."""
        return can_act_for(user, self.authority_level, self.province_code)


def can_act_for(user, level: AuthorityLevel, province_code: str | None) -> bool:
    role = getattr(user, "role", None)
    if not getattr(user, "is_active", False):
        return False
    if role == Role.admin:
        return True
    if level == AuthorityLevel.ministry:
        return role == Role.ministry
    return role == Role.province and in_jurisdiction(user, province_code=province_code)


class DecisionItem(db.Model):
    """One product in a decision: recognised at a star, or a certificate revoked."""

    __tablename__ = "decision_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"),
                                             index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluations.id"),
                                                      index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey(
        "certificates.id", use_alter=True), index=True)  # the certificate revoked (revocations)
    star: Mapped[int | None]

    decision: Mapped[Decision] = relationship(back_populates="items")
    product = relationship("Product")
    evaluation = relationship("Evaluation")
    certificate = relationship("Certificate", foreign_keys=[certificate_id])

    __table_args__ = (CheckConstraint("star IS NULL OR star BETWEEN 3 AND 5",
                                      name="recognised_stars"),)




# The key of the pipeline's expiry indexes (0031_count_indexes).
EXPIRY_COVER = ("expires_on", "id", "revoked_at", "superseded_by_id", "extended_until",
                "product_id", "issued_on", "set_no", "star")


class Certificate(db.Model):
    """A recognised product's certificate: 36 months from issue (DOMAIN.md §6). What it
    certifies is copied at issue (the record must not change when a producer renames)."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    issuer_key: Mapped[str] = mapped_column(String(16))  # province code, or "BO" (ministry)
    year: Mapped[int]
    serial: Mapped[int | None]  # None: a legacy certificate, its number kept as printed
    token: Mapped[str] = mapped_column(String(64), unique=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    decision_item_id: Mapped[int] = mapped_column(ForeignKey("decision_items.id"), unique=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluations.id"))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    star: Mapped[int]
    rulebook_code: Mapped[str] = mapped_column(String(32))
    set_no: Mapped[int]
    issued_on: Mapped[date] = mapped_column(index=True)
    expires_on: Mapped[date]  # indexed by ix_certificates_expiry_cover (0031)
    # snapshot of what is certified
    product_name: Mapped[str] = mapped_column(String(255))
    product_code: Mapped[str] = mapped_column(String(32))
    product_set_name: Mapped[str] = mapped_column(String(255))
    producer_name: Mapped[str] = mapped_column(String(255))
    producer_address: Mapped[str] = mapped_column(String(500))
    search_text: Mapped[str] = mapped_column(Text)  # folded: accent-insensitive search
    # life events
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    # Transition rule: an old certificate whose re-evaluation could not meet the window stays
    # valid until the decision, at most 180 days past expiry (set by the re-evaluation issue).
    extended_until: Mapped[date | None]

    decision: Mapped[Decision] = relationship(foreign_keys=[decision_id])
    revocation_decision: Mapped[Decision | None] = relationship(
        foreign_keys=[revocation_decision_id])
    superseded_by: Mapped[Certificate | None] = relationship(remote_side=[id],
                                                             foreign_keys=[superseded_by_id])
    product = relationship("Product")
    producer = relationship("Producer")
    province = relationship("Province")
    commune = relationship("Commune")

    __table_args__ = (
        UniqueConstraint("issuer_key", "year", "serial", name="serial_once"),
        CheckConstraint("star BETWEEN 3 AND 5", name="recognised_star"),
        CheckConstraint("expires_on > issued_on", name="expires_after_issue"),
        CheckConstraint("(revoked_at IS NULL) = (revocation_decision_id IS NULL)",
                        name="revocation_has_decision"),
        # The re-evaluation pipeline counts its sections and months from these indexes alone
        # (0031_count_indexes): by expiry, for the nation and for a province, each entry
        # holding every column the counts and the filters read (the nation's also the
        # province, which the statistics count by); ``id`` second keeps the pages' order
        # (expires_on, id). Extensions, few, in a partial index of their own.
        Index("ix_certificates_expiry_cover", *EXPIRY_COVER, "province_code"),
        Index("ix_certificates_province_expiry_cover", "province_code", *EXPIRY_COVER,
              "commune_code"),
        Index("ix_certificates_extended", "extended_until", "expires_on", "revoked_at",
              "superseded_by_id", "province_code", "commune_code", "set_no", "star",
              sqlite_where=text("extended_until IS NOT NULL"),
              postgresql_where=text("extended_until IS NOT NULL")),
    )

    @staticmethod
    def expiry_for(issued_on: date) -> date:
        """36 months from issue (certificates/rules.py)."""
        return rules.expiry_for(issued_on)

    def valid_until(self) -> date:
        return rules.valid_until(self.expires_on, self.extended_until)

    def status_on(self, today: date | None = None) -> CertificateStatus:
        return rules.status_on(today or legal_today(), expires_on=self.expires_on,
                               extended_until=self.extended_until,
                               revoked=self.revoked_at is not None,
                               superseded=self.superseded_by_id is not None)

    @property
    def status(self) -> CertificateStatus:
        return self.status_on()

    @property
    def revoked_on(self) -> date | None:
        """The revocation's legal date: the date of its decision, not when it was recorded."""
        return self.revocation_decision.decided_on if self.revocation_decision else None

    @property
    def revocation_ground(self) -> RevocationGround | None:
        return self.revocation_decision.ground if self.revocation_decision else None

    def days_to_expiry(self, today: date | None = None) -> int:
        return (self.expires_on - (today or legal_today())).days

    def can_manage(self, user) -> bool:
        level = AuthorityLevel.ministry if rules.is_ministry_issuer(self.issuer_key) \
            else AuthorityLevel.province
        return can_act_for(user, level, self.province_code)

    def can_view_private(self, user) -> bool:
        """The producer's own certificates, and officers of its territory."""
        if getattr(user, "role", None) == Role.producer:
            return user.producer_id == self.producer_id
        return in_jurisdiction(user, province_code=self.province_code,
                               commune_code=self.commune_code)


class CertificateCounter(db.Model):
    """Certificate serials, per issuing authority and year: only ever increase."""

    __tablename__ = "certificate_counters"

    issuer_key: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_serial: Mapped[int] = mapped_column(default=0)
