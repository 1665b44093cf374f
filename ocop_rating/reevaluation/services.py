"""Re-evaluation before expiry: the expiry pipeline, notices, the transition rule, plans,
inspections and the daily job (DOMAIN.md §6).

Rules as configuration (``REEVALUATION_*``, read in ``certificates/windows.py``): the window
opens 180 days before expiry and a dossier is late after the 120-day mark; the transition
rule keeps an old certificate valid until the re-evaluation decision, at most 180 days past
its expiry, only where ``windows.transition_applies`` says (docs/decisions.md, issue 10).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..accounts.models import User
from ..certificates import windows
from ..certificates.models import Certificate, can_act_for
from ..db import db
from ..dossiers.models import Dossier, DossierKind
from ..dossiers.states import DossierStatus
from ..errors import NotAllowed, OcopError
from ..i18n import later
from ..legaltime import legal_date, legal_today
from .models import (
    Inspection,
    InspectionKind,
    InspectionOutcome,
    NoticeKind,
    PlanEntry,
    ReevaluationNotice,
    ReevaluationPlan,
)
from .rules import due_notices, notice_to_send

FILED = (DossierStatus.submitted, DossierStatus.returned_by_commune, DossierStatus.forwarded,
         DossierStatus.returned_by_province, DossierStatus.accepted, DossierStatus.in_round,
         DossierStatus.evaluated)
REFILED_KINDS = (DossierKind.reevaluation, DossierKind.upgrade)


def _filed_dossier():
    """SQL: a re-evaluation (or upgrade) dossier, filed (status in ``FILED``). Written as
    its complement (NOT IN the other kinds and statuses, the same rows: both columns are
    enums under a CHECK), which no index seeks: the planner then starts from the products
    asked for (``ix_dossiers_product_filed``, read alone) instead of every filed dossier of
    the nation by status, as SQLite without statistics did (3-11 ms a page, 0031)."""
    return and_(Dossier.kind.not_in([k for k in DossierKind if k not in REFILED_KINDS]),
                Dossier.status.not_in([s for s in DossierStatus if s not in FILED]),
                Dossier.submitted_at.is_not(None))


class ReevaluationError(OcopError):
    pass


window_days = windows.window_days
late_days = windows.late_days
grace_days = windows.grace_days


def _live():
    return and_(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None))


def reevaluation_dossier(certificate: Certificate) -> Dossier | None:
    """The re-evaluation (or upgrade) dossier filed for this certificate's product since it
    was issued, if any (drafts do not count as filed)."""
    return filed_dossiers([certificate]).get(certificate.id)


# -- the pipeline ----------------------------------------------------------------------------

@dataclass
class Pipeline:
    """Every section in full (``pipeline()``, for the services and their tests)."""

    by_month: list[tuple[str, int]]
    in_window: list[Certificate]
    late: list[Certificate]
    lapsed: list[Certificate]
    # Past expiry, kept valid by the transition rule until the re-evaluation decision.
    extended: list[Certificate] = field(default_factory=list)


# One reading of the sections, in SQL: the date bounds are computed once in Python from
# ``windows`` (PipelineBounds), each section is a WHERE clause over live certificates, and
# "filed" (a re-evaluation or upgrade dossier filed since issue, ``filed_dossiers``) is an
# EXISTS on the product's latest filed dossier. The page counts the four sections in one
# query, groups the months in another and reads only the rows of the page shown (LIMIT /
# OFFSET); the workbook reads a whole section in three queries whatever its size.

SECTIONS = ("window", "late", "lapsed", "extended")


@dataclass(frozen=True)
class PipelineFilter:
    """Whose certificates: a province's (None: the nation's), a commune's, a set's, a star's."""

    province_code: str | None = None
    commune_code: str | None = None
    set_no: int | None = None
    star: int | None = None

    def where(self) -> list:
        where = [_live()]
        if self.province_code:
            where.append(Certificate.province_code == self.province_code)
        if self.commune_code:
            where.append(Certificate.commune_code == self.commune_code)
        if self.set_no is not None:
            where.append(Certificate.set_no == self.set_no)
        if self.star is not None:
            where.append(Certificate.star == self.star)
        return where


