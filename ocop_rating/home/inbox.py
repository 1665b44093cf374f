"""Each role's inbox on the home page: what waits for the person, with counts, deadlines and
the next action, every item linking to the page where the action is done.

Counts are one SQL ``count`` each and lists are limited (``LIMIT`` rows), so the page costs
the same with a national dataset (25,000 evaluations) as with the demo. Scope is the user's
own: the commune officer's commune, the provincial office's province, the member's councils,
the producer's own records.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import contains_eager

from ..accounts.roles import Role
from ..db import db
from ..legaltime import legal_today
from ..workdays import working_days_left

LIMIT = 10


@dataclass
class Item:
    label: str
    url: str
    action: str
    detail: str = ""
    deadline: date | None = None
    # Days left to ``deadline`` (working days when ``working`` is set); negative: overdue.
    days_left: int | None = None
    working: bool = False

    @property
    def is_overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def is_near(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= 5


@dataclass
class Section:
    key: str
    title: str
    count: int
    empty: str
    items: list[Item] = field(default_factory=list)
    more_url: str | None = None

    @property
    def shown_all(self) -> bool:
        return self.count <= len(self.items)


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _d(value) -> str:
    from ..i18n import format_date

    return format_date(value)


def inbox_for(user) -> list[Section]:
    """The sections of ``user``'s inbox, in the order they are shown."""
    today = legal_today()
    sections: list[Section] = []
    if user.role == Role.commune:
        sections += [_signups(user), _commune_checks(user, today)]
    elif user.role in (Role.province, Role.admin):
        province = user.province_code if user.role == Role.province else None
        sections += [_to_accept(province),
                     _rounds(today, province_code=province, central=False),
                     _blocked(province_code=province, central=False),
                     _decisions_to_draft(province),
                     _revocations(province, today),
                     _market_reports(user, today),
                     _certificates_due(province, today),
                     _central_reviews(province)]
    elif user.role == Role.ministry:
        sections += [_rounds(today, province_code=None, central=True),
                     _blocked(province_code=None, central=True),
                     _five_star_proposals(),
                     _decisions_to_draft(None, ministry=True),
                     _market_reports(user, today),
                     _central_reviews(None)]
    elif user.role == Role.producer and user.producer_id is not None:
        sections += [_producer_dossiers(user), _producer_results(user),
                     _producer_certificates(user, today)]
    if user.role != Role.producer:
        sheets = _sheets_to_score(user)
        if sheets is not None:
            sections.append(sheets)
        sections += _advisory_work(user, today)
    return sections


# -- commune ---------------------------------------------------------------------------------

def _signups(user) -> Section:
    from ..producers.models import Producer, ProducerStatus

    stmt = select(Producer).where(Producer.status == ProducerStatus.pending,
                                  Producer.commune_code == user.commune_code)
    rows = db.session.scalars(stmt.order_by(Producer.created_at, Producer.id).limit(LIMIT))
    return Section(
        "signups", _("Đăng ký chủ thể chờ phê duyệt"), _count(stmt),
        _("Không có đăng ký nào chờ phê duyệt."),
        [Item(p.name, url_for("producers.show", producer_id=p.id), _("Xem và phê duyệt"),
              detail=_("Đăng ký ngày %(d)s", d=_d(p.created_at))) for p in rows],
        url_for("producers.index", status="pending"))


def _with_dossier_names(stmt, dossier_attr=None):
    """Load each listed dossier's product and producer with the rows (``_dossier_label``)."""
    from sqlalchemy.orm import joinedload

    from ..dossiers.models import Dossier

    if dossier_attr is None:
        return stmt.options(joinedload(Dossier.product), joinedload(Dossier.producer))
    return stmt.options(joinedload(dossier_attr).joinedload(Dossier.product),
                        joinedload(dossier_attr).joinedload(Dossier.producer))


def _dossier_label(dossier) -> str:
    return f"{dossier.product.name} — {dossier.producer.name}"


