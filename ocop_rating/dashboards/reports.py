"""The official exports: what each list holds, for a scope (the nation or one province) and a
period (a quarter or a whole year). Each builder returns an ``official.Paper``; the views
turn it into XLSX or CSV. Rows are read with joins (no query per row)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from ..db import db
from ..pdf import nfc
from .official import Paper, Table, issuer_lines
from .scope import Scope
from .services import _recognised, _utc_start

KINDS = {
    "producers": _l("Danh sách chủ thể OCOP"),
    "products": _l("Danh sách sản phẩm"),
    "certificates": _l("Giấy chứng nhận đã cấp trong kỳ"),
    "results": _l("Kết quả đánh giá và phiếu chấm của từng thành viên"),
    "decisions": _l("Quyết định đã ban hành trong kỳ"),
    "recognised": _l("Danh sách sản phẩm được công nhận theo quyết định"),
    "expiring": _l("Giấy chứng nhận hết hiệu lực trong kỳ"),
    "quarterly": _l("Báo cáo kết quả thực hiện Chương trình OCOP"),
}
# Lists that need a period (producers and products are the register as it stands today).
PERIOD_KINDS = {"certificates", "results", "decisions", "expiring", "quarterly"}


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None  # None: the whole year

    @property
    def start(self) -> date:
        return date(self.year, 3 * (self.quarter - 1) + 1, 1) if self.quarter \
            else date(self.year, 1, 1)

    @property
    def end(self) -> date:
        if not self.quarter or self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.quarter + 1, 1) - timedelta(days=1)

    @property
    def label(self) -> str:
        if self.quarter:
            return _("Quý %(q)d năm %(y)d (từ %(a)s đến %(b)s)", q=self.quarter, y=self.year,
                     a=_dmy(self.start), b=_dmy(self.end))
        return _("Năm %(y)d", y=self.year)

    @property
    def slug(self) -> str:
        return f"{self.year}-q{self.quarter}" if self.quarter else str(self.year)

    def utc_range(self):
        return _utc_start(self.start), _utc_start(self.end + timedelta(days=1))


def _dmy(day: date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}" if day else ""


def _paper(scope: Scope, title: str, subtitle: str, tables: list[Table], today: date,
           notes=()) -> Paper:
    issuer, office, place = issuer_lines(scope.province_name or None)
    return Paper(title=title, subtitle=subtitle, issuer=issuer, office=office, place=place,
                 day=today, tables=tables, notes=list(notes))


def _where_area(stmt, scope: Scope, province_col):
    return stmt.where(province_col == scope.province_code) if scope.province_code else stmt


def _scope_line(scope: Scope) -> str:
    return scope.label


# -- the register as it stands -------------------------------------------------------------------

def producers_paper(scope: Scope, today: date, period=None) -> Paper:
    from ..geo.models import Commune
    from ..producers.ethnicities import ETHNICITY_NAMES
    from ..producers.models import Producer, ProducerStatus

    stmt = (select(Producer, Commune.name).join(Commune, Commune.code == Producer.commune_code)
            .where(Producer.status == ProducerStatus.approved)
            .order_by(Commune.name, Producer.name_folded, Producer.id))
    rows = []
    for i, (p, commune) in enumerate(db.session.execute(
            _where_area(stmt, scope, Producer.province_code)), start=1):
        rows.append([i, p.name, p.kind.label, p.registration_number, p.address, commune,
                     p.representative_name, p.representative_gender.label,
                     ETHNICITY_NAMES.get(p.representative_ethnicity,
                                         p.representative_ethnicity),
                     _("Có") if p.representative_disabled else "", p.phone, p.email or ""])
    columns = [(_("STT"), 6), (_("Tên chủ thể"), 34), (_("Loại hình"), 20),
               (_("Mã số đăng ký"), 16), (_("Địa chỉ"), 34), (_("Xã/phường"), 20),
               (_("Người đại diện"), 24), (_("Giới tính"), 9), (_("Dân tộc"), 12),
               (_("Khuyết tật"), 10), (_("Điện thoại"), 14), (_("Thư điện tử"), 24)]
    return _paper(scope, _("Danh sách chủ thể OCOP"),
                  _("%(scope)s — đến ngày %(d)s", scope=_scope_line(scope), d=_dmy(today)),
                  [Table(_("Chủ thể"), columns, rows)], today)


def products_paper(scope: Scope, today: date, period=None) -> Paper:
    from ..certificates.models import Certificate as C
    from ..certificates.services import set_name
    from ..geo.models import Commune
    from ..producers.models import Producer
    from ..products.models import Product

    star = (select(C.product_id, func.max(C.star).label("star"), func.max(C.number)
                   .label("number"), func.max(C.expires_on).label("expires_on"))
            .where(_recognised(today)).group_by(C.product_id).subquery())
    stmt = (select(Product, Producer.name, Commune.name, star.c.star, star.c.number,
                   star.c.expires_on)
            .join(Producer, Producer.id == Product.producer_id)
            .join(Commune, Commune.code == Producer.commune_code)
            .outerjoin(star, star.c.product_id == Product.id)
            .order_by(Commune.name, Product.name_folded, Product.id))
    rows = []
    for i, (p, producer, commune, stars, number, expires) in enumerate(db.session.execute(
            _where_area(stmt, scope, Producer.province_code)), start=1):
        rows.append([i, p.code or "", p.name, set_name(p.rulebook_code, p.set_no), producer,
                     commune, stars, number or "", expires])
    columns = [(_("STT"), 6), (_("Mã sản phẩm"), 18), (_("Tên sản phẩm"), 34),
               (_("Bộ sản phẩm"), 30), (_("Chủ thể"), 30), (_("Xã/phường"), 20),
               (_("Hạng sao hiện hành"), 10), (_("Số giấy chứng nhận"), 20),
               (_("Hiệu lực đến"), 12)]
    return _paper(scope, _("Danh sách sản phẩm"),
                  _("%(scope)s — đến ngày %(d)s", scope=_scope_line(scope), d=_dmy(today)),
                  [Table(_("Sản phẩm"), columns, rows)], today)


# -- certificates ----------------------------------------------------------------------------------

_CERT_COLUMNS = [("STT", 6), ("Số giấy chứng nhận", 20), ("Tên sản phẩm", 32),
                 ("Mã sản phẩm", 18), ("Bộ sản phẩm", 28), ("Chủ thể", 30),
                 ("Địa chỉ chủ thể", 34), ("Xã/phường", 20), ("Hạng sao", 9),
                 ("Số quyết định", 18), ("Ngày quyết định", 12), ("Ngày cấp", 12),
                 ("Ngày hết hiệu lực", 12), ("Tình trạng", 22)]


def _certificate_columns():
    return [(_(label), width) for label, width in _CERT_COLUMNS]


def _certificate_rows(certificates, today: date) -> list[list]:
    return [[i, c.number, c.product_name, c.product_code, c.product_set_name, c.producer_name,
             c.producer_address, c.commune.name if c.commune else c.commune_code, c.star,
             c.decision.number, c.decision.decided_on, c.issued_on, c.expires_on,
             c.status_on(today).label] for i, c in enumerate(certificates, start=1)]


def _certificates(stmt):
    from ..certificates.models import Certificate as C

    return db.session.scalars(stmt.options(selectinload(C.decision), selectinload(C.commune))
                              ).all()


def certificates_paper(scope: Scope, today: date, period: Period) -> Paper:
    from ..certificates.models import Certificate as C

    stmt = select(C).where(C.issued_on >= period.start, C.issued_on <= period.end) \
        .order_by(C.issued_on, C.number)
    rows = _certificate_rows(_certificates(_where_area(stmt, scope, C.province_code)), today)
    return _paper(scope, _("Danh sách giấy chứng nhận sản phẩm OCOP đã cấp"),
                  f"{_scope_line(scope)} — {period.label}",
                  [Table(_("Giấy chứng nhận"), _certificate_columns(), rows)], today)


def expiring_paper(scope: Scope, today: date, period: Period) -> Paper:
    from ..certificates.models import Certificate as C

    stmt = (select(C).where(C.revoked_at.is_(None), C.superseded_by_id.is_(None),
                            C.expires_on >= period.start, C.expires_on <= period.end)
            .order_by(C.expires_on, C.number))
    rows = _certificate_rows(_certificates(_where_area(stmt, scope, C.province_code)), today)
    return _paper(scope, _("Danh sách sản phẩm OCOP có giấy chứng nhận hết hiệu lực"),
                  f"{_scope_line(scope)} — {period.label}",
                  [Table(_("Hết hiệu lực"), _certificate_columns(), rows)], today,
                  notes=[_("Không gồm giấy chứng nhận đã bị thu hồi hoặc đã được thay thế "
                           "bằng giấy chứng nhận đánh giá lại.")])


# -- decisions ------------------------------------------------------------------------------------

def _decisions_stmt(scope: Scope, period: Period | None):
    from ..certificates.models import Decision, DecisionStatus

    stmt = select(Decision).where(Decision.status == DecisionStatus.issued)
    if period is not None:
        stmt = stmt.where(Decision.decided_on >= period.start, Decision.decided_on <= period.end)
    return _where_area(stmt, scope, Decision.province_code)


def decision_choices(scope: Scope, period: Period | None) -> list:
    """Issued recognition decisions of the scope (in the period), newest first."""
    from ..certificates.models import Decision, DecisionKind

    return db.session.scalars(_decisions_stmt(scope, period).where(
        Decision.kind == DecisionKind.recognition)
        .order_by(Decision.decided_on.desc(), Decision.id.desc()).limit(200)).all()


def decisions_paper(scope: Scope, today: date, period: Period) -> Paper:
    from ..certificates.models import Decision, DecisionItem

    counts = (select(DecisionItem.decision_id, func.count().label("n"))
              .group_by(DecisionItem.decision_id).subquery())
    stmt = (_decisions_stmt(scope, period).add_columns(counts.c.n)
            .outerjoin(counts, counts.c.decision_id == Decision.id)
            .order_by(Decision.decided_on, Decision.id))
    rows = []
    for i, (d, n) in enumerate(db.session.execute(stmt), start=1):
        rows.append([i, d.number, d.decided_on, d.kind.label, d.authority_name, d.signer_name,
                     d.signer_title, n or 0, d.ground.label if d.ground else "",
                     _("Có") if d.is_legacy else ""])
    columns = [(_("STT"), 6), (_("Số quyết định"), 20), (_("Ngày quyết định"), 12),
               (_("Loại quyết định"), 20), (_("Cơ quan ban hành"), 32),
               (_("Người ký"), 22), (_("Chức vụ"), 24), (_("Số sản phẩm"), 10),
               (_("Căn cứ thu hồi"), 34), (_("Quyết định trước khi có hệ thống"), 12)]
    return _paper(scope, _("Danh sách quyết định về sản phẩm OCOP"),
                  f"{_scope_line(scope)} — {period.label}",
                  [Table(_("Quyết định"), columns, rows)], today)


def recognised_paper(scope: Scope, today: date, decision) -> Paper:
    """The list attached to a recognition decision: each product with its producer, star and
    certificate."""
    from ..certificates.models import Certificate as C
    from ..certificates.models import DecisionItem
    from ..certificates.services import set_name
    from ..producers.models import Producer
    from ..products.models import Product

    stmt = (select(DecisionItem, Product, Producer, C.number)
            .join(Product, Product.id == DecisionItem.product_id)
            .join(Producer, Producer.id == Product.producer_id)
            .outerjoin(C, C.decision_item_id == DecisionItem.id)
            .where(DecisionItem.decision_id == decision.id)
            .order_by(DecisionItem.star.desc(), Product.name_folded, DecisionItem.id))
    rows = []
    for i, (item, product, producer, number) in enumerate(db.session.execute(stmt), start=1):
        rows.append([i, product.name, product.code or "",
                     set_name(product.rulebook_code, product.set_no), producer.name,
                     producer.address, item.star, number or ""])
    columns = [(_("STT"), 6), (_("Tên sản phẩm"), 34), (_("Mã sản phẩm"), 18),
               (_("Bộ sản phẩm"), 28), (_("Chủ thể"), 32), (_("Địa chỉ"), 36),
               (_("Hạng sao"), 9), (_("Số giấy chứng nhận"), 20)]
    paper = _paper(scope, _("Danh sách sản phẩm được công nhận đạt sản phẩm OCOP"),
                   _("(Kèm theo Quyết định số %(n)s ngày %(d)s của %(a)s)", n=decision.number,
                     d=_dmy(decision.decided_on), a=decision.authority_name),
                   [Table(_("Sản phẩm được công nhận"), columns, rows)], decision.decided_on)
    paper.signer_title = nfc(decision.signer_title).upper() or paper.signer_title
    return paper


# -- results -------------------------------------------------------------------------------------

def results_paper(scope: Scope, today: date, period: Period) -> Paper:
    """Concluded evaluations of the scope's dossiers in the period, and on a second sheet each
    member's score sheet (its total as the council counted it)."""
    from ..accounts.models import User
    from ..councils.models import Council, CouncilMember, Evaluation, Round
    from ..dossiers.models import Dossier
    from ..evaluation.models import ScoreSheet
    from ..products.models import Product

    start, end = period.utc_range()
    base = (select(Evaluation, Dossier, Product, Round.name, Council.name)
            .join(Dossier, Dossier.id == Evaluation.dossier_id)
            .join(Product, Product.id == Dossier.product_id)
            .join(Round, Round.id == Evaluation.round_id)
            .join(Council, Council.id == Round.council_id)
            .where(Evaluation.concluded_at >= start, Evaluation.concluded_at < end)
            .options(selectinload(Dossier.producer)))
    base = _where_area(base, scope, Dossier.province_code)
    found = db.session.execute(base.order_by(Evaluation.concluded_at, Evaluation.id)).all()
    results, totals = [], {}
    for i, (e, d, product, round_name, council_name) in enumerate(found, start=1):
        member_totals = {str(m): t for m, t in ((e.result or {}).get("member_totals") or [])}
        totals[e.id] = member_totals
        results.append([i, product.code or "", product.name, d.producer.name, council_name,
                        round_name, e.mean_total, e.star,
                        _("Có") if e.recognised else _("Không"), e.proposal,
                        e.concluded_at and _legal(e.concluded_at)])
    ids = [e.id for e, *_rest in found]
    sheets = []
    if ids:
        stmt = (select(ScoreSheet, CouncilMember, User.full_name, Product.code, Product.name)
                .join(CouncilMember, CouncilMember.id == ScoreSheet.member_id)
                .join(User, User.id == CouncilMember.user_id)
                .join(Evaluation, Evaluation.id == ScoreSheet.evaluation_id)
                .join(Dossier, Dossier.id == Evaluation.dossier_id)
                .join(Product, Product.id == Dossier.product_id)
                .where(ScoreSheet.evaluation_id.in_(ids))
                .order_by(Evaluation.concluded_at, Evaluation.id, CouncilMember.id))
        for i, (sheet, member, name, code, pname) in enumerate(db.session.execute(stmt),
                                                              start=1):
            total = totals.get(sheet.evaluation_id, {}).get(str(sheet.member_id))
            sheets.append([i, code or "", pname, name, member.role.label,
                           Decimal(str(total)) if total is not None else None,
                           sheet.status.label,
                           sheet.submitted_at and _legal(sheet.submitted_at)])
    columns = [(_("STT"), 6), (_("Mã sản phẩm"), 18), (_("Tên sản phẩm"), 32),
               (_("Chủ thể"), 30), (_("Hội đồng"), 30), (_("Đợt đánh giá"), 24),
               (_("Điểm bình quân"), 10), (_("Hạng sao"), 9), (_("Đạt OCOP"), 9),
               (_("Đề xuất của hội đồng"), 30), (_("Ngày kết luận"), 12)]
    member_columns = [(_("STT"), 6), (_("Mã sản phẩm"), 18), (_("Tên sản phẩm"), 32),
                      (_("Thành viên"), 26), (_("Vai trò"), 18), (_("Tổng điểm"), 10),
                      (_("Trạng thái phiếu"), 16), (_("Ngày nộp phiếu"), 12)]
    return _paper(scope, _("Kết quả đánh giá, phân hạng sản phẩm OCOP"),
                  f"{_scope_line(scope)} — {period.label}",
                  [Table(_("Kết quả"), columns, results),
                   Table(_("Phiếu của thành viên"), member_columns, sheets)], today)


