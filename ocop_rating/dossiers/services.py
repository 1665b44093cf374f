"""The dossier (hồ sơ) from the producer's draft to the province's acceptance.

Every change goes through here: services check permission and the workflow, audit, flush;
the view commits once. Notifications are queued in the same transaction and e-mailed after
the commit by the notifications feature.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit
from ..accounts.models import User
from ..accounts.roles import Role
from ..db import db, utcnow
from ..errors import NotAllowed, OcopError
from ..i18n import later
from ..legaltime import legal_date, legal_today
from ..producers.models import ProducerStatus
from ..products.models import Product
from ..products.services import assign_code, current_rulebook_code
from ..rulebook import RulebookError, SheetResult, get_rulebook, score_sheet
from ..workdays import add_working_days
from .checklist import FORM01_DOCUMENTS, LOCAL_ITEMS, checklist_for
from .models import CommuneCheck, Dossier, DossierKind, Evidence, SelfAssessmentClaim
from .states import DossierStatus, transition

COMMUNE_WORKING_DAYS = 15  # Decision 26/2026: the commune answers within 15 working days
SAMPLES_REQUIRED = 5       # five product samples, none for tourism services (set 26)
# Items the system fills from the entity's facts instead of the producer's claim.
DERIVED_ITEMS = {"3.2"}


class DossierError(OcopError):
    pass


@dataclass
class SubmitProblem:
    code: str | None  # the sheet item it concerns, or None for the dossier as a whole
    message: str


# -- creation and Form 01 --------------------------------------------------------------------

def create_dossier(product: Product, *, kind: DossierKind, actor) -> Dossier:
    """Open a draft dossier for ``product`` on the sheet of the rulebook in force today."""
    producer = product.producer
    if not producer.is_member(actor):
        raise NotAllowed(_("Chỉ chủ thể mới lập được hồ sơ cho sản phẩm của mình."))
    if producer.status != ProducerStatus.approved:
        raise DossierError(_("Chủ thể chưa được phê duyệt."), code="producer_not_approved")
    open_ = db.session.scalar(
        db.select(Dossier).filter_by(product_id=product.id)
        .where(Dossier.status != DossierStatus.evaluated))
    if open_ is not None:
        raise DossierError(_("Sản phẩm này đã có một hồ sơ đang xử lý (#%(id)s).", id=open_.id),
                           code="dossier_open")
    certificate = check_kind(product, kind)
    dossier = Dossier(product_id=product.id, producer_id=producer.id,
                      province_code=producer.province_code, commune_code=producer.commune_code,
                      kind=kind, status=DossierStatus.draft,
                      rulebook_code=current_rulebook_code(), set_no=product.set_no,
                      production_address=producer.full_address)
    db.session.add(dossier)
    db.session.flush()
    if kind in (DossierKind.reevaluation, DossierKind.upgrade):
        _prefill_from_last_evaluation(dossier)
        dossier.previous_certificate_id = certificate.id
    _apply_derived_claims(dossier)
    audit.record(dossier, "created", actor=actor, new=DossierStatus.draft)
    return dossier


# -- which kind of dossier applies (Decision 26/2026; DOMAIN.md §6) --------------------------

@dataclass
class KindOption:
    """One kind of dossier for "Lập hồ sơ mới": offered, or not, with the reason why."""

    kind: DossierKind
    reason: str = ""

    @property
    def offered(self) -> bool:
        return not self.reason


def current_certificate(product: Product):
    """The product's latest certificate neither revoked nor superseded (it may have
    expired), or None."""
    from ..certificates.models import Certificate

    return db.session.scalars(
        db.select(Certificate).filter_by(product_id=product.id, revoked_at=None,
                                         superseded_by_id=None)
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())).first()


def _kind_problem(kind: DossierKind, certificate, today: date) -> str:
    """Why ``kind`` does not apply to a product whose current certificate is
    ``certificate``; empty when it applies."""
    from ..certificates import windows
    from ..certificates.models import CertificateStatus

    status = certificate.status_on(today) if certificate is not None else None
    in_force = status in (CertificateStatus.valid, CertificateStatus.expiring,
                          CertificateStatus.extended)
    fmt = "%d/%m/%Y"
    if kind == DossierKind.first:
        if in_force:
            return _("Sản phẩm đang có giấy chứng nhận OCOP số %(n)s (%(s)d sao), hiệu lực đến "
                     "%(d)s: không đánh giá lần đầu được nữa; hãy chọn nâng hạng hoặc đánh "
                     "giá lại.", n=certificate.number, s=certificate.star,
                     d=certificate.valid_until().strftime(fmt))
        return ""
    if kind == DossierKind.upgrade:
        if not in_force:
            return _("Nâng hạng chỉ dành cho sản phẩm đang có giấy chứng nhận OCOP còn hiệu "
                     "lực ở hạng sao thấp hơn; sản phẩm này chưa có (hoặc không còn) giấy "
                     "chứng nhận còn hiệu lực. Hãy chọn đánh giá, phân hạng lần đầu.")
        if certificate.star >= 5:
            return _("Sản phẩm đã đạt 5 sao, hạng cao nhất: không nâng hạng được.")
        return ""
    # A re-evaluation follows a certificate whose filing window has opened.
    if certificate is None:
        return _("Đánh giá lại chỉ dành cho sản phẩm đã có giấy chứng nhận OCOP (chưa bị thu "
                 "hồi); sản phẩm này chưa có. Hãy chọn đánh giá, phân hạng lần đầu.")
    standing = windows.filing_on(certificate, today)
    if standing == windows.Filing.early:
        return _("Chưa đến thời hạn nộp hồ sơ đánh giá lại: giấy chứng nhận số %(n)s hết hiệu "
                 "lực ngày %(d)s; hồ sơ đánh giá lại nộp từ ngày %(w)s (%(days)d ngày trước "
                 "khi hết hiệu lực).", n=certificate.number,
                 d=certificate.expires_on.strftime(fmt),
                 w=windows.window_opens_on(certificate).strftime(fmt),
                 days=windows.window_days())
    if standing != windows.Filing.in_window and windows.late_filing_refused():
        return _("Đã quá thời hạn nộp hồ sơ đánh giá lại cho giấy chứng nhận số %(n)s (đến "
                 "ngày %(c)s, %(days)d ngày trước khi hết hiệu lực ngày %(d)s). Khi giấy "
                 "chứng nhận hết hiệu lực, hãy chọn đánh giá, phân hạng lần đầu.",
                 n=certificate.number, c=windows.window_closes_on(certificate).strftime(fmt),
                 days=windows.late_days(), d=certificate.expires_on.strftime(fmt))
    return ""


def kind_options(product: Product, today: date | None = None) -> list[KindOption]:
    """Every kind of dossier, each offered or not with a plain reason, for the product as
    it stands today."""
    today = today or legal_today()
    certificate = current_certificate(product)
    return [KindOption(kind, _kind_problem(kind, certificate, today)) for kind in DossierKind]


def check_kind(product: Product, kind: DossierKind, today: date | None = None):
    """Refuse a kind that does not apply (an upgrade without a live certificate at a lower
    star, a re-evaluation before its window opens ...); return the certificate an upgrade
    or a re-evaluation follows (None for a first evaluation)."""
    today = today or legal_today()
    certificate = current_certificate(product)
    problem = _kind_problem(kind, certificate, today)
    if problem:
        raise DossierError(problem, code="kind_not_applicable")
    return None if kind == DossierKind.first else certificate


def is_late_reevaluation(dossier: Dossier) -> bool:
    """A re-evaluation dossier filed after the 120-day mark: accepted, flagged late."""
    from ..certificates import windows
    from ..certificates.models import Certificate

    if dossier.kind != DossierKind.reevaluation or dossier.submitted_at is None \
            or dossier.previous_certificate_id is None:
        return False
    certificate = db.session.get(Certificate, dossier.previous_certificate_id)
    return windows.filing_on(certificate, legal_date(dossier.submitted_at)) != \
        windows.Filing.in_window

def _prefill_from_last_evaluation(dossier: Dossier) -> None:
    """A re-evaluation or upgrade starts from the last evaluated dossier of the product: its
    Form 01 answers, self-assessment and evidence are kept unless the producer replaces them
    (claims of items the current sheet no longer has are dropped)."""
    previous = db.session.scalars(
        db.select(Dossier).filter_by(product_id=dossier.product_id,
                                     status=DossierStatus.evaluated)
        .where(Dossier.id != dossier.id).order_by(Dossier.id.desc())).first()
    if previous is None:
        return
    for field in ("production_address", "annual_capacity", "main_markets", "product_story"):
        setattr(dossier, field, getattr(previous, field))
    codes = {item.code for item in sheet_of(dossier).items}
    for claim in previous.claims:
        if claim.item_code in codes and claim.item_code not in DERIVED_ITEMS:
            dossier.claims.append(SelfAssessmentClaim(
                item_code=claim.item_code, option_index=claim.option_index,
                case_key=claim.case_key, note=claim.note))
    for evidence in previous.evidence:
        if evidence.item_code is None or evidence.item_code in codes:
            dossier.evidence.append(Evidence(item_code=evidence.item_code,
                                             document=evidence.document,
                                             file_id=evidence.file_id, label=evidence.label))
    db.session.flush()


def update_changes(dossier: Dossier, *, text: str, actor) -> None:
    """What changed since recognition (re-evaluation, DOMAIN.md §6)."""
    _check_editable(dossier, actor)
    dossier.changes_since_recognition = (text or "").strip()
    audit.record(dossier, "changes_updated", actor=actor)
    db.session.flush()


def _check_editable(dossier: Dossier, actor) -> None:
    if not dossier.can_edit(actor):
        if dossier.is_owner(actor):
            raise DossierError(_("Hồ sơ đã nộp, không sửa được cho đến khi được trả lại."),
                               code="not_editable")
        raise NotAllowed(_("Bạn không thể sửa hồ sơ này."))


def update_registration(dossier: Dossier, *, actor, production_address: str,
                        annual_capacity: str, main_markets: str, product_story: str,
                        samples_count: int, samples_handed_on: date | None,
                        samples_received_by: str) -> None:
    """Form 01 fields and the samples record."""
    _check_editable(dossier, actor)
    if samples_count < 0 or samples_count > 50:
        raise DossierError(_("Số mẫu không hợp lệ."), code="samples_count")
    values = dict(production_address=production_address.strip(),
                  annual_capacity=annual_capacity.strip(), main_markets=main_markets.strip(),
                  product_story=product_story.strip(), samples_count=samples_count,
                  samples_handed_on=samples_handed_on,
                  samples_received_by=samples_received_by.strip())
    changed = sorted(k for k, v in values.items() if getattr(dossier, k) != v)
    for key, value in values.items():
        setattr(dossier, key, value)
    if changed:
        audit.record(dossier, "registration_updated", actor=actor, data={"fields": changed})
    db.session.flush()


# -- Form 02: the self-assessment --------------------------------------------------------------

def sheet_of(dossier: Dossier):
    return get_rulebook(dossier.rulebook_code).sheet(dossier.set_no)


def _apply_derived_claims(dossier: Dossier) -> None:
    """Criterion 3.2 follows from the representative's gender, ethnicity and disability."""
    sheet = sheet_of(dossier)
    claims = dossier.claims_by_code()
    for code in DERIVED_ITEMS:
        try:
            item = sheet.item(code)
        except RulebookError:
            continue
        if len(item.options) != 2:
            continue
        index = 1 if dossier.producer.qualifies_for_3_2 else 0
        claim = claims.get(code)
        if claim is None:
            dossier.claims.append(SelfAssessmentClaim(item_code=code, option_index=index))
        elif claim.option_index != index:
            claim.option_index = index
    db.session.flush()