def _commune_checks(user, today: date) -> Section:
    from ..dossiers.models import Dossier
    from ..dossiers.states import DossierStatus

    stmt = select(Dossier).where(Dossier.status == DossierStatus.submitted,
                                 Dossier.commune_code == user.commune_code)
    rows = db.session.scalars(_with_dossier_names(stmt).order_by(
                                            Dossier.commune_deadline.is_(None),
                                            Dossier.commune_deadline, Dossier.id).limit(LIMIT))
    extra = current_app.config.get("EXTRA_HOLIDAYS", ())
    items = []
    for d in rows:
        left = working_days_left(today, d.commune_deadline, extra) \
            if d.commune_deadline else None
        items.append(Item(_dossier_label(d), url_for("dossiers.commune_check", dossier_id=d.id),
                          _("Kiểm tra, lập Mẫu 03"), deadline=d.commune_deadline,
                          days_left=left, working=True,
                          detail=_("Nộp ngày %(d)s", d=_d(d.submitted_at))
                          if d.submitted_at else ""))
    return Section("commune_checks", _("Hồ sơ cần kiểm tra (15 ngày làm việc)"), _count(stmt),
                   _("Không có hồ sơ nào chờ xã kiểm tra."), items,
                   url_for("dossiers.index", status="submitted"))


# -- province and ministry -----------------------------------------------------------------------

def _to_accept(province_code: str | None) -> Section:
    from ..dossiers.models import Dossier
    from ..dossiers.states import DossierStatus

    stmt = select(Dossier).where(Dossier.status == DossierStatus.forwarded)
    if province_code:
        stmt = stmt.where(Dossier.province_code == province_code)
    rows = db.session.scalars(_with_dossier_names(stmt)
                              .order_by(Dossier.forwarded_at, Dossier.id).limit(LIMIT))
    return Section(
        "to_accept", _("Hồ sơ xã đã chuyển, chờ tỉnh tiếp nhận"), _count(stmt),
        _("Không có hồ sơ nào chờ tiếp nhận."),
        [Item(_dossier_label(d), url_for("dossiers.show", dossier_id=d.id),
              _("Kiểm tra và tiếp nhận"),
              detail=_("Chuyển lên ngày %(d)s", d=_d(d.forwarded_at))
              if d.forwarded_at else "") for d in rows],
        url_for("dossiers.index", status="forwarded"))


def _council_scope(stmt, *, province_code: str | None, central: bool):
    from ..councils.models import Council, CouncilLevel

    if central:
        return stmt.where(Council.level == CouncilLevel.central)
    stmt = stmt.where(Council.level != CouncilLevel.central)
    if province_code:
        stmt = stmt.where(Council.province_code == province_code)
    return stmt


def _rounds(today: date, *, province_code: str | None, central: bool) -> Section:
    from ..councils.models import Council, Evaluation, EvaluationStatus, Round, RoundState

    stmt = _council_scope(select(Round).join(Council).where(
        Round.state != RoundState.concluded), province_code=province_code, central=central)
    rows = list(db.session.scalars(stmt.options(contains_eager(Round.council))
                                   .order_by(Round.finish_by, Round.id).limit(LIMIT)))
    counts: dict[int, dict[EvaluationStatus, int]] = {r.id: {} for r in rows}
    if rows:
        for round_id, status, n in db.session.execute(
                select(Evaluation.round_id, Evaluation.status, func.count())
                .where(Evaluation.round_id.in_(list(counts)))
                .group_by(Evaluation.round_id, Evaluation.status)):
            counts[round_id][status] = n
    items = []
    for r in rows:
        by_status = counts[r.id]
        total = sum(by_status.values())
        parts = ", ".join(f"{n} {s.label.lower()}" for s, n in by_status.items() if n)
        detail = _("%(state)s · %(n)d hồ sơ", state=r.state.label, n=total)
        if parts:
            detail += f" ({parts})"
        items.append(Item(f"{r.name} — {r.council.name}",
                          url_for("councils.round_detail", round_id=r.id), _("Mở đợt"),
                          detail=detail, deadline=r.finish_by,
                          days_left=(r.finish_by - today).days))
    title = _("Đợt đánh giá của Hội đồng trung ương") if central else _("Đợt đánh giá đang chạy")
    return Section("rounds", title, _count(stmt), _("Không có đợt đánh giá nào đang chạy."),
                   items, url_for("councils.index"))


