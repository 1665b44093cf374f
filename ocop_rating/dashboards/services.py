"""The dashboards' figures, every one a ``GROUP BY`` in the database: the page costs the same
dozen queries with the demo's 30 producers as with the national 10,000 (a test counts them,
tests/dashboards/test_queries.py). Python only labels and arranges the grouped rows, which
are bounded by the codes (stars, sets, states, grounds, provinces or communes), never by the
number of records.

"Recognised" means a certificate that is valid today: not revoked, not superseded, and not
past its expiry (or past it but within the re-evaluation extension, DOMAIN.md §6).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, extract, func, literal_column, or_, select
from sqlalchemy.orm import aliased

from ..db import db
from ..i18n import legal_text
from ..legaltime import legal_today
from ..workdays import add_working_days
from .charts import Chart
from .scope import Scope

STARS = (3, 4, 5)
MONTHS_AHEAD = 24
# The council decides a re-evaluation within 45 days of a complete dossier (DOMAIN.md §6).
REEVALUATION_DAYS = 45
# The commune checks within 15 working days; "near" is the last 5 of them.
NEAR_WORKING_DAYS = 5


@dataclass
class Dashboard:
    scope: Scope
    today: date
    charts: list[Chart] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)


def _star_names() -> list[str]:
    return [_("%(n)d sao", n=n) for n in STARS]


def _in_scope(stmt, scope: Scope, province_col, commune_col):
    if scope.commune_code:
        return stmt.where(commune_col == scope.commune_code)
    if scope.province_code:
        return stmt.where(province_col == scope.province_code)
    return stmt


def _recognised(today: date):
    from ..certificates.models import Certificate as C

    return and_(C.revoked_at.is_(None), C.superseded_by_id.is_(None),
                or_(C.expires_on >= today, C.extended_until >= today))


def _utc_start(day: date) -> datetime:
    """The UTC instant at which ``day`` begins in Vietnam (UTC+7)."""
    return datetime.combine(day, time(), tzinfo=timezone(timedelta(hours=7))) \
        .astimezone(UTC)


# -- recognised products -----------------------------------------------------------------------

def _by_set(scope: Scope, today: date) -> list[tuple[int, int, int]]:
    from ..certificates.models import Certificate as C

    stmt = select(C.set_no, C.star, func.count()).where(_recognised(today))
    stmt = _in_scope(stmt, scope, C.province_code, C.commune_code)
    return list(db.session.execute(stmt.group_by(C.set_no, C.star)))


def _set_labels() -> tuple[dict[int, str], dict[int, tuple[str, str]]]:
    """Set number → name, and → (ngành code, label), from the current rulebook."""
    from ..rulebook import RulebookError, latest_rulebook

    try:
        book = latest_rulebook()
    except RulebookError:
        return {}, {}
    # In the reader's language: the rulebook's English layer in English.
    names = {s.number: f"{s.number}. {legal_text(s.name)}" for s in book.sheets}
    groups = {}
    for g in book.groups:
        for sg in g.subgroups:
            for n in sg.sets:
                groups[n] = (g.code, f"{g.code}. {legal_text(g.label)}")
    return names, groups


def recognised_charts(scope: Scope, today: date) -> tuple[list[Chart], int]:
    rows = _by_set(scope, today)
    names, groups = _set_labels()
    by_star = {s: 0 for s in STARS}
    by_set: dict[int, list[int]] = {}
    by_group: dict[str, list[int]] = {}
    group_label: dict[str, str] = {}
    for set_no, star, n in rows:
        if star not in by_star:
            continue
        i = STARS.index(star)
        by_star[star] += n
        by_set.setdefault(set_no, [0, 0, 0])[i] += n
        code, label = groups.get(set_no, ("?", _("Chưa phân ngành")))
        group_label[code] = label
        by_group.setdefault(code, [0, 0, 0])[i] += n
    total = sum(by_star.values())
    star_chart = Chart(
        "stars", _("Sản phẩm OCOP đang được công nhận theo hạng sao"), _("Hạng sao"),
        [_("Số sản phẩm")], [(name, [by_star[s]]) for name, s in zip(_star_names(), STARS)],
        extra_headings=[_("Tỷ lệ (%)")],
        extra=[[_share(by_star[s], total)] for s in STARS])
    group_chart = Chart(
        "groups", _("Sản phẩm đang được công nhận theo ngành"), _("Ngành"), _star_names(),
        [(group_label[code], by_group[code]) for code in sorted(by_group, key=_roman)])
    set_chart = Chart(
        "sets", _("Sản phẩm đang được công nhận theo bộ sản phẩm"), _("Bộ sản phẩm"),
        _star_names(), [(names.get(n, str(n)), by_set[n]) for n in sorted(by_set)])
    return [star_chart, group_chart, set_chart], total


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}


def _roman(code: str) -> int:
    return _ROMAN.get(code, 99)


def _share(part: int, whole: int) -> str:
    from ..i18n import format_points

    return format_points(100 * part / whole if whole else 0, 1)


def trend_chart(scope: Scope) -> Chart:
    """Certificates issued each year (every one, whatever it has become since), by star."""
    from ..certificates.models import Certificate as C

    year = extract("year", C.issued_on)
    stmt = _in_scope(select(year, C.star, func.count()), scope, C.province_code,
                     C.commune_code).group_by(year, C.star)
    by_year: dict[int, list[int]] = {}
    for y, star, n in db.session.execute(stmt):
        if star in STARS:
            by_year.setdefault(int(y), [0, 0, 0])[STARS.index(star)] += n
    return Chart("trend", _("Sản phẩm được công nhận theo năm cấp giấy chứng nhận"),
                 _("Năm"), _star_names(), [(str(y), by_year[y]) for y in sorted(by_year)])


def area_chart(scope: Scope, today: date) -> Chart | None:
    """The nation by province, or a province by commune (a commune has no breakdown)."""
    from ..certificates.models import Certificate as C
    from ..geo.models import Commune, Province

    if scope.commune_code:
        return None
    if scope.is_national:
        stmt = (select(Province.code, Province.name, C.star, func.count())
                .join(Province, Province.code == C.province_code)
                .group_by(Province.code, Province.name, C.star))
        title, heading = _("Sản phẩm đang được công nhận theo tỉnh, thành phố"), \
            _("Tỉnh/thành phố")
    else:
        stmt = (select(Commune.code, Commune.name, C.star, func.count())
                .join(Commune, Commune.code == C.commune_code)
                .where(C.province_code == scope.province_code)
                .group_by(Commune.code, Commune.name, C.star))
        title, heading = _("Sản phẩm đang được công nhận theo xã, phường"), _("Xã/phường")
    by_area: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for code, name, star, n in db.session.execute(stmt.where(_recognised(today))):
        if star in STARS:
            names[code] = name
            by_area.setdefault(code, [0, 0, 0])[STARS.index(star)] += n
    order = sorted(by_area, key=lambda c: (-sum(by_area[c]), names[c]))
    return Chart("areas", title, heading, _star_names(),
                 [(names[c], by_area[c]) for c in order],
                 row_keys=list(order) if scope.is_national else [])


# -- producers -------------------------------------------------------------------------------------

def producers_chart(scope: Scope) -> tuple[Chart, int]:
    """Approved producers by kind, and how many have a woman, an ethnic-minority or a
    disabled representative (the facts criterion 3.2 scores)."""
    from ..producers.ethnicities import MAJORITY
    from ..producers.models import KIND_LABELS, Gender, Producer, ProducerKind, ProducerStatus

    woman = Producer.representative_gender == Gender.female
    minority = Producer.representative_ethnicity != MAJORITY
    disabled = Producer.representative_disabled.is_(True)

    def n(cond):
        return func.sum(case((cond, 1), else_=0))

    stmt = (select(Producer.kind, func.count(), n(woman), n(minority), n(disabled),
                   n(or_(woman, minority, disabled)))
            .where(Producer.status == ProducerStatus.approved).group_by(Producer.kind))
    stmt = _in_scope(stmt, scope, Producer.province_code, Producer.commune_code)
    found = {kind: [int(v or 0) for v in rest] for kind, *rest in db.session.execute(stmt)}
    rows, extra = [], []
    totals = [0] * 5
    for kind in ProducerKind:
        if kind not in found:
            continue
        values = found[kind]
        totals = [a + b for a, b in zip(totals, values)]
        rows.append((str(KIND_LABELS[kind]), [values[0]]))
        extra.append([*values[1:], _share(values[4], values[0])])
    chart = Chart(
        "producers", _("Chủ thể OCOP theo loại hình; người đại diện là nữ, dân tộc thiểu số, "
                       "người khuyết tật (tiêu chí 3.2)"), _("Loại hình"), [_("Số chủ thể")],
        rows, extra_headings=[_("Đại diện là nữ"), _("Đại diện là người dân tộc thiểu số"),
                              _("Đại diện là người khuyết tật"),
                              _("Có ít nhất một trong ba"), _("Tỷ lệ có (%)")],
        extra=extra)
    if rows:
        chart.rows.append((_("Tổng"), [totals[0]]))
        chart.extra.append([*totals[1:], _share(totals[4], totals[0])])
        chart.note = _("Dòng “Tổng” cộng tất cả loại hình; biểu đồ vẽ cả dòng này.")
    return chart, totals[0]


# -- dossiers against their clocks ---------------------------------------------------------------

def dossiers_chart(scope: Scope, today: date) -> Chart:
    """Dossiers in the pipeline by state; their age in that state; and how many are past a
    legal clock: the commune's 15 working days (``commune_deadline``) for a dossier with the
    commune, the council's 45 days from acceptance for a re-evaluation."""
    from ..dossiers.models import Dossier as D
    from ..dossiers.models import DossierKind
    from ..dossiers.states import STATUS_LABELS
    from ..dossiers.states import DossierStatus as S

    waiting = [S.submitted, S.returned_by_commune, S.forwarded, S.returned_by_province,
               S.accepted, S.in_round]
    entered = case((D.status == S.submitted, D.submitted_at),
                   (D.status == S.forwarded, D.forwarded_at),
                   (D.status.in_([S.returned_by_commune, S.returned_by_province]),
                    D.returned_at),
                   (D.status.in_([S.accepted, S.in_round]), D.accepted_at),
                   else_=D.created_at)
    d30, d90 = _utc_start(today - timedelta(days=30)), _utc_start(today - timedelta(days=90))
    near = add_working_days(today, NEAR_WORKING_DAYS,
                            current_app.config.get("EXTRA_HOLIDAYS", ()))
    reeval_late = _utc_start(today - timedelta(days=REEVALUATION_DAYS))
    with_commune = D.status == S.submitted
    overdue = or_(and_(with_commune, D.commune_deadline < today),
                  and_(D.kind == DossierKind.reevaluation,
                       D.status.in_([S.accepted, S.in_round]), D.accepted_at < reeval_late))
    near_due = and_(with_commune, D.commune_deadline >= today, D.commune_deadline <= near)

    def n(cond):
        return func.sum(case((cond, 1), else_=0))

    stmt = (select(D.status, func.count(), n(entered >= d30),
                   n(and_(entered < d30, entered >= d90)), n(entered < d90), n(near_due),
                   n(overdue))
            .where(D.status.in_(waiting)).group_by(D.status))
    stmt = _in_scope(stmt, scope, D.province_code, D.commune_code)
    found = {status: [int(v or 0) for v in rest] for status, *rest in db.session.execute(stmt)}
    rows, extra = [], []
    for status in waiting:
        values = found.get(status, [0] * 6)
        rows.append((str(STATUS_LABELS[status]), [values[0]]))
        extra.append(values[1:])
    return Chart(
        "dossiers", _("Hồ sơ đang xử lý theo trạng thái và thời hạn"), _("Trạng thái"),
        [_("Số hồ sơ")], rows,
        extra_headings=[_("Dưới 30 ngày ở trạng thái này"), _("30–90 ngày"),
                        _("Trên 90 ngày"), _("Sắp đến hạn (≤ 5 ngày làm việc)"),
                        _("Quá hạn luật định")],
        extra=extra,
        note=_("Hạn luật định: cấp xã kiểm tra trong 15 ngày làm việc kể từ khi nhận hồ sơ; "
               "hội đồng quyết định đánh giá lại trong 45 ngày kể từ khi hồ sơ đầy đủ."))


