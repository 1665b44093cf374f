"""API v1 for token holders: producers, products, dossiers, rounds, score sheets (read, and
write for the token's own member), sealed results, decisions.

Jurisdiction is exactly the HTML pages': lists use the same queries (``dossiers_query``, the
producers page's filter), single records the models' ``can_*`` methods; a record outside the
token owner's reach answers 404 (its existence is not revealed). Scopes only narrow."""
from __future__ import annotations

import re

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.roles import NATIONAL_ROLES, Role
from ..certificates.models import Decision, DecisionKind, DecisionStatus
from ..councils import services as councils
from ..councils.models import Council, CouncilMember, Evaluation, Round, RoundState
from ..db import begin_write, db
from ..dossiers.models import Dossier
from ..dossiers.services import dossiers_query
from ..dossiers.states import DossierStatus
from ..errors import OcopError
from ..paging import MAX_PER_PAGE
from ..evaluation import services as scoring
from ..evaluation.models import ScoreSheet, SealedResult
from ..evaluation.seal import sealed_for
from ..producers.models import Producer, ProducerStatus
from ..products.models import Product
from ..certificates.instruments import parts_summary
from . import bp
from .auth import require_scope

MAX_PAGE = 100_000
DEFAULT_PER_PAGE = 25
_PROVINCE = re.compile(r"^\d{2}$")
_COMMUNE = re.compile(r"^\d{5}$")


class BadParameter(OcopError):
    code = "bad_parameter"
    status = 400


class NotFound(OcopError):
    code = "not_found"
    status = 404


class Conflict(OcopError):
    code = "conflict"
    status = 409


# -- parameters ------------------------------------------------------------------------------

def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdecimal() or len(raw) > 9 or not low <= int(raw) <= high:
        raise BadParameter(_("%(p)s: phải là số nguyên từ %(a)d đến %(b)d.", p=name, a=low,
                             b=high))
    return int(raw)


def _pattern_arg(name: str, pattern: re.Pattern) -> str | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not pattern.match(raw):
        raise BadParameter(_("%(p)s: giá trị không hợp lệ.", p=name))
    return raw


def _choice_arg(name: str, choices) -> str | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw not in choices:
        raise BadParameter(_("%(p)s: phải là một trong %(c)s.", p=name, c=", ".join(choices)))
    return raw


def _page() -> tuple[int, int]:
    return (_int_arg("page", 1, 1, MAX_PAGE),
            _int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE))


def _paged(stmt, serialize, order_by):
    page, per_page = _page()
    total = db.session.scalar(db.select(db.func.count()).select_from(
        stmt.order_by(None).subquery())) or 0
    rows = db.session.scalars(stmt.order_by(*order_by).limit(per_page)
                              .offset((page - 1) * per_page)).all()
    return jsonify(items=[serialize(r) for r in rows], total=total, page=page,
                   per_page=per_page)


def _paged_list(rows: list, serialize):
    page, per_page = _page()
    start = (page - 1) * per_page
    return jsonify(items=[serialize(r) for r in rows[start:start + per_page]],
                   total=len(rows), page=page, per_page=per_page)


def _not_found():
    return NotFound(_("Không tìm thấy bản ghi, hoặc bạn không có quyền xem."))


def _iso(value):
    return value.isoformat() if value is not None else None


# -- serializers -----------------------------------------------------------------------------

def producer_json(p: Producer) -> dict:
    return {"id": p.id, "name": p.name, "kind": p.kind.value,
            "registration_number": p.registration_number, "province": p.province_code,
            "commune": p.commune_code, "address": p.address, "status": p.status.value,
            "representative": p.representative_name, "qualifies_for_3_2": p.qualifies_for_3_2}


def product_json(p: Product) -> dict:
    return {"id": p.id, "name": p.name, "code": p.code, "set": p.set_no,
            "rulebook": p.rulebook_code, "producer_id": p.producer_id,
            "province": p.producer.province_code, "commune": p.producer.commune_code}


def dossier_json(d: Dossier) -> dict:
    return {"id": d.id, "kind": d.kind.value, "status": d.status.value,
            "product_id": d.product_id, "producer_id": d.producer_id,
            "province": d.province_code, "commune": d.commune_code,
            "rulebook": d.rulebook_code, "set": d.set_no,
            "submitted_at": _iso(d.submitted_at), "accepted_at": _iso(d.accepted_at)}