def _blocked(*, province_code: str | None, central: bool) -> Section:
    """Evaluations that cannot move on, and why: waiting for the producer's supplement, a
    conflict of interest the chair has not decided, or a closed session not concluded."""
    from sqlalchemy.orm import selectinload

    from ..councils.models import (
        Conflict,
        ConflictStatus,
        Council,
        Evaluation,
        EvaluationStatus,
        Round,
        RoundState,
    )

    pending_conflict = exists().where(Conflict.evaluation_id == Evaluation.id,
                                      Conflict.status == ConflictStatus.pending)
    stmt = _council_scope(
        select(Evaluation).join(Round).join(Council).where(
            Evaluation.status != EvaluationStatus.concluded,
            Round.state != RoundState.concluded,
            or_(Evaluation.status == EvaluationStatus.supplement, pending_conflict,
                Round.state == RoundState.closed)),
        province_code=province_code, central=central)
    rows = db.session.scalars(
        _with_dossier_names(stmt, Evaluation.dossier)
        .options(selectinload(Evaluation.conflicts), contains_eager(Evaluation.round))
        .order_by(Round.finish_by, Evaluation.id).limit(LIMIT))
    items = []
    for e in rows:
        reasons = []
        if e.status == EvaluationStatus.supplement:
            reasons.append(_("chờ chủ thể bổ sung hồ sơ"))
        if any(c.status == ConflictStatus.pending for c in e.conflicts):
            reasons.append(_("xung đột lợi ích chờ chủ tịch hội đồng quyết định"))
        if e.round.state == RoundState.closed and e.status != EvaluationStatus.supplement:
            reasons.append(_("phiên chấm đã đóng, chờ hội đồng kết luận"))
        items.append(Item(_dossier_label(e.dossier),
                          url_for("evaluation.show", evaluation_id=e.id), _("Xử lý"),
                          detail="; ".join(reasons).capitalize(), deadline=e.round.finish_by))
    return Section("blocked", _("Hồ sơ đánh giá đang bị vướng"), _count(stmt),
                   _("Không có hồ sơ nào bị vướng."), items)


def _decisions_to_draft(province_code: str | None, *, ministry: bool = False) -> Section:
    """Concluded, recognised evaluations no decision holds yet (the same reading as
    ``certificates.services.recognisable_evaluations``, counted in SQL)."""
    from ..certificates.models import DecisionItem
    from ..councils.models import Council, CouncilLevel, Evaluation, Round
    from ..dossiers.models import Dossier

    taken = exists().where(DecisionItem.evaluation_id == Evaluation.id)
    stmt = (select(Evaluation).join(Round).join(Council).join(
        Dossier, Dossier.id == Evaluation.dossier_id)
        .where(Evaluation.concluded_at.is_not(None), Evaluation.recognised.is_(True), ~taken))
    if ministry:
        stmt = stmt.where(Council.level == CouncilLevel.central, Evaluation.star == 5)
    else:
        stmt = stmt.where(Evaluation.star.in_((3, 4)))
        if province_code:
            stmt = stmt.where(or_(
                and_(Council.level != CouncilLevel.central,
                     Council.province_code == province_code),
                and_(Council.level == CouncilLevel.central,
                     Dossier.province_code == province_code)))
    rows = db.session.scalars(
        stmt.options(contains_eager(Evaluation.dossier).joinedload(Dossier.product),
                     contains_eager(Evaluation.dossier).joinedload(Dossier.producer))
        .order_by(Evaluation.concluded_at, Evaluation.id).limit(LIMIT))
    return Section(
        "decisions", _("Kết quả chờ lập quyết định công nhận"), _count(stmt),
        _("Không có kết quả nào chờ lập quyết định."),
        [Item(_dossier_label(e.dossier), url_for("certificates.new_decision"),
              _("Lập quyết định"),
              detail=_("%(star)d★ · điểm bình quân %(mean)s", star=e.star,
                       mean=_mean(e.mean_total))) for e in rows],
        url_for("certificates.decisions"))