# -- rounds and councils -----------------------------------------------------------------------------

def councils_chart(scope: Scope, today: date) -> Chart:
    """This year's and last year's evaluations per council, by status (only the dossiers of
    the scope's territory)."""
    from ..councils.models import Council, Evaluation, EvaluationStatus, Round
    from ..dossiers.models import Dossier as D

    stmt = (select(Council.id, Council.name, Evaluation.status, func.count(Evaluation.id),
                   func.count(func.distinct(Round.id)))
            .select_from(Evaluation).join(Round, Round.id == Evaluation.round_id)
            .join(Council, Council.id == Round.council_id)
            .join(D, D.id == Evaluation.dossier_id)
            .where(Round.year >= today.year - 1)
            .group_by(Council.id, Council.name, Evaluation.status))
    stmt = _in_scope(stmt, scope, D.province_code, D.commune_code)
    statuses = list(EvaluationStatus)
    by_council: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for council_id, name, status, n, _rounds in db.session.execute(stmt):
        names[council_id] = name
        by_council.setdefault(council_id, [0] * len(statuses))[statuses.index(status)] += n
    order = sorted(by_council, key=lambda c: names[c])
    return Chart(
        "councils", _("Tiến độ của các hội đồng (đợt năm %(a)d–%(b)d): hồ sơ theo bước",
                      a=today.year - 1, b=today.year),
        _("Hội đồng"), [s.label for s in statuses],
        [(names[c], by_council[c]) for c in order])


