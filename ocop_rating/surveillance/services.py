"""Market surveillance: reports from the public, their triage, checks in trade, and the
showcase (issue 16). Every change is audited in the caller's commit; nothing here commits.

One trail from a report to the decision: report → (assigned) → an inspection opened from it
(``reevaluation.services.schedule_inspection``) or a check in trade recorded for it → the
inspection's findings (``record_findings``; a violation proposes a revocation and starts the
15 days) → the revocation decision (``certificates.services.revoke``) → the report closed
with an outcome and a public summary. ``timeline`` reads that trail back for the reporter."""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import and_, false, or_

from .. import audit
from ..accounts.models import User
from ..accounts.roles import Role
from ..certificates.models import AuthorityLevel, Certificate
from ..db import db, utcnow
from ..errors import NotAllowed, OcopError
from ..i18n import later
from ..legaltime import legal_date, legal_today
from ..reevaluation import services as reevaluation
from ..reevaluation.models import Inspection, InspectionKind, InspectionOutcome
from ..search import ranked_page
from ..workdays import working_days_left
from .models import (
    MarketReport,
    MarkUse,
    OutletKind,
    ReportKind,
    ReportOutcome,
    ReportStatus,
    SalesPoint,
    ShowcaseHide,
    StampUse,
    SurveillancePhoto,
    TradeCheck,
)

MINISTRY_KEY = "BO"
MAX_PHOTOS = 5
# No 0/O, 1/I/L: a code read from a phone screen or over the telephone is typed back right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31**12 ≈ 2**59: not guessable, even without the rate limit


class SurveillanceError(OcopError):
    pass


# -- the spam guard ----------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="market-report-form")


def form_stamp() -> str:
    """A signed time put in the report form when it is shown (no session needed)."""
    return _serializer().dumps(int(time.time()))


def check_not_spam(*, stamp: str, honeypot: str) -> None:
    """A person needs some seconds to fill the form (``REPORT_MIN_FILL_SECONDS``) and never
    fills the field hidden from people; a robot posting at once, or filling every field,
    is refused. The stamp is signed, so it cannot be forged, and expires after a day."""
    if honeypot:
        raise SurveillanceError(_("Không gửi được phản ánh. Vui lòng để trống ô “Trang web” "
                                  "và gửi lại."), code="spam")
    try:
        shown_at = _serializer().loads(stamp or "", max_age=24 * 3600)
    except BadSignature:
        raise SurveillanceError(_("Biểu mẫu đã hết hạn. Vui lòng gửi lại."),
                                code="spam") from None
    minimum = float(current_app.config.get("REPORT_MIN_FILL_SECONDS", 5))
    if time.time() - float(shown_at) < minimum:
        raise SurveillanceError(_("Biểu mẫu được gửi quá nhanh. Vui lòng kiểm tra nội dung rồi "
                                  "gửi lại."), code="spam")


# -- reports ------------------------------------------------------------------------------------

def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str | None) -> str:
    """What a person types ("bc-7kq2 m9xp-3htr") back to the stored code."""
    text = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    if text.startswith("BC") and len(text) == CODE_LENGTH + 2:
        text = text[2:]
    return text if len(text) == CODE_LENGTH and all(c in CODE_ALPHABET for c in text) else ""


def find_report(raw_code: str | None) -> MarketReport | None:
    code = normalise_code(raw_code)
    if not code:
        return None
    return db.session.scalar(db.select(MarketReport).filter_by(code=code))


def authority_of(certificate: Certificate | None, province_code: str | None
                 ) -> tuple[AuthorityLevel, str | None]:
    """Who handles a report: whoever recognised the product (the ministry for its own
    certificates: 5★); without a certificate, the province where it was seen."""
    if certificate is not None:
        if certificate.issuer_key == MINISTRY_KEY:
            return AuthorityLevel.ministry, None
        return AuthorityLevel.province, certificate.province_code
    if province_code:
        return AuthorityLevel.province, province_code
    return AuthorityLevel.ministry, None