def _mean(value) -> str:
    from ..i18n import format_points

    return format_points(value)


def _revocations(province_code: str | None, today: date) -> Section:
    from ..reevaluation.services import proposals

    rows = [p for p in proposals(province_code, today) if p.revocable]
    return Section(
        "revocations", _("Đề nghị thu hồi (trong 15 ngày)"), len(rows),
        _("Không có đề nghị thu hồi nào."),
        [Item(f"{p.inspection.certificate.number} — {p.inspection.certificate.product_name}",
              url_for("reevaluation.inspection", inspection_id=p.inspection.id),
              _("Quyết định thu hồi"), deadline=p.deadline, days_left=p.days_left)
         for p in rows[:LIMIT]],
        url_for("reevaluation.proposed"))


def _market_reports(user, today: date) -> Section:
    """Reports from the public the office has not closed, oldest first, with their age in
    working days (surveillance)."""
    from ..surveillance.services import age_of, reports_for

    rows = reports_for(user)
    return Section(
        "market_reports", _("Phản ánh của người dân về sản phẩm OCOP"), len(rows),
        _("Không có phản ánh nào chờ xử lý."),
        [Item(f"{r.display_code} — {r.product_text}",
              url_for("surveillance.report", report_id=r.id), _("Xử lý phản ánh"),
              detail=_("%(s)s; nhận ngày %(d)s, đã %(n)d ngày làm việc", s=r.status.label,
                       d=_d(r.created_at), n=age_of(r.created_at, today)))
         for r in rows[:LIMIT]],
        url_for("surveillance.index"))


def _certificates_due(province_code: str | None, today: date) -> Section:
    """Certificates in the re-evaluation window (180 days before expiry), the late ones
    (under 120 days left and nothing filed) listed first."""
    from datetime import timedelta

    from ..certificates import windows
    from ..certificates.models import Certificate
    from ..reevaluation.services import filed_dossiers

    live = and_(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None))
    stmt = select(Certificate).where(
        live, Certificate.expires_on >= today,
        Certificate.expires_on <= today + timedelta(days=windows.window_days()))
    if province_code:
        stmt = stmt.where(Certificate.province_code == province_code)
    in_window = _count(stmt)
    # Late: past the filing limit; the candidates are bounded by the late band.
    candidates = list(db.session.scalars(stmt.where(
        Certificate.expires_on < today + timedelta(days=windows.late_days()))
        .order_by(Certificate.expires_on, Certificate.id)))
    filed = filed_dossiers(candidates)
    late = [c for c in candidates if c.id not in filed]
    items = [Item(f"{c.number} — {c.product_name}",
                  url_for("certificates.show", certificate_id=c.id), _("Nhắc đánh giá lại"),
                  detail=_("Quá hạn nộp hồ sơ đánh giá lại; %(p)s", p=c.producer_name),
                  deadline=c.expires_on, days_left=(c.expires_on - today).days)
             for c in late[:LIMIT]]
    section = Section(
        "certificates_due",
        _("Giấy chứng nhận trong kỳ đánh giá lại: %(n)d; quá hạn nộp: %(late)d",
          n=in_window, late=len(late)),
        len(late), _("Không có giấy chứng nhận nào quá hạn nộp hồ sơ đánh giá lại."), items,
        url_for("reevaluation.index"))
    section.in_window = in_window  # type: ignore[attr-defined]
    return section