@dataclass(frozen=True)
class PipelineBounds:
    """The days the sections are cut at, from ``windows`` (computed once a request)."""

    today: date
    year_ago: date       # lapsed: expired since this day
    window_end: date     # in the window: expiring by this day (``window_days`` ahead)
    late_before: date    # late: expiring before this day (past the ``late_days`` mark)

    @classmethod
    def on(cls, today: date) -> PipelineBounds:
        return cls(today=today, year_ago=today - timedelta(days=365),
                   window_end=today + timedelta(days=window_days()),
                   late_before=today + timedelta(days=late_days()))


def _filed_clause():
    """SQL: the certificate's product has a re-evaluation (or upgrade) dossier filed since
    the certificate was issued — the latest filed one, submitted on or after the Vietnam day
    of issue (the SQL reading of ``filed_dossiers``)."""
    from sqlalchemy.orm import aliased

    from ..db import legal_day_start

    latest = aliased(Dossier)
    latest_id = db.select(func.max(Dossier.id)).where(
        Dossier.product_id == Certificate.product_id, _filed_dossier()) \
        .correlate(Certificate).scalar_subquery()
    return db.select(latest.id).where(
        latest.id == latest_id,
        latest.submitted_at >= legal_day_start(Certificate.issued_on)).exists()


def section_clauses(bounds: PipelineBounds) -> dict[str, object]:
    """Section name → its SQL condition on a live certificate."""
    filed = _filed_clause()
    in_window = Certificate.expires_on.between(bounds.today, bounds.window_end)
    return {
        "window": in_window,
        "late": and_(in_window, Certificate.expires_on < bounds.late_before, ~filed),
        "lapsed": and_(Certificate.expires_on >= bounds.year_ago,
                       Certificate.expires_on < bounds.today,
                       Certificate.extended_until.is_(None), ~filed),
        "extended": and_(Certificate.expires_on < bounds.today,
                         Certificate.extended_until >= bounds.today),
    }


def section_statement(where: PipelineFilter, bounds: PipelineBounds, section: str):
    """The live certificates of ``section``, soonest expiry first (SELECT Certificate)."""
    return db.select(Certificate).where(*where.where(), section_clauses(bounds)[section]) \
        .order_by(Certificate.expires_on, Certificate.id)


def section_counts(where: PipelineFilter, bounds: PipelineBounds) -> dict[str, int]:
    """How many certificates each section holds, in one query: the window, late and lapsed
    sections lie between a year ago and the window's end (one range of the expiry index,
    read from the index alone: 0031_count_indexes); the extended section, past expiry, is
    counted in a subquery from the index of extensions. No OR across the two indexes, which
    PostgreSQL can only read as a bitmap over the table."""
    from sqlalchemy import case

    clauses = section_clauses(bounds)
    ranged = [s for s in SECTIONS if s != "extended"]
    extended = db.select(func.count()).select_from(Certificate).where(
        *where.where(), clauses["extended"]).correlate(None).scalar_subquery()
    row = db.session.execute(
        db.select(*[func.coalesce(func.sum(case((clauses[s], 1), else_=0)), 0)
                    for s in ranged], extended)
        .where(*where.where(),
               Certificate.expires_on.between(bounds.year_ago, bounds.window_end))).one()
    return {s: int(n) for s, n in zip([*ranged, "extended"], row)}


def expiries_by_month(where: PipelineFilter, today: date, months: int) -> list[tuple[str, int]]:
    """("mm/yyyy", certificates expiring that month) from this month on, months with any."""
    horizon = today + timedelta(days=months * 31)
    counts: dict[str, int] = {}
    for day, n in db.session.execute(
            db.select(Certificate.expires_on, func.count()).where(
                *where.where(), Certificate.expires_on.between(today, horizon))
            .group_by(Certificate.expires_on).order_by(Certificate.expires_on)):
        key = day.strftime("%m/%Y")
        counts[key] = counts.get(key, 0) + n
    return list(counts.items())


