"""The sealed result: what the council concluded, frozen with a content hash.

Concluding writes one :class:`~.models.SealedResult` per evaluation (never updated): each
member's choices and total, the mean (exact and as printed), band, star, minimums, knock-outs
and stops with the chair's reasons, the rulebook version and the pinned rules, the re-scoring
passes and the lab tests. Pages, papers and the API read the seal; recomputing from the score
rows is only a *check* (:func:`check_sealed`), whose disagreements are shown to the offices and
listed by ``flask --app ocop_rating ocop integrity check``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..councils.models import Evaluation, EvaluationStatus, MemberRole
from ..councils.services import blocked_reason
from ..db import db, utcnow
from ..rulebook import CouncilResult, RulebookError
from .models import Rescore, SealedResult, SheetStatus

SNAPSHOT_VERSION = 1


def _plain(value: Any) -> Any:
    """JSON-ready copy with Decimals as exact text (so the hash never depends on floats)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def canonical(snapshot: dict[str, Any]) -> bytes:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def content_hash(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(snapshot)).hexdigest()


def _member_entry(sheet, result) -> dict[str, Any]:
    member = sheet.member
    return {
        "member_id": member.id, "sheet_id": sheet.id, "name": member.user.full_name,
        "role": member.role.value, "is_chair": member.role == MemberRole.chair,
        "total": result.total, "parts": {p.code: p.points for p in result.parts},
        "choices": {c.code: [c.option, c.case] for c in result.choices},
        "knockouts": list(result.knockouts), "stops": list(result.stops),
        "own_star": result.star, "comment": sheet.overall_comment,
    }


def build_snapshot(evaluation: Evaluation, result: CouncilResult, *,
                   reasons: dict[str, str]) -> dict[str, Any]:
    from .services import sheet_result

    members, not_scoring = [], []
    for member in evaluation.council.active_members:
        blocked = blocked_reason(evaluation, member)
        sheet = evaluation.sheet_of(member)
        if blocked is None and sheet is not None and sheet.status == SheetStatus.submitted:
            members.append(_member_entry(sheet, sheet_result(sheet)))
        else:
            not_scoring.append({"member_id": member.id, "name": member.user.full_name,
                                "role": member.role.value,
                                "reason": blocked or "Không nộp phiếu chấm điểm"})
    passes = db.session.scalars(db.select(Rescore).filter_by(evaluation_id=evaluation.id)
                                .order_by(Rescore.seq))
    dossier = evaluation.dossier
    return _plain({
        "version": SNAPSHOT_VERSION,
        "evaluation_id": evaluation.id, "round_id": evaluation.round_id,
        "dossier_id": dossier.id, "product": {"name": dossier.product.name,
                                              "code": dossier.product.code or ""},
        "rulebook": result.rulebook_code, "set": result.set_number,
        "rules": result.rules.to_dict(),
        "members": members, "not_scoring": not_scoring,
        "result": result.to_dict(),
        "mean_total": result.mean_total, "mean_exact": result.mean_exact,
        "band_star": result.band_star, "star": result.star, "recognised": result.recognised,
        "decisions": {"confirmed": list(result.knockouts_confirmed),
                      "dismissed": list(result.knockouts_dismissed), "reasons": reasons},
        "rescores": [{"seq": r.seq, "items": r.items, "members": r.member_ids,
                      "reason": r.reason, "previous": r.previous} for r in passes],
        "lab_tests": [{"id": t.id, "description": t.description, "result": t.result_text,
                       "file_id": t.result_file_id} for t in evaluation.lab_tests],
        "proposal": evaluation.proposal,
        "concluded_at": evaluation.concluded_at,
    })


def seal_result(evaluation: Evaluation, result: CouncilResult, *, reasons: dict[str, str],
                actor) -> SealedResult:
    """Write the seal of a concluding evaluation (called by ``conclude_evaluation``)."""
    snapshot = build_snapshot(evaluation, result, reasons=reasons)
    sealed = SealedResult(
        evaluation_id=evaluation.id, rulebook_code=result.rulebook_code,
        set_no=result.set_number, rules=snapshot["rules"], snapshot=snapshot,
        content_hash=content_hash(snapshot), mean_total=result.mean_total, star=result.star,
        recognised=bool(result.recognised), sealed_at=utcnow(), sealed_by_id=actor.id)
    db.session.add(sealed)
    db.session.flush()
    return sealed


