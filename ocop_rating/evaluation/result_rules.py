"""The sealed result's rules that need no database: which members' sheets count, what the
snapshot holds, its content hash, the knock-out decisions it records, and how
:func:`~.seal.check_sealed` compares the seal with the rows of today.

Kept apart from :mod:`.seal` (which reads the rows and writes the seal) so that mutation
testing (``make mutation``, docs/testing.md) runs every mutant of these rules against fast
tests; ``seal.py`` and ``services.conclude_evaluation`` call them. Results and sheets are
read by attribute (``rulebook.CouncilResult`` and ``SheetResult`` in the app).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

SNAPSHOT_VERSION = 1
NOT_SUBMITTED = "Không nộp phiếu chấm điểm"


def plain(value: Any) -> Any:
    """JSON-ready copy with Decimals as exact text (so the hash never depends on floats)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def canonical(snapshot: dict[str, Any]) -> bytes:
    """The bytes that are hashed: sorted keys, no spaces, UTF-8 text as is."""
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def content_hash(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(snapshot)).hexdigest()


# -- who scores ------------------------------------------------------------------------------

def not_scoring_reason(blocked: str | None, submitted: bool) -> str | None:
    """None when a member's sheet counts (not barred from the dossier, and submitted);
    otherwise why the member is listed as not scoring: the bar, or no sheet submitted."""
    if blocked is None and submitted:
        return None
    return blocked or NOT_SUBMITTED


# -- the knock-out decisions -----------------------------------------------------------------

@dataclass(frozen=True)
class KnockoutDecisions:
    """The council's decisions on flagged knock-outs and stops, as the chair gave them."""

    confirmed: tuple[str, ...]
    dismissed: tuple[str, ...]
    reasons: dict[str, str]   # every reason given, stripped

    @property
    def decided(self) -> tuple[str, ...]:
        return self.confirmed + self.dismissed

    @property
    def missing_reasons(self) -> list[str]:
        """The decided codes without a reason (each decision needs one)."""
        return [c for c in self.decided if not self.reasons.get(c)]

    @property
    def sealed_reasons(self) -> dict[str, str]:
        """The reasons the seal records: one per decided code."""
        return {c: self.reasons[c] for c in self.decided}


def knockout_decisions(confirmed, dismissed, reasons: dict | None) -> KnockoutDecisions:
    """Blank codes are dropped; reasons are stripped (``None`` is no reason)."""
    return KnockoutDecisions(
        confirmed=tuple(c for c in confirmed if c), dismissed=tuple(c for c in dismissed if c),
        reasons={k: (v or "").strip() for k, v in (reasons or {}).items()})