def save_claims(dossier: Dossier, values: dict[str, tuple[int | None, str | None]], *,
                actor, notes: dict[str, str] | None = None) -> list[str]:
    """Save claimed options ``{item code: (option index or None, case key or None)}``.

    Every code and index is checked against the sheet before anything changes: one bad
    value rejects the whole save and nothing is half-written. Returns the codes changed.
    """
    _check_editable(dossier, actor)
    sheet = sheet_of(dossier)
    notes = notes or {}
    checked: dict[str, tuple[int | None, str | None]] = {}
    for code, (index, case) in values.items():
        if code in DERIVED_ITEMS:
            continue  # computed from the entity's facts, not claimable
        try:
            item = sheet.item(code)
            if item.is_case_choice:
                if index is not None and case is None:
                    raise DossierError(_("Mục %(c)s: vui lòng chọn trường hợp áp dụng trước.",
                                         c=code), code="case_required")
                options = item.options_for(case) if case else ()
            else:
                case = None
                options = item.options
        except RulebookError:
            raise DossierError(_("Mục %(c)s không có trong phiếu đánh giá.", c=code),
                               code="unknown_item") from None
        if index is not None and not (0 <= index < len(options)):
            raise DossierError(_("Mục %(c)s: lựa chọn không hợp lệ.", c=code),
                               code="invalid_option")
        checked[code] = (index, case)

    claims = dossier.claims_by_code()
    changed = []
    for code, (index, case) in checked.items():
        claim = claims.get(code)
        note = notes.get(code)
        if claim is None:
            if index is None and case is None and not note:
                continue
            claim = SelfAssessmentClaim(item_code=code)
            dossier.claims.append(claim)
        if (claim.option_index, claim.case_key) != (index, case) or (
                note is not None and note != claim.note):
            claim.option_index, claim.case_key = index, case
            if note is not None:
                claim.note = note.strip()
            changed.append(code)
    if changed:
        audit.record(dossier, "self_assessment_saved", actor=actor, data={"items": changed})
    db.session.flush()
    return changed