def sealed_for(evaluation: Evaluation) -> SealedResult | None:
    return db.session.scalar(db.select(SealedResult).filter_by(evaluation_id=evaluation.id))


@dataclass(frozen=True)
class Disagreement:
    evaluation_id: int
    what: str       # a short code: hash, member_total, choices, mean, star, evaluation_row …
    detail: str

    def __str__(self) -> str:
        return f"evaluation {self.evaluation_id}: {self.what}: {self.detail}"


def check_sealed(sealed: SealedResult) -> list[Disagreement]:
    """Recompute what the seal says from the rows today; every difference is listed."""
    from .services import council_result, sheet_result

    evaluation = sealed.evaluation
    out: list[Disagreement] = []

    def add(what: str, detail: str) -> None:
        out.append(Disagreement(evaluation.id, what, detail))

    snapshot = sealed.snapshot or {}
    if content_hash(snapshot) != sealed.content_hash:
        add("hash", "the stored snapshot no longer matches its content hash")
    if Decimal(sealed.mean_total) != Decimal(snapshot.get("mean_total", "0")) \
            or sealed.star != snapshot.get("star"):
        add("seal_columns", "the seal's mean/star columns differ from its snapshot")
    for member in snapshot.get("members", []):
        sheet = next((s for s in evaluation.sheets if s.id == member["sheet_id"]), None)
        if sheet is None:
            add("sheet_missing", f"{member['name']}: sheet {member['sheet_id']} is gone")
            continue
        try:
            now = sheet_result(sheet)
        except RulebookError as e:
            add("sheet_invalid", f"{member['name']}: {e}")
            continue
        if str(now.total) != str(Decimal(member["total"])):
            add("member_total", f"{member['name']}: sealed {member['total']}, rows now "
                                f"{now.total}")
        choices = {c.code: [c.option, c.case] for c in now.choices}
        changed = sorted(c for c in set(choices) | set(member["choices"])
                         if choices.get(c) != member["choices"].get(c))
        if changed:
            add("choices", f"{member['name']}: items changed since sealing: "
                           f"{', '.join(changed[:10])}")
        if sheet.status != SheetStatus.submitted:
            add("sheet_status", f"{member['name']}: sheet is no longer submitted")
    decisions = snapshot.get("decisions", {})
    try:
        again = council_result(evaluation, knockouts_confirmed=decisions.get("confirmed", ()),
                               knockouts_dismissed=decisions.get("dismissed", ()))
    except RulebookError as e:
        again = None
        add("recompute", str(e))
    if again is not None:
        if str(again.mean_total) != snapshot.get("mean_total"):
            add("mean", f"sealed {snapshot.get('mean_total')}, rows now {again.mean_total}")
        if again.star != snapshot.get("star"):
            add("star", f"sealed {snapshot.get('star')}, rows now {again.star}")
    if evaluation.star != sealed.star or (
            evaluation.mean_total is not None
            and Decimal(evaluation.mean_total) != Decimal(sealed.mean_total)):
        add("evaluation_row", f"the evaluation row says {evaluation.mean_total} / "
                              f"{evaluation.star}★, the seal {sealed.mean_total} / "
                              f"{sealed.star}★")
    return out


def integrity_report() -> list[Disagreement]:
    """Every disagreement between the seals and the rows, over the whole database."""
    out: list[Disagreement] = []
    for sealed in db.session.scalars(db.select(SealedResult).order_by(SealedResult.id)):
        out += check_sealed(sealed)
    sealed_ids = set(db.session.scalars(db.select(SealedResult.evaluation_id)))
    for evaluation in db.session.scalars(db.select(Evaluation).filter_by(
            status=EvaluationStatus.concluded).order_by(Evaluation.id)):
        if evaluation.id not in sealed_ids:
            out.append(Disagreement(evaluation.id, "unsealed",
                                    "concluded without a sealed result"))
    return out
