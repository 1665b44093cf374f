"""Oversight of evaluation quality: the index of sealed results, the statistics by province,
council, product set, member and round, and the ministry's central reviews (DOMAIN.md §9).

The index (:mod:`.models`) is brought up to date from the seals before every read
(:func:`sync`, incremental: seals are never changed, so a seal indexed once stays right). Every
statistic is one grouped query over the index whatever the size of the data; Python only turns
the sums into means, intervals and alphas (:mod:`.stats`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, and_, case, cast, func, select

from .. import audit
from ..accounts.models import User
from ..accounts.roles import NATIONAL_ROLES, Role
from ..councils.models import Council, CouncilLevel, CouncilMember, Evaluation, Round
from ..db import db, utcnow
from ..errors import OcopError
from ..geo.models import Province
from ..i18n import later
from ..legaltime import legal_date
from .models import CentralReview, OversightEvaluation, OversightSheet, ReviewOutcome
from .stats import Deviation, Thresholds, deviation, krippendorff_alpha

OE, OS = OversightEvaluation, OversightSheet


class OversightError(OcopError):
    pass


# -- the index ----------------------------------------------------------------------------------

def index_rows(sealed, evaluation: Evaluation) -> tuple[dict, list[dict]]:
    """The index rows of one seal (also written in bulk by the data generator)."""
    snapshot = sealed.snapshot
    totals = [(int(m["member_id"]), Decimal(str(m["total"]))) for m in snapshot["members"]]
    council = evaluation.round.council
    values = [t for _m, t in totals]
    concluded = legal_date(sealed.sealed_at)
    self_total = None
    dossier = evaluation.dossier
    if dossier is not None and dossier.claims:
        from ..dossiers.services import projection

        try:
            self_total = projection(dossier).total
        except Exception:  # an old dossier whose sheet no longer scores: no self-assessment
            self_total = None
    row = dict(evaluation_id=evaluation.id, sealed_id=sealed.id, round_id=evaluation.round_id,
               council_id=council.id, province_code=council.province_code,
               level=council.level.value, set_no=sealed.set_no, year=concluded.year,
               concluded_on=concluded, n_sheets=len(values), sheets_sum=sum(values, Decimal(0)),
               sheets_sq=sum((t * t for t in values), Decimal(0)),
               mean_total=Decimal(str(snapshot["mean_total"])),
               spread=(max(values) - min(values)) if values else Decimal(0),
               star=sealed.star, recognised=sealed.recognised, self_total=self_total,
               escalated_from_id=evaluation.escalated_from_id)
    return row, [dict(evaluation_id=evaluation.id, member_id=m, total=t) for m, t in totals]


def sync() -> int:
    """Index the seals not yet indexed; returns how many. Called before every read."""
    from ..evaluation.models import SealedResult

    # The ids first, then the seals: selecting the rows themselves read every seal's
    # snapshot off the disk on each page view (3 s at national scale) to find none missing.
    missing = list(db.session.scalars(
        select(SealedResult.id)
        .where(SealedResult.evaluation_id.not_in(select(OE.evaluation_id)))
        .order_by(SealedResult.id)))
    count = 0
    for sealed in (db.session.get(SealedResult, i) for i in missing):
        evaluation = db.session.get(Evaluation, sealed.evaluation_id)
        row, sheets = index_rows(sealed, evaluation)
        db.session.add(OE(**row))
        db.session.flush()
        db.session.add_all(OS(**s) for s in sheets)
        count += 1
    if count:
        db.session.commit()
    return count


def rebuild() -> int:
    """Drop and rebuild the whole index from the seals."""
    db.session.execute(OS.__table__.delete())
    db.session.execute(OE.__table__.delete())
    db.session.flush()
    return sync()


# -- what is looked at --------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    province_code: str | None = None   # None: the nation
    year_from: int | None = None
    year_to: int | None = None
    set_no: int | None = None

    def where(self, *, central: bool = False):
        """Conditions on OversightEvaluation (the localities' evaluations unless central)."""
        conditions = [OE.level != CouncilLevel.central.value] if not central else \
            [OE.level == CouncilLevel.central.value]
        if self.province_code and not central:
            conditions.append(OE.province_code == self.province_code)
        if self.year_from:
            conditions.append(OE.year >= self.year_from)
        if self.year_to:
            conditions.append(OE.year <= self.year_to)
        if self.set_no:
            conditions.append(OE.set_no == self.set_no)
        return and_(*conditions)


def thresholds() -> Thresholds:
    return Thresholds.from_config(current_app.config)


def _f(value) -> float:
    return float(value or 0)


# -- quality by group ----------------------------------------------------------------------------

@dataclass
class GroupRow:
    key: object
    label: str
    evaluations: int
    mean: float
    stars: dict[int | None, int]
    spread: float
    alpha: float | None
    deviation: Deviation | None = None

    @property
    def high_share(self) -> float:
        recognised = sum(v for k, v in self.stars.items() if k)
        return (self.stars.get(4, 0) + self.stars.get(5, 0)) / recognised if recognised else 0.0


def _unit_sums():
    """Per evaluation: how many totals (``m``), their sum (``s``) and sum of squares (``q``),
    as stored on its index row (``index_rows``): the queries read them from
    ``OversightEvaluation``, already in each of them, instead of grouping every sheet of the
    nation in a subquery (four times a page: 0.5 s of the ministry's at national scale)."""
    from types import SimpleNamespace

    return SimpleNamespace(c=SimpleNamespace(
        m=OE.n_sheets, s=cast(OE.sheets_sum, Float), q=cast(OE.sheets_sq, Float)))


def quality_by(filters: Filters, by: str) -> list[GroupRow]:
    """Distribution of means and stars, share of 4–5★, members' spread and agreement per
    ``by`` ∈ {"province", "council", "set"}."""
    key = {"province": OE.province_code, "council": OE.council_id, "set": OE.set_no}[by]
    u = _unit_sums()
    pairable = u.c.m >= 2
    pairs_term = case((pairable, 2 * (u.c.m * u.c.q - u.c.s * u.c.s) / (u.c.m - 1)), else_=0.0)
    query = (select(key.label("k"), func.count().label("n"),
                    func.avg(cast(OE.mean_total, Float)).label("mean"),
                    func.avg(cast(OE.spread, Float)).label("spread"),
                    func.sum(case((pairable, 1), else_=0)).label("units"),
                    func.sum(pairs_term).label("pairs"),
                    func.sum(case((pairable, u.c.m), else_=0)).label("values"),
                    func.sum(case((pairable, u.c.s), else_=0.0)).label("vsum"),
                    func.sum(case((pairable, u.c.q), else_=0.0)).label("vsq"),
                    *[func.sum(case((OE.star == s, 1), else_=0)).label(f"s{s}")
                      for s in (3, 4, 5)])
             .where(filters.where()).group_by(key))
    rows = db.session.execute(query).all()
    labels = _labels(by, [r.k for r in rows])
    out = []
    for r in rows:
        stars = {3: r.s3 or 0, 4: r.s4 or 0, 5: r.s5 or 0}
        stars[None] = r.n - sum(stars.values())
        out.append(GroupRow(
            key=r.k, label=labels.get(r.k, str(r.k)), evaluations=r.n, mean=_f(r.mean),
            stars=stars, spread=_f(r.spread),
            alpha=krippendorff_alpha(int(r.units or 0), _f(r.pairs), int(r.values or 0),
                                     _f(r.vsum), _f(r.vsq))))
    if by == "province":
        deviations = province_deviations(filters)
        for row in out:
            row.deviation = deviations.get(row.key)
    from ..text import vn_sort_key as sort_key

    return sorted(out, key=lambda g: sort_key(g.label))


def _labels(by: str, keys: list) -> dict:
    if by == "province":
        return dict(db.session.execute(select(Province.code, Province.name)
                                       .where(Province.code.in_([k for k in keys if k]))).all())
    if by == "council":
        return dict(db.session.execute(select(Council.id, Council.name)
                                       .where(Council.id.in_(keys))).all())
    from ..certificates.services import set_name
    from ..rulebook import latest_rulebook

    code = latest_rulebook().code
    return {k: set_name(code, k) for k in keys}  # "1. Rau, củ, quả, hạt tươi"


# -- provinces against the nation --------------------------------------------------------------

def province_deviations(filters: Filters) -> dict[str, Deviation]:
    """Each province's evaluations against the national mean of the same product set (and
    year): mean difference, interval, and flag among all provinces tested."""
    national = Filters(year_from=filters.year_from, year_to=filters.year_to,
                       set_no=filters.set_no)
    set_means = (select(OE.set_no.label("set_no"), OE.year.label("year"),
                        func.avg(cast(OE.mean_total, Float)).label("m"))
                 .where(national.where()).group_by(OE.set_no, OE.year).subquery())
    d = cast(OE.mean_total, Float) - set_means.c.m
    rows = db.session.execute(
        select(OE.province_code, func.count(), func.sum(d), func.sum(d * d))
        .join(set_means, and_(set_means.c.set_no == OE.set_no, set_means.c.year == OE.year))
        .where(national.where()).group_by(OE.province_code)).all()
    limits = thresholds().for_provinces()
    return {code: deviation(n, _f(s), _f(q), tested=len(rows), thresholds=limits)
            for code, n, s, q in rows}


# -- members against their council ------------------------------------------------------------

@dataclass
class MemberRow:
    member_id: int
    name: str
    council: str
    province_code: str | None
    deviation: Deviation
    agreement: float | None = None


def _member_deviation_rows(filters: Filters, member_id: int | None = None):
    """Per member: count, sum and sum of squares of (own total − mean of the others)."""
    u = _unit_sums()
    total = cast(OS.total, Float)
    d = total - (u.c.s - total) / (u.c.m - 1)
    query = (select(OS.member_id, func.count().label("n"), func.sum(d).label("s"),
                    func.sum(d * d).label("q"))
             .join(OE, OE.evaluation_id == OS.evaluation_id)
             .where(filters.where(), u.c.m >= 2).group_by(OS.member_id))
    if member_id is not None:
        query = query.where(OS.member_id == member_id)
    return db.session.execute(query).all()


def member_leniency(filters: Filters) -> list[MemberRow]:
    """Every member's mean deviation from the others on the same dossiers, most deviant
    first; flagged among all members tested (those with enough sheets)."""
    rows = _member_deviation_rows(filters)
    limits = thresholds()
    tested = sum(1 for r in rows if r.n >= limits.min_n)
    info = {m.id: (name, council, province) for m, name, council, province in db.session.execute(
        select(CouncilMember, User.full_name, Council.name, Council.province_code)
        .join(User, User.id == CouncilMember.user_id)
        .join(Council, Council.id == CouncilMember.council_id)
        .where(CouncilMember.id.in_([r.member_id for r in rows])))}
    out = []
    for r in rows:
        name, council, province = info[r.member_id]
        out.append(MemberRow(r.member_id, name, council, province,
                             deviation(r.n, _f(r.s), _f(r.q), tested=tested,
                                       thresholds=limits)))
    return sorted(out, key=lambda m: (not m.deviation.flagged, not m.deviation.enough,
                                      -abs(m.deviation.mean)))


def member_deviation(member: CouncilMember, filters: Filters) -> Deviation:
    """One member's deviation, flagged among the members tested with the same filters."""
    limits = thresholds()
    every = _member_deviation_rows(filters)
    tested = sum(1 for r in every if r.n >= limits.min_n)
    own = next((r for r in every if r.member_id == member.id), None)
    if own is None:
        return deviation(0, 0, 0, tested=tested, thresholds=limits)
    return deviation(own.n, _f(own.s), _f(own.q), tested=tested, thresholds=limits)


def member_sheets(member: CouncilMember, filters: Filters):
    """A SELECT of the member's totals beside the evaluation's mean (to paginate)."""
    from ..dossiers.models import Dossier
    from ..products.models import Product

    u = _unit_sums()
    total = cast(OS.total, Float)
    return (select(OS.evaluation_id, OS.total, OE.mean_total, OE.star, OE.concluded_on,
                   OE.set_no, Product.name.label("product"),
                   (total - (u.c.s - total) / (u.c.m - 1)).label("deviation"))
            .join(OE, OE.evaluation_id == OS.evaluation_id)
            .join(Evaluation, Evaluation.id == OS.evaluation_id)
            .join(Dossier, Dossier.id == Evaluation.dossier_id)
            .join(Product, Product.id == Dossier.product_id)
            .where(OS.member_id == member.id, filters.where(), u.c.m >= 2)
            .order_by(OE.concluded_on.desc(), OS.evaluation_id.desc()))


# -- agreement per round ---------------------------------------------------------------------

@dataclass
class RoundRow:
    round_id: int
    name: str
    council: str
    evaluations: int
    alpha: float | None
    spread: float


def agreement_by_round(filters: Filters, limit: int = 200) -> list[RoundRow]:
    u = _unit_sums()
    pairable = u.c.m >= 2
    pairs_term = case((pairable, 2 * (u.c.m * u.c.q - u.c.s * u.c.s) / (u.c.m - 1)), else_=0.0)
    rows = db.session.execute(
        select(OE.round_id, Round.name, Council.name.label("council"), func.count().label("n"),
               func.sum(case((pairable, 1), else_=0)).label("units"),
               func.sum(pairs_term).label("pairs"),
               func.sum(case((pairable, u.c.m), else_=0)).label("values"),
               func.sum(case((pairable, u.c.s), else_=0.0)).label("vsum"),
               func.sum(case((pairable, u.c.q), else_=0.0)).label("vsq"),
               func.avg(cast(OE.spread, Float)).label("spread"),
               func.max(OE.concluded_on).label("last"))
        .join(Round, Round.id == OE.round_id).join(Council, Council.id == OE.council_id)
        .where(filters.where()).group_by(OE.round_id, Round.name, Council.name)
        .order_by(func.max(OE.concluded_on).desc(), OE.round_id.desc()).limit(limit)).all()
    return [RoundRow(r.round_id, r.name, r.council, r.n,
                     krippendorff_alpha(int(r.units or 0), _f(r.pairs), int(r.values or 0),
                                        _f(r.vsum), _f(r.vsq)), _f(r.spread)) for r in rows]


# -- gaps: province against the central council, self-assessment against the council --------

@dataclass
class GapRow:
    province_code: str | None
    label: str
    deviation: Deviation


def central_gaps(filters: Filters) -> list[GapRow]:
    """For 5★ proposals: the province's mean minus the central council's, per province."""
    central = OE.__table__.alias("central")
    d = cast(OE.mean_total, Float) - cast(central.c.mean_total, Float)
    rows = db.session.execute(
        select(OE.province_code, func.count(), func.sum(d), func.sum(d * d))
        .join(central, central.c.escalated_from_id == OE.evaluation_id)
        .where(filters.where()).group_by(OE.province_code)).all()
    return _gap_rows(rows)


def self_gaps(filters: Filters) -> list[GapRow]:
    """The producer's self-assessed total minus the council's mean, per province."""
    d = cast(OE.self_total, Float) - cast(OE.mean_total, Float)
    rows = db.session.execute(
        select(OE.province_code, func.count(), func.sum(d), func.sum(d * d))
        .where(filters.where(), OE.self_total.is_not(None)).group_by(OE.province_code)).all()
    return _gap_rows(rows)


def _gap_rows(rows) -> list[GapRow]:
    limits = thresholds().for_provinces()
    labels = _labels("province", [r[0] for r in rows])
    from ..text import vn_sort_key as sort_key

    out = [GapRow(code, labels.get(code, code or ""), deviation(n, _f(s), _f(q),
                                                              tested=len(rows),
                                                              thresholds=limits))
           for code, n, s, q in rows]
    return sorted(out, key=lambda g: sort_key(g.label))


# -- central reviews (thẩm định) -----------------------------------------------------------

def may_review(user) -> bool:
    return getattr(user, "role", None) in NATIONAL_ROLES and user.is_active


def select_for_review(evaluation: Evaluation, *, reason: str, actor) -> CentralReview:
    if not may_review(actor):
        raise OversightError(_("Chỉ Bộ thực hiện thẩm định."), code="forbidden")
    if evaluation.council.level == CouncilLevel.central:
        raise OversightError(_("Thẩm định áp dụng cho kết quả đánh giá của địa phương."),
                             code="central_evaluation")
    if db.session.get(OE, evaluation.id) is None:
        raise OversightError(_("Chỉ thẩm định được kết quả đã kết luận."), code="not_concluded")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise OversightError(_("Nêu lý do chọn thẩm định (ít nhất 10 ký tự)."), code="reason")
    existing = db.session.scalar(select(CentralReview).filter_by(evaluation_id=evaluation.id))
    if existing is not None:
        raise OversightError(_("Kết quả này đã được chọn thẩm định."), code="duplicate")
    review = CentralReview(evaluation_id=evaluation.id, reason=reason, selected_by_id=actor.id,
                           selected_at=utcnow())
    db.session.add(review)
    db.session.flush()
    audit.record(review, "review_selected", actor=actor, new={"evaluation_id": evaluation.id},
                 note=reason)
    _notify_province(review, _l("Bộ chọn thẩm định kết quả đánh giá"), reason)
    return review


def complete_review(review: CentralReview, *, outcome: ReviewOutcome, findings: str,
                    actor) -> CentralReview:
    if not may_review(actor):
        raise OversightError(_("Chỉ Bộ thực hiện thẩm định."), code="forbidden")
    if not review.is_open:
        raise OversightError(_("Thẩm định này đã có kết luận."), code="closed")
    findings = (findings or "").strip()
    if outcome != ReviewOutcome.consistent and len(findings) < 10:
        raise OversightError(_("Ghi rõ thiếu sót hoặc sai phạm (ít nhất 10 ký tự)."),
                             code="findings")
    review.outcome, review.findings = outcome, findings
    review.completed_by_id, review.completed_at = actor.id, utcnow()
    audit.record(review, "review_completed", actor=actor,
                 new={"outcome": outcome.value}, note=findings)
    _notify_province(review, _l("Kết luận thẩm định: %(o)s", o=later(lambda: outcome.label)),
                     findings)
    return review


def _notify_province(review: CentralReview, subject, body: str) -> None:
    from ..notifications.services import notify

    province = review.evaluation.council.province_code
    offices = db.session.scalars(select(User).filter_by(role=Role.province,
                                                        province_code=province))
    notify(offices, kind="central_review", subject=subject, body=body,
           link=f"/oversight/reviews/{review.id}")


def reviews(filters: Filters):
    """A SELECT of the central reviews in scope, open ones first."""
    query = (select(CentralReview).join(Evaluation, Evaluation.id == CentralReview.evaluation_id)
             .join(Round, Round.id == Evaluation.round_id)
             .join(Council, Council.id == Round.council_id))
    if filters.province_code:
        query = query.where(Council.province_code == filters.province_code)
    return query.order_by(CentralReview.completed_at.is_not(None), CentralReview.selected_at.desc())


@dataclass
class Overview:
    filters: Filters
    provinces: list[GroupRow] = field(default_factory=list)
    councils: list[GroupRow] = field(default_factory=list)
    sets: list[GroupRow] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)
    rounds: list[RoundRow] = field(default_factory=list)
    central: list[GapRow] = field(default_factory=list)
    self_assessed: list[GapRow] = field(default_factory=list)
    thresholds: Thresholds = field(default_factory=Thresholds)


def overview(filters: Filters, *, national: bool) -> Overview:
    sync()
    view = Overview(filters=filters, thresholds=thresholds())
    if national and not filters.province_code:
        view.provinces = quality_by(filters, "province")
    else:
        view.councils = quality_by(filters, "council")
        view.rounds = agreement_by_round(filters)
    view.sets = quality_by(filters, "set")
    view.members = member_leniency(filters)
    view.central = central_gaps(filters)
    view.self_assessed = self_gaps(filters)
    return view


def years_available() -> list[int]:
    return [y for (y,) in db.session.execute(select(OE.year).distinct().order_by(OE.year))]
