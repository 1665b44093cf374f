"""Recognition decisions, certificates, revocation, supersession and the public registry.

A decision is drafted (from a concluded round, or by hand), then issued: issuing is the
moment certificates exist; an issued decision never changes (corrections are new decisions).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..accounts.models import User
from ..db import db, utcnow
from ..errors import NotAllowed, OcopError
from ..i18n import later
from ..legaltime import legal_date, legal_today
from ..rulebook import get_rulebook
from ..text import fold
from ..urls import is_production, site_base_url
from . import rules
from .instruments import instrument
from .models import (
    AuthorityLevel,
    Certificate,
    CertificateCounter,
    CertificateStatus,
    Decision,
    DecisionItem,
    DecisionKind,
    DecisionStatus,
    RevocationGround,
    can_act_for,
)
from .rules import certificate_number, issuer_key


class CertificateError(OcopError):
    pass


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise NotAllowed(message)


# -- decisions -------------------------------------------------------------------------------

def authority_name(level: AuthorityLevel, province) -> str:
    """The authority's name (``rules.authority_name``)."""
    ministry = level == AuthorityLevel.ministry
    return rules.authority_name(ministry=ministry,
                                province_name=None if ministry else province.name)


def create_decision(*, kind: DecisionKind, level: AuthorityLevel, province_code: str | None,
                    number: str, decided_on: date, signer_name: str, signer_title: str,
                    ground: RevocationGround | None = None, note: str = "",
                    round_id: int | None = None, actor) -> Decision:
    from ..geo.models import Province

    if level == AuthorityLevel.ministry:
        province_code = None
    _require(can_act_for(actor, level, province_code),
             _("Bạn không thể lập quyết định của cơ quan này."))
    number = (number or "").strip()
    if not number:
        raise CertificateError(_("Vui lòng ghi số quyết định."), code="number_required")
    duplicate = db.session.scalar(db.select(Decision.id).filter_by(
        authority_level=level, province_code=province_code, number=number))
    if duplicate is not None:
        raise CertificateError(_("Số quyết định %(n)s đã được dùng.", n=number),
                               code="number_taken")
    if kind == DecisionKind.revocation and ground is None:
        raise CertificateError(_("Vui lòng chọn căn cứ thu hồi."), code="ground_required")
    province = db.session.get(Province, province_code) if province_code else None
    decision = Decision(kind=kind, authority_level=level, province_code=province_code,
                        authority_name=authority_name(level, province), number=number,
                        decided_on=decided_on, signer_name=signer_name.strip(),
                        signer_title=signer_title.strip(),
                        ground=ground if kind == DecisionKind.revocation else None,
                        note=(note or "").strip(), round_id=round_id,
                        status=DecisionStatus.draft)
    db.session.add(decision)
    db.session.flush()
    audit.record(decision, "created", actor=actor)
    return decision


def recognisable_evaluations(level: AuthorityLevel, province_code: str | None, round_=None):
    """Concluded evaluations this authority may recognise and that no decision holds yet:
    the province recognises 3★/4★ (including a 5★ candidate the central council scored
    under 90); the ministry recognises 5★ from the central council."""
    from ..councils.models import Council, CouncilLevel, Evaluation, Round

    from sqlalchemy import and_, or_
    from sqlalchemy.orm import contains_eager, joinedload

    from ..dossiers.models import Dossier

    # The authority's candidates filtered in SQL (they were every concluded evaluation of the
    # country, loaded and then sorted out here), with their rounds, councils, dossiers,
    # products and producers in the same query; the checks below stay the rule.
    if level == AuthorityLevel.ministry:
        scope = and_(Council.level == CouncilLevel.central, Evaluation.star == 5)
    else:
        scope = and_(Evaluation.star.in_((3, 4)), or_(
            and_(Council.level == CouncilLevel.province, Council.province_code == province_code),
            and_(Council.level == CouncilLevel.central, Dossier.province_code == province_code)))
    stmt = (db.select(Evaluation).join(Round).join(Council)
            .join(Dossier, Dossier.id == Evaluation.dossier_id)
            .where(Evaluation.concluded_at.is_not(None), Evaluation.recognised.is_(True),
                   Evaluation.id.not_in(db.select(DecisionItem.evaluation_id).where(
                       DecisionItem.evaluation_id.is_not(None))), scope)
            .options(contains_eager(Evaluation.round).contains_eager(Round.council),
                     contains_eager(Evaluation.dossier).joinedload(Dossier.product),
                     contains_eager(Evaluation.dossier).joinedload(Dossier.producer))
            .order_by(Evaluation.id))
    if round_ is not None:
        stmt = stmt.where(Evaluation.round_id == round_.id)
    return [evaluation for evaluation in db.session.scalars(stmt).unique()
            if rules.recognises(ministry=level == AuthorityLevel.ministry,
                                province_code=province_code,
                                council_level=evaluation.council.level.value,
                                council_province_code=evaluation.council.province_code,
                                dossier_province_code=evaluation.dossier.province_code,
                                star=evaluation.star)]