def _five_star_proposals() -> Section:
    """Provincial 5★ results not yet put before the central council."""
    from sqlalchemy.orm import aliased

    from ..councils.models import Council, CouncilLevel, Evaluation, Round

    central = aliased(Evaluation)
    stmt = (select(Evaluation).join(Round).join(Council)
            .where(Council.level == CouncilLevel.province, Evaluation.star == 5,
                   Evaluation.concluded_at.is_not(None),
                   # not yet escalated: an uncorrelated NOT IN, built once (a correlated
                   # NOT EXISTS scanned the evaluations per row where the planner's
                   # statistics saw only NULLs in escalated_from_id)
                   Evaluation.id.not_in(select(central.escalated_from_id).where(
                       central.escalated_from_id.is_not(None)))))
    rows = db.session.scalars(
        _with_dossier_names(stmt, Evaluation.dossier)
        .options(contains_eager(Evaluation.round).contains_eager(Round.council)
                 .joinedload(Council.province))
        .order_by(Evaluation.concluded_at, Evaluation.id).limit(LIMIT))
    return Section(
        "five_star", _("Đề nghị 5 sao của các tỉnh"), _count(stmt),
        _("Không có đề nghị 5 sao nào đang chờ."),
        [Item(f"{_dossier_label(e.dossier)} ({e.council.province.name if e.council.province else ''})",
              url_for("evaluation.show", evaluation_id=e.id),
              _("Đưa vào đợt của Hội đồng trung ương"),
              detail=_("Điểm bình quân %(mean)s", mean=_mean(e.mean_total))) for e in rows],
        url_for("councils.index"))


def _central_reviews(province_code: str | None) -> Section:
    """The ministry's central reviews (thẩm định) still open: all for the ministry, those of
    the province's evaluations for a provincial office."""
    from ..councils.models import Council, Evaluation, Round
    from ..oversight.models import CentralReview

    stmt = (select(CentralReview).join(Evaluation, Evaluation.id == CentralReview.evaluation_id)
            .join(Round, Round.id == Evaluation.round_id)
            .join(Council, Council.id == Round.council_id)
            .where(CentralReview.completed_at.is_(None)))
    if province_code:
        stmt = stmt.where(Council.province_code == province_code)
    rows = db.session.scalars(stmt.order_by(CentralReview.selected_at, CentralReview.id)
                              .limit(LIMIT))
    return Section(
        "central_reviews", _("Thẩm định kết quả đánh giá của Bộ"), _count(stmt),
        _("Không có thẩm định nào đang mở."),
        [Item(_dossier_label(r.evaluation.dossier),
              url_for("oversight.review", review_id=r.id),
              _("Ghi kết luận thẩm định") if province_code is None else _("Xem thẩm định"),
              detail=_("Chọn ngày %(d)s: %(r)s", d=_d(r.selected_at), r=r.reason))
         for r in rows],
        url_for("oversight.reviews"))


# -- council and advisory members --------------------------------------------------------------

def _sheets_to_score(user) -> Section | None:
    """Sheets the member is to score in rounds now scoring: not submitted, not excluded, no
    conflict (a pending one bars until the chair decides). None: the user sits on no council."""
    from ..councils.models import (
        Council,
        CouncilMember,
        Evaluation,
        EvaluationStatus,
        Round,
        RoundState,
    )
    from ..councils.services import barred_where
    from ..evaluation.models import ScoreSheet, SheetStatus

    seated = db.session.scalar(select(func.count()).select_from(CouncilMember).where(
        CouncilMember.user_id == user.id, CouncilMember.is_active.is_(True)))
    if not seated:
        return None
    stmt = (select(Evaluation, Round, ScoreSheet)
            .join(Round, Round.id == Evaluation.round_id)
            .join(Council, Council.id == Round.council_id)
            .join(CouncilMember, and_(CouncilMember.council_id == Council.id,
                                      CouncilMember.user_id == user.id,
                                      CouncilMember.is_active.is_(True)))
            .outerjoin(ScoreSheet, and_(ScoreSheet.evaluation_id == Evaluation.id,
                                        ScoreSheet.member_id == CouncilMember.id))
            .where(Round.state == RoundState.scoring,
                   Evaluation.status == EvaluationStatus.scoring,
                   or_(ScoreSheet.id.is_(None), ScoreSheet.status == SheetStatus.draft),
                   ~barred_where(CouncilMember.id)))
    today = legal_today()
    items = []
    for e, r, sheet in db.session.execute(stmt.order_by(Round.finish_by, Evaluation.id)
                                          .limit(LIMIT)):
        items.append(Item(
            f"{e.dossier.product.name} — {r.name}",
            url_for("evaluation.score", evaluation_id=e.id),
            _("Tiếp tục chấm") if sheet is not None else _("Chấm điểm"),
            detail=_("Đang chấm dở") if sheet is not None else _("Chưa mở phiếu"),
            deadline=r.finish_by, days_left=(r.finish_by - today).days))
    return Section("sheets", _("Phiếu cần chấm"), _count(stmt),
                   _("Không có phiếu nào cần chấm."), items, url_for("evaluation.my_work"))