def projection(dossier: Dossier) -> SheetResult:
    """Score the producer's claims as they stand: part totals, total, projected star and the
    minimums that hold it back (a partial sheet is allowed)."""
    sheet = sheet_of(dossier)
    choices, cases = {}, {}
    for claim in dossier.claims:
        if claim.case_key:
            cases[claim.item_code] = claim.case_key
        if claim.option_index is not None:
            choices[claim.item_code] = claim.option_index
    cases = {c: k for c, k in cases.items() if c in choices}
    return score_sheet(sheet, choices, cases=cases)


def form01_documents(dossier: Dossier):
    """The papers of the Form 03 checklist the producer files with Form 01 (the business
    registration; the food-safety certificate for the sets that need one)."""
    return [item for item in checklist_for(dossier.set_no) if item.code in FORM01_DOCUMENTS]


def _check_evidence_place(dossier: Dossier, item_code: str | None, document: str | None) -> None:
    if item_code and document:
        raise DossierError(_("Một tệp thuộc một mục hoặc một giấy tờ, không cả hai."),
                           code="invalid_place")
    if item_code:
        try:
            sheet_of(dossier).item(item_code)
        except RulebookError:
            raise DossierError(_("Mục %(c)s không có trong phiếu đánh giá.", c=item_code),
                               code="unknown_item") from None
    if document and document not in {item.code for item in form01_documents(dossier)}:
        raise DossierError(_("Giấy tờ này không thuộc hồ sơ của bộ sản phẩm này."),
                           code="unknown_document")


