"""Reading the trail: histories of one record, the search of the ministry and the provinces,
and the CSV export (issue 11 §5)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ..accounts.roles import NATIONAL_ROLES, Role
from ..db import db
from ..exports import safe_cell
from ..legaltime import VN_TZ
from ..search import word_search
from ..text import vn_sort_key
from . import AuditEvent, province_of

# What each action code means, for people (codes stay in the database).
ACTION_LABELS = {
    "created": _l("Tạo mới"), "updated": _l("Cập nhật"), "status": _l("Chuyển trạng thái"),
    "review_selected": _l("Bộ chọn thẩm định"), "review_completed": _l("Kết luận thẩm định"),
    "issued": _l("Ban hành / cấp"), "recorded": _l("Ghi nhận (giấy tờ cũ)"),
    "revoked": _l("Bị thu hồi"), "superseded": _l("Được thay thế"),
    "extended": _l("Gia hạn theo quy định chuyển tiếp"),
    "extension_ended": _l("Kết thúc gia hạn"), "item_added": _l("Thêm sản phẩm vào quyết định"),
    "item_removed": _l("Bỏ sản phẩm khỏi quyết định"), "login": _l("Đăng nhập"),
    "login_failed": _l("Đăng nhập sai mật khẩu"), "password_changed": _l("Đổi mật khẩu"),
    "password_reset": _l("Đặt lại mật khẩu"), "activated": _l("Mở khóa tài khoản"),
    "deactivated": _l("Khóa tài khoản"), "role_changed": _l("Đổi vai trò"),
    "registered": _l("Đăng ký"), "code_assigned": _l("Cấp mã sản phẩm"),
    "photo_added": _l("Thêm ảnh"), "changes_updated": _l("Cập nhật nội dung thay đổi"),
    "registration_updated": _l("Sửa phiếu đăng ký"),
    "self_assessment_saved": _l("Lưu tự đánh giá"), "evidence_added": _l("Thêm minh chứng"),
    "evidence_removed": _l("Gỡ minh chứng"), "evidence_read": _l("Xem tệp minh chứng"),
    "commune_check_saved": _l("Lưu kết quả kiểm tra của xã"),
    "rules_updated": _l("Sửa quy tắc hội đồng"), "member_added": _l("Thêm thành viên"),
    "member_removed": _l("Bỏ thành viên"), "advisor_added": _l("Thêm tổ tư vấn"),
    "resumed": _l("Tiếp tục đánh giá"), "review_saved": _l("Lưu ý kiến tổ tư vấn"),
    "lab_test_requested": _l("Yêu cầu kiểm nghiệm"), "lab_result": _l("Kết quả kiểm nghiệm"),
    "sent_for_supplement": _l("Yêu cầu bổ sung"), "conflict_declared": _l("Khai xung đột lợi ích"),
    "conflict_decided": _l("Quyết định về xung đột lợi ích"),
    "member_excluded": _l("Loại thành viên khỏi chấm"),
    "member_included": _l("Cho thành viên chấm lại"), "opened": _l("Mở phiếu chấm"),
    "scores_saved": _l("Lưu điểm"), "submitted": _l("Nộp phiếu chấm"),
    "reopened": _l("Mở lại phiếu chấm"), "reminded": _l("Nhắc thành viên"),
    "concluded": _l("Kết luận đánh giá"), "scores_revealed": _l("Xem điểm đã công bố"),
    "scheduled": _l("Lên lịch kiểm tra"), "findings": _l("Ghi kết quả kiểm tra"),
    "change_requested": _l("Đề nghị thay đổi thông tin định danh"),
    "change_decided": _l("Xử lý đề nghị thay đổi thông tin"),
}

# The records that have a history page: kind in the URL -> table.
KINDS = {"dossier": "dossiers", "evaluation": "evaluations", "certificate": "certificates",
         "producer": "producers", "user": "users"}
TYPE_LABELS = {
    "dossiers": _l("Hồ sơ"), "evaluations": _l("Đánh giá"), "certificates": _l("Giấy chứng nhận"),
    "producers": _l("Chủ thể"), "users": _l("Người dùng"), "score_sheets": _l("Phiếu chấm"),
    "decisions": _l("Quyết định"), "councils": _l("Hội đồng"), "rounds": _l("Đợt đánh giá"),
    "products": _l("Sản phẩm"), "inspections": _l("Kiểm tra"),
    "reevaluation_plans": _l("Kế hoạch đánh giá lại"), "stored_files": _l("Tệp"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def type_label(code: str) -> str:
    return str(TYPE_LABELS.get(code, code))


def model_for(kind: str):
    from ..accounts.models import User
    from ..certificates.models import Certificate
    from ..councils.models import Evaluation
    from ..dossiers.models import Dossier
    from ..producers.models import Producer

    return {"dossier": Dossier, "evaluation": Evaluation, "certificate": Certificate,
            "producer": Producer, "user": User}[kind]


def kind_of(obj) -> str | None:
    """The kind in the history URL of ``obj`` (None: no history page of its own)."""
    table = getattr(obj, "__tablename__", None)
    return next((kind for kind, t in KINDS.items() if t == table), None)


def may_read_history(user, obj) -> bool:
    """Whether ``user`` may read the history of ``obj``: the audit permission, in the
    jurisdiction of the record (a national record: national roles only). The history route
    and the link on the record's own page both ask this."""
    from ..accounts.permissions import Permission, allowed

    if user is None or not getattr(user, "is_authenticated", False) or kind_of(obj) is None:
        return False
    commune = getattr(obj, "commune_code", None)
    province = province_of(obj)
    if province is None and commune is None:
        return allowed(user, Permission.view_audit, national=True)
    return allowed(user, Permission.view_audit, province_code=province, commune_code=commune)


