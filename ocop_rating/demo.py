"""Demo data: a believable system for trying the application (``flask ocop seed-demo``).

Idempotent: every record is looked up by a natural key first. Later features extend
``seed_demo`` with their own records through their services.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .accounts import services as accounts
from .accounts.models import User
from .accounts.roles import Role
from .db import db
from .geo.models import Commune
from .geo.services import import_units

DEMO_PASSWORD = "ocop-demo-2026"

# (username, full name, role, province code, commune code)
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", Role.admin, None, None),
    ("bo.ocop", "Nguyễn Thị Hồng Nhung", Role.ministry, None, None),
    ("qn.ocop", "Trần Văn Đức", Role.province, "22", None),
    ("ld.ocop", "Lê Thị Ánh Tuyết", Role.province, "68", None),
    ("xa.vandon", "Phạm Quốc Bảo", Role.commune, "22", "06994"),
    ("xa.halong", "Đặng Thu Hà", Role.commune, "22", "06688"),
    ("xa.dilinh", "K'Brơi Ha Lim", Role.commune, "68", "25000"),
    ("hd.thanhvien1", "Vũ Minh Khôi", Role.council_member, "22", None),
    ("hd.thanhvien2", "Hoàng Thị Lan", Role.council_member, "22", None),
    ("chuthe.vandon", "Bùi Văn Hải", Role.producer, "22", "06994"),
]


@dataclass
class SeedReport:
    created: int = 0
    existing: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def seed_demo() -> SeedReport:
    report = SeedReport()
    if db.session.scalar(db.select(db.func.count()).select_from(Commune)) == 0:
        import_units()
    for username, full_name, role, province_code, commune_code in DEMO_USERS:
        user = accounts.find_user(username)
        if user is None:
            user = accounts.create_user(
                username=username, full_name=full_name, role=role, password=DEMO_PASSWORD,
                email=f"{username}@ocop.example.vn", province_code=province_code,
                commune_code=commune_code, actor=None, must_change_password=False)
            report.created += 1
        else:
            report.existing += 1
        report.logins.append((user.username, str(role.label), user.unit_name))
    db.session.flush()
    return report


def demo_users() -> list[User]:
    return [u for u in (accounts.find_user(name) for name, *_ in DEMO_USERS) if u]
