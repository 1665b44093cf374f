"""Import the members of a new council term (issue 15, point 5): each row names an existing
account by its user name, its role on the council and its agency; conflicts of interest
(home and work commune) are recorded as on the council page. A member already on the
council is left as is (a re-run adds nothing)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.roles import Role
from ..accounts.services import find_user
from ..councils import services as councils
from ..councils.models import MemberRole
from ..text import fold
from .common import check_text, own_commune
from .sheet import Column, Plan, Row

COLUMNS = (
    Column("username", "Tên đăng nhập", help=_l(
        "Tài khoản đã có của thành viên (Văn phòng tạo tài khoản trước)."), example="nguyenvanan"),
    Column("role", "Vai trò", help=_l(
        "Chủ tịch hội đồng; Phó Chủ tịch hội đồng; Thành viên; Thành viên kiêm thư ký."),
        example="Thành viên"),
    Column("agency", "Cơ quan", required=False, example="Sở Công Thương"),
    Column("home_commune_code", "Mã xã nơi cư trú", required=False, help=_l(
        "Mã 5 chữ số, để nhận biết xung đột lợi ích."), example=""),
    Column("work_commune_code", "Mã xã nơi làm việc", required=False, example=""),
)
C = {c.key: c for c in COLUMNS}
_ROLES = {fold(str(r.label)): r for r in MemberRole}
_ROLES.update({r.value: r for r in MemberRole})


def check(rows: list[Row], plan: Plan, *, actor, council) -> None:
    seen: dict[str, int] = {}
    single = {MemberRole.chair: None, MemberRole.secretary: None}
    for member in council.active_members:
        if member.role in single:
            single[member.role] = 0
    for row in rows:
        before = len(plan.errors)
        user = find_user(row.get("username"))
        if user is None:
            plan.error(row, C["username"], _("Không có tài khoản “%(u)s”.",
                                             u=row.get("username")))
        elif user.role == Role.producer:
            plan.error(row, C["username"], _("Tài khoản chủ thể không thể là thành viên hội "
                                             "đồng."))
        elif user.username in seen:
            plan.error(row, C["username"], _("Tài khoản này đã có ở dòng %(r)d.",
                                             r=seen[user.username]))
        role = _ROLES.get(fold(row.get("role")))
        if role is None:
            plan.error(row, C["role"], _("Vai trò “%(r)s” không có trong danh mục.",
                                         r=row.get("role")))
        agency = check_text(plan, row, C["agency"], 255)
        home = work = None
        if row.get("home_commune_code"):
            home = own_commune(plan, row, C["home_commune_code"],
                               home_province(row.get("home_commune_code")))
        if row.get("work_commune_code"):
            work = own_commune(plan, row, C["work_commune_code"],
                               home_province(row.get("work_commune_code")))
        if len(plan.errors) > before:
            continue
        seen[user.username] = row.number
        if council.member_for(user) is not None:
            plan.present += 1
            continue
        if role in single:
            if single[role] is not None:
                where = (_("dòng %(r)d", r=single[role]) if single[role]
                         else _("hội đồng hiện tại"))
                plan.error(row, C["role"], _("Hội đồng chỉ có một %(r)s (đã có ở %(w)s).",
                                             r=role.label, w=where))
                continue
            single[role] = row.number
        plan.todo.append(dict(user_id=user.id, role=role, agency=agency,
                              home_commune_code=home.code if home else None,
                              work_commune_code=work.code if work else None))


def home_province(code: str) -> str | None:
    """A member may live or work anywhere: the commune's own province (only its existence
    is checked; conflicts of interest are judged on the council page)."""
    from ..db import db
    from ..geo.models import Commune

    code = code.zfill(5) if code.isdigit() else code
    commune = db.session.get(Commune, code) if code.isdigit() else None
    return commune.province_code if commune else None


def apply(plan: Plan, *, actor, council) -> int:
    from ..accounts.models import User
    from ..db import db

    for item in plan.todo:
        user = db.session.get(User, item["user_id"])
        councils.add_member(council, user, role=item["role"], agency=item["agency"],
                            home_commune_code=item["home_commune_code"],
                            work_commune_code=item["work_commune_code"], actor=actor)
    return len(plan.todo)
