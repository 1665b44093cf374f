"""The password rule: long enough, not a common password, not the username."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from ..errors import OcopError

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def check_password_rules(password: str, *, username: str = "") -> None:
    """Raise ``OcopError`` (code ``password_*``) when ``password`` breaks the rule."""
    password = password or ""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise OcopError(_("Mật khẩu phải có ít nhất %(n)d ký tự.", n=minimum),
                        code="password_too_short")
    folded = password.strip().lower()
    name = (username or "").strip().lower()
    if name and (folded == name or (len(name) >= 4 and name in folded)):
        raise OcopError(_("Mật khẩu không được trùng hoặc chứa tên đăng nhập."),
                        code="password_is_username")
    if folded in common_passwords():
        raise OcopError(_("Mật khẩu này quá phổ biến và dễ bị đoán. Vui lòng chọn mật khẩu "
                          "khác."), code="password_common")