def file_report(*, kind: ReportKind, certificate: Certificate | None, province_code: str | None,
                product_text: str, description: str, place: str, seen_on: date,
                contact: str = "", photos=(), actor=None) -> MarketReport:
    """Record a report from the public and route it to the authority; photos are checked
    by content (JPEG or PNG, ``UPLOAD_MAX_BYTES``)."""
    from ..files.services import IMAGE_KINDS, store_upload

    today = legal_today()
    if seen_on > today:
        raise SurveillanceError(_("Ngày phát hiện không thể sau hôm nay (%(d)s).",
                                  d=today.strftime("%d/%m/%Y")), code="seen_on_future")
    if not description.strip():
        raise SurveillanceError(_("Vui lòng mô tả điều bạn thấy."), code="description_required")
    if not place.strip():
        raise SurveillanceError(_("Vui lòng ghi nơi bán, địa chỉ hoặc đường dẫn."),
                                code="place_required")
    if certificate is None and not product_text.strip():
        raise SurveillanceError(_("Vui lòng ghi tên sản phẩm."), code="product_required")
    files = [f for f in photos if f is not None and getattr(f, "filename", "")]
    if len(files) > MAX_PHOTOS:
        raise SurveillanceError(_("Tối đa %(n)d ảnh.", n=MAX_PHOTOS), code="too_many_photos")
    level, province = authority_of(certificate, province_code)
    report = MarketReport(
        code=new_code(), kind=kind, certificate_id=certificate.id if certificate else None,
        product_text=(product_text or (certificate.product_name if certificate else ""))
        .strip()[:255], authority_level=level, province_code=province,
        description=description.strip(), place=place.strip()[:500], seen_on=seen_on,
        contact=(contact or "").strip()[:255])
    db.session.add(report)
    db.session.flush()
    for file_storage in files:
        stored = store_upload(file_storage, actor=actor, kinds=IMAGE_KINDS)
        report.photos.append(SurveillancePhoto(file_id=stored.id))
    audit.record(report, "received", actor=actor, new=ReportStatus.received,
                 data={"photos": len(files)})
    db.session.flush()
    _notify_office(report)
    return report


def office_users(level: AuthorityLevel, province_code: str | None) -> list[User]:
    """The active officers of an authority's OCOP office."""
    stmt = db.select(User).filter_by(is_active_account=True)
    if level == AuthorityLevel.ministry:
        stmt = stmt.filter_by(role=Role.ministry)
    else:
        stmt = stmt.filter_by(role=Role.province, province_code=province_code)
    return list(db.session.scalars(stmt.order_by(User.id)))


def _notify_office(report: MarketReport) -> None:
    from ..notifications.services import notify

    users = office_users(report.authority_level, report.province_code)
    if not users:
        return
    # Each officer reads it in their own language, whatever the reporter's.
    kind = report.kind
    notify(users, kind="market_report", subject=_l("Phản ánh mới về sản phẩm OCOP"),
           body=_l("%(k)s: %(p)s (mã %(c)s).", k=later(lambda: kind.label),
                   p=report.product_text, c=report.display_code),
           link=f"/surveillance/reports/{report.id}")


ALLOWED = {
    (ReportStatus.received, ReportStatus.assigned),
    (ReportStatus.assigned, ReportStatus.assigned),   # handed to another officer
    (ReportStatus.received, ReportStatus.inspecting),
    (ReportStatus.assigned, ReportStatus.inspecting),
    (ReportStatus.received, ReportStatus.closed),
    (ReportStatus.assigned, ReportStatus.closed),
    (ReportStatus.inspecting, ReportStatus.closed),
}


def _transition(report: MarketReport, to: ReportStatus, *, action: str, actor,
                data: dict | None = None) -> None:
    if not report.can_manage(actor):
        raise NotAllowed(_("Phản ánh không thuộc thẩm quyền của bạn."))
    if (report.status, to) not in ALLOWED:
        raise SurveillanceError(_("Phản ánh đang ở bước “%(s)s”, không thể chuyển sang “%(t)s”.",
                                  s=report.status.label, t=to.label), code="transition")
    audit.record(report, action, actor=actor, old=report.status, new=to, data=data)
    report.status = to