def section_page(where: PipelineFilter, bounds: PipelineBounds, section: str, *,
                 page: int, per_page: int) -> list[Certificate]:
    """One page of a section, with each certificate's commune and province (one query)."""
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        section_statement(where, bounds, section)
        .options(joinedload(Certificate.commune), joinedload(Certificate.province))
        .limit(per_page).offset((page - 1) * per_page)))


@dataclass
class PipelineLine:
    """One certificate of a section as the workbook writes it (plain values, no ORM)."""

    id: int
    product_id: int
    number: str
    product_name: str
    product_code: str
    producer_name: str
    commune_name: str
    province_name: str
    product_set_name: str
    star: int
    issued_on: date
    expires_on: date
    extended_until: date | None
    notices: list = field(default_factory=list)   # (NoticeKind, sent_at), oldest first
    dossier: tuple | None = None                  # (id, submitted_at, DossierStatus)


def section_lines(where: PipelineFilter, bounds: PipelineBounds,
                  section: str) -> list[PipelineLine]:
    """A whole section as plain rows, with notices and filed dossier, in three queries
    whatever its size (the rows, their notices, their products' filed dossiers)."""
    from ..geo.models import Commune, Province

    conditions = [*where.where(), section_clauses(bounds)[section]]
    lines = [PipelineLine(*row) for row in db.session.execute(
        db.select(Certificate.id, Certificate.product_id, Certificate.number,
                  Certificate.product_name, Certificate.product_code,
                  Certificate.producer_name,
                  func.coalesce(Commune.name, Certificate.commune_code),
                  func.coalesce(Province.name, Certificate.province_code),
                  Certificate.product_set_name, Certificate.star, Certificate.issued_on,
                  Certificate.expires_on, Certificate.extended_until)
        .outerjoin(Commune, Commune.code == Certificate.commune_code)
        .outerjoin(Province, Province.code == Certificate.province_code)
        .where(*conditions).order_by(Certificate.expires_on, Certificate.id))]
    ids = db.select(Certificate.id).where(*conditions)
    by_id = {line.id: line for line in lines}
    for certificate_id, kind, sent_at in db.session.execute(
            db.select(ReevaluationNotice.certificate_id, ReevaluationNotice.kind,
                      ReevaluationNotice.sent_at)
            .where(ReevaluationNotice.certificate_id.in_(ids))
            .order_by(ReevaluationNotice.sent_at, ReevaluationNotice.id)):
        if certificate_id in by_id:
            by_id[certificate_id].notices.append((kind, sent_at))
    latest: dict[int, tuple] = {}
    for dossier_id, product_id, submitted_at, status in db.session.execute(
            db.select(Dossier.id, Dossier.product_id, Dossier.submitted_at, Dossier.status)
            .where(Dossier.product_id.in_(db.select(Certificate.product_id).where(*conditions)),
                   _filed_dossier())
            .order_by(Dossier.id)):
        latest[product_id] = (dossier_id, submitted_at, status)  # ascending: the newest wins
    for line in lines:
        dossier = latest.get(line.product_id)
        if dossier is not None and legal_date(dossier[1]) >= line.issued_on:
            line.dossier = dossier
    return lines


def pipeline(*, province_code: str | None, today: date | None = None,
             months: int = 24, commune_code: str | None = None, set_no: int | None = None,
             star: int | None = None) -> Pipeline:
    """The province's (or, with None, the nation's) certificates seen from their expiry, every
    section in full (the pages read ``section_page`` instead)."""
    where = PipelineFilter(province_code, commune_code, set_no, star)
    bounds = PipelineBounds.on(today or legal_today())
    lists = {s: list(db.session.scalars(section_statement(where, bounds, s)))
             for s in SECTIONS}
    return Pipeline(by_month=expiries_by_month(where, bounds.today, months),
                    in_window=lists["window"], late=lists["late"], lapsed=lists["lapsed"],
                    extended=lists["extended"])


# -- notices -----------------------------------------------------------------------------------