def add_item(decision: Decision, evaluation, *, actor) -> DecisionItem:
    _require(decision.can_manage(actor), _("Bạn không quản lý quyết định này."))
    if decision.is_issued:
        raise CertificateError(_("Quyết định đã ban hành không sửa được; hãy lập quyết định "
                                 "mới."), code="issued")
    if evaluation not in recognisable_evaluations(decision.authority_level,
                                                  decision.province_code):
        raise CertificateError(_("Kết quả đánh giá này không thuộc thẩm quyền công nhận của cơ "
                                 "quan, hoặc đã có trong quyết định khác."), code="not_eligible")
    item = DecisionItem(product_id=evaluation.dossier.product_id, evaluation_id=evaluation.id,
                        star=evaluation.star)
    decision.items.append(item)
    db.session.flush()
    audit.record(decision, "item_added", actor=actor, data={"evaluation": evaluation.id})
    return item


def draft_from_round(round_, *, number: str, decided_on: date, signer_name: str,
                     signer_title: str, actor) -> Decision:
    """A recognition decision listing every product of a concluded round this authority may
    recognise. Every other dossier of the round is named in the decision's note with why it
    is not in it (5★ goes to the central council; not concluded; not recognised; stop)."""
    from ..councils.models import CouncilLevel, EvaluationStatus

    council = round_.council
    level = AuthorityLevel.ministry if council.level == CouncilLevel.central \
        else AuthorityLevel.province
    decision = create_decision(kind=DecisionKind.recognition, level=level,
                               province_code=council.province_code, number=number,
                               decided_on=decided_on, signer_name=signer_name,
                               signer_title=signer_title, round_id=round_.id, actor=actor)
    included = recognisable_evaluations(level, council.province_code, round_)
    for evaluation in included:
        add_item(decision, evaluation, actor=actor)
    taken = set(db.session.scalars(db.select(DecisionItem.evaluation_id).where(
        DecisionItem.evaluation_id.is_not(None), DecisionItem.decision_id != decision.id)))
    left_out = []
    for evaluation in round_.evaluations:
        if evaluation in included:
            continue
        name = evaluation.dossier.product.name
        knocked_out = (evaluation.result or {}).get("knockouts_confirmed")
        code = rules.left_out_reason(
            concluded=evaluation.status == EvaluationStatus.concluded,
            taken=evaluation.id in taken, knockouts_confirmed=knocked_out,
            recognised=bool(evaluation.recognised), star=evaluation.star,
            provincial_council=council.level == CouncilLevel.province)
        why = _left_out_text(code, knocked_out=knocked_out, star=evaluation.star)
        left_out.append(f"{name}: {why}")
    if left_out:
        decision.note = (decision.note + "\n" if decision.note else "") + _(
            "Không đưa vào quyết định: %(l)s", l="; ".join(left_out))
        audit.record(decision, "drafted_from_round", actor=actor,
                     data={"round": round_.id, "left_out": left_out})
        db.session.flush()
    return decision