def record_history(obj) -> list[tuple[AuditEvent, str]]:
    """Every row about ``obj``, oldest first, with the actor's name; an evaluation's history
    includes its members' score sheets (each score change)."""
    from ..accounts.models import User

    keys = [(obj.__tablename__, str(obj.id))]
    if obj.__tablename__ == "evaluations":
        keys += [("score_sheets", str(s.id)) for s in obj.sheets]
    where = or_(*[(AuditEvent.object_type == t) & (AuditEvent.object_id == i) for t, i in keys])
    rows = db.session.execute(
        select(AuditEvent, User.full_name).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(where).order_by(AuditEvent.seq))
    return [(event, name or "") for event, name in rows]


@dataclass
class TrailQuery:
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    per_page: int = 50

    def filters(self) -> dict:
        out = {"actor": self.actor, "object_type": self.object_type,
               "object_id": self.object_id, "action": self.action,
               "date_from": self.date_from.isoformat() if self.date_from else "",
               "date_to": self.date_to.isoformat() if self.date_to else ""}
        return {k: v for k, v in out.items() if v}


def _day_start(day: date) -> datetime:
    """Midnight in Vietnam: the people searching mean their own calendar day."""
    return datetime.combine(day, time.min, tzinfo=VN_TZ)


def may_search(user) -> bool:
    from ..accounts.permissions import Permission, has_permission

    return has_permission(user, Permission.view_audit) and (
        user.role in NATIONAL_ROLES or user.role == Role.province)


def trail_statement(query: TrailQuery, *, viewer):
    """The rows ``viewer`` may read matching ``query``, newest first."""
    from ..accounts.models import User

    stmt = select(AuditEvent).outerjoin(User, User.id == AuditEvent.actor_id)
    if viewer.role not in NATIONAL_ROLES:
        # A province reads the trail of its own records only.
        stmt = stmt.where(AuditEvent.province_code == viewer.province_code)
    # Every word in the actor's folded name or login, accent-insensitive (search.py); "%"
    # and "_" typed by the reader are searched for literally.
    actor, _rank = word_search(User.search_text, query.actor)
    if actor is not None:
        stmt = stmt.where(actor)
    if query.object_type:
        stmt = stmt.where(AuditEvent.object_type == query.object_type)
    if query.object_id:
        stmt = stmt.where(AuditEvent.object_id == query.object_id.strip())
    if query.action:
        stmt = stmt.where(AuditEvent.action == query.action)
    if query.date_from:
        stmt = stmt.where(AuditEvent.at >= _day_start(query.date_from))
    if query.date_to:
        stmt = stmt.where(AuditEvent.at < _day_start(query.date_to + timedelta(days=1)))
    return stmt.order_by(AuditEvent.seq.desc())


def actors(events) -> dict[int, tuple[str, str]]:
    """``{user id: (full name, username)}`` of the actors of ``events``, in one query."""
    from ..accounts.models import User

    ids = {e.actor_id for e in events if e.actor_id is not None}
    if not ids:
        return {}
    return {i: (n, u) for i, n, u in db.session.execute(
        select(User.id, User.full_name, User.username).where(User.id.in_(ids)))}


def trail_csv(query: TrailQuery, *, viewer, limit: int = 100_000) -> str:
    from ..i18n import format_datetime

    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 (Vietnamese) only with the BOM
    writer = csv.writer(out)
    writer.writerow(["seq", "time (UTC)", "time (Vietnam)", "actor", "username", "object type",
                     "object id", "province", "action", "old", "new", "note", "row sha256"])
    events = db.session.scalars(trail_statement(query, viewer=viewer).limit(limit)).all()
    names = actors(events)
    for event in events:
        name, username = names.get(event.actor_id, ("", ""))
        writer.writerow([safe_cell(v) for v in (
            event.seq, event.at.isoformat(), format_datetime(event.at), name, username,
            event.object_type, event.object_id, event.province_code, event.action, event.old,
            event.new, event.note, event.row_hash)])
    return out.getvalue()


@dataclass
class Choices:
    types: list[tuple[str, str]] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)


def choices() -> Choices:
    return Choices(types=sorted(((k, str(v)) for k, v in TYPE_LABELS.items()),
                                key=lambda kv: vn_sort_key(kv[1])),
                   actions=sorted(((k, str(v)) for k, v in ACTION_LABELS.items()),
                                  key=lambda kv: vn_sort_key(kv[1])))