NOTICE_TEXT = {
    NoticeKind.window_open: (
        "Giấy chứng nhận OCOP số %(n)s (%(p)s) hết hiệu lực ngày %(d)s. Đã đến thời hạn nộp "
        "hồ sơ đánh giá lại (từ 180 đến 120 ngày trước khi hết hiệu lực)."),
    NoticeKind.reminder_150: (
        "Nhắc nộp hồ sơ đánh giá lại: giấy chứng nhận số %(n)s (%(p)s) hết hiệu lực ngày %(d)s."),
    NoticeKind.reminder_125: (
        "Nhắc lần cuối: hồ sơ đánh giá lại cho sản phẩm %(p)s (giấy chứng nhận %(n)s) cần nộp "
        "trước mốc 120 ngày trước ngày %(d)s."),
    NoticeKind.reminder_30: (
        "Giấy chứng nhận OCOP số %(n)s (%(p)s) sẽ hết hiệu lực ngày %(d)s, sau 30 ngày nữa."),
    NoticeKind.expired: (
        "Giấy chứng nhận OCOP số %(n)s (%(p)s) đã hết hiệu lực từ ngày %(d)s. Sản phẩm không "
        "còn được sử dụng biểu trưng OCOP cho đến khi được đánh giá, công nhận lại."),
}


def send_notice(certificate: Certificate, kind: NoticeKind, *, today: date) -> bool:
    """Record and send one notice, exactly once: the notice row is inserted first under a
    unique constraint; whoever loses the race (another job, another process) sends nothing.
    E-mails go out after the commit (notifications outbox)."""
    from ..notifications.services import notify

    users = db.session.scalars(db.select(User).filter_by(
        producer_id=certificate.producer_id, is_active_account=True)).all()
    subject = later(lambda: kind.label)
    body = _l(NOTICE_TEXT[kind], n=certificate.number, p=certificate.product_name,
             d=certificate.expires_on.strftime("%d/%m/%Y"))
    try:
        with db.session.begin_nested():
            notice = ReevaluationNotice(
                certificate_id=certificate.id, kind=kind, due_on=today,
                recipients=[{"user": u.id, "email": u.email} for u in users],
                channels=["in_app"] + (["email"] if any(u.email for u in users) else []))
            db.session.add(notice)
            db.session.flush()
    except IntegrityError:
        return False
    notify(users, kind="reevaluation", subject=subject, body=body, link="/certificates/mine")
    return True


# -- the transition rule -------------------------------------------------------------------

def apply_transition_rule(today: date) -> int:
    """Keep valid, until the decision and at most ``grace_days`` past expiry, a certificate
    whose re-evaluation dossier the transition rule covers (``windows.transition_applies``:
    filed within the window, or filed late before expiry where the transition provision of
    Decision 26/2026 covers the certificate); never a dossier filed after expiry."""
    filed_dossiers = db.session.scalars(db.select(Dossier).where(
        Dossier.kind == DossierKind.reevaluation, Dossier.status.in_(FILED[:-1]),
        Dossier.previous_certificate_id.is_not(None))).all()
    changed = 0
    for dossier in filed_dossiers:
        certificate = db.session.get(Certificate, dossier.previous_certificate_id)
        if certificate is None or certificate.revoked_at or certificate.superseded_by_id:
            continue
        if not windows.transition_applies(certificate, legal_date(dossier.submitted_at)):
            continue  # filed late (or after expiry) outside the transition: no extension
        limit = windows.extension_to_set(certificate, today)
        if limit is not None:
            certificate.extended_until = limit
            audit.record(certificate, "extended", actor=None, new=limit.isoformat(),
                         note=_("Đang đánh giá lại (hồ sơ #%(d)s)", d=dossier.id))
            changed += 1
    return changed


def end_extension_on_failure(certificate: Certificate, *, on: date, actor) -> None:
    """A re-evaluation that fails 3★: the old certificate ends at its expiry (or today if
    already past it): no new certificate is issued."""
    ends = windows.extension_end_on_failure(certificate, on)
    if ends is not None:
        certificate.extended_until = ends
        audit.record(certificate, "extension_ended", actor=actor, new=on.isoformat())


# -- the daily job -------------------------------------------------------------------------------

@dataclass
class DailyReport:
    notices_sent: int = 0
    notices_skipped: int = 0
    extended: int = 0
    late_dossiers: int = 0