def _left_out_text(code: str, *, knocked_out, star: int | None) -> str:
    """Why a dossier is not in the drafted decision (``rules.left_out_reason``), for people."""
    if code == "not_concluded":
        return _("chưa có kết luận của hội đồng")
    if code == "taken":
        return _("đã có trong quyết định khác")
    if code == "knocked_out":
        return _("bị loại / dừng đánh giá: %(c)s", c=", ".join(knocked_out))
    if code == "not_recognised":
        return _("không đạt hạng sao được công nhận (%(s)s sao)", s=star or 0)
    if code == "five_star":
        return _("đạt 5 sao: chuyển Hội đồng trung ương đánh giá, Bộ trưởng công nhận")
    return _("không thuộc thẩm quyền công nhận của cơ quan này")


def remove_item(item: DecisionItem, *, actor) -> None:
    decision = item.decision
    _require(decision.can_manage(actor), _("Bạn không quản lý quyết định này."))
    if decision.is_issued:
        raise CertificateError(_("Quyết định đã ban hành không sửa được."), code="issued")
    decision.items.remove(item)
    audit.record(decision, "item_removed", actor=actor, data={"product": item.product_id})
    db.session.flush()


def _next_serial(issuer_key: str, year: int) -> int:
    counter = db.session.scalar(db.select(CertificateCounter).filter_by(
        issuer_key=issuer_key, year=year).with_for_update())
    if counter is None:
        counter = CertificateCounter(issuer_key=issuer_key, year=year, last_serial=0)
        db.session.add(counter)
    counter.last_serial += 1
    db.session.flush()
    return counter.last_serial


def issue_decision(decision: Decision, *, actor, today: date | None = None) -> list[Certificate]:
    """Issue the decision: it becomes immutable, and each recognised product gets its
    certificate (superseding the product's previous one); revocations take effect."""
    _require(decision.can_manage(actor), _("Bạn không quản lý quyết định này."))
    if decision.is_issued:
        raise CertificateError(_("Quyết định đã được ban hành."), code="issued")
    if not decision.items:
        raise CertificateError(_("Quyết định chưa có sản phẩm nào."), code="empty")
    if decision.kind == DecisionKind.recognition:
        require_public_address()
    decision.status = DecisionStatus.issued
    decision.issued_at = utcnow()
    audit.record(decision, "issued", actor=actor, new=DecisionStatus.issued)
    made: list[Certificate] = []
    if decision.kind == DecisionKind.recognition:
        for item in decision.items:
            made.append(_certificate_for(decision, item, actor=actor))
    else:
        for item in decision.items:
            _apply_revocation(decision, item.certificate, actor=actor)
    db.session.flush()
    _notify_decision(decision, made, actor)
    return made


def _certificate_for(decision: Decision, item: DecisionItem, *, actor) -> Certificate:
    product = item.product
    producer = product.producer
    issuer = issuer_key(ministry=decision.authority_level == AuthorityLevel.ministry,
                        province_code=decision.province_code)
    year = decision.decided_on.year
    serial = _next_serial(issuer, year)
    dossier = item.evaluation.dossier if item.evaluation else None
    issued_on = decision.decided_on
    certificate = Certificate(
        number=certificate_number(issuer, year, serial), issuer_key=issuer, year=year,
        serial=serial, token=secrets.token_urlsafe(24), decision_id=decision.id,
        decision_item_id=item.id, product_id=product.id, producer_id=producer.id,
        evaluation_id=item.evaluation_id, province_code=producer.province_code,
        commune_code=producer.commune_code, star=item.star,
        rulebook_code=dossier.rulebook_code if dossier else product.rulebook_code,
        set_no=dossier.set_no if dossier else product.set_no, issued_on=issued_on,
        expires_on=Certificate.expiry_for(issued_on), product_name=product.name,
        product_code=product.code or "",
        product_set_name=set_name(dossier.rulebook_code if dossier else product.rulebook_code,
                                  dossier.set_no if dossier else product.set_no),
        producer_name=producer.name,
        producer_address=producer.full_address,
        search_text=fold(" ".join([product.name, producer.name, product.code or "",
                                   certificate_number(issuer, year, serial)])))
    db.session.add(certificate)
    db.session.flush()
    _supersede_older(certificate, actor=actor)
    audit.record(certificate, "issued", actor=actor, new=certificate.number)
    return certificate