def rounds_chart(scope: Scope, today: date) -> Chart:
    """Rounds of this and last year by state: the province's own councils' rounds for a
    province, rounds holding the commune's dossiers for a commune."""
    from ..councils.models import Council, Evaluation, Round, RoundState
    from ..dossiers.models import Dossier as D

    overdue = and_(Round.state != RoundState.concluded, Round.finish_by < today)
    stmt = (select(Round.state, func.count(Round.id),
                   func.sum(case((overdue, 1), else_=0)))
            .join(Council, Council.id == Round.council_id)
            .where(Round.year >= today.year - 1).group_by(Round.state))
    if scope.commune_code:
        stmt = stmt.where(exists().where(Evaluation.round_id == Round.id,
                                         D.id == Evaluation.dossier_id,
                                         D.commune_code == scope.commune_code))
    elif scope.province_code:
        stmt = stmt.where(Council.province_code == scope.province_code)
    found = {state: (n, int(late or 0)) for state, n, late in db.session.execute(stmt)}
    return Chart(
        "rounds", _("Đợt đánh giá năm %(a)d–%(b)d theo trạng thái", a=today.year - 1,
                    b=today.year), _("Trạng thái"), [_("Số đợt")],
        [(s.label, [found.get(s, (0, 0))[0]]) for s in RoundState],
        extra_headings=[_("Quá hạn hoàn thành")],
        extra=[[found.get(s, (0, 0))[1]] for s in RoundState])


