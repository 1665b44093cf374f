"""The imports of a provincial office (issue 15, point 5): a dry run that lists every bad
row, then — only for a clean file — everything in the caller's one transaction, audited.

The uploaded workbook is kept as a StoredFile (checked by content and size by
files.services.store_upload) between the dry run and the confirmation; the confirmation
reads and checks it again, so what is imported is what was checked at that moment. Nothing
is written when a row is bad, and nothing when every row is already present (a re-run)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..accounts.roles import Role
from ..db import db
from ..errors import NotAllowed, OcopError
from ..files import services as files
from ..files.models import StoredFile
from ..geo.models import Province
from . import certificates, members, producers, products
from .common import is_national
from .sheet import Column, Plan, read_rows, template_bytes


class ImportNotClean(OcopError):
    code = "import_not_clean"


@dataclass(frozen=True)
class ImportKind:
    code: str
    title: object        # lazy string
    description: object  # lazy string
    columns: tuple[Column, ...]
    check: Callable
    apply: Callable
    needs_council: bool = False

    @property
    def template_name(self) -> str:
        return f"mau-nhap-{self.code.replace('_', '-')}.xlsx"


KINDS = {k.code: k for k in (
    ImportKind("producers", _l("Chủ thể OCOP"),
               _l("Hợp tác xã, doanh nghiệp, hộ kinh doanh của tỉnh; được ghi nhận và phê duyệt "
                  "ngay."), producers.COLUMNS, producers.check, producers.apply),
    ImportKind("products", _l("Sản phẩm"),
               _l("Sản phẩm của các chủ thể đã có trong hệ thống."),
               products.COLUMNS, products.check, products.apply),
    ImportKind("certificates", _l("Giấy chứng nhận trước khi có hệ thống"),
               _l("Giấy chứng nhận và quyết định công nhận theo Quyết định 1048/2019, 148/2023 "
                  "hoặc 148 sửa đổi bởi 1489/2025, để sổ đăng ký công khai đầy đủ."),
               certificates.COLUMNS, certificates.check, certificates.apply),
    ImportKind("council_members", _l("Thành viên hội đồng nhiệm kỳ mới"),
               _l("Thành viên của một hội đồng đã lập (theo quyết định thành lập)."),
               members.COLUMNS, members.check, members.apply, needs_council=True),
)}


NATIONAL_KINDS = ("certificates",)


def can_import(user) -> bool:
    """Imports are the provincial OCOP office's, into its own province only; and the
    ministry's, for its own 5-star certificates."""
    if not getattr(user, "is_active", False):
        return False
    if is_national(user):
        return True
    return getattr(user, "role", None) == Role.province and bool(
        getattr(user, "province_code", None))


def kinds_for(user) -> dict[str, ImportKind]:
    """The kinds ``user`` may import: every kind for a province; certificates nationally."""
    if not can_import(user):
        return {}
    if is_national(user):
        return {code: KINDS[code] for code in NATIONAL_KINDS}
    return dict(KINDS)


def template(kind: ImportKind) -> bytes:
    return template_bytes(str(kind.title), kind.columns)


def store(kind: ImportKind, file_storage, *, actor) -> StoredFile:
    """Keep the uploaded workbook (checked by content: an XLSX within the size limit)."""
    if kind.code not in kinds_for(actor):
        raise NotAllowed(_("Bạn không được nhập loại dữ liệu này."))
    return files.store_upload(file_storage, actor=actor, kinds=(files.XLSX,))


def _extra(kind: ImportKind, council) -> dict:
    if not kind.needs_council:
        return {}
    if council is None:
        raise ImportNotClean(_("Chưa chọn hội đồng."), code="council_required")
    return {"council": council}


def dry_run(kind: ImportKind, stored: StoredFile, *, actor, council=None) -> Plan:
    """Every bad row of the file with its reason, and what a clean file would create."""
    if kind.code not in kinds_for(actor) or stored.uploaded_by_id != actor.id:
        raise NotAllowed(_("Bạn không thể dùng tệp này."))
    if council is not None and not council.can_manage(actor):
        raise NotAllowed(_("Bạn không quản lý hội đồng này."))
    plan = Plan(kind=kind.code)
    rows = read_rows(files.blob_path(stored), kind.columns)
    plan.rows = len(rows)
    kind.check(rows, plan, actor=actor, **_extra(kind, council))
    return plan


def run_import(kind: ImportKind, stored: StoredFile, *, actor, council=None) -> Plan:
    """Check the file again and, when clean, create every row (the caller commits once) and
    audit the import; a file whose rows are all present already changes nothing."""
    plan = dry_run(kind, stored, actor=actor, council=council)
    if not plan.is_clean:
        raise ImportNotClean(_("Tệp còn %(n)d lỗi: chưa nhập dòng nào.", n=len(plan.errors)))
    if not plan.todo:
        return plan
    created = kind.apply(plan, actor=actor, **_extra(kind, council))
    if kind.needs_council:
        target = council
    elif is_national(actor):
        target = actor  # a national import belongs to no province: it is the ministry's
    else:
        target = db.session.get(Province, actor.province_code)
    event = audit.record(target, f"imported_{kind.code}", actor=actor, new=str(created),
                         note=stored.original_name,
                         data={"kind": kind.code, "file": stored.id, "sha256": stored.sha256,
                               "rows": plan.rows, "created": created, "present": plan.present})
    event.province_code = None if is_national(actor) else actor.province_code
    db.session.flush()
    return plan


def recent_imports(user, limit: int = 20) -> list[audit.AuditEvent]:
    """The office's last imports (their audit rows), newest first: a province's, or the
    national ones (the ministry's and the administrator's)."""
    actions = [f"imported_{code}" for code in kinds_for(user)]
    where = (audit.AuditEvent.province_code.is_(None) if is_national(user)
             else audit.AuditEvent.province_code == user.province_code)
    return list(db.session.scalars(
        db.select(audit.AuditEvent).where(where, audit.AuditEvent.action.in_(actions))
        .order_by(audit.AuditEvent.id.desc()).limit(limit)))
