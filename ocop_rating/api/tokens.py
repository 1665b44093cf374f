"""Personal access tokens for the API (issue 15): created by a person on their own account
page and shown once, stored only as the SHA-256 of the secret (with a short visible prefix to
tell them apart), scoped, expiring (at most a year), revocable; each use is dated and audited.

A token acts for its owner and never beyond him: every endpoint still asks the same ``can_*``
and visibility functions as the HTML pages, the scopes only narrow what the token may do."""
from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import audit
from ..accounts.roles import NATIONAL_ROLES, Role
from ..db import UTCDateTime, db, utcnow
from ..errors import OcopError

PREFIX = "ocop_"
MAX_DAYS = 366  # "at most one year" (a leap year included)

SCOPES = {
    "read": _l("Đọc: vòng đánh giá, phiếu chấm của mình, kết quả, giấy chứng nhận, quyết định"),
    "office:read": _l("Đọc dữ liệu của văn phòng: chủ thể, sản phẩm, hồ sơ trong địa bàn"),
    "score:write": _l("Ghi điểm vào phiếu chấm của chính mình (thành viên hội đồng)"),
}
OFFICE_ROLES = frozenset({Role.admin, Role.ministry, Role.province, Role.commune})


def scopes_for(role: Role) -> list[str]:
    """The scopes a role may put on its tokens."""
    scopes = ["read"]
    if role in OFFICE_ROLES:
        scopes.append("office:read")
    if role == Role.council_member:
        scopes.append("score:write")
    return scopes


class TokenError(OcopError):
    code = "invalid_token"
    status = 400


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(255))  # space-separated
    expires_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def is_live(self, today: date) -> bool:
        return self.revoked_at is None and today <= self.expires_on

    @property
    def province_code(self) -> str | None:  # for the audit trail's province
        return self.user.province_code if self.user is not None else None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user, *, name: str, scopes: list[str], expires_on: date,
                 today: date) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and the secret (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_l("Vui lòng đặt tên cho khóa truy cập."))
    allowed = scopes_for(user.role)
    scopes = sorted(set(scopes))
    if not scopes or any(s not in allowed for s in scopes):
        raise TokenError(_l("Phạm vi quyền không hợp lệ cho vai trò của bạn."))
    if expires_on <= today or expires_on > today + timedelta(days=MAX_DAYS):
        raise TokenError(_l("Ngày hết hạn phải sau hôm nay và không quá một năm."))
    visible = secrets.token_hex(4)
    secret = f"{PREFIX}{visible}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user_id=user.id, name=name[:120], prefix=f"{PREFIX}{visible}",
                     token_hash=hash_secret(secret), scopes=" ".join(scopes),
                     expires_on=expires_on)
    db.session.add(token)
    db.session.flush()
    audit.record(token, "created", actor=user, data={"scopes": scopes,
                                                     "expires_on": expires_on.isoformat()})
    return token, secret


def revoke_token(token: ApiToken, *, actor) -> None:
    if token.user_id != actor.id and actor.role not in NATIONAL_ROLES:
        raise OcopError(str(_l("Đây không phải khóa của bạn.")), code="not_allowed")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(token, "revoked", actor=actor)
        db.session.flush()


def tokens_of(user) -> list[ApiToken]:
    return list(db.session.scalars(db.select(ApiToken).filter_by(user_id=user.id)
                                   .order_by(ApiToken.id.desc())))


def find_token(secret: str) -> ApiToken | None:
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    return db.session.scalar(db.select(ApiToken).filter_by(token_hash=hash_secret(secret)))