def add_evidence(dossier: Dossier, file_storage, *, item_code: str | None, label: str,
                 actor, document: str | None = None) -> Evidence:
    """Attach an evidence file to one item of the sheet, to one Form 01 paper
    (``document``), or to the dossier as a whole."""
    from ..files.services import store_upload

    _check_editable(dossier, actor)
    _check_evidence_place(dossier, item_code, document)
    stored = store_upload(file_storage, actor=actor)
    evidence = Evidence(item_code=item_code or None, document=document or None,
                        file_id=stored.id,
                        label=(label or stored.original_name or "").strip()[:255])
    dossier.evidence.append(evidence)
    db.session.flush()
    audit.record(dossier, "evidence_added", actor=actor,
                 data={"item": item_code, "document": document, "file": stored.id,
                       "name": stored.original_name})
    return evidence


@dataclass(frozen=True)
class BatchResult:
    added: list[Evidence]
    rejected: list  # files.services.UploadRejected, in the order the files came


def add_evidence_batch(dossier: Dossier, file_storages, *, item_code: str | None, label: str,
                       actor, document: str | None = None) -> BatchResult:
    """Several files for one criterion (or one Form 01 paper) in one go. Each file is
    checked on its own: a refused file (wrong type, too large, empty) is reported with its
    reason and the good ones are kept (docs/decisions.md, "Evidence in batches"). A refusal
    that concerns the whole batch (the dossier is not editable, the criterion does not exist)
    raises before any file is stored. ``label`` names the file only when there is one."""
    from ..files.services import UploadRejected

    _check_editable(dossier, actor)
    _check_evidence_place(dossier, item_code, document)
    # An <input type=file multiple> left empty still sends one part with no name.
    file_storages = [f for f in file_storages if f is not None and getattr(f, "filename", "")]
    if not file_storages:
        raise UploadRejected(_("Chưa chọn tệp nào."), code="empty")
    added, rejected = [], []
    for storage in file_storages:
        try:
            added.append(add_evidence(dossier, storage, item_code=item_code, document=document,
                                      label=label if len(file_storages) == 1 else "",
                                      actor=actor))
        except UploadRejected as e:
            rejected.append(e)
    return BatchResult(added=added, rejected=rejected)