def _advisory_work(user, today: date) -> list[Section]:
    """Reviews (report not yet sent), site visits set but not written up, lab tests without
    a result, in the councils where the user sits in the advisory group."""
    from ..councils.models import (
        AdvisoryMember,
        Evaluation,
        EvaluationStatus,
        LabTest,
        Round,
        RoundState,
    )

    councils = select(AdvisoryMember.council_id).where(AdvisoryMember.user_id == user.id)
    if not db.session.scalar(select(func.count()).select_from(councils.subquery())):
        return []
    open_ = (select(Evaluation).join(Round)
             .where(Round.council_id.in_(councils), Round.state != RoundState.concluded,
                    Evaluation.status == EvaluationStatus.review))
    reviews = open_.where(Evaluation.report_submitted_at.is_(None))
    visits = open_.where(Evaluation.site_visit_on.is_not(None),
                         Evaluation.site_visit_notes == "")
    tests = (select(LabTest).join(Evaluation).join(Round)
             .where(Round.council_id.in_(councils), LabTest.result_at.is_(None)))

    def link(e, anchor):
        return url_for("evaluation.show", evaluation_id=e.id) + anchor

    return [
        Section("reviews", _("Hồ sơ tổ tư vấn cần xem xét"), _count(reviews),
                _("Không có hồ sơ nào cần xem xét."),
                [Item(_dossier_label(e.dossier), link(e, "#review"), _("Viết nhận xét, báo cáo"),
                      detail=e.round.name, deadline=e.round.finish_by,
                      days_left=(e.round.finish_by - today).days)
                 for e in db.session.scalars(reviews.order_by(Round.finish_by, Evaluation.id)
                                             .limit(LIMIT))]),
        Section("visits", _("Khảo sát thực tế cần làm"), _count(visits),
                _("Không có chuyến khảo sát nào đang chờ."),
                [Item(_dossier_label(e.dossier), link(e, "#review"), _("Ghi kết quả khảo sát"),
                      deadline=e.site_visit_on, days_left=(e.site_visit_on - today).days)
                 for e in db.session.scalars(visits.order_by(Evaluation.site_visit_on,
                                                             Evaluation.id).limit(LIMIT))]),
        Section("lab_tests", _("Kiểm nghiệm bổ sung chờ kết quả"), _count(tests),
                _("Không có kiểm nghiệm nào chờ kết quả."),
                [Item(_dossier_label(t.evaluation.dossier), link(t.evaluation, "#lab"),
                      _("Ghi kết quả kiểm nghiệm"), detail=t.description[:120])
                 for t in db.session.scalars(tests.order_by(LabTest.requested_at, LabTest.id)
                                             .limit(LIMIT))]),
    ]


# -- producer ----------------------------------------------------------------------------------

def next_step(dossier) -> str:
    """In plain words, what happens next to a producer's dossier."""
    from ..dossiers.states import DossierStatus as S

    return {
        S.draft: _("Điền phiếu đăng ký, tự đánh giá, tải minh chứng rồi nộp cho xã."),
        S.submitted: _("Cấp xã đang kiểm tra (trong 15 ngày làm việc)."),
        S.returned_by_commune: _("Sửa theo lý do xã trả lại rồi nộp lại."),
        S.forwarded: _("Văn phòng OCOP tỉnh đang kiểm tra hồ sơ."),
        S.returned_by_province: _("Bổ sung theo yêu cầu của tỉnh rồi nộp lại."),
        S.accepted: _("Chờ đưa vào đợt đánh giá của hội đồng."),
        S.in_round: _("Hội đồng đang đánh giá, chấm điểm."),
        S.evaluated: _("Xem kết quả đánh giá."),
    }[dossier.status]


