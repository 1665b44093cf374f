"""The sealed result: what the council concluded, frozen with a content hash.

Concluding writes one :class:`~.models.SealedResult` per evaluation (never updated): each
member's choices and total, the mean (exact and as printed), band, star, minimums, knock-outs
and stops with the chair's reasons, the rulebook version and the pinned rules, the re-scoring
passes and the lab tests. Pages, papers and the API read the seal; recomputing from the score
rows is only a *check* (:func:`check_sealed`), whose disagreements are shown to the offices and
listed by ``flask --app ocop_rating ocop integrity check``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..councils.models import Evaluation, EvaluationStatus, MemberRole
from ..councils.services import blocked_reason
from ..db import db, utcnow
from ..rulebook import CouncilResult, RulebookError
from . import result_rules as rules
from .models import Rescore, SealedResult, SheetStatus
from .result_rules import SNAPSHOT_VERSION, canonical, content_hash  # noqa: F401 (re-exported)


def build_snapshot(evaluation: Evaluation, result: CouncilResult, *,
                   reasons: dict[str, str]) -> dict:
    """Read what the seal holds from the rows (``result_rules.snapshot`` builds it)."""
    from .services import sheet_result

    members, not_scoring = [], []
    for member in evaluation.council.active_members:
        sheet = evaluation.sheet_of(member)
        why = rules.not_scoring_reason(blocked_reason(evaluation, member),
                                       sheet is not None and sheet.status == SheetStatus.submitted)
        if why is None:
            members.append(rules.member_entry(
                member_id=member.id, sheet_id=sheet.id, name=member.user.full_name,
                role=member.role.value, is_chair=member.role == MemberRole.chair,
                result=sheet_result(sheet), comment=sheet.overall_comment))
        else:
            not_scoring.append(rules.not_scoring_entry(
                member_id=member.id, name=member.user.full_name, role=member.role.value,
                reason=why))
    passes = db.session.scalars(db.select(Rescore).filter_by(evaluation_id=evaluation.id)
                                .order_by(Rescore.seq))
    dossier = evaluation.dossier
    return rules.snapshot(
        evaluation_id=evaluation.id, round_id=evaluation.round_id, dossier_id=dossier.id,
        product_name=dossier.product.name, product_code=dossier.product.code, result=result,
        members=members, not_scoring=not_scoring, reasons=reasons, rescores=list(passes),
        lab_tests=list(evaluation.lab_tests), proposal=evaluation.proposal,
        concluded_at=evaluation.concluded_at)


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
    """Recompute what the seal says from the rows today; every difference is listed (the
    comparisons are ``result_rules``'s)."""
    from .services import council_result, sheet_result

    evaluation = sealed.evaluation
    found: list[tuple[str, str]] = []
    snapshot = sealed.snapshot or {}
    found += rules.seal_problems(snapshot, stored_hash=sealed.content_hash,
                                 mean_total=sealed.mean_total, star=sealed.star)
    for member in snapshot.get("members", []):
        sheet = next((s for s in evaluation.sheets if s.id == member["sheet_id"]), None)
        if sheet is None:
            found.append(("sheet_missing", f"{member['name']}: sheet {member['sheet_id']} is gone"))
            continue
        try:
            now = sheet_result(sheet)
        except RulebookError as e:
            found.append(("sheet_invalid", f"{member['name']}: {e}"))
            continue
        found += rules.member_problems(member, now,
                                       submitted=sheet.status == SheetStatus.submitted)
    confirmed, dismissed = rules.decisions_of(snapshot)
    try:
        again = council_result(evaluation, knockouts_confirmed=confirmed,
                               knockouts_dismissed=dismissed)
    except RulebookError as e:
        again = None
        found.append(("recompute", str(e)))
    if again is not None:
        found += rules.recomputed_problems(snapshot, again)
    found += rules.evaluation_row_problems(row_mean=evaluation.mean_total,
                                           row_star=evaluation.star,
                                           seal_mean=sealed.mean_total, seal_star=sealed.star)
    return [Disagreement(evaluation.id, what, detail) for what, detail in found]


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