def remove_evidence(evidence: Evidence, *, actor) -> None:
    dossier = evidence.dossier
    _check_editable(dossier, actor)
    audit.record(dossier, "evidence_removed", actor=actor,
                 data={"item": evidence.item_code, "file": evidence.file_id})
    dossier.evidence.remove(evidence)
    db.session.flush()


# -- submission ------------------------------------------------------------------------------------

def submission_problems(dossier: Dossier) -> list[SubmitProblem]:
    """Everything that stops the dossier from being submitted, each with its own message."""
    problems: list[SubmitProblem] = []
    if not dossier.production_address.strip():
        problems.append(SubmitProblem(None, _("Phiếu đăng ký: thiếu địa chỉ sản xuất.")))
    if not dossier.annual_capacity.strip():
        problems.append(SubmitProblem(None, _("Phiếu đăng ký: thiếu năng lực sản xuất/quy mô.")))
    if dossier.kind == DossierKind.reevaluation and not dossier.changes_since_recognition.strip():
        problems.append(SubmitProblem(None, _("Đánh giá lại: vui lòng nêu những thay đổi của "
                                              "sản phẩm và chủ thể kể từ khi được công nhận.")))
    if not dossier.is_tourism and dossier.samples_count < SAMPLES_REQUIRED:
        problems.append(SubmitProblem(None, _("Chưa ghi nhận đủ %(n)d mẫu sản phẩm đã giao cho "
                                              "xã.", n=SAMPLES_REQUIRED)))
    result = projection(dossier)
    for code in result.missing:
        problems.append(SubmitProblem(code, _("Mục %(c)s: chưa tự đánh giá.", c=code)))
    evidence = dossier.evidence_by_code()
    for choice in result.choices:
        if choice.code in DERIVED_ITEMS or choice.points <= 0:
            continue
        if not evidence.get(choice.code):
            problems.append(SubmitProblem(choice.code, _(
                "Mục %(c)s: cần ít nhất một tệp minh chứng cho mức điểm đã chọn.", c=choice.code)))
    return problems


def submit(dossier: Dossier, *, actor, today: date | None = None) -> None:
    """The producer files the dossier with the commune (or, after a province's request for
    supplement, back with the province)."""
    if not dossier.is_owner(actor):
        raise NotAllowed(_("Chỉ chủ thể mới nộp được hồ sơ của mình."))
    _apply_derived_claims(dossier)
    problems = submission_problems(dossier)
    if problems:
        raise DossierError(_("Hồ sơ chưa đủ để nộp: %(n)d mục cần bổ sung.", n=len(problems)),
                           code="incomplete")
    today = today or legal_today()
    if dossier.status != DossierStatus.returned_by_province:
        check_kind(dossier.product, dossier.kind, today)  # filing with the commune
    if dossier.status == DossierStatus.returned_by_province:
        transition(dossier, DossierStatus.forwarded, actor=actor, note=_("Bổ sung theo yêu cầu"))
        _notify_province(dossier, _l("Hồ sơ đã được bổ sung"), actor=actor)
    else:
        transition(dossier, DossierStatus.submitted, actor=actor)
        assign_code(dossier.product, commune_code=dossier.commune_code,
                    province_code=dossier.province_code, on=today, actor=actor)
        dossier.commune_deadline = add_working_days(
            today, COMMUNE_WORKING_DAYS, current_app.config.get("EXTRA_HOLIDAYS", ()))
        dossier.return_reason = ""
        _notify_commune(dossier, actor=actor)
    db.session.flush()