def _supersede_older(certificate: Certificate, *, actor) -> None:
    """The product's earlier live certificates are superseded by this one
    (``rules.supersedes``)."""
    previous = [old for old in db.session.scalars(db.select(Certificate).filter_by(
        product_id=certificate.product_id).order_by(Certificate.id))
        if rules.supersedes(certificate, old)]
    for old in previous:
        old.superseded_by_id = certificate.id
        audit.record(old, "superseded", actor=actor, new=certificate.number)


def instrument_label(rulebook_code: str) -> str:
    """The instrument a rulebook code stands for, as cited (certificates/instruments.py)."""
    return instrument(rulebook_code).label


def set_name(rulebook_code: str, set_no: int) -> str:
    from ..rulebook import RulebookError

    try:
        return f"{set_no}. {get_rulebook(rulebook_code).sheet(set_no).name}"
    except RulebookError:
        return str(set_no)


def record_legacy_certificate(product, *, star: int, number: str, issued_on: date,
                              decision_number: str, rulebook_code: str, set_label: str,
                              signer_name: str, signer_title: str, level: AuthorityLevel,
                              actor, decided_on: date | None = None,
                              authority: str | None = None) -> Certificate:
    """Enter a certificate issued on paper before the system (its decision included), so
    the public registry is complete. Its number is kept as printed; the decision is dated
    ``decided_on`` (default: the issue date) and named by ``authority`` as printed (e.g. a
    former district's People's Committee; default: the authority of ``level``)."""
    from ..geo.models import Province

    producer = product.producer
    province_code = None if level == AuthorityLevel.ministry else producer.province_code
    _require(can_act_for(actor, level, province_code),
             _("Bạn không thể ghi nhận giấy chứng nhận của cơ quan này."))
    if find_by_number(number) is not None:
        raise CertificateError(_("Số giấy chứng nhận %(n)s đã có.", n=number),
                               code="number_taken")
    decision = db.session.scalar(db.select(Decision).filter_by(
        authority_level=level, province_code=province_code, number=decision_number))
    if decision is None:
        province = db.session.get(Province, province_code) if province_code else None
        decision = Decision(kind=DecisionKind.recognition, authority_level=level,
                            province_code=province_code,
                            authority_name=(authority or "").strip()
                            or authority_name(level, province),
                            number=decision_number, decided_on=decided_on or issued_on,
                            signer_name=signer_name, signer_title=signer_title,
                            status=DecisionStatus.issued, issued_at=utcnow(), is_legacy=True)
        db.session.add(decision)
        db.session.flush()
        audit.record(decision, "recorded", actor=actor, note="legacy")
    item = DecisionItem(product_id=product.id, star=star)
    decision.items.append(item)
    db.session.flush()
    issuer = issuer_key(ministry=level == AuthorityLevel.ministry, province_code=province_code)
    certificate = Certificate(
        number=number.strip(), issuer_key=issuer, year=issued_on.year,
        serial=None,  # paper numbers are kept as printed
        token=secrets.token_urlsafe(24), decision_id=decision.id, decision_item_id=item.id,
        product_id=product.id, producer_id=producer.id, evaluation_id=None,
        province_code=producer.province_code, commune_code=producer.commune_code, star=star,
        rulebook_code=rulebook_code, set_no=product.set_no, issued_on=issued_on,
        expires_on=Certificate.expiry_for(issued_on), product_name=product.name,
        product_code=product.code or "", product_set_name=set_label,
        producer_name=producer.name, producer_address=producer.full_address,
        search_text=fold(" ".join([product.name, producer.name, product.code or "", number])))
    db.session.add(certificate)
    db.session.flush()
    _supersede_older(certificate, actor=actor)
    audit.record(certificate, "recorded", actor=actor, new=certificate.number)
    return certificate


# -- revocation --------------------------------------------------------------------------------