def _producer_dossiers(user) -> Section:
    from ..dossiers.models import Dossier

    stmt = select(Dossier).where(Dossier.producer_id == user.producer_id)
    rows = db.session.scalars(stmt.order_by(Dossier.id.desc()).limit(LIMIT))
    return Section(
        "my_dossiers", _("Hồ sơ của tôi"), _count(stmt),
        _("Chưa có hồ sơ nào. Hãy tạo sản phẩm rồi lập hồ sơ mới."),
        [Item(f"{d.product.name} — {d.kind.label}", url_for("dossiers.show", dossier_id=d.id),
              _("Mở hồ sơ"), detail=f"{d.status.label}. {next_step(d)}") for d in rows],
        url_for("dossiers.index"))


def _producer_results(user) -> Section:
    from ..councils.models import Evaluation
    from ..dossiers.models import Dossier

    stmt = (select(Evaluation).join(Dossier, Dossier.id == Evaluation.dossier_id)
            .where(Dossier.producer_id == user.producer_id,
                   Evaluation.concluded_at.is_not(None)))
    rows = db.session.scalars(stmt.order_by(Evaluation.concluded_at.desc(), Evaluation.id.desc())
                              .limit(LIMIT))
    items = []
    for e in rows:
        star = _("%(n)d★", n=e.star) if e.star else _("không xếp hạng")
        recognised = _("được đề nghị công nhận") if e.recognised else \
            _("không được công nhận")
        items.append(Item(e.dossier.product.name,
                          url_for("dossiers.show", dossier_id=e.dossier_id) + "#results",
                          _("Xem kết quả"),
                          detail=_("%(star)s · điểm bình quân %(mean)s · %(r)s", star=star,
                                   mean=_mean(e.mean_total), r=recognised)))
    return Section("my_results", _("Kết quả đánh giá"), _count(stmt),
                   _("Chưa có kết quả đánh giá nào."), items)


def _producer_certificates(user, today: date) -> Section:
    from ..certificates.models import Certificate

    stmt = select(Certificate).where(Certificate.producer_id == user.producer_id,
                                     Certificate.revoked_at.is_(None),
                                     Certificate.superseded_by_id.is_(None),
                                     Certificate.expires_on >= today)
    rows = db.session.scalars(stmt.order_by(Certificate.expires_on).limit(LIMIT))
    return Section(
        "my_certificates", _("Giấy chứng nhận còn hiệu lực"), _count(stmt),
        _("Chưa có giấy chứng nhận nào còn hiệu lực."),
        [Item(f"{c.product_name} — {c.star}★", url_for("certificates.show", certificate_id=c.id),
              _("Xem giấy chứng nhận"), detail=c.number, deadline=c.expires_on,
              days_left=(c.expires_on - today).days) for c in rows],
        url_for("certificates.mine"))


# -- statistics ---------------------------------------------------------------------------------

def report_links(user) -> list[Item]:
    """The office's statistics and official exports, shown under the inbox."""
    from ..dashboards.scope import may_export, may_see_dashboards

    links = []
    if may_see_dashboards(user):
        links.append(Item(_("Thống kê"), url_for("dashboards.index"), _("Xem biểu đồ"),
                          detail=_("Sản phẩm theo hạng sao, ngành, địa bàn; hồ sơ, hội đồng, "
                                   "hết hiệu lực, đánh giá lại và thu hồi.")))
    if may_export(user):
        links.append(Item(_("Báo cáo và danh sách xuất"), url_for("dashboards.exports"),
                          _("Tải Excel, CSV"),
                          detail=_("Danh sách gửi cấp trên, báo cáo quý của Chương trình.")))
    return links
