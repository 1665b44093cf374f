"""Two-factor sign-in: TOTP (RFC 6238, pyotp) with one-time recovery codes.

The secret is stored with the account (it must be readable to check codes); the ten recovery
codes are shown once and stored hashed. A code's time step is remembered so that a code seen
once (shoulder, proxy log) cannot be used again.
"""
from __future__ import annotations

import secrets
import time

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..db import db, utcnow
from ..errors import OcopError
from .models import RecoveryCode, User

RECOVERY_CODES = 10


class TwoFactorError(OcopError):
    code = "two_factor"


def _totp(user: User) -> pyotp.TOTP:
    return pyotp.TOTP(user.totp_secret)


def start_enrolment(user: User) -> str:
    """Give the account a new secret (not yet in force) unless one is pending; return it."""
    if user.has_two_factor:
        raise TwoFactorError(_("Xác thực hai bước đã được bật."), code="already_enabled")
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return _totp(user).provisioning_uri(name=user.username,
                                        issuer_name=current_app.config["TWO_FACTOR_ISSUER"])


def qr_svg(user: User) -> str:
    """The enrolment QR as inline SVG markup (no data: URI, no inline style)."""
    return segno.make_qr(provisioning_uri(user), error="m").svg_inline(
        scale=5, dark="#000", light="#fff", border=2, omitsize=False)


def _check_totp(user: User, code: str) -> bool:
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6) or not user.totp_secret:
        return False
    totp = _totp(user)
    now = time.time()
    for drift in (-1, 0, 1):
        at = now + drift * totp.interval
        step = totp.timecode(at)
        if secrets.compare_digest(totp.at(at), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False  # already used
            user.totp_last_step = step
            return True
    return False


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=generate_password_hash(c))
                       for c in codes)
    db.session.flush()
    return codes


def confirm_enrolment(user: User, code: str, *, actor: User) -> list[str]:
    """Turn the factor on once a code from the app is right; return the recovery codes
    (to be shown once)."""
    if user.has_two_factor:
        raise TwoFactorError(_("Xác thực hai bước đã được bật."), code="already_enabled")
    if not user.totp_secret or not _check_totp(user, code):
        raise TwoFactorError(_("Mã xác thực không đúng. Hãy nhập mã 6 chữ số đang hiện trên "
                               "ứng dụng."), code="wrong_code")
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    audit.record(user, "two_factor_enabled", actor=actor)
    db.session.flush()
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    code = (code or "").strip().lower()
    if len(code) != 13:
        return False
    for row in db.session.scalars(db.select(RecoveryCode).filter_by(user_id=user.id,
                                                                    used_at=None)):
        if check_password_hash(row.code_hash, code):
            row.used_at = utcnow()
            return True
    return False


def verify(user: User, code: str) -> str | None:
    """Check a login's second factor: "totp", "recovery" (a recovery code, now spent) or
    None. Audits the outcome."""
    if _check_totp(user, code):
        how = "totp"
    elif _use_recovery_code(user, code):
        how = "recovery"
    else:
        audit.record(user, "two_factor_failed", actor=None)
        db.session.flush()
        return None
    if how == "recovery":
        audit.record(user, "recovery_code_used", actor=user,
                     data={"left": remaining_recovery_codes(user)})
    db.session.flush()
    return how


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def disable(user: User, *, password: str, code: str, actor: User) -> None:
    """Turn the factor off: needs the password and a current code (or a recovery code)."""
    if not user.has_two_factor:
        return
    if not user.check_password(password or ""):
        raise TwoFactorError(_("Mật khẩu không đúng."), code="wrong_password")
    if not (_check_totp(user, code) or _use_recovery_code(user, code)):
        raise TwoFactorError(_("Mã xác thực không đúng."), code="wrong_code")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.session_version += 1
    audit.record(user, "two_factor_disabled", actor=actor)
    db.session.flush()


def is_required(user: User) -> bool:
    """Whether configuration (``REQUIRE_2FA_ROLES``) makes this account enrol."""
    required = set(current_app.config.get("REQUIRE_2FA_ROLES") or [])
    if not required:
        return False
    if user.role.value in required:
        return True
    if "council_chair" in required:
        from ..councils.models import CouncilMember, MemberRole

        return db.session.scalar(db.select(CouncilMember.id).filter_by(
            user_id=user.id, role=MemberRole.chair, is_active=True).limit(1)) is not None
    return False