# -- the commune: Form 03 -------------------------------------------------------------------

def _check_commune(dossier: Dossier, actor) -> None:
    if not dossier.can_check_at_commune(actor):
        raise NotAllowed(_("Bạn không thể kiểm tra hồ sơ này."))


def save_commune_check(dossier: Dossier, *, actor, checklist: dict[str, bool],
                       assessments: dict[str, str], proposal: str) -> CommuneCheck:
    """Save Form 03 as it stands (it may be saved several times before deciding)."""
    _check_commune(dossier, actor)
    allowed = {item.code for item in checklist_for(dossier.set_no)}
    unknown = set(checklist) - allowed
    if unknown:
        raise DossierError(_("Mục kiểm tra không hợp lệ."), code="unknown_checklist")
    check = dossier.commune_check or CommuneCheck()
    check.checklist = {code: bool(checklist.get(code)) for code in sorted(allowed)}
    for field, _label in LOCAL_ITEMS:
        setattr(check, field, (assessments.get(field) or "").strip())
    check.proposal = (proposal or "").strip()
    check.officer_id = actor.id
    check.checked_at = utcnow()
    dossier.commune_check = check
    audit.record(dossier, "commune_check_saved", actor=actor)
    db.session.flush()
    return check


def forward_to_province(dossier: Dossier, *, actor) -> None:
    _check_commune(dossier, actor)
    check = dossier.commune_check
    if check is None:
        raise DossierError(_("Vui lòng lập phiếu kiểm tra (Mẫu 03) trước."), code="no_check")
    missing = [i for i in checklist_for(dossier.set_no) if not check.checklist.get(i.code)]
    if missing:
        raise DossierError(_("Hồ sơ chưa đầy đủ: %(items)s. Hãy trả lại để chủ thể bổ sung.",
                             items="; ".join(str(i.label) for i in missing)),
                           code="checklist_incomplete")
    empty = [str(label) for field, label in LOCAL_ITEMS if not getattr(check, field)]
    if empty or not check.proposal:
        raise DossierError(_("Vui lòng đánh giá đủ bốn nội dung và ghi đề xuất."),
                           code="assessment_incomplete")
    transition(dossier, DossierStatus.forwarded, actor=actor)
    _notify_owner(dossier, _l("Hồ sơ đã được xã chuyển lên tỉnh"), actor=actor)
    _notify_province(dossier, _l("Hồ sơ mới từ cấp xã"), actor=actor)


def return_from_commune(dossier: Dossier, *, reason: str, actor) -> None:
    _check_commune(dossier, actor)
    _return(dossier, DossierStatus.returned_by_commune, reason, actor)


# -- the province: intake -------------------------------------------------------------------

def _check_province(dossier: Dossier, actor) -> None:
    if not dossier.can_intake_at_province(actor):
        raise NotAllowed(_("Bạn không thể tiếp nhận hồ sơ này."))


def accept_at_province(dossier: Dossier, *, actor) -> None:
    _check_province(dossier, actor)
    transition(dossier, DossierStatus.accepted, actor=actor)
    _notify_owner(dossier, _l("Hồ sơ đã được tỉnh tiếp nhận"), actor=actor)


def return_from_province(dossier: Dossier, *, reason: str, actor) -> None:
    _check_province(dossier, actor)
    _return(dossier, DossierStatus.returned_by_province, reason, actor)


def _return(dossier: Dossier, to: DossierStatus, reason: str, actor) -> None:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise DossierError(_("Vui lòng ghi rõ lý do trả lại để chủ thể biết cần bổ sung gì."),
                           code="reason_required")
    transition(dossier, to, actor=actor, note=reason)
    dossier.return_reason = reason
    _notify_owner(dossier, _l("Hồ sơ bị trả lại: %(r)s", r=reason), actor=actor)


# -- notifications ------------------------------------------------------------------------------

def _link(dossier: Dossier) -> str:
    return f"/dossiers/{dossier.id}"


def _notify(users, dossier: Dossier, subject, actor) -> None:
    """``subject`` a lazy message: each addressee reads it in their own language."""
    from ..notifications.services import notify

    status = dossier.status
    body = _l("Hồ sơ #%(id)s — %(product)s (%(producer)s): %(status)s",
              id=dossier.id, product=dossier.product.name, producer=dossier.producer.name,
              status=later(lambda: status.label))
    notify([u for u in users if u.id != getattr(actor, "id", None)], kind="dossier_status",
           subject=subject, body=body, link=_link(dossier), actor=actor)