# -- expiry and re-evaluation ------------------------------------------------------------------------

def expiry_charts(scope: Scope, today: date) -> list[Chart]:
    from ..certificates import windows
    from ..certificates.models import Certificate as C
    from ..dossiers.models import Dossier as D
    from ..reevaluation.services import FILED

    live = and_(C.revoked_at.is_(None), C.superseded_by_id.is_(None))
    horizon = today + timedelta(days=MONTHS_AHEAD * 31)
    y, m = extract("year", C.expires_on), extract("month", C.expires_on)
    stmt = (select(y, m, func.count()).where(live, C.expires_on >= today,
                                             C.expires_on <= horizon).group_by(y, m))
    stmt = _in_scope(stmt, scope, C.province_code, C.commune_code)
    counts = {(int(a), int(b)): n for a, b, n in db.session.execute(stmt)}
    quarters: dict[tuple[int, int], int] = {}
    for (year, month), n in counts.items():
        key = (year, (month - 1) // 3 + 1)
        quarters[key] = quarters.get(key, 0) + n
    months = []
    year, month = today.year, today.month
    for _i in range(MONTHS_AHEAD):
        months.append((f"{month:02d}/{year}", [counts.get((year, month), 0)]))
        month, year = (1, year + 1) if month == 12 else (month + 1, year)

    filed = exists().where(D.previous_certificate_id == C.id, D.status.in_(FILED))
    window = and_(C.expires_on >= today,
                  C.expires_on <= today + timedelta(days=windows.window_days()))
    late = and_(window, C.expires_on < today + timedelta(days=windows.late_days()), ~filed)
    lapsed = and_(C.expires_on < today, C.expires_on >= today - timedelta(days=365),
                  C.extended_until.is_(None), ~filed)
    extended = and_(C.expires_on < today, C.extended_until >= today)

    def n(cond):
        return func.sum(case((cond, 1), else_=0))

    stmt = _in_scope(select(n(window), n(late), n(lapsed), n(extended)).where(live), scope,
                     C.province_code, C.commune_code)
    w, lt, lp, ex = (int(v or 0) for v in db.session.execute(stmt).one())
    status = Chart(
        "pipeline", _("Giấy chứng nhận đến kỳ đánh giá lại"), _("Tình trạng"),
        [_("Số giấy chứng nhận")],
        [(_("Trong kỳ nộp hồ sơ đánh giá lại (%(d)d ngày trước khi hết hạn)",
            d=windows.window_days()), [w]),
         (_("Quá hạn nộp, chưa có hồ sơ"), [lt]),
         (_("Được giữ hiệu lực chờ quyết định đánh giá lại"), [ex]),
         (_("Hết hiệu lực trong 12 tháng qua, không đánh giá lại"), [lp])])
    by_month = Chart("expiry", _("Giấy chứng nhận hết hiệu lực trong %(n)d tháng tới",
                                 n=MONTHS_AHEAD), _("Tháng"), [_("Số giấy chứng nhận")],
                     months)
    return [status, by_month]


def outcomes_chart(scope: Scope, today: date) -> Chart:
    """What became of the certificates that reached their end, by the year they expired (or
    were replaced): raised, kept or lowered by the certificate that superseded them, or
    lapsed (expired, not replaced, not revoked, no extension running)."""
    from ..certificates.models import Certificate as C

    new = aliased(C)
    # Literal SQL, not bound parameters: PostgreSQL matches the GROUP BY expression with the
    # selected one only when both are written identically.
    outcome = case((new.id.is_(None), literal_column("'lapsed'")),
                   (new.star > C.star, literal_column("'raised'")),
                   (new.star == C.star, literal_column("'kept'")),
                   else_=literal_column("'lowered'"))
    year = extract("year", C.expires_on)
    stmt = (select(year, outcome, func.count())
            .select_from(C).outerjoin(new, new.id == C.superseded_by_id)
            .where(C.revoked_at.is_(None),
                   or_(C.superseded_by_id.is_not(None),
                       and_(C.expires_on < today,
                            or_(C.extended_until.is_(None), C.extended_until < today))))
            .group_by(year, outcome))
    stmt = _in_scope(stmt, scope, C.province_code, C.commune_code)
    keys = ["raised", "kept", "lowered", "lapsed"]
    by_year: dict[int, list[int]] = {}
    for y, kind, n in db.session.execute(stmt):
        by_year.setdefault(int(y), [0, 0, 0, 0])[keys.index(kind)] += n
    return Chart(
        "outcomes", _("Kết quả đánh giá lại theo năm hết hạn của giấy chứng nhận cũ"),
        _("Năm"), [_("Nâng hạng"), _("Giữ hạng"), _("Hạ hạng"), _("Hết hiệu lực")],
        [(str(y), by_year[y]) for y in sorted(by_year)])


def revocations_chart(scope: Scope) -> Chart:
    from ..certificates.models import GROUND_LABELS, Decision
    from ..certificates.models import Certificate as C

    stmt = (select(Decision.ground, func.count(C.id))
            .join(Decision, Decision.id == C.revocation_decision_id)
            .where(C.revoked_at.is_not(None)).group_by(Decision.ground))
    stmt = _in_scope(stmt, scope, C.province_code, C.commune_code)
    found = {ground: n for ground, n in db.session.execute(stmt)}
    rows = [(str(label), [found.get(ground, 0)]) for ground, label in GROUND_LABELS.items()]
    if found.get(None):
        rows.append((_("Không ghi căn cứ"), [found[None]]))
    return Chart("revocations", _("Giấy chứng nhận bị thu hồi theo căn cứ"), _("Căn cứ"),
                 [_("Số giấy chứng nhận")], rows)


# -- the page --------------------------------------------------------------------------------------

def dashboard(scope: Scope, today: date | None = None) -> Dashboard:
    """Every chart of ``scope``'s dashboard, in the order shown."""
    today = today or legal_today()
    recognised, total = recognised_charts(scope, today)
    producers, producer_count = producers_chart(scope)
    charts = [*recognised]
    area = area_chart(scope, today)
    if area is not None:
        charts.append(area)
    charts += [trend_chart(scope), producers, dossiers_chart(scope, today),
               rounds_chart(scope, today), councils_chart(scope, today),
               *expiry_charts(scope, today), outcomes_chart(scope, today),
               revocations_chart(scope)]
    dossiers = charts[[c.key for c in charts].index("dossiers")]
    return Dashboard(scope, today, charts, {
        "recognised": total, "producers": producer_count,
        "dossiers": sum(v[0] for _l, v in dossiers.rows)})