def run_daily(today: date | None = None) -> DailyReport:
    """Update statuses (transition rule), send due notices, flag late dossiers. Safe to run
    twice, or in two processes at once: each notice is a unique row inserted before sending,
    and each step commits on its own."""
    today = today or legal_today()
    report = DailyReport()
    report.extended = apply_transition_rule(today)
    db.session.commit()
    horizon = today + timedelta(days=window_days())
    certificates = db.session.scalars(db.select(Certificate).where(
        _live(), Certificate.expires_on <= horizon,
        Certificate.expires_on >= today - timedelta(days=31))).all()
    filed = filed_dossiers(certificates)
    sent = list(db.session.scalars(db.select(ReevaluationNotice).where(
        ReevaluationNotice.certificate_id.in_([c.id for c in certificates])))) \
        if certificates else []
    sent_before: dict[int, set[NoticeKind]] = {}
    for n in sent:
        sent_before.setdefault(n.certificate_id, set()).add(n.kind)
    told_today = {n.certificate_id for n in sent if n.due_on == today}
    for certificate in certificates:
        # One notice a certificate a day: the most important one still unsent.
        kind = notice_to_send(due_notices(certificate, today, certificate.id in filed),
                              sent=sent_before.get(certificate.id, set()),
                              told_today=certificate.id in told_today)
        if kind is None:
            continue
        if send_notice(certificate, kind, today=today):
            report.notices_sent += 1
        else:
            report.notices_skipped += 1
        db.session.commit()
    report.late_dossiers = flag_late_dossiers(today)
    db.session.commit()
    return report


def flag_late_dossiers(today: date) -> int:
    """Tell the commune officers, once per dossier, that a dossier passed its deadline."""
    from ..accounts.roles import Role
    from ..notifications.models import Notification
    from ..notifications.services import notify

    late = db.session.scalars(db.select(Dossier).where(
        Dossier.status == DossierStatus.submitted, Dossier.commune_deadline < today)).all()
    flagged = 0
    for dossier in late:
        link = f"/dossiers/{dossier.id}"
        officers = db.session.scalars(db.select(User).filter_by(
            role=Role.commune, commune_code=dossier.commune_code, is_active_account=True)).all()
        already = db.session.scalar(db.select(Notification.id).filter_by(
            kind="dossier_late", link=link))
        if already is not None or not officers:
            continue
        notify(officers, kind="dossier_late", subject=_l("Hồ sơ quá hạn kiểm tra cấp xã"),
               body=_l("Hồ sơ #%(id)s — %(p)s: hạn xử lý %(d)s đã qua.", id=dossier.id,
                      p=dossier.product.name, d=dossier.commune_deadline.strftime("%d/%m/%Y")),
               link=link)
        flagged += 1
    return flagged


# -- plans -----------------------------------------------------------------------------------

def create_plan(*, province_code: str, name: str, period_from: date, period_to: date,
                note: str = "", actor) -> ReevaluationPlan:
    """A province's plan for a period: it pulls in every live certificate expiring then."""
    from ..certificates.models import AuthorityLevel

    if not can_act_for(actor, AuthorityLevel.province, province_code):
        raise NotAllowed(_("Bạn không thể lập kế hoạch cho tỉnh này."))
    if period_to < period_from:
        raise ReevaluationError(_("Ngày kết thúc phải sau ngày bắt đầu."), code="period_order")
    plan = ReevaluationPlan(province_code=province_code, name=name.strip(),
                            period_from=period_from, period_to=period_to,
                            note=(note or "").strip(), created_by_id=actor.id)
    db.session.add(plan)
    db.session.flush()
    refresh_plan(plan)
    audit.record(plan, "created", actor=actor, data={"entries": len(plan.entries)})
    return plan


def refresh_plan(plan: ReevaluationPlan) -> int:
    """Add certificates that entered the period since (idempotent)."""
    have = {e.certificate_id for e in plan.entries}
    rows = db.session.scalars(db.select(Certificate).where(
        _live(), Certificate.province_code == plan.province_code,
        Certificate.expires_on >= plan.period_from,
        Certificate.expires_on <= plan.period_to).order_by(Certificate.expires_on)).all()
    added = 0
    for certificate in rows:
        if certificate.id not in have:
            plan.entries.append(PlanEntry(certificate_id=certificate.id))
            added += 1
    db.session.flush()
    return added