def round_json(r: Round) -> dict:
    return {"id": r.id, "name": r.name, "year": r.year, "state": r.state.value,
            "council": {"id": r.council.id, "name": r.council.name,
                        "level": r.council.level.value, "province": r.council.province_code},
            "proposals_by": _iso(r.proposals_by), "finish_by": _iso(r.finish_by),
            "is_extra": r.is_extra,
            # only the evaluations the caller may open (a barred member's are left out)
            "evaluations": [e.id for e in councils.visible_evaluations(r.evaluations,
                                                                      current_user)]}


def sheet_json(s: ScoreSheet) -> dict:
    result = scoring.sheet_result(s)
    return {"id": s.id, "evaluation_id": s.evaluation_id, "status": s.status.value,
            "version": s.version, "rulebook": s.rulebook_code, "set": s.set_no,
            "editable": scoring.is_editable(s),
            "entries": {e.item_code: {"option": e.option_index, "case": e.case_key,
                                      "comment": e.comment} for e in s.entries},
            "overall_comment": s.overall_comment, "knockouts": list(s.knockouts or []),
            "total": str(result.total), "star": result.star, "missing": list(result.missing)}


def result_json(sealed: SealedResult) -> dict:
    evaluation = sealed.evaluation
    return {"evaluation_id": evaluation.id, "round_id": evaluation.round_id,
            "dossier_id": evaluation.dossier_id, "rulebook": sealed.rulebook_code,
            "instrument": parts_summary(sealed.rulebook_code), "set": sealed.set_no,
            "mean_total": str(sealed.mean_total), "star": sealed.star,
            "recognised": sealed.recognised, "content_hash": sealed.content_hash,
            "sealed_at": _iso(sealed.sealed_at)}


def decision_json(d: Decision) -> dict:
    return {"id": d.id, "number": d.number, "date": _iso(d.decided_on), "kind": d.kind.value,
            "authority": d.authority_name, "level": d.authority_level.value,
            "province": d.province_code, "is_legacy": d.is_legacy,
            "certificates": _decision_certificates(d)}


def _decision_certificates(d: Decision) -> list[str]:
    from ..certificates.models import Certificate

    if d.kind == DecisionKind.revocation:
        return [i.certificate.number for i in d.items if i.certificate is not None]
    return list(db.session.scalars(db.select(Certificate.number).filter_by(decision_id=d.id)
                                   .order_by(Certificate.id)))


# -- producers, products, dossiers (office:read) ----------------------------------------------

def _producer_scope(stmt):
    """The producers page's jurisdiction, as a filter."""
    role = current_user.role
    if role == Role.province:
        return stmt.where(Producer.province_code == current_user.province_code)
    if role == Role.commune:
        return stmt.where(Producer.commune_code == current_user.commune_code)
    if role in NATIONAL_ROLES:
        return stmt
    return stmt.where(db.false())


def _unit_filters(stmt, province_col, commune_col):
    province = _pattern_arg("province", _PROVINCE)
    commune = _pattern_arg("commune", _COMMUNE)
    if province:
        stmt = stmt.where(province_col == province)
    if commune:
        stmt = stmt.where(commune_col == commune)
    return stmt


@bp.get("/producers")
@require_scope("office:read")
def producers():
    stmt = _unit_filters(_producer_scope(db.select(Producer)), Producer.province_code,
                         Producer.commune_code)
    status = _choice_arg("status", [s.value for s in ProducerStatus])
    if status:
        stmt = stmt.where(Producer.status == ProducerStatus(status))
    return _paged(stmt, producer_json, [Producer.id])


@bp.get("/producers/<int:producer_id>")
@require_scope("office:read")
def producer(producer_id: int):
    found = db.session.get(Producer, producer_id)
    if found is None or not found.can_view(current_user):
        raise _not_found()
    return jsonify(producer_json(found))


@bp.get("/products")
@require_scope("office:read")
def products():
    stmt = _unit_filters(_producer_scope(db.select(Product).join(Product.producer)),
                         Producer.province_code, Producer.commune_code)
    set_no = _int_arg("set", 0, 1, 999)
    if set_no:
        stmt = stmt.where(Product.set_no == set_no)
    return _paged(stmt, product_json, [Product.id])


@bp.get("/products/<int:product_id>")
@require_scope("office:read")
def product(product_id: int):
    found = db.session.get(Product, product_id)
    if found is None or not found.can_view(current_user):
        raise _not_found()
    return jsonify(product_json(found))


@bp.get("/dossiers")
@require_scope("office:read")
def dossiers():
    status = _choice_arg("status", [s.value for s in DossierStatus])
    stmt = dossiers_query(current_user, status=DossierStatus(status) if status else None)
    if stmt is None:
        stmt = db.select(Dossier).where(db.false())
    stmt = _unit_filters(stmt, Dossier.province_code, Dossier.commune_code)
    return _paged(stmt, dossier_json, [Dossier.id.desc()])


