"""Producer sign-up and approval."""
from __future__ import annotations

import enum
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..accounts import services as accounts
from ..accounts.models import User
from ..accounts.permissions import in_jurisdiction
from ..accounts.roles import Role
from ..db import db, utcnow
from ..errors import NotAllowed, OcopError
from ..geo.models import Commune
from ..i18n import later
from ..text import fold
from .ethnicities import ETHNICITY_NAMES
from .models import (
    IDENTITY_FIELDS,
    ChangeStatus,
    Gender,
    Producer,
    ProducerChangeRequest,
    ProducerKind,
    ProducerStatus,
)

# Enterprise and cooperative codes (= tax codes) have 10 digits, a branch adds "-NNN";
# household businesses registered before 2021 carry numbers like "22A8001234".
REGISTRATION_RE = re.compile(r"^(\d{10}(-\d{3})?|\d{2}[A-Z]\d{6,8})$")


class ProducerError(OcopError):
    pass


def normalize_registration(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def check_registration(value: str, *, exclude_id: int | None = None) -> str:
    number = normalize_registration(value)
    if not REGISTRATION_RE.match(number):
        raise ProducerError(_("Mã số đăng ký/mã số thuế không đúng định dạng: 10 chữ số "
                              "(có thể thêm -001 cho chi nhánh) hoặc số đăng ký hộ kinh doanh "
                              "dạng 22A8001234."), code="registration_format")
    stmt = db.select(Producer.id).filter_by(registration_number=number)
    if exclude_id is not None:
        stmt = stmt.where(Producer.id != exclude_id)
    if db.session.scalar(stmt) is not None:
        raise ProducerError(_("Mã số %(n)s đã được một chủ thể khác đăng ký.", n=number),
                            code="registration_taken")
    return number


def _check_unit(province_code: str, commune_code: str) -> None:
    commune = db.session.get(Commune, commune_code or "")
    if commune is None:
        raise ProducerError(_("Xã/phường không tồn tại."), code="unknown_commune")
    if commune.province_code != province_code:
        raise ProducerError(_("Xã/phường không thuộc tỉnh đã chọn."), code="commune_mismatch")


def _check_facts(ethnicity: str) -> None:
    if ethnicity not in ETHNICITY_NAMES:
        raise ProducerError(_("Vui lòng chọn dân tộc trong danh mục 54 dân tộc."),
                            code="unknown_ethnicity")


def register_producer(*, kind: ProducerKind, name: str, registration_number: str,
                      province_code: str, commune_code: str, address: str, phone: str,
                      email: str | None, representative_name: str,
                      representative_position: str, representative_gender: Gender,
                      representative_ethnicity: str, representative_disabled: bool,
                      actor=None) -> Producer:
    """Record a producer entity, pending approval (checks: number format and uniqueness,
    commune inside the province, ethnicity from the 54 groups)."""
    number = check_registration(registration_number)
    _check_unit(province_code, commune_code)
    _check_facts(representative_ethnicity)
    producer = Producer(
        kind=kind, name=name.strip(), name_folded=fold(name), registration_number=number,
        province_code=province_code, commune_code=commune_code, address=address.strip(),
        phone=phone.strip(), email=(email or "").strip() or None,
        representative_name=representative_name.strip(),
        representative_position=(representative_position or "").strip(),
        representative_gender=representative_gender,
        representative_ethnicity=representative_ethnicity,
        representative_disabled=bool(representative_disabled),
        status=ProducerStatus.pending)
    db.session.add(producer)
    db.session.flush()
    audit.record(producer, "registered", actor=actor, new=ProducerStatus.pending)
    return producer


def link_account(producer: Producer, user: User) -> None:
    """Make ``user`` (a producer account) act for ``producer``; it can log in once the
    producer is approved."""
    user.producer_id = producer.id
    user.is_active_account = producer.status == ProducerStatus.approved
    db.session.flush()


def sign_up(*, username: str, password: str, full_name: str, **facts) -> tuple[Producer, User]:
    """A producer registers itself and its first account; both wait for approval by the
    commune or the province (the account cannot log in until then)."""
    # The password rule first: its answer reveals nothing about other records.
    accounts.check_password_rules(password, username=username)
    producer = register_producer(**facts)
    user = accounts.create_user(
        username=username, full_name=full_name, role=Role.producer, password=password,
        email=facts.get("email"), province_code=producer.province_code,
        commune_code=producer.commune_code, actor=None, must_change_password=False)
    link_account(producer, user)
    _notify_commune_of_signup(producer)
    return producer, user


def _notify_commune_of_signup(producer: Producer) -> None:
    """The commune officer(s) of the producer's commune are told of a new sign-up to
    approve (in the notification list and by e-mail, after the commit)."""
    from ..notifications.services import notify

    kind = producer.kind
    notify(commune_officers(producer.commune_code), kind="producer_signed_up",
           subject=_l("Đăng ký chủ thể OCOP mới chờ phê duyệt: %(name)s", name=producer.name),
           body=_l("%(name)s (%(kind)s) đã đăng ký tài khoản chủ thể OCOP tại xã. "
                   "Vui lòng kiểm tra thông tin và phê duyệt hoặc từ chối.",
                   name=producer.name, kind=later(lambda: kind.label)),
           link=f"/producers/{producer.id}", actor=None)


# A public sign-up that collides with an existing username or registration number is not
# refused on screen (that would tell anyone which usernames and numbers exist): the visitor
# sees the usual "sent" page, and the commune and provincial officers get the request to
# sort out with the applicant by phone or e-mail (docs/decisions.md, issue 12).
SIGNUP_COLLISIONS = {"username_taken", "registration_taken"}


def report_signup_collision(*, code: str, username: str, password: str, full_name: str,
                            **facts) -> None:
    """Hand a colliding public sign-up to the officers of the chosen commune and province."""
    from werkzeug.security import generate_password_hash

    from ..notifications.services import notify

    # The hash the accepted path computes: both answers take the same time.
    generate_password_hash(password or "")
    commune = db.session.get(Commune, facts.get("commune_code") or "")
    if commune is None:
        return
    officers = db.session.scalars(db.select(User).where(
        User.is_active_account.is_(True),
        ((User.role == Role.commune) & (User.commune_code == commune.code))
        | ((User.role == Role.province) & (User.province_code == commune.province_code))))
    what = (_l("tên đăng nhập đã có người dùng") if code == "username_taken"
            else _l("mã số đăng ký đã có chủ thể khác đăng ký"))
    body = _l("Một đăng ký chủ thể OCOP tại %(commune)s không được tạo vì %(what)s. "
             "Vui lòng liên hệ người đăng ký để hướng dẫn (đăng nhập bằng tài khoản đã có, "
             "chọn tên đăng nhập khác, hoặc xác minh mã số).\n"
             "Chủ thể: %(name)s — mã số: %(number)s\nNgười đăng ký: %(person)s — "
             "tên đăng nhập: %(username)s\nĐiện thoại: %(phone)s — e-mail: %(email)s",
             commune=commune.name, what=what, name=facts.get("name", ""),
             number=normalize_registration(facts.get("registration_number", "")),
             person=full_name, username=username, phone=facts.get("phone", ""),
             email=facts.get("email") or "—")
    notify(list(officers), kind="signup_collision",
           subject=_l("Đăng ký chủ thể cần liên hệ lại: %(name)s", name=facts.get("name", "")),
           body=body, link="/producers/", actor=None)


def update_profile(producer: Producer, *, actor, **fields) -> ProducerChangeRequest | None:
    """Edit the entity's facts (the producer itself or an officer of its jurisdiction).

    An officer moves a producer only within their own territory (a commune officer not at
    all, a province within the province). Once approved, the producer's own changes to its
    identity facts (IDENTITY_FIELDS: registration number, kind, name, the representative and
    the facts of criterion 3.2) are not applied but become a change request that the commune
    approves again; the request is returned."""
    if not producer.can_edit(actor):
        raise NotAllowed(_("Bạn không thể sửa thông tin chủ thể này."))
    moving = any(k in fields and fields[k] != getattr(producer, k)
                 for k in ("province_code", "commune_code"))
    if moving and producer.is_member(actor):
        # A move changes which commune and province handle the producer: officers only.
        raise ProducerError(_("Đổi địa bàn của chủ thể do cán bộ xã/tỉnh thực hiện."),
                            code="unit_change_by_officer")
    if moving and not in_jurisdiction(
            actor, province_code=fields.get("province_code", producer.province_code),
            commune_code=fields.get("commune_code", producer.commune_code)):
        raise ProducerError(_("Bạn chỉ chuyển được chủ thể đến xã/phường thuộc địa bàn mình "
                              "phụ trách."), code="unit_outside_jurisdiction")
    if "registration_number" in fields:
        fields["registration_number"] = check_registration(fields["registration_number"],
                                                           exclude_id=producer.id)
    if "commune_code" in fields or "province_code" in fields:
        _check_unit(fields.get("province_code", producer.province_code),
                    fields.get("commune_code", producer.commune_code))
    if "representative_ethnicity" in fields:
        _check_facts(fields["representative_ethnicity"])
    changed = {k: v for k, v in fields.items() if getattr(producer, k) != v}
    identity = {}
    if producer.status == ProducerStatus.approved and producer.is_member(actor):
        identity = {k: v for k, v in changed.items() if k in IDENTITY_FIELDS}
        changed = {k: v for k, v in changed.items() if k not in IDENTITY_FIELDS}
    _apply(producer, changed, actor=actor)
    return request_change(producer, identity, actor=actor) if identity else None


def _apply(producer: Producer, changed: dict, *, actor, note: str = "") -> None:
    for key, value in changed.items():
        setattr(producer, key, value)
    if "name" in changed:
        producer.name_folded = fold(producer.name)
    if changed:
        audit.record(producer, "updated", actor=actor, data={"fields": sorted(changed)},
                     note=note)
    db.session.flush()


def _stored(value):
    return value.value if isinstance(value, enum.Enum) else value


def _typed(field: str, value):
    if field == "kind":
        return ProducerKind(value)
    if field == "representative_gender":
        return Gender(value)
    return value


def pending_change(producer: Producer) -> ProducerChangeRequest | None:
    return db.session.scalar(db.select(ProducerChangeRequest).filter_by(
        producer_id=producer.id, status=ChangeStatus.pending))


def change_requests(producer: Producer, limit: int = 10) -> list[ProducerChangeRequest]:
    return list(db.session.scalars(
        db.select(ProducerChangeRequest).filter_by(producer_id=producer.id)
        .order_by(ProducerChangeRequest.id.desc()).limit(limit)))


def request_change(producer: Producer, identity: dict, *, actor) -> ProducerChangeRequest:
    """Record (or extend) the producer's pending request to change identity facts, and tell
    the commune."""
    request = pending_change(producer)
    changes = dict(request.changes) if request else {}
    for key, value in identity.items():
        changes[key] = {"old": _stored(getattr(producer, key)), "new": _stored(value)}
    changes = {k: v for k, v in changes.items() if v["old"] != v["new"]}
    if request is None:
        request = ProducerChangeRequest(producer=producer, changes=changes,
                                        requested_by_id=actor.id)
        db.session.add(request)
    else:
        request.changes = changes
        request.requested_at = utcnow()
    db.session.flush()
    audit.record(producer, "change_requested", actor=actor,
                 data={"request": request.id, "changes": changes})
    from ..notifications.services import notify

    officers = officers_of(producer)
    notify(officers, kind="producer_change_requested",
           subject=_l("Yêu cầu thay đổi thông tin chủ thể cần phê duyệt"),
           body=_l("%(name)s đề nghị thay đổi thông tin định danh; vui lòng kiểm tra và phê "
                  "duyệt.", name=producer.name),
           link=f"/producers/{producer.id}", actor=actor)
    return request


def commune_officers(commune_code: str) -> list[User]:
    """The active commune officers of a commune."""
    return list(db.session.scalars(db.select(User).filter_by(
        role=Role.commune, commune_code=commune_code, is_active_account=True)))


def officers_of(producer: Producer) -> list[User]:
    """The commune officers of the producer's commune (the province's office if none)."""
    users = commune_officers(producer.commune_code)
    if not users:
        users = list(db.session.scalars(db.select(User).filter_by(
            role=Role.province, province_code=producer.province_code, is_active_account=True)))
    return users


def decide_change(request: ProducerChangeRequest, *, approve: bool, actor,
                  reason: str = "") -> None:
    """The commune (or province) approves or rejects a change request; approval applies it."""
    producer = request.producer
    if not producer.can_decide(actor):
        raise NotAllowed(_("Bạn không có quyền phê duyệt thay đổi của chủ thể này."))
    if request.status != ChangeStatus.pending:
        raise ProducerError(_("Yêu cầu này đã được xử lý."), code="change_decided")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ProducerError(_("Vui lòng ghi lý do từ chối."), code="reason_required")
    if approve:
        values = {k: _typed(k, v["new"]) for k, v in request.changes.items()}
        if "registration_number" in values:
            values["registration_number"] = check_registration(
                values["registration_number"], exclude_id=producer.id)
        if "representative_ethnicity" in values:
            _check_facts(values["representative_ethnicity"])
        _apply(producer, {k: v for k, v in values.items() if getattr(producer, k) != v},
               actor=actor, note=f"#{request.id}")
    new = ChangeStatus.approved if approve else ChangeStatus.rejected
    audit.record(producer, "change_decided", actor=actor, old=request.status, new=new,
                 note=reason, data={"request": request.id})
    request.status = new
    request.decided_at = utcnow()
    request.decided_by_id = actor.id
    request.note = reason
    db.session.flush()
    if approve:
        subject = _l("Thay đổi thông tin chủ thể đã được phê duyệt")
        body = _l("Thay đổi thông tin của %(name)s đã được phê duyệt.", name=producer.name)
    else:
        subject = _l("Thay đổi thông tin chủ thể không được phê duyệt")
        body = _l("Thay đổi thông tin của %(name)s không được phê duyệt. Lý do: %(reason)s",
                 name=producer.name, reason=reason)
    _notify(producer, kind="producer_change_decided", subject=subject, body=body, actor=actor)


def producer_users(producer: Producer) -> list[User]:
    return list(db.session.scalars(db.select(User).filter_by(producer_id=producer.id)))


def approve(producer: Producer, *, actor) -> None:
    """Approve a sign-up: the entity becomes approved and its accounts can log in."""
    if not producer.can_decide(actor):
        raise NotAllowed(_("Bạn không có quyền phê duyệt chủ thể này."))
    if producer.status == ProducerStatus.approved:
        return
    audit.record(producer, "status", old=producer.status, new=ProducerStatus.approved,
                 actor=actor)
    producer.status = ProducerStatus.approved
    producer.decided_at = utcnow()
    producer.decided_by_id = actor.id
    producer.status_note = ""
    for user in producer_users(producer):
        user.is_active_account = True
    db.session.flush()
    _notify(producer, kind="producer_approved",
            subject=_l("Tài khoản chủ thể OCOP đã được phê duyệt"),
            body=_l("%(name)s đã được phê duyệt. Bạn có thể đăng nhập và lập hồ sơ sản phẩm.",
                   name=producer.name), actor=actor)


def reject(producer: Producer, *, reason: str, actor) -> None:
    if not producer.can_decide(actor):
        raise NotAllowed(_("Bạn không có quyền phê duyệt chủ thể này."))
    if not (reason or "").strip():
        raise ProducerError(_("Vui lòng ghi lý do từ chối."), code="reason_required")
    if producer.status != ProducerStatus.pending:
        raise ProducerError(_("Chỉ từ chối được đăng ký đang chờ phê duyệt."),
                            code="not_pending")
    audit.record(producer, "status", old=producer.status, new=ProducerStatus.rejected,
                 actor=actor, note=reason)
    producer.status = ProducerStatus.rejected
    producer.status_note = reason.strip()
    producer.decided_at = utcnow()
    producer.decided_by_id = actor.id
    db.session.flush()
    # Rejected accounts stay inactive; the e-mail tells them why.
    _notify(producer, kind="producer_rejected",
            subject=_l("Đăng ký chủ thể OCOP không được phê duyệt"),
            body=_l("Đăng ký của %(name)s không được phê duyệt. Lý do: %(reason)s",
                   name=producer.name, reason=reason.strip()), actor=actor, include_inactive=True)


def _notify(producer: Producer, *, kind: str, subject, body, actor,
            include_inactive: bool = False) -> None:
    from ..notifications.services import notify

    users = [u for u in producer_users(producer) if include_inactive or u.is_active_account]
    notify(users, kind=kind, subject=subject, body=body, link="/", actor=actor)