def assign_report(report: MarketReport, assignee: User, *, actor) -> None:
    """Hand the report to an officer of the same office."""
    if assignee.id not in {u.id for u in office_users(report.authority_level,
                                                      report.province_code)}:
        raise SurveillanceError(_("Chỉ phân công cho cán bộ của cơ quan xử lý phản ánh."),
                                code="assignee")
    _transition(report, ReportStatus.assigned, action="assigned", actor=actor,
                data={"assignee": assignee.id})
    report.assignee_id = assignee.id
    db.session.flush()


def open_inspection(report: MarketReport, *, on: date, inspector: str, actor) -> Inspection:
    """Open an ad-hoc post-recognition inspection of the reported certificate."""
    if report.certificate is None:
        raise SurveillanceError(_("Phản ánh không gắn với giấy chứng nhận nào: không mở hậu "
                                  "kiểm được; hãy chuyển cơ quan có thẩm quyền hoặc kết thúc "
                                  "xử lý."), code="no_certificate")
    if not inspector.strip():
        raise SurveillanceError(_("Vui lòng ghi người hoặc đoàn kiểm tra."), code="inspector")
    inspection = reevaluation.schedule_inspection(report.certificate, kind=InspectionKind.adhoc,
                                                  on=on, inspector=inspector, actor=actor)
    _transition(report, ReportStatus.inspecting, action="inspection_opened", actor=actor,
                data={"inspection": inspection.id})
    report.inspection_id = inspection.id
    db.session.flush()
    return inspection


def close_report(report: MarketReport, *, outcome: ReportOutcome, public_summary: str,
                 actor) -> None:
    """Close with an outcome and a summary the reporter reads on the tracking page (no
    personal data: it is public)."""
    if not public_summary.strip():
        raise SurveillanceError(_("Vui lòng ghi nội dung trả lời công khai."),
                                code="summary_required")
    _transition(report, ReportStatus.closed, action="closed", actor=actor,
                data={"outcome": outcome.value})
    report.outcome = outcome
    report.public_summary = public_summary.strip()
    report.closed_at = utcnow()
    db.session.flush()


@dataclass
class Step:
    on: date
    label: str
    detail: str = ""


STEP_LABELS = {
    "received": _l("Tiếp nhận phản ánh"),
    "assigned": _l("Phân công cán bộ xử lý"),
    "inspection_opened": _l("Mở đợt hậu kiểm sản phẩm"),
    "trade_check": _l("Kiểm tra tại nơi bán"),
    "closed": _l("Kết thúc xử lý"),
}


def timeline(report: MarketReport) -> list[Step]:
    """The public trail of a report: its own steps (from the audit trail), the inspection's
    conclusion and the revocation decision. Only what may be public: no names of officers,
    no contact, no findings text (the public summary says what the office wants said)."""
    from ..audit import AuditEvent

    steps: list[Step] = []
    events = db.session.scalars(db.select(AuditEvent).filter_by(
        object_type=MarketReport.__tablename__, object_id=str(report.id))
        .order_by(AuditEvent.seq)).all()
    for event in events:
        if event.action in STEP_LABELS:
            detail = ""
            if event.action == "closed" and report.outcome is not None:
                detail = report.outcome.label
            steps.append(Step(legal_date(event.at), str(STEP_LABELS[event.action]), detail))
    inspection = report.inspection
    if inspection is not None and inspection.outcome is not None:
        steps.append(Step(inspection.done_on, str(_l("Có kết quả kiểm tra")),
                          inspection.outcome.label))
    certificate = report.certificate
    if certificate is not None and certificate.revoked_at is not None and (
            inspection is not None and inspection.outcome == InspectionOutcome.violation):
        decision = certificate.revocation_decision
        steps.append(Step(decision.decided_on, str(_l("Thu hồi giấy chứng nhận")),
                          _("Quyết định số %(n)s của %(a)s", n=decision.number,
                            a=decision.authority_name)))
    closed = [s for s in steps if s.label == str(STEP_LABELS["closed"])]
    others = sorted((s for s in steps if s not in closed), key=lambda s: s.on)
    return others + closed