def decisions_of(snapshot: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The confirmed and dismissed knock-outs a seal records (to recompute with them)."""
    decisions = snapshot.get("decisions", {})
    return list(decisions.get("confirmed", ())), list(decisions.get("dismissed", ()))


# -- the snapshot ----------------------------------------------------------------------------

def choices_of(result) -> dict[str, list]:
    """A sheet's choices as the seal keeps them: item code → [option, case]."""
    return {c.code: [c.option, c.case] for c in result.choices}


def member_entry(*, member_id: int, sheet_id: int, name: str, role: str, is_chair: bool,
                 result, comment: str | None) -> dict[str, Any]:
    """One scoring member in the snapshot: the sheet's total, parts, choices, knock-outs and
    stops as scored, and the member's own star."""
    return {
        "member_id": member_id, "sheet_id": sheet_id, "name": name, "role": role,
        "is_chair": is_chair, "total": result.total,
        "parts": {p.code: p.points for p in result.parts}, "choices": choices_of(result),
        "knockouts": list(result.knockouts), "stops": list(result.stops),
        "own_star": result.star, "comment": comment,
    }


def not_scoring_entry(*, member_id: int, name: str, role: str, reason: str) -> dict[str, Any]:
    return {"member_id": member_id, "name": name, "role": role, "reason": reason}


def rescore_entry(rescore) -> dict[str, Any]:
    return {"seq": rescore.seq, "items": rescore.items, "members": rescore.member_ids,
            "reason": rescore.reason, "previous": rescore.previous}


def lab_test_entry(test) -> dict[str, Any]:
    return {"id": test.id, "description": test.description, "result": test.result_text,
            "file_id": test.result_file_id}


def snapshot(*, evaluation_id: int, round_id: int, dossier_id: int, product_name: str,
             product_code: str | None, result, members: list[dict], not_scoring: list[dict],
             reasons: dict[str, str], rescores: list, lab_tests: list, proposal: str | None,
             concluded_at: datetime | None) -> dict[str, Any]:
    """The sealed snapshot, JSON-ready (:func:`plain`)."""
    return plain({
        "version": SNAPSHOT_VERSION,
        "evaluation_id": evaluation_id, "round_id": round_id,
        "dossier_id": dossier_id, "product": {"name": product_name, "code": product_code or ""},
        "rulebook": result.rulebook_code, "set": result.set_number,
        "rules": result.rules.to_dict(),
        "members": members, "not_scoring": not_scoring,
        "result": result.to_dict(),
        "mean_total": result.mean_total, "mean_exact": result.mean_exact,
        "band_star": result.band_star, "star": result.star, "recognised": result.recognised,
        "decisions": {"confirmed": list(result.knockouts_confirmed),
                      "dismissed": list(result.knockouts_dismissed), "reasons": reasons},
        "rescores": [rescore_entry(r) for r in rescores],
        "lab_tests": [lab_test_entry(t) for t in lab_tests],
        "proposal": proposal,
        "concluded_at": concluded_at,
    })


# -- checking a seal -------------------------------------------------------------------------
# Each function returns the disagreements it finds as (what, detail) pairs: ``what`` is the
# short code the integrity check prints, ``detail`` says what differs.

def seal_problems(snapshot: dict[str, Any], *, stored_hash: str, mean_total,
                  star: int | None) -> list[tuple[str, str]]:
    """The seal against itself: its hash, and its mean/star columns against its snapshot."""
    out = []
    if content_hash(snapshot) != stored_hash:
        out.append(("hash", "the stored snapshot no longer matches its content hash"))
    if Decimal(mean_total) != Decimal(snapshot.get("mean_total", "0")) \
            or star != snapshot.get("star"):
        out.append(("seal_columns", "the seal's mean/star columns differ from its snapshot"))
    return out


def member_problems(member: dict[str, Any], now, *, submitted: bool) -> list[tuple[str, str]]:
    """A sealed member's entry against the sheet's result today (``now``)."""
    out = []
    name = member["name"]
    if str(now.total) != str(Decimal(member["total"])):
        out.append(("member_total", f"{name}: sealed {member['total']}, rows now {now.total}"))
    choices = choices_of(now)
    changed = sorted(c for c in set(choices) | set(member["choices"])
                     if choices.get(c) != member["choices"].get(c))
    if changed:
        out.append(("choices", (f"{name}: items changed since sealing: "
                                f"{', '.join(changed[:10])}")))
    if not submitted:
        out.append(("sheet_status", f"{name}: sheet is no longer submitted"))
    return out


def recomputed_problems(snapshot: dict[str, Any], again) -> list[tuple[str, str]]:
    """The seal's mean and star against the council result recomputed from today's rows."""
    out = []
    if str(again.mean_total) != snapshot.get("mean_total"):
        out.append(("mean", f"sealed {snapshot.get('mean_total')}, rows now {again.mean_total}"))
    if again.star != snapshot.get("star"):
        out.append(("star", f"sealed {snapshot.get('star')}, rows now {again.star}"))
    return out


def evaluation_row_problems(*, row_mean, row_star: int | None, seal_mean,
                            seal_star: int | None) -> list[tuple[str, str]]:
    """The evaluation row's mean and star against the seal's (a row without a mean is only
    checked on its star)."""
    if row_star != seal_star or (row_mean is not None
                                 and Decimal(row_mean) != Decimal(seal_mean)):
        return [("evaluation_row", (f"the evaluation row says {row_mean} / {row_star}★, "
                                    f"the seal {seal_mean} / {seal_star}★"))]
    return []