def _legal(moment) -> date:
    from ..legaltime import legal_date

    return legal_date(moment)


# -- the quarterly report --------------------------------------------------------------------------

def quarterly_paper(scope: Scope, today: date, period: Period) -> Paper:
    """The programme's figures for the period and to date, in aggregates (one query each)."""
    from ..certificates.models import Certificate as C
    from ..certificates.models import Decision
    from ..councils.models import Evaluation
    from ..dossiers.models import Dossier
    from ..producers.models import Producer, ProducerStatus

    start, end = period.utc_range()

    def one(stmt):
        return db.session.execute(stmt).one()

    def n(cond):
        from sqlalchemy import case

        return func.sum(case((cond, 1), else_=0))

    dossiers = one(_where_area(select(
        n(and_(Dossier.submitted_at >= start, Dossier.submitted_at < end)),
        n(and_(Dossier.accepted_at >= start, Dossier.accepted_at < end))),
        scope, Dossier.province_code))
    evaluations = one(_where_area(
        select(func.count(), n(Evaluation.recognised.is_(True)))
        .join(Dossier, Dossier.id == Evaluation.dossier_id)
        .where(Evaluation.concluded_at >= start, Evaluation.concluded_at < end),
        scope, Dossier.province_code))
    in_period = and_(C.issued_on >= period.start, C.issued_on <= period.end)
    certs = one(_where_area(select(
        n(and_(in_period, C.star == 3)), n(and_(in_period, C.star == 4)),
        n(and_(in_period, C.star == 5)),
        n(and_(C.expires_on >= period.start, C.expires_on <= period.end)),
        n(and_(C.expires_on >= period.start, C.expires_on <= period.end,
               C.superseded_by_id.is_not(None))),
        n(and_(_recognised(period.end), C.star == 3)),
        n(and_(_recognised(period.end), C.star == 4)),
        n(and_(_recognised(period.end), C.star == 5))), scope, C.province_code))
    revoked = one(_where_area(
        select(func.count(C.id)).join(Decision, Decision.id == C.revocation_decision_id)
        .where(Decision.decided_on >= period.start, Decision.decided_on <= period.end),
        scope, C.province_code))
    producers = one(_where_area(select(func.count()).where(
        Producer.status == ProducerStatus.approved), scope, Producer.province_code))
    v = [int(x or 0) for x in (*dossiers, *evaluations, *certs, *revoked, *producers)]
    rows = [
        [1, _("Hồ sơ chủ thể nộp cấp xã trong kỳ"), v[0]],
        [2, _("Hồ sơ cấp tỉnh tiếp nhận trong kỳ"), v[1]],
        [3, _("Sản phẩm hội đồng đã đánh giá, phân hạng trong kỳ"), v[2]],
        [4, _("Trong đó: đạt từ 3 sao trở lên"), v[3]],
        [5, _("Sản phẩm được công nhận trong kỳ: 3 sao"), v[4]],
        [6, _("Sản phẩm được công nhận trong kỳ: 4 sao"), v[5]],
        [7, _("Sản phẩm được công nhận trong kỳ: 5 sao"), v[6]],
        [8, _("Giấy chứng nhận hết hạn trong kỳ"), v[7]],
        [9, _("Trong đó: đã được đánh giá lại và cấp giấy mới"), v[8]],
        [10, _("Giấy chứng nhận bị thu hồi trong kỳ"), v[12]],
        [11, _("Sản phẩm OCOP còn hiệu lực đến cuối kỳ: 3 sao"), v[9]],
        [12, _("Sản phẩm OCOP còn hiệu lực đến cuối kỳ: 4 sao"), v[10]],
        [13, _("Sản phẩm OCOP còn hiệu lực đến cuối kỳ: 5 sao"), v[11]],
        [14, _("Chủ thể OCOP đã được phê duyệt trên hệ thống"), v[13]],
    ]
    columns = [(_("STT"), 6), (_("Chỉ tiêu"), 60), (_("Số lượng"), 12)]
    title = _("Báo cáo kết quả thực hiện Chương trình OCOP")
    return _paper(scope, title, f"{_scope_line(scope)} — {period.label}",
                  [Table(_("Báo cáo"), columns, rows)], today)


BUILDERS = {
    "producers": producers_paper,
    "products": products_paper,
    "certificates": certificates_paper,
    "results": results_paper,
    "decisions": decisions_paper,
    "expiring": expiring_paper,
    "quarterly": quarterly_paper,
}


def recognition_decision(scope: Scope, decision_id: int):
    """The issued recognition decision ``decision_id``: 404 when there is none, 403 when it
    is another province's."""
    from flask import abort

    from ..certificates.models import Decision, DecisionKind, DecisionStatus

    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.kind != DecisionKind.recognition \
            or decision.status != DecisionStatus.issued:
        abort(404)
    if scope.province_code and decision.province_code != scope.province_code:
        abort(403)
    return decision