def revoke(certificates: list[Certificate], *, ground: RevocationGround, number: str,
           decided_on: date, signer_name: str, signer_title: str, note: str = "",
           actor) -> Decision:
    """Revoke one or many certificates by one issued decision of the authority that
    recognised them, on one of the six legal grounds; the public page changes at once."""
    today = legal_today()
    refused = rules.revocation_batch_refusal([c.issuer_key for c in certificates],
                                             decided_on, today)
    if refused == "empty":
        raise CertificateError(_("Chưa chọn giấy chứng nhận nào."), code="empty")
    if refused == "mixed_issuers":
        raise CertificateError(_("Các giấy chứng nhận phải do cùng một cơ quan cấp."),
                               code="mixed_issuers")
    if refused == "decided_in_future":
        raise CertificateError(_("Ngày quyết định thu hồi không thể sau hôm nay (%(d)s): ngày "
                                 "của quyết định là ngày thu hồi có hiệu lực.",
                                 d=today.strftime("%d/%m/%Y")), code="decided_in_future")
    for certificate in certificates:
        _require(certificate.can_manage(actor),
                 _("Giấy chứng nhận %(n)s không thuộc thẩm quyền của bạn.", n=certificate.number))
        _check_revocable(certificate, decided_on or today)
    first = certificates[0]
    level = AuthorityLevel.ministry if rules.is_ministry_issuer(first.issuer_key) \
        else AuthorityLevel.province
    decision = create_decision(kind=DecisionKind.revocation, level=level,
                               province_code=None if level == AuthorityLevel.ministry
                               else first.province_code, number=number, decided_on=decided_on,
                               signer_name=signer_name, signer_title=signer_title,
                               ground=ground, note=note, actor=actor)
    for certificate in certificates:
        decision.items.append(DecisionItem(product_id=certificate.product_id,
                                           certificate_id=certificate.id, star=None))
    db.session.flush()
    issue_decision(decision, actor=actor)
    return decision


def _check_revocable(certificate: Certificate, decided_on: date) -> None:
    """Only a certificate in force can be revoked (``rules.revocation_refusal``)."""
    refused = rules.revocation_refusal(certificate, decided_on)
    if refused == "already_revoked":
        raise CertificateError(_("Giấy chứng nhận %(n)s đã bị thu hồi.", n=certificate.number),
                               code="already_revoked")
    if refused == "superseded":
        raise CertificateError(_("Giấy chứng nhận %(n)s đã được thay thế bằng giấy chứng nhận "
                                 "mới, không thu hồi được.", n=certificate.number),
                               code="superseded")
    if refused == "decided_before_issue":
        raise CertificateError(_("Ngày quyết định thu hồi trước ngày cấp giấy chứng nhận %(n)s "
                                 "(%(d)s).", n=certificate.number,
                                 d=certificate.issued_on.strftime("%d/%m/%Y")),
                               code="decided_before_issue")
    if refused == "expired":
        raise CertificateError(_("Giấy chứng nhận %(n)s đã hết hiệu lực từ ngày %(d)s: giấy "
                                 "chứng nhận hết hiệu lực không thu hồi được, được ghi nhận là "
                                 "hết hiệu lực.", n=certificate.number,
                                 d=certificate.valid_until().strftime("%d/%m/%Y")),
                               code="expired")


def revocable(certificate: Certificate, today: date | None = None) -> bool:
    """Whether the certificate may still be revoked (in force: not expired, revoked or
    superseded)."""
    today = today or legal_today()
    try:
        _check_revocable(certificate, today)
    except CertificateError:
        return False
    return True


def _apply_revocation(decision: Decision, certificate: Certificate, *, actor) -> None:
    certificate.revoked_at = utcnow()
    certificate.revocation_decision_id = decision.id
    audit.record(certificate, "revoked", actor=actor, new=decision.ground,
                 note=decision.number)


# -- reading ---------------------------------------------------------------------------------

def _clean(text: str | None) -> str:
    """Public input: no NUL or control characters (PostgreSQL refuses NUL in text)."""
    return "".join(ch for ch in (text or "") if ch >= " " or ch == "\t").strip()


def find_by_number(number: str) -> Certificate | None:
    return db.session.scalar(db.select(Certificate).filter_by(number=_clean(number)))


