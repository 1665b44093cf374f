"""Factory functions: each creates a valid record through the services and flushes."""
from __future__ import annotations

import itertools

from ocop_rating.accounts import services as accounts
from ocop_rating.accounts.roles import Role

DEFAULT_PASSWORD = "correct-horse-42"
_seq = itertools.count(1)

# Real units (Decision 19/2025 codes): Quảng Ninh with two of its communes, and Lâm Đồng.
QUANG_NINH, LAM_DONG = "22", "68"
VAN_DON, HA_LONG, DI_LINH = "06994", "06688", "25000"


def make_user(role: Role = Role.admin, *, username: str | None = None,
              province_code: str | None = None, commune_code: str | None = None,
              full_name: str | None = None, password: str = DEFAULT_PASSWORD,
              actor=None, must_change_password: bool = False):
    n = next(_seq)
    if role == Role.province and province_code is None:
        province_code = QUANG_NINH
    if role == Role.commune and commune_code is None:
        commune_code = VAN_DON
    return accounts.create_user(
        username=username or f"{role.value}{n}", full_name=full_name or f"Người dùng {n}",
        role=role, password=password, email=f"user{n}@example.vn",
        province_code=province_code, commune_code=commune_code, actor=actor,
        must_change_password=must_change_password)