def assign_round(entry: PlanEntry, round_, *, actor) -> None:
    from ..certificates.models import AuthorityLevel

    if not can_act_for(actor, AuthorityLevel.province, entry.plan.province_code):
        raise NotAllowed(_("Bạn không quản lý kế hoạch này."))
    if round_ is not None and round_.council.province_code != entry.plan.province_code:
        raise NotAllowed(_("Đợt đánh giá không thuộc tỉnh của kế hoạch."))
    entry.round_id = round_.id if round_ else None
    db.session.flush()


def entry_stage(entry: PlanEntry, today: date | None = None) -> str:
    """Where a planned certificate stands: notified → dossier filed → in a round →
    evaluated → recognised again (new certificate) / lapsed."""
    certificate = entry.certificate
    if certificate.superseded_by_id:
        return "recognised"
    dossier = reevaluation_dossier(certificate)
    if dossier is not None:
        return {DossierStatus.in_round: "in_round",
                DossierStatus.evaluated: "evaluated"}.get(dossier.status, "filed")
    if certificate.status_on(today).value == "expired":
        return "lapsed"
    return "waiting"


STAGE_LABELS = {
    "waiting": _l("Chưa nộp hồ sơ"), "filed": _l("Đã nộp hồ sơ"),
    "in_round": _l("Đang đánh giá"), "evaluated": _l("Đã có kết quả"),
    "recognised": _l("Đã công nhận lại"), "lapsed": _l("Hết hiệu lực"),
}


# -- inspections ---------------------------------------------------------------------------

def schedule_inspection(certificate: Certificate, *, kind: InspectionKind, on: date,
                        inspector: str, actor) -> Inspection:
    if not certificate.can_manage(actor):
        raise NotAllowed(_("Giấy chứng nhận không thuộc thẩm quyền của bạn."))
    inspection = Inspection(certificate_id=certificate.id, kind=kind, scheduled_on=on,
                            inspector=inspector.strip(), created_by_id=actor.id)
    db.session.add(inspection)
    db.session.flush()
    audit.record(inspection, "scheduled", actor=actor)
    return inspection


def record_findings(inspection: Inspection, *, done_on: date, findings: str,
                    outcome: InspectionOutcome, proposed_ground: str | None = None,
                    file_storage=None, concluded_on: date | None = None,
                    concluded_by: str = "", actor) -> None:
    """Record what an inspection found. A violation proposes a revocation: it records the
    day of the authority's conclusion (or of the commune's confirmation that production
    stopped), from which the 15 days to decide are counted."""
    from ..certificates.models import RevocationGround
    from ..files.services import store_upload

    if not inspection.certificate.can_manage(actor):
        raise NotAllowed(_("Giấy chứng nhận không thuộc thẩm quyền của bạn."))
    if not findings.strip():
        raise ReevaluationError(_("Vui lòng ghi kết quả kiểm tra."), code="findings_required")
    if outcome == InspectionOutcome.violation:
        try:
            RevocationGround(proposed_ground or "")
        except ValueError:
            raise ReevaluationError(_("Vui lòng chọn căn cứ đề xuất thu hồi."),
                                    code="ground_required") from None
        if concluded_on is None:
            raise ReevaluationError(_("Vui lòng ghi ngày có kết luận của cơ quan có thẩm quyền "
                                      "(hoặc ngày xã xác nhận ngừng sản xuất): thời hạn 15 "
                                      "ngày quyết định thu hồi tính từ ngày này."),
                                    code="concluded_on_required")
        if concluded_on > legal_today():
            raise ReevaluationError(_("Ngày kết luận không thể sau hôm nay."),
                                    code="concluded_on_future")
        if not (concluded_by or "").strip():
            raise ReevaluationError(_("Vui lòng ghi cơ quan kết luận hoặc văn bản xác nhận."),
                                    code="concluded_by_required")
    else:
        proposed_ground, concluded_on, concluded_by = None, None, ""
    if file_storage is not None and getattr(file_storage, "filename", ""):
        inspection.evidence_file_id = store_upload(file_storage, actor=actor).id
    inspection.done_on = done_on
    inspection.findings = findings.strip()
    inspection.outcome = outcome
    inspection.proposed_ground = proposed_ground
    inspection.concluded_on = concluded_on
    inspection.concluded_by = (concluded_by or "").strip()[:255]
    audit.record(inspection, "findings", actor=actor, new=outcome,
                 data={"concluded_on": concluded_on.isoformat() if concluded_on else None})
    db.session.flush()


