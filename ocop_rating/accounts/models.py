from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import UTCDateTime, db, enum_column, sort_key_column, utcnow
from ..geo.models import Commune, Province
from .roles import Role


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(120))
    # ``text.fold`` of the full name and the login, kept on write: what the users list and the
    # audit trail's actor filter search (``search.word_search``).
    search_text: Mapped[str] = mapped_column(String(200), server_default="")
    # text.vn_sort_string(full_name), kept by _keep_name_keys: the users list sorts in SQL.
    name_sort: Mapped[str] = mapped_column(sort_key_column(), index=True, server_default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"), index=True)
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("communes.code"), index=True)
    # A producer's account belongs to one producer entity (chủ thể). use_alter breaks the
    # users <-> producers foreign-key cycle for table creation and ordering.
    producer_id: Mapped[int | None] = mapped_column(
        ForeignKey("producers.id", ondelete="SET NULL", use_alter=True), index=True)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Bumped on password change/reset/deactivation: invalidates every other open session.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped when an administrator clears the account's login throttle: the failure counters
    # (kept in the rate-limit storage, keyed by this number) start again from zero.
    login_throttle_epoch: Mapped[int] = mapped_column(default=0)
    # Two-factor sign-in (TOTP, RFC 6238): the secret exists from the start of enrolment;
    # the factor is on once totp_enabled_at is set. totp_last_step refuses a code's replay.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column()

    province: Mapped[Province | None] = relationship()
    commune: Mapped[Commune | None] = relationship()
    producer: Mapped["Producer | None"] = relationship(foreign_keys=[producer_id])  # noqa: F821

    __table_args__ = (
        # A provincial office belongs to one province; a commune officer to one commune.
        CheckConstraint("role != 'province' OR province_code IS NOT NULL",
                        name="province_office_has_province"),
        CheckConstraint("role != 'commune' OR (commune_code IS NOT NULL "
                        "AND province_code IS NOT NULL)",
                        name="commune_officer_has_commune"),
        CheckConstraint("role NOT IN ('admin', 'ministry') OR (province_code IS NULL "
                        "AND commune_code IS NULL)",
                        name="national_roles_have_no_unit"),
        CheckConstraint("role = 'producer' OR producer_id IS NULL",
                        name="only_producers_have_producer"),
    )

    # Flask-Login: a deactivated account cannot log in and its sessions end.
    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def unit_name(self) -> str:
        if self.commune is not None:
            return f"{self.commune.name}, {self.province.name}"
        if self.province is not None:
            return self.province.name
        return ""

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


class RecoveryCode(db.Model):
    """A one-time recovery code of the two-factor sign-in, stored hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def user_search_text(full_name: str | None, username: str | None) -> str:
    from ..text import fold

    return fold(f"{full_name or ''} {username or ''}")


@event.listens_for(User.full_name, "set")
def _keep_name_keys(user, value, _old, _initiator):
    """The keys the users list searches and sorts by follow the name."""
    from ..text import vn_sort_string

    user.search_text = user_search_text(value, user.username)
    user.name_sort = vn_sort_string(value)


@event.listens_for(User.username, "set")
def _keep_search_text_login(user, value, _old, _initiator):
    user.search_text = user_search_text(user.full_name, value)