def reports_for(user, *, open_only: bool = True) -> list[MarketReport]:
    """The reports the user's office handles, oldest first."""
    return list(db.session.scalars(reports_statement(user, open_only=open_only)))


def reports_statement(user, *, open_only: bool = True, closed_only: bool = False):
    """The reports the user's office handles, oldest first, as a statement to page; one
    that finds none for a role without such an office."""
    stmt = db.select(MarketReport)
    if user.role == Role.province:
        stmt = stmt.where(MarketReport.authority_level == AuthorityLevel.province,
                          MarketReport.province_code == user.province_code)
    elif user.role == Role.ministry:
        stmt = stmt.where(MarketReport.authority_level == AuthorityLevel.ministry)
    elif user.role != Role.admin:
        stmt = stmt.where(false())
    if closed_only:
        return stmt.where(MarketReport.status == ReportStatus.closed).order_by(
            MarketReport.closed_at.desc(), MarketReport.id.desc())
    if open_only:
        stmt = stmt.where(MarketReport.status != ReportStatus.closed)
    return stmt.order_by(MarketReport.created_at, MarketReport.id)


def open_inspections_for(user) -> list[Inspection]:
    """Inspections of the office's certificates still waiting for their findings, or whose
    violation still waits for the revocation decision."""
    return list(db.session.scalars(open_inspections_statement(user)))


def open_inspections_statement(user):
    """``open_inspections_for`` as a statement to page, oldest first, each inspection's
    certificate loaded with it."""
    from sqlalchemy.orm import contains_eager

    stmt = db.select(Inspection).join(Certificate).options(
        contains_eager(Inspection.certificate)).where(
        Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None),
        or_(Inspection.outcome.is_(None), Inspection.outcome == InspectionOutcome.violation))
    if user.role == Role.province:
        stmt = stmt.where(Certificate.province_code == user.province_code,
                          Certificate.issuer_key != MINISTRY_KEY)
    elif user.role == Role.ministry:
        stmt = stmt.where(Certificate.issuer_key == MINISTRY_KEY)
    elif user.role != Role.admin:
        stmt = stmt.where(false())
    return stmt.order_by(Inspection.created_at, Inspection.id)


def age_of(when, today: date | None = None) -> int:
    """Working days from a date (or a UTC time) to today."""
    today = today or legal_today()
    day = when if isinstance(when, date) and not hasattr(when, "hour") else legal_date(when)
    if day >= today:
        return 0
    return -working_days_left(today, day, current_app.config.get("EXTRA_HOLIDAYS", ()))


# -- checks in trade -------------------------------------------------------------------------------