def _notify_owner(dossier: Dossier, subject, *, actor) -> None:
    users = db.session.scalars(db.select(User).filter_by(producer_id=dossier.producer_id))
    _notify(list(users), dossier, subject, actor)


def _notify_commune(dossier: Dossier, *, actor) -> None:
    users = db.session.scalars(db.select(User).filter_by(
        role=Role.commune, commune_code=dossier.commune_code, is_active_account=True))
    _notify(list(users), dossier, _l("Hồ sơ OCOP mới cần kiểm tra"), actor)


def _notify_province(dossier: Dossier, subject, *, actor) -> None:
    users = db.session.scalars(db.select(User).filter_by(
        role=Role.province, province_code=dossier.province_code, is_active_account=True))
    _notify(list(users), dossier, subject, actor)


# -- queries ----------------------------------------------------------------------------------

def dossiers_query(user, *, status: DossierStatus | None = None,
                   commune_code: str | None = None, province_code: str | None = None):
    """The dossiers ``user`` may see (role and jurisdiction), as a query to page through;
    None when the role sees none."""
    stmt = db.select(Dossier)
    if user.role == Role.producer:
        stmt = stmt.filter_by(producer_id=user.producer_id)
    elif user.role == Role.commune:
        stmt = stmt.filter_by(commune_code=user.commune_code).where(
            Dossier.status != DossierStatus.draft)
    elif user.role == Role.province:
        stmt = stmt.filter_by(province_code=user.province_code).where(
            Dossier.status != DossierStatus.draft)
    elif user.role in (Role.admin, Role.ministry):
        stmt = stmt.where(Dossier.status != DossierStatus.draft)
    else:
        return None
    if status is not None:
        stmt = stmt.filter_by(status=status)
    if province_code:
        stmt = stmt.filter_by(province_code=province_code)
    if commune_code:
        stmt = stmt.filter_by(commune_code=commune_code)
    return stmt


def visible_dossiers(user, *, status: DossierStatus | None = None,
                     commune_code: str | None = None) -> list[Dossier]:
    """The dossiers ``user`` may see, newest first."""
    stmt = dossiers_query(user, status=status, commune_code=commune_code)
    return [] if stmt is None else list(db.session.scalars(stmt.order_by(Dossier.id.desc())))


def commune_counts(user, *, status: DossierStatus | None = None,
                   province_code: str | None = None) -> list[tuple[str, str, int]]:
    """(commune code, name, number of dossiers) of what ``user`` sees, for the filter (in
    ``province_code`` only, when given)."""
    return _unit_counts(user, "commune", status=status, province_code=province_code)


def province_counts(user, *, status: DossierStatus | None = None) -> list[tuple[str, str, int]]:
    """(province code, name, number of dossiers) of what ``user`` sees: the national roles'
    first filter (a list of every commune of the nation would outweigh the page)."""
    return _unit_counts(user, "province", status=status)


def _unit_counts(user, level: str, *, status, province_code=None):
    from ..geo.models import Commune, Province
    from ..text import vn_sort_key

    stmt = dossiers_query(user, status=status, province_code=province_code)
    if stmt is None:
        return []
    unit, column = (Commune, Dossier.commune_code) if level == "commune" else \
        (Province, Dossier.province_code)
    # counted straight off the dossiers' index (a subquery of whole rows was materialised
    # first: 11 ms of the ministry's list at national scale), the names looked up after
    counts = dict(db.session.execute(
        stmt.with_only_columns(column, db.func.count()).group_by(column)).all())
    names = dict(db.session.execute(  # even for none: the same queries whatever the data
        db.select(unit.code, unit.name).where(unit.code.in_(list(counts)))).all())
    return sorted(((code, names[code], n) for code, n in counts.items() if code in names),
                  key=lambda r: vn_sort_key(r[1]))


def is_late_at_commune(dossier: Dossier, today: date | None = None) -> bool:
    return (dossier.status == DossierStatus.submitted and dossier.commune_deadline is not None
            and (today or legal_today()) > dossier.commune_deadline)