def managed_by_number(number: str, user) -> Certificate | None:
    """The certificate of ``number`` if ``user``'s office manages it, else None: the same
    answer for "no such number" and "not yours", so other provinces' numbers are not
    disclosed by the forms that take a number (inspections, checks in trade)."""
    certificate = find_by_number(number)
    return certificate if certificate is not None and certificate.can_manage(user) else None


def find_by_token(token: str) -> Certificate | None:
    return db.session.scalar(db.select(Certificate).filter_by(token=_clean(token)))


def verify_url(certificate: Certificate) -> str:
    """The public page a certificate's QR code opens: on ``PUBLIC_BASE_URL`` when set, else on
    the address this request was served on (not in production, where a forged Host header
    must not reach a printed QR code); a bare path when neither is known (CLI)."""
    config = current_app.config
    base = site_base_url(trust_request=not is_production(config)
                         or bool(config.get("TRUSTED_HOSTS"))) or "/"
    return f"{base}verify/{certificate.token}"


def require_public_address() -> None:
    """A production installation issues no certificate before its public address is set."""
    config = current_app.config
    if is_production(config) and not config.get("PUBLIC_BASE_URL"):
        raise CertificateError(_(
            "Chưa cấu hình địa chỉ công khai của hệ thống (OCOP_PUBLIC_BASE_URL): mã QR trên "
            "giấy chứng nhận sẽ không dẫn tới trang kiểm tra. Không cấp giấy chứng nhận nào; "
            "hãy báo quản trị hệ thống cấu hình địa chỉ rồi ban hành lại."),
            code="no_public_url")


@dataclass
class RegistryQuery:
    q: str = ""
    province: str = ""
    commune: str = ""
    set_no: int | None = None
    star: int | None = None
    status: str = ""
    page: int = 1
    per_page: int = 25


def status_condition(status: str, today: date):
    """The SQL condition for a derived status (``Certificate.status_on``), or None for an
    unknown one; "in_force" is valid, expiring or extended."""
    from datetime import timedelta

    from sqlalchemy import and_, or_

    from .models import EXPIRING_DAYS

    live = and_(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None))
    soon = today + timedelta(days=EXPIRING_DAYS)
    conditions = {
        "valid": lambda: and_(live, Certificate.expires_on > soon),
        "expiring": lambda: and_(live, Certificate.expires_on >= today,
                                 Certificate.expires_on <= soon),
        "extended": lambda: and_(live, Certificate.expires_on < today,
                                 Certificate.extended_until >= today),
        "expired": lambda: and_(live, Certificate.expires_on < today,
                                or_(Certificate.extended_until.is_(None),
                                    Certificate.extended_until < today)),
        "revoked": lambda: Certificate.revoked_at.is_not(None),
        "superseded": lambda: and_(Certificate.revoked_at.is_(None),
                                   Certificate.superseded_by_id.is_not(None)),
        "in_force": lambda: and_(live, or_(Certificate.expires_on >= today,
                                           Certificate.extended_until >= today)),
    }
    return conditions[status]() if status in conditions else None


def registry(query: RegistryQuery, *, today: date | None = None):
    """The public registry: every issued certificate, filtered. Accent-insensitive search on
    product, producer and code, whole-word matches first. Status is derived, so it is
    filtered by date conditions."""
    from ..search import ranked_page

    today = today or legal_today()
    stmt = db.select(Certificate)
    if query.province:
        stmt = stmt.where(Certificate.province_code == query.province)
    if query.commune:
        stmt = stmt.where(Certificate.commune_code == query.commune)
    if query.set_no:
        stmt = stmt.where(Certificate.set_no == query.set_no)
    if query.star:
        stmt = stmt.where(Certificate.star == query.star)
    condition = status_condition(query.status, today)
    if condition is not None:
        stmt = stmt.where(condition)
    return ranked_page(stmt, Certificate.search_text, query.q,
                       order=[Certificate.issued_on.desc(), Certificate.id.desc()],
                       page=min(max(1, query.page), 100_000), per_page=query.per_page)


