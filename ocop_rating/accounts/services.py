"""Account services: every change to a user goes through here and is audited."""
from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import generate_password_hash

from .. import audit
from ..db import db, utcnow
from ..errors import NotAllowed, OcopError
from ..geo.models import Commune, Province
from .models import User
from .permissions import can_manage_user
from .roles import NATIONAL_ROLES, Role

# Checked against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AuthError(OcopError):
    code = "auth_failed"


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


def find_user(username: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(username=normalize_username(username)))


def authenticate(username: str, password: str) -> User:
    """Return the user for these credentials or raise ``AuthError`` with a clear message.

    Unknown user and wrong password give the same message, so usernames cannot be probed.
    """
    user = find_user(username)
    if user is None:
        from werkzeug.security import check_password_hash

        check_password_hash(_DUMMY_HASH, password or "")
        raise AuthError(_("Tên đăng nhập hoặc mật khẩu không đúng."))
    minutes = current_app.config.get("LOGIN_LOCK_MINUTES", 15)
    if recent_failures(user, minutes) >= current_app.config.get("LOGIN_MAX_FAILURES", 5):
        # Slows password guessing; the record of attempts is shared by every server process.
        raise AuthError(_("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(m)d phút.",
                          m=minutes), code="too_many_failures")
    if not user.check_password(password or ""):
        audit.record(user, "login_failed", actor=None)
        raise AuthError(_("Tên đăng nhập hoặc mật khẩu không đúng."))
    if not user.is_active_account:
        producer = user.producer
        if producer is not None and producer.status.value == "pending":
            raise AuthError(_("Đăng ký của bạn đang chờ cán bộ xã hoặc văn phòng OCOP tỉnh "
                              "phê duyệt. Bạn sẽ nhận được e-mail khi được phê duyệt."),
                            code="account_pending")
        if producer is not None and producer.status.value == "rejected":
            raise AuthError(_("Đăng ký của bạn không được phê duyệt. Lý do: %(r)s",
                              r=producer.status_note), code="account_rejected")
        raise AuthError(_("Tài khoản này đã bị khóa. Vui lòng liên hệ văn phòng OCOP."),
                        code="account_disabled")
    return user


def recent_failures(user: User, minutes: int) -> int:
    """Failed logins of ``user`` in the last ``minutes``, since its last successful one."""
    from datetime import timedelta

    from ..audit import AuditEvent

    since = utcnow() - timedelta(minutes=minutes)
    if user.last_login_at and user.last_login_at > since:
        since = user.last_login_at
    return db.session.scalar(
        db.select(db.func.count()).select_from(AuditEvent).where(
            AuditEvent.object_type == "users", AuditEvent.object_id == str(user.id),
            AuditEvent.action == "login_failed", AuditEvent.at > since))


def record_login(user: User) -> None:
    """Stamp the login time and audit it."""
    user.last_login_at = utcnow()
    audit.record(user, "login", actor=user)


def check_password_rules(password: str, *, username: str = "") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise OcopError(_("Mật khẩu phải có ít nhất %(n)d ký tự.", n=minimum),
                        code="password_too_short")
    if username and normalize_username(password) == normalize_username(username):
        raise OcopError(_("Mật khẩu không được trùng với tên đăng nhập."),
                        code="password_is_username")


def change_password(user: User, *, current: str, new: str, actor: User) -> None:
    """Change one's own password; ends every other session of the account."""
    if not user.check_password(current or ""):
        raise OcopError(_("Mật khẩu hiện tại không đúng."), code="wrong_current_password")
    if current == new:
        raise OcopError(_("Mật khẩu mới phải khác mật khẩu hiện tại."), code="password_unchanged")
    check_password_rules(new, username=user.username)
    user.set_password(new)
    user.must_change_password = False
    user.session_version += 1
    audit.record(user, "password_changed", actor=actor)
    db.session.flush()


def _check_unit(role: Role, province_code: str | None, commune_code: str | None):
    """Normalise the unit fields for a role and check they exist and agree."""
    if role in NATIONAL_ROLES:
        return None, None
    if commune_code:
        commune = db.session.get(Commune, commune_code)
        if commune is None:
            raise OcopError(_("Xã/phường không tồn tại."), code="unknown_commune")
        if province_code and commune.province_code != province_code:
            raise OcopError(_("Xã/phường không thuộc tỉnh đã chọn."), code="commune_mismatch")
        province_code = commune.province_code
    if province_code and db.session.get(Province, province_code) is None:
        raise OcopError(_("Tỉnh/thành phố không tồn tại."), code="unknown_province")
    if role == Role.province and not province_code:
        raise OcopError(_("Văn phòng OCOP tỉnh phải gắn với một tỉnh."), code="province_required")
    if role == Role.province:
        commune_code = None
    if role == Role.commune and not commune_code:
        raise OcopError(_("Cán bộ cấp xã phải gắn với một xã/phường."), code="commune_required")
    return province_code, commune_code


def create_user(*, username: str, full_name: str, role: Role, password: str,
                email: str | None = None, province_code: str | None = None,
                commune_code: str | None = None, actor: User | None,
                must_change_password: bool = True) -> User:
    """Create an account inside ``actor``'s jurisdiction (``actor=None``: the CLI)."""
    username = normalize_username(username)
    province_code, commune_code = _check_unit(role, province_code or None, commune_code or None)
    if actor is not None and not can_manage_user(actor, role=role, province_code=province_code,
                                                 commune_code=commune_code):
        raise NotAllowed(_("Bạn không thể tạo tài khoản với vai trò hoặc địa bàn này."))
    if find_user(username) is not None:
        raise OcopError(_("Tên đăng nhập “%(u)s” đã được dùng.", u=username),
                        code="username_taken")
    check_password_rules(password, username=username)
    user = User(username=username, full_name=full_name.strip(), role=role,
                email=(email or "").strip() or None, province_code=province_code,
                commune_code=commune_code, must_change_password=must_change_password,
                is_active_account=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(user, "created", actor=actor, new=role)
    return user


def _check_can_manage(target: User, actor: User) -> None:
    if not can_manage_user(actor, role=target.role, province_code=target.province_code,
                           commune_code=target.commune_code):
        raise NotAllowed(_("Bạn không có quyền quản lý tài khoản này."))


def set_active(target: User, active: bool, *, actor: User) -> None:
    """Deactivate (ending its sessions) or reactivate an account."""
    _check_can_manage(target, actor)
    if target.id == actor.id and not active:
        raise OcopError(_("Bạn không thể tự khóa tài khoản của mình."), code="self_deactivate")
    if target.is_active_account == active:
        return
    target.is_active_account = active
    target.session_version += 1
    audit.record(target, "activated" if active else "deactivated", actor=actor)
    db.session.flush()


def reset_password(target: User, *, actor: User) -> str:
    """Set a random temporary password, to be changed at next login; returns it once."""
    _check_can_manage(target, actor)
    temporary = secrets.token_urlsafe(9)
    target.set_password(temporary)
    target.must_change_password = True
    target.session_version += 1
    audit.record(target, "password_reset", actor=actor)
    db.session.flush()
    return temporary