def record_trade_check(certificate: Certificate, *, done_on: date, inspector: str,
                       outlet_kind: OutletKind, outlet_name: str, outlet_address: str,
                       stamp_use: StampUse, mark_use: MarkUse, price_vnd: int | None,
                       findings: str, outcome: InspectionOutcome,
                       proposed_ground: str | None = None, concluded_on: date | None = None,
                       concluded_by: str = "", photos=(), report: MarketReport | None = None,
                       actor) -> TradeCheck:
    """A check at a point of sale or an online shop: an ad-hoc inspection with its findings
    recorded at once (the same rules: a violation needs its ground and conclusion date), and
    the outlet's facts alongside. Given a report, the check answers it."""
    from ..files.services import IMAGE_KINDS, store_upload

    if done_on > legal_today():
        raise SurveillanceError(_("Ngày kiểm tra không thể sau hôm nay."), code="done_on_future")
    if not outlet_name.strip() or not outlet_address.strip():
        raise SurveillanceError(_("Vui lòng ghi tên và địa chỉ (hoặc đường dẫn) nơi bán."),
                                code="outlet_required")
    files = [f for f in photos if f is not None and getattr(f, "filename", "")]
    if len(files) > MAX_PHOTOS:
        raise SurveillanceError(_("Tối đa %(n)d ảnh.", n=MAX_PHOTOS), code="too_many_photos")
    if report is not None and report.certificate_id != certificate.id:
        raise SurveillanceError(_("Giấy chứng nhận kiểm tra khác với giấy chứng nhận trong phản "
                                  "ánh."), code="certificate_mismatch")
    inspection = reevaluation.schedule_inspection(certificate, kind=InspectionKind.adhoc,
                                                  on=done_on, inspector=inspector or "",
                                                  actor=actor)
    reevaluation.record_findings(inspection, done_on=done_on, findings=findings,
                                 outcome=outcome, proposed_ground=proposed_ground,
                                 concluded_on=concluded_on, concluded_by=concluded_by,
                                 actor=actor)
    check = TradeCheck(inspection_id=inspection.id, outlet_kind=outlet_kind,
                       outlet_name=outlet_name.strip()[:255],
                       outlet_address=outlet_address.strip()[:500], stamp_use=stamp_use,
                       mark_use=mark_use, price_vnd=price_vnd, created_by_id=actor.id)
    db.session.add(check)
    db.session.flush()
    for file_storage in files:
        stored = store_upload(file_storage, actor=actor, kinds=IMAGE_KINDS)
        check.photos.append(SurveillancePhoto(file_id=stored.id))
    audit.record(check, "recorded", actor=actor, new=outcome,
                 data={"inspection": inspection.id, "report": report.id if report else None,
                       "stamp": stamp_use.value, "mark": mark_use.value})
    if report is not None:
        _transition(report, ReportStatus.inspecting, action="trade_check", actor=actor,
                    data={"inspection": inspection.id, "trade_check": check.id})
        report.inspection_id = inspection.id
    db.session.flush()
    return check


def trade_checks_for(user, limit: int = 50) -> list[TradeCheck]:
    """The office's latest checks in trade, each with its inspection and certificate."""
    from sqlalchemy.orm import contains_eager

    stmt = db.select(TradeCheck).join(TradeCheck.inspection).join(Inspection.certificate) \
        .options(contains_eager(TradeCheck.inspection).contains_eager(Inspection.certificate))
    if user.role == Role.province:
        stmt = stmt.where(Certificate.province_code == user.province_code,
                          Certificate.issuer_key != MINISTRY_KEY)
    elif user.role == Role.ministry:
        stmt = stmt.where(Certificate.issuer_key == MINISTRY_KEY)
    elif user.role != Role.admin:
        return []
    return list(db.session.scalars(stmt.order_by(TradeCheck.id.desc()).limit(limit)))


# -- the showcase ----------------------------------------------------------------------------------

def in_force(today: date):
    """The SQL condition of a certificate in force today (live, not past its validity)."""
    return and_(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None),
                or_(Certificate.expires_on >= today, Certificate.extended_until >= today))


@dataclass
class CatalogueQuery:
    q: str = ""
    province: str = ""
    group: str = ""
    set_no: int | None = None
    star: int | None = None
    page: int = 1
    per_page: int = 24


def group_choices() -> list[tuple[str, str, tuple[int, ...]]]:
    """(code, label, set numbers) of the product groups (ngành) of the rulebook in force."""
    from ..products.services import current_rulebook_code
    from ..rulebook import load_rulebooks

    book = load_rulebooks()[current_rulebook_code()]
    return [(g.code, g.label, tuple(n for sg in g.subgroups for n in sg.sets))
            for g in book.groups]


def catalogue(query: CatalogueQuery, *, today: date | None = None
              ) -> tuple[list[Certificate], int]:
    """The certificates in force whose product is not hidden from the showcase, one per
    product, filtered and paged; accent-insensitive search on product, producer and code
    (the registry's search, whole-word matches first)."""
    today = today or legal_today()
    hidden = db.select(ShowcaseHide.product_id)
    stmt = db.select(Certificate).where(in_force(today),
                                        Certificate.product_id.not_in(hidden))
    if query.province:
        stmt = stmt.where(Certificate.province_code == query.province)
    if query.group:
        sets = next((s for code, _label, s in group_choices() if code == query.group), ())
        stmt = stmt.where(Certificate.set_no.in_(sets))
    if query.set_no:
        stmt = stmt.where(Certificate.set_no == query.set_no)
    if query.star:
        stmt = stmt.where(Certificate.star == query.star)
    return ranked_page(stmt, Certificate.search_text, query.q,
                       order=[Certificate.star.desc(), Certificate.product_name, Certificate.id],
                       page=min(max(1, query.page), 100_000), per_page=query.per_page)