def star_history(product) -> list[dict]:
    """Everything that happened to a product's star over time: evaluations and their
    results, decisions, certificates (issued, superseded, revoked)."""
    from ..councils.models import Evaluation
    from ..dossiers.models import Dossier

    events = []
    dossiers = db.session.scalars(db.select(Dossier).filter_by(product_id=product.id)).all()
    for dossier in dossiers:
        events.append({"on": legal_date(dossier.submitted_at or dossier.created_at),
                       "kind": "dossier", "dossier": dossier})
    evaluations = db.session.scalars(db.select(Evaluation).where(
        Evaluation.dossier_id.in_([d.id for d in dossiers]))).all() if dossiers else []
    for evaluation in evaluations:
        if evaluation.concluded_at:
            events.append({"on": legal_date(evaluation.concluded_at), "kind": "evaluation",
                           "evaluation": evaluation})
    for certificate in db.session.scalars(db.select(Certificate).filter_by(
            product_id=product.id)).all():
        events.append({"on": certificate.issued_on, "kind": "certificate",
                       "certificate": certificate})
        if certificate.revoked_at:
            events.append({"on": certificate.revoked_on, "kind": "revoked",
                           "certificate": certificate})
    order = {"dossier": 0, "evaluation": 1, "certificate": 2, "revoked": 3}
    return sorted(events, key=lambda e: (e["on"], order[e["kind"]]))


def certificate_data(certificate: Certificate):
    """The PDF renderer's view of a certificate."""
    from .pdf import CertificateData

    decision = certificate.decision
    place = decision.province.name if decision.province else "Hà Nội"
    return CertificateData(
        certificate_number=certificate.number, issued_on=certificate.issued_on,
        expires_on=certificate.expires_on, decision_number=decision.number,
        decision_date=decision.decided_on, authority_name=decision.authority_name.upper(),
        place_name=place, product_name=certificate.product_name,
        product_code=certificate.product_code,
        product_set_name=certificate.product_set_name,
        producer_name=certificate.producer_name, producer_address=certificate.producer_address,
        star=certificate.star, rulebook_code=certificate.rulebook_code,
        rulebook_label=instrument_label(certificate.rulebook_code), signer_name=decision.signer_name,
        signer_title=decision.signer_title, verify_url=verify_url(certificate),
        status_note="ĐÃ THU HỒI" if certificate.revoked_at else None)


def render_pdf(certificate: Certificate) -> bytes:
    from .pdf import render_certificate

    return render_certificate(certificate_data(certificate))


def decision_zip(decision: Decision) -> bytes:
    from .pdf import zip_certificates

    certificates = db.session.scalars(db.select(Certificate).filter_by(
        decision_id=decision.id).order_by(Certificate.serial)).all()
    return zip_certificates([certificate_data(c) for c in certificates])


def _notify_decision(decision: Decision, certificates: list[Certificate], actor) -> None:
    from ..notifications.services import notify

    if decision.kind == DecisionKind.recognition:
        for certificate in certificates:
            users = db.session.scalars(db.select(User).filter_by(
                producer_id=certificate.producer_id)).all()
            notify(users, kind="certificate", subject=_l(
                "Sản phẩm %(p)s được công nhận %(s)d sao", p=certificate.product_name,
                s=certificate.star), body=_l("Giấy chứng nhận số %(n)s, hiệu lực đến %(d)s.",
                                            n=certificate.number,
                                            d=certificate.expires_on.strftime("%d/%m/%Y")),
                link="/certificates/mine", actor=actor)
    else:
        for item in decision.items:
            certificate = item.certificate
            users = db.session.scalars(db.select(User).filter_by(
                producer_id=certificate.producer_id)).all()
            ground = decision.ground
            notify(users, kind="certificate", subject=_l(
                "Giấy chứng nhận OCOP số %(n)s bị thu hồi", n=certificate.number),
                body=_l("Quyết định %(d)s: %(g)s", d=decision.number,
                        g=later(lambda: ground.label)),
                link="/certificates/mine", actor=actor)


def status_counts(rows) -> dict[CertificateStatus, int]:
    counts: dict[CertificateStatus, int] = {}
    for certificate in rows:
        counts[certificate.status] = counts.get(certificate.status, 0) + 1
    return counts