def proposed_revocations(province_code: str | None) -> list[Inspection]:
    from sqlalchemy.orm import contains_eager

    stmt = db.select(Inspection).join(Inspection.certificate).options(
        contains_eager(Inspection.certificate)).where(
        Inspection.outcome == InspectionOutcome.violation, Certificate.revoked_at.is_(None),
        Certificate.superseded_by_id.is_(None))
    if province_code:
        stmt = stmt.where(Certificate.province_code == province_code)
    return list(db.session.scalars(stmt))


@dataclass
class Proposal:
    """A revocation proposed by an inspection, seen from its legal limit."""

    inspection: Inspection
    deadline: date   # 15 days from the conclusion (windows.revocation_deadline)
    days_left: int
    revocable: bool  # False: the certificate lapsed meanwhile (listed as lapsed)

    @property
    def is_overdue(self) -> bool:
        return self.revocable and self.days_left < 0

    @property
    def is_near(self) -> bool:
        return self.revocable and 0 <= self.days_left <= windows.revocation_warn_days()


def proposal_deadline(inspection: Inspection) -> date:
    """The last day to decide the revocation an inspection proposes (its conclusion date,
    or for proposals recorded before that date was kept, the inspection's)."""
    return windows.revocation_deadline(inspection.concluded_on or inspection.done_on)


def proposals(province_code: str | None, today: date | None = None) -> list[Proposal]:
    """The open revocation proposals, soonest deadline first."""
    from ..certificates.services import revocable

    today = today or legal_today()
    out = []
    for inspection in proposed_revocations(province_code):
        deadline = proposal_deadline(inspection)
        out.append(Proposal(inspection, deadline, (deadline - today).days,
                            revocable(inspection.certificate, today)))
    return sorted(out, key=lambda p: (p.deadline, p.inspection.id))


def revocation_alerts(province_code: str | None, today: date | None = None) -> list[Proposal]:
    """Proposals whose 15-day limit is near (``REVOCATION_WARN_DAYS``) or passed: the
    alert on the province's pages."""
    return [p for p in proposals(province_code, today) if p.is_near or p.is_overdue]




# -- read helpers for the pages (lists, filters, load) -------------------------------------------

def filed_dossiers(certificates: list[Certificate]) -> dict[int, Dossier]:
    """Certificate id → the latest re-evaluation (or upgrade) dossier of its product filed
    since the certificate was issued, in one query (even for none: a page sends the same
    queries whatever it shows). The dossier that led to the certificate itself was filed
    before its issue, so it never counts."""
    product_ids = {c.product_id for c in certificates}
    latest: dict[int, Dossier] = {}
    for dossier in db.session.scalars(
            db.select(Dossier).where(Dossier.product_id.in_(product_ids), _filed_dossier())
            .order_by(Dossier.id)):
        latest[dossier.product_id] = dossier  # ascending ids: the newest wins
    return {c.id: latest[c.product_id] for c in certificates if c.product_id in latest
            and legal_date(latest[c.product_id].submitted_at) >= c.issued_on}


def notices_for(certificates: list[Certificate]) -> dict[int, list[ReevaluationNotice]]:
    """The notices sent for each certificate, oldest first: the province's proof that the
    producer was told. One query, even for none."""
    ids = [c.id for c in certificates]
    out: dict[int, list[ReevaluationNotice]] = {i: [] for i in ids}
    for notice in db.session.scalars(
            db.select(ReevaluationNotice).where(ReevaluationNotice.certificate_id.in_(ids))
            .order_by(ReevaluationNotice.sent_at, ReevaluationNotice.id)):
        out[notice.certificate_id].append(notice)
    return out