def listed_certificate(product_id: int, today: date | None = None) -> Certificate | None:
    """The certificate in force that puts the product in the showcase, or None (no live
    certificate, or hidden)."""
    today = today or legal_today()
    if db.session.get(ShowcaseHide, product_id) is not None:
        return None
    return db.session.scalar(db.select(Certificate).where(
        in_force(today), Certificate.product_id == product_id)
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc()).limit(1))


def sales_points(product_id: int) -> list[SalesPoint]:
    return list(db.session.scalars(db.select(SalesPoint).filter_by(product_id=product_id)
                                   .order_by(SalesPoint.kind, SalesPoint.name, SalesPoint.id)))


def add_sales_point(product, *, kind: OutletKind, name: str, address: str, url: str,
                    actor) -> SalesPoint:
    """The producer lists where the product is sold."""
    if not product.can_edit(actor):
        raise NotAllowed(_("Bạn không thể sửa sản phẩm này."))
    url = (url or "").strip()
    if url and not url.lower().startswith(("https://", "http://")):
        raise SurveillanceError(_("Đường dẫn phải bắt đầu bằng https:// hoặc http://."),
                                code="url")
    if not (address or "").strip() and not url:
        raise SurveillanceError(_("Vui lòng ghi địa chỉ hoặc đường dẫn."), code="place")
    point = SalesPoint(product_id=product.id, kind=kind, name=name.strip()[:255],
                       address=(address or "").strip()[:500], url=url[:500])
    db.session.add(point)
    db.session.flush()
    audit.record(product, "sales_point_added", actor=actor, new=point.name,
                 data={"sales_point": point.id})
    return point


def remove_sales_point(point: SalesPoint, product, *, actor) -> None:
    if not product.can_edit(actor) or point.product_id != product.id:
        raise NotAllowed(_("Bạn không thể sửa sản phẩm này."))
    audit.record(product, "sales_point_removed", actor=actor, old=point.name,
                 data={"sales_point": point.id})
    db.session.delete(point)
    db.session.flush()


def can_hide(user, certificate: Certificate) -> bool:
    return certificate.can_manage(user)


def hide_product(certificate: Certificate, *, reason: str, actor) -> None:
    """The authority takes a misleading entry out of the showcase (audited on the product)."""
    if not can_hide(actor, certificate):
        raise NotAllowed(_("Sản phẩm không thuộc thẩm quyền của bạn."))
    if not reason.strip():
        raise SurveillanceError(_("Vui lòng ghi lý do ẩn."), code="reason_required")
    if db.session.get(ShowcaseHide, certificate.product_id) is not None:
        return
    db.session.add(ShowcaseHide(product_id=certificate.product_id, reason=reason.strip(),
                                hidden_by_id=actor.id))
    audit.record(certificate.product, "showcase_hidden", actor=actor, note=reason.strip())
    db.session.flush()


def unhide_product(certificate: Certificate, *, actor) -> None:
    if not can_hide(actor, certificate):
        raise NotAllowed(_("Sản phẩm không thuộc thẩm quyền của bạn."))
    row = db.session.get(ShowcaseHide, certificate.product_id)
    if row is None:
        return
    audit.record(certificate.product, "showcase_shown", actor=actor, old=row.reason)
    db.session.delete(row)
    db.session.flush()


def hidden_entries(user) -> list[tuple[ShowcaseHide, Certificate | None]]:
    rows = db.session.scalars(db.select(ShowcaseHide).order_by(ShowcaseHide.hidden_at)).all()
    out = []
    for row in rows:
        certificate = db.session.scalar(db.select(Certificate).filter_by(
            product_id=row.product_id).order_by(Certificate.id.desc()).limit(1))
        if certificate is not None and can_hide(user, certificate):
            out.append((row, certificate))
    return out

