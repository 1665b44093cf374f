"""Roles and what each may do. The database stores the codes; labels are translated."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from ..i18n import label_once


class Role(str, enum.Enum):
    admin = "admin"                    # system administrator, national
    ministry = "ministry"              # ministry OCOP office, national
    province = "province"              # provincial OCOP office, one province
    commune = "commune"                # commune officer, one commune
    producer = "producer"              # a producer's (chủ thể OCOP) account
    council_member = "council_member"  # an expert on councils; rights come from membership

    @property
    @label_once
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.admin: _l("Quản trị hệ thống"),
    Role.ministry: _l("Văn phòng OCOP Bộ"),
    Role.province: _l("Văn phòng OCOP tỉnh"),
    Role.commune: _l("Cán bộ cấp xã"),
    Role.producer: _l("Chủ thể OCOP"),
    Role.council_member: _l("Thành viên hội đồng"),
}


class Permission(enum.Enum):
    manage_users = "manage_users"
    view_users = "view_users"
    view_rulebooks = "view_rulebooks"
    view_audit = "view_audit"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    Role.ministry: frozenset(Permission),
    Role.province: frozenset(Permission),
    Role.commune: frozenset({Permission.manage_users, Permission.view_users,
                             Permission.view_rulebooks}),
    Role.producer: frozenset({Permission.view_rulebooks}),
    Role.council_member: frozenset({Permission.view_rulebooks}),
}

# Which roles an actor may create, deactivate and reset, inside their own jurisdiction.
MANAGEABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.admin: frozenset(Role),
    Role.ministry: frozenset({Role.ministry, Role.province, Role.commune, Role.producer,
                              Role.council_member}),
    Role.province: frozenset({Role.province, Role.commune, Role.producer, Role.council_member}),
    Role.commune: frozenset({Role.producer}),
    Role.producer: frozenset(),
    Role.council_member: frozenset(),
}

NATIONAL_ROLES = frozenset({Role.admin, Role.ministry})
