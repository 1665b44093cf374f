"""Account services: every change to a user goes through here and is audited."""
from __future__ import annotations

import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit
from ..db import db, utcnow
from ..errors import NotAllowed, OcopError
from ..geo.models import Commune, Province
from . import throttle
from .models import User
from .passwords import check_password_rules
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


FAILED = _l("Tên đăng nhập hoặc mật khẩu không đúng. Nếu đã nhập sai nhiều lần, vui lòng "
            "đợi ít phút rồi thử lại.")


def authenticate(username: str, password: str, *, address: str) -> User:
    """Return the user for these credentials or raise ``AuthError`` with a clear message.

    Unknown user, wrong password and a throttled (account, address) or address give the
    same message after the same work — one password hash check, against a dummy hash when
    the user is unknown — so neither usernames nor the throttle can be probed. Only after
    the right password does the answer say more (awaiting approval, rejected, disabled).
    """
    name = normalize_username(username)
    user = find_user(name)
    correct = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    epoch = user.login_throttle_epoch if user else 0
    if throttle.is_throttled(name, epoch, address):
        throttle.record_failure(name, epoch, address)
        if user is not None:
            audit.record(user, "login_failed", actor=None, data={"throttled": True})
        raise AuthError(str(FAILED), code="auth_failed")
    if user is None or not correct:
        throttle.record_failure(name, epoch, address)
        if user is not None:
            audit.record(user, "login_failed", actor=None)
        raise AuthError(str(FAILED), code="auth_failed")
    throttle.clear_pair(name, epoch, address)
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


def clear_throttle(target: User, *, actor: User) -> None:
    """Clear an account's login throttle (every address's failure count for it)."""
    _check_can_manage(target, actor)
    target.login_throttle_epoch += 1
    audit.record(target, "login_throttle_cleared", actor=actor)
    db.session.flush()


def record_login(user: User) -> None:
    """Stamp the login time and audit it."""
    user.last_login_at = utcnow()
    audit.record(user, "login", actor=user)


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
    check_password_rules(password, username=username)
    if find_user(username) is not None:
        raise OcopError(_("Tên đăng nhập “%(u)s” đã được dùng.", u=username),
                        code="username_taken")
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
