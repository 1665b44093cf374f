"""Producer sign-up and approval."""
from __future__ import annotations

import re

from flask_babel import gettext as _

from .. import audit
from ..accounts import services as accounts
from ..accounts.models import User
from ..accounts.roles import Role
from ..db import db, utcnow
from ..errors import NotAllowed, OcopError
from ..geo.models import Commune
from ..text import fold
from .ethnicities import ETHNICITY_NAMES
from .models import Gender, Producer, ProducerKind, ProducerStatus

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
    return producer, user


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
    what = (_("tên đăng nhập đã có người dùng") if code == "username_taken"
            else _("mã số đăng ký đã có chủ thể khác đăng ký"))
    body = _("Một đăng ký chủ thể OCOP tại %(commune)s không được tạo vì %(what)s. "
             "Vui lòng liên hệ người đăng ký để hướng dẫn (đăng nhập bằng tài khoản đã có, "
             "chọn tên đăng nhập khác, hoặc xác minh mã số).\n"
             "Chủ thể: %(name)s — mã số: %(number)s\nNgười đăng ký: %(person)s — "
             "tên đăng nhập: %(username)s\nĐiện thoại: %(phone)s — e-mail: %(email)s",
             commune=commune.name, what=what, name=facts.get("name", ""),
             number=normalize_registration(facts.get("registration_number", "")),
             person=full_name, username=username, phone=facts.get("phone", ""),
             email=facts.get("email") or "—")
    notify(list(officers), kind="signup_collision",
           subject=_("Đăng ký chủ thể cần liên hệ lại: %(name)s", name=facts.get("name", "")),
           body=body, link="/producers/", actor=None)


def update_profile(producer: Producer, *, actor, **fields) -> None:
    """Edit the entity's facts (the producer itself or an officer of its jurisdiction)."""
    if not producer.can_edit(actor):
        raise NotAllowed(_("Bạn không thể sửa thông tin chủ thể này."))
    moving = any(k in fields and fields[k] != getattr(producer, k)
                 for k in ("province_code", "commune_code"))
    if moving and producer.is_member(actor):
        # A move changes which commune and province handle the producer: officers only.
        raise ProducerError(_("Đổi địa bàn của chủ thể do cán bộ xã/tỉnh thực hiện."),
                            code="unit_change_by_officer")
    if "registration_number" in fields:
        fields["registration_number"] = check_registration(fields["registration_number"],
                                                           exclude_id=producer.id)
    if "commune_code" in fields or "province_code" in fields:
        _check_unit(fields.get("province_code", producer.province_code),
                    fields.get("commune_code", producer.commune_code))
    if "representative_ethnicity" in fields:
        _check_facts(fields["representative_ethnicity"])
    changed = {k: v for k, v in fields.items() if getattr(producer, k) != v}
    for key, value in changed.items():
        setattr(producer, key, value)
    if "name" in changed:
        producer.name_folded = fold(producer.name)
    if changed:
        audit.record(producer, "updated", actor=actor, data={"fields": sorted(changed)})
    db.session.flush()


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
            subject=_("Tài khoản chủ thể OCOP đã được phê duyệt"),
            body=_("%(name)s đã được phê duyệt. Bạn có thể đăng nhập và lập hồ sơ sản phẩm.",
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
            subject=_("Đăng ký chủ thể OCOP không được phê duyệt"),
            body=_("Đăng ký của %(name)s không được phê duyệt. Lý do: %(reason)s",
                   name=producer.name, reason=reason.strip()), actor=actor, include_inactive=True)


def _notify(producer: Producer, *, kind: str, subject: str, body: str, actor,
            include_inactive: bool = False) -> None:
    from ..notifications.services import notify

    users = [u for u in producer_users(producer) if include_inactive or u.is_active_account]
    notify(users, kind=kind, subject=subject, body=body, link="/", actor=actor)
