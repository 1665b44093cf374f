from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.permissions import in_jurisdiction
from ..accounts.roles import Role
from ..db import UTCDateTime, db, enum_column, sort_key_column, utcnow
from ..geo.models import Commune, Province
from ..i18n import label_once
from .ethnicities import ETHNICITY_NAMES, is_minority


class ProducerKind(str, enum.Enum):
    """Who may be a producer (DOMAIN.md §5.1; associations and tourism operators: set 26)."""

    cooperative = "cooperative"              # hợp tác xã
    cooperative_group = "cooperative_group"  # tổ hợp tác
    enterprise = "enterprise"                # doanh nghiệp nhỏ và vừa
    farm = "farm"                            # trang trại
    household = "household"                  # hộ kinh doanh có đăng ký
    association = "association"              # hội, hiệp hội (bộ 26)
    tourism_operator = "tourism_operator"    # đơn vị kinh doanh du lịch (bộ 26)

    @property
    @label_once
    def label(self) -> str:
        return str(KIND_LABELS[self])

    @property
    def tourism_only(self) -> bool:
        return self in (ProducerKind.association, ProducerKind.tourism_operator)


KIND_LABELS = {
    ProducerKind.cooperative: _l("Hợp tác xã"),
    ProducerKind.cooperative_group: _l("Tổ hợp tác"),
    ProducerKind.enterprise: _l("Doanh nghiệp nhỏ và vừa"),
    ProducerKind.farm: _l("Trang trại"),
    ProducerKind.household: _l("Hộ kinh doanh có đăng ký"),
    ProducerKind.association: _l("Hội, hiệp hội (du lịch cộng đồng)"),
    ProducerKind.tourism_operator: _l("Đơn vị kinh doanh du lịch"),
}


class Gender(str, enum.Enum):
    female = "female"
    male = "male"

    @property
    @label_once
    def label(self) -> str:
        return str(GENDER_LABELS[self])


GENDER_LABELS = {Gender.female: _l("Nữ"), Gender.male: _l("Nam")}


class ProducerStatus(str, enum.Enum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"

    @property
    @label_once
    def label(self) -> str:
        return str({ProducerStatus.pending: _l("Chờ phê duyệt"),
                    ProducerStatus.approved: _l("Đã phê duyệt"),
                    ProducerStatus.rejected: _l("Bị từ chối")}[self])


class Producer(db.Model):
    __tablename__ = "producers"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ProducerKind] = mapped_column(enum_column(ProducerKind))
    name: Mapped[str] = mapped_column(String(255))
    name_folded: Mapped[str] = mapped_column(String(255), index=True)
    # text.vn_sort_string(name), kept by the listener below: the list sorts in SQL.
    name_sort: Mapped[str] = mapped_column(sort_key_column(), index=True,
                                           server_default="")
    registration_number: Mapped[str] = mapped_column(String(32), unique=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.code"), index=True)
    address: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(255))
    representative_name: Mapped[str] = mapped_column(String(120))
    representative_position: Mapped[str] = mapped_column(String(120), default="")
    representative_gender: Mapped[Gender] = mapped_column(enum_column(Gender))
    representative_ethnicity: Mapped[str] = mapped_column(String(2))
    representative_disabled: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ProducerStatus] = mapped_column(enum_column(ProducerStatus),
                                                  default=ProducerStatus.pending, index=True)
    status_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    province: Mapped[Province] = relationship()
    commune: Mapped[Commune] = relationship()

    __table_args__ = (
        CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name="decision_has_time"),
    )

    @property
    def ethnicity_name(self) -> str:
        return ETHNICITY_NAMES.get(self.representative_ethnicity, "")

    @property
    def full_address(self) -> str:
        return ", ".join(x for x in (self.address, self.commune.name, self.province.name) if x)

    @property
    def qualifies_for_3_2(self) -> bool:
        """Criterion 3.2: the legal representative is a woman, of an ethnic minority, or a
        person with a disability."""
        return (self.representative_gender == Gender.female
                or is_minority(self.representative_ethnicity) or self.representative_disabled)

    def is_member(self, user) -> bool:
        return (getattr(user, "is_authenticated", False) and user.role == Role.producer
                and user.producer_id == self.id)

    def can_view(self, user) -> bool:
        return self.is_member(user) or in_jurisdiction(
            user, province_code=self.province_code, commune_code=self.commune_code)

    def can_decide(self, user) -> bool:
        """Approving a sign-up: the commune officer of its commune, or its provincial office."""
        return (getattr(user, "role", None) in (Role.commune, Role.province, Role.admin)
                and in_jurisdiction(user, province_code=self.province_code,
                                    commune_code=self.commune_code))

    def can_edit(self, user) -> bool:
        return self.is_member(user) or self.can_decide(user)


@event.listens_for(Producer.name, "set")
def _keep_name_sort(producer, value, _old, _initiator):
    from ..text import vn_sort_string

    producer.name_sort = vn_sort_string(value)


class ChangeStatus(str, enum.Enum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"

    @property
    @label_once
    def label(self) -> str:
        return str({ChangeStatus.pending: _l("Chờ xã phê duyệt"),
                    ChangeStatus.approved: _l("Đã phê duyệt"),
                    ChangeStatus.rejected: _l("Bị từ chối")}[self])


# The facts that identify the entity or feed criterion 3.2: once the commune has approved the
# producer, the producer changes them only by asking the commune again.
IDENTITY_FIELDS = ("kind", "name", "registration_number", "representative_name",
                   "representative_gender", "representative_ethnicity",
                   "representative_disabled")
IDENTITY_LABELS = {
    "kind": _l("Loại hình chủ thể"), "name": _l("Tên chủ thể"),
    "registration_number": _l("Mã số doanh nghiệp / HTX / hộ kinh doanh"),
    "representative_name": _l("Người đại diện"),
    "representative_gender": _l("Giới tính người đại diện"),
    "representative_ethnicity": _l("Dân tộc người đại diện"),
    "representative_disabled": _l("Người đại diện là người khuyết tật"),
}


class ProducerChangeRequest(db.Model):
    """A producer's request to change its identity facts after approval (issue 12 §6): the
    commune (or province) approves it again; both steps are audited."""

    __tablename__ = "producer_change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    status: Mapped[ChangeStatus] = mapped_column(enum_column(ChangeStatus),
                                                 default=ChangeStatus.pending)
    # {field: {"old": stored value, "new": stored value}} (enums as their values)
    changes: Mapped[dict] = mapped_column(JSON)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")

    producer: Mapped[Producer] = relationship()

    __table_args__ = (
        CheckConstraint("status = 'pending' OR decided_at IS NOT NULL",
                        name="change_decision_has_time"),
    )

    def shown(self) -> list[tuple[str, str, str]]:
        """(label, old, new) for each field, as a person reads them."""
        def show(field, value):
            if field == "kind":
                return ProducerKind(value).label
            if field == "representative_gender":
                return Gender(value).label
            if field == "representative_ethnicity":
                return ETHNICITY_NAMES.get(value, value)
            if field == "representative_disabled":
                return str(_l("Có")) if value else str(_l("Không"))
            return value
        return [(str(IDENTITY_LABELS[f]), show(f, v["old"]), show(f, v["new"]))
                for f, v in self.changes.items()]