@bp.get("/dossiers/<int:dossier_id>")
@require_scope("office:read")
def dossier(dossier_id: int):
    found = db.session.get(Dossier, dossier_id)
    if found is None or not found.can_view(current_user):
        raise _not_found()
    return jsonify(dossier_json(found))


# -- rounds, sheets, results (read) ------------------------------------------------------------

def _visible_councils() -> list[Council]:
    stmt = db.select(Council)
    if current_user.role == Role.province:
        stmt = stmt.where((Council.province_code == current_user.province_code)
                          | Council.id.in_(db.select(CouncilMember.council_id).filter_by(
                              user_id=current_user.id)))
    elif current_user.role not in NATIONAL_ROLES:
        stmt = stmt.where(Council.id.in_(
            db.select(CouncilMember.council_id).filter_by(user_id=current_user.id)))
    from sqlalchemy.orm import selectinload

    return [c for c in db.session.scalars(stmt.options(
        selectinload(Council.members), selectinload(Council.advisors)).order_by(Council.id))
        if c.can_view(current_user)]


@bp.get("/rounds")
@require_scope("read")
def rounds():
    ids = [c.id for c in _visible_councils()]
    stmt = db.select(Round).where(Round.council_id.in_(ids) if ids else db.false())
    state = _choice_arg("state", [s.value for s in RoundState])
    if state:
        stmt = stmt.where(Round.state == RoundState(state))
    year = _int_arg("year", 0, 2000, 2100)
    if year:
        stmt = stmt.where(Round.year == year)
    from sqlalchemy.orm import selectinload

    # the council's members and advisors with it: visible_evaluations reads them per round
    council = selectinload(Round.council)
    return _paged(stmt.options(selectinload(Round.evaluations),
                               council.selectinload(Council.members),
                               council.selectinload(Council.advisors)),
                  round_json, [Round.id.desc()])


@bp.get("/rounds/<int:round_id>")
@require_scope("read")
def round_(round_id: int):
    found = db.session.get(Round, round_id)
    if found is None or not found.council.can_view(current_user):
        raise _not_found()
    return jsonify(round_json(found))


def _own_sheet(sheet_id: int) -> ScoreSheet:
    """Only the member's own sheets: others' choices stay hidden, as on the scoring page."""
    sheet = db.session.get(ScoreSheet, sheet_id)
    if sheet is None or sheet.member.user_id != current_user.id:
        raise _not_found()
    return sheet


@bp.get("/sheets")
@require_scope("read")
def sheets():
    stmt = (db.select(ScoreSheet).join(ScoreSheet.member)
            .where(CouncilMember.user_id == current_user.id))
    evaluation_id = _int_arg("evaluation", 0, 1, 2**31 - 1)
    if evaluation_id:
        stmt = stmt.where(ScoreSheet.evaluation_id == evaluation_id)
    return _paged(stmt, sheet_json, [ScoreSheet.id.desc()])


@bp.get("/sheets/<int:sheet_id>")
@require_scope("read")
def sheet(sheet_id: int):
    return jsonify(sheet_json(_own_sheet(sheet_id)))


def _sheet_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadParameter(_("Nội dung phải là một đối tượng JSON."))
    unknown = set(body) - {"version", "entries", "overall_comment", "knockouts"}
    if unknown:
        raise BadParameter(_("Trường không được hỗ trợ: %(f)s.", f=", ".join(sorted(unknown))))
    version = body.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise BadParameter(_("version: phải là số nguyên."))
    entries = body.get("entries", {})
    if not isinstance(entries, dict) or len(entries) > 200:
        raise BadParameter(_("entries: phải là một đối tượng mục → lựa chọn."))
    values, comments = {}, {}
    for code, entry in entries.items():
        if not isinstance(entry, dict) or set(entry) - {"option", "case", "comment"}:
            raise BadParameter(_("entries.%(c)s: phải có dạng {option, case, comment}.",
                                 c=str(code)[:20]))
        option, case = entry.get("option"), entry.get("case")
        if option is not None and (not isinstance(option, int) or isinstance(option, bool)):
            raise BadParameter(_("entries.%(c)s.option: phải là số nguyên.", c=str(code)[:20]))
        if case is not None and not isinstance(case, str):
            raise BadParameter(_("entries.%(c)s.case: phải là chuỗi.", c=str(code)[:20]))
        if "option" in entry or "case" in entry:
            values[code] = (option, case or None)
        if "comment" in entry:
            if not isinstance(entry["comment"], str) or len(entry["comment"]) > 5000:
                raise BadParameter(_("entries.%(c)s.comment: phải là chuỗi.", c=str(code)[:20]))
            comments[code] = entry["comment"]
    overall = body.get("overall_comment")
    if overall is not None and (not isinstance(overall, str) or len(overall) > 20000):
        raise BadParameter(_("overall_comment: phải là chuỗi."))
    knockouts = body.get("knockouts")
    if knockouts is not None and (not isinstance(knockouts, list)
                                  or not all(isinstance(k, str) for k in knockouts)):
        raise BadParameter(_("knockouts: phải là danh sách mã."))
    return {"values": values, "comments": comments, "overall_comment": overall,
            "knockouts": knockouts, "expected_version": version}