def pipeline_communes(province_code: str) -> list[tuple[str, str]]:
    """(code, name) of every commune of the province (filter options): the same cost
    whatever the certificates; a commune without any shows empty sections."""
    from ..geo.models import Commune
    from ..text import vn_sort_key

    rows = db.session.execute(db.select(Commune.code, Commune.name).where(
        Commune.province_code == province_code)).all()
    return sorted(((code, name) for code, name in rows), key=lambda r: vn_sort_key(r[1]))


def pipeline_sets() -> tuple[tuple[int, str], ...]:
    """(set number, name) of every product set of the rulebooks (filter options, as the
    public registry lists them): no query; a set without certificates shows empty sections."""
    from ..public.reading import set_choices

    return set_choices()


ASSIGNABLE_ROUND_STATES = ("planned", "open", "scoring")


def assignable_rounds(province_code: str) -> list:
    """The rounds of the province's councils a plan entry may be put in: those not yet
    closed (planned, open, scoring)."""
    from ..councils.models import Council, CouncilLevel, Round, RoundState

    return list(db.session.scalars(
        db.select(Round).join(Council).where(
            Council.level == CouncilLevel.province, Council.province_code == province_code,
            Round.state.in_([RoundState(s) for s in ASSIGNABLE_ROUND_STATES]))
        .order_by(Round.finish_by, Round.id)))


@dataclass
class PlanLoad:
    stages: dict[int, str]                        # entry id → stage code (STAGE_LABELS)
    by_stage: list[tuple[str, int]]
    by_set: list[tuple[int, str, int, int]]       # set no, set name, entries, not in a round
    by_round: list[tuple[object | None, int]]     # (Round, entries); None: not in a round


def plan_load(plan: ReevaluationPlan, today: date | None = None) -> PlanLoad:
    """Where the plan's entries stand, and the load they put on each product set and on each
    council round."""
    stages = {e.id: entry_stage(e, today) for e in plan.entries}
    by_stage = [(s, n) for s in STAGE_LABELS
                if (n := sum(1 for v in stages.values() if v == s))]
    sets: dict[int, list] = {}
    rounds: dict[int | None, list] = {}
    for entry in plan.entries:
        c = entry.certificate
        row = sets.setdefault(c.set_no, [c.set_no, c.product_set_name, 0, 0])
        row[2] += 1
        row[3] += entry.round_id is None
        slot = rounds.setdefault(entry.round_id, [entry.round, 0])
        slot[1] += 1
    by_round = sorted((tuple(v) for k, v in rounds.items() if k is not None),
                      key=lambda r: (r[0].finish_by, r[0].id))
    if None in rounds:
        by_round.append((None, rounds[None][1]))
    return PlanLoad(stages=stages, by_stage=by_stage,
                    by_set=[tuple(sets[k]) for k in sorted(sets)], by_round=by_round)


def inspections_in(province_code: str | None, status: str = ""):
    """The inspections of a province's (or the nation's) certificates, as a statement to page:
    violations first, then those still scheduled (soonest first), then the others done
    (latest first). ``status``: "scheduled", "done" (violations included) or "violation"."""
    from sqlalchemy import case
    from sqlalchemy.orm import contains_eager

    stmt = db.select(Inspection).join(Inspection.certificate).options(
        contains_eager(Inspection.certificate))
    if province_code:
        stmt = stmt.where(Certificate.province_code == province_code)
    violation = Inspection.outcome == InspectionOutcome.violation
    if status == "scheduled":
        stmt = stmt.where(Inspection.done_on.is_(None))
    elif status == "done":
        stmt = stmt.where(Inspection.done_on.is_not(None))
    elif status == "violation":
        stmt = stmt.where(Inspection.done_on.is_not(None), violation)
    group = case((violation, 0), (Inspection.done_on.is_(None), 1), else_=2)
    scheduled = case((Inspection.done_on.is_(None), Inspection.scheduled_on))
    return stmt.order_by(group, scheduled, Inspection.done_on.desc(),
                         case((Inspection.done_on.is_(None), Inspection.id)),
                         Inspection.id.desc())