@bp.route("/sheets/<int:sheet_id>", methods=["PUT", "PATCH"])
@require_scope("score:write")
def save_sheet(sheet_id: int):
    """Save the member's choices through the scoring page's service, with its rules."""
    begin_write()
    sheet = _own_sheet(sheet_id)
    sheet = db.session.scalar(db.select(ScoreSheet).filter_by(id=sheet.id).with_for_update()
                              .execution_options(populate_existing=True))
    body = _sheet_body()
    if not scoring.is_editable(sheet):
        raise Conflict(_("Phiên chấm điểm đã đóng hoặc phiếu đã nộp: không sửa được phiếu."),
                       code="not_scoring")
    try:
        scoring.save_entries(sheet, body["values"], comments=body["comments"],
                             overall_comment=body["overall_comment"],
                             knockouts=body["knockouts"],
                             expected_version=body["expected_version"], actor=current_user)
        db.session.commit()
    except OcopError as e:
        db.session.rollback()
        if e.code == "not_scoring":
            raise Conflict(e.message, code=e.code) from None
        if e.status == 400:
            e.status = 422
        raise
    except Exception as e:  # a concurrent write won the race on the version column
        from sqlalchemy.orm.exc import StaleDataError

        if not isinstance(e, StaleDataError):
            raise
        db.session.rollback()
        raise Conflict(_("Phiếu vừa được thay đổi ở nơi khác."), code="sheet_conflict") \
            from None
    return jsonify(sheet_json(db.session.get(ScoreSheet, sheet_id)))


def _visible_results():
    """The sealed results the caller may read, as a SELECT: ``can_view_evaluation`` in SQL
    (every evaluation of a council the caller runs; of the others, those the caller is not
    barred from — excluded, or a conflict not dismissed)."""
    from sqlalchemy.orm import contains_eager

    return (db.select(SealedResult).join(SealedResult.evaluation).join(Evaluation.round)
            .options(contains_eager(SealedResult.evaluation))
            .where(councils.viewable_evaluations_where(_visible_councils(), current_user)))


@bp.get("/results")
@require_scope("read")
def results():
    stmt = _visible_results()
    round_id = _int_arg("round", 0, 1, 2**31 - 1)
    if round_id:
        stmt = stmt.where(Evaluation.round_id == round_id)
    return _paged(stmt, result_json, [SealedResult.id.desc()])


@bp.get("/results/<int:evaluation_id>")
@require_scope("read")
def result(evaluation_id: int):
    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None or not councils.can_view_evaluation(evaluation, current_user):
        raise _not_found()
    sealed = sealed_for(evaluation)
    if sealed is None:
        raise NotFound(_("Hồ sơ chưa có kết quả được niêm phong."), code="not_sealed")
    return jsonify(result_json(sealed))


# -- decisions (read; issued decisions are public legal acts) ----------------------------------

@bp.get("/decisions")
@require_scope("read")
def decisions():
    stmt = db.select(Decision).where(Decision.status == DecisionStatus.issued)
    province = _pattern_arg("province", _PROVINCE)
    if province:
        stmt = stmt.where(Decision.province_code == province)
    kind = _choice_arg("kind", [k.value for k in DecisionKind])
    if kind:
        stmt = stmt.where(Decision.kind == DecisionKind(kind))
    return _paged(stmt, decision_json, [Decision.decided_on.desc(), Decision.id.desc()])


@bp.get("/decisions/<int:decision_id>")
@require_scope("read")
def decision(decision_id: int):
    found = db.session.get(Decision, decision_id)
    if found is None or (found.status != DecisionStatus.issued
                         and not found.can_manage(current_user)):
        raise _not_found()
    return jsonify(decision_json(found))
