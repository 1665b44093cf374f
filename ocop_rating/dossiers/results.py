"""The council's result as the producer reads it, built from the SEALED snapshot only
(``evaluation/seal.py``): the star, the mean, each part's points, the council's comments, what
held the product back and what would raise it. Nothing is recomputed from the score rows: the
producer sees what the council concluded and sealed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _

from ..db import db
from ..i18n import format_points, legal_text
from ..rulebook import RulebookError, get_rulebook


@dataclass
class PartResult:
    code: str
    label: str
    points: Decimal
    max_points: Decimal | None


@dataclass
class ProducerResult:
    evaluation_id: int
    council_name: str
    star: int | None
    recognised: bool
    mean_total: Decimal
    decimals: int
    band_star: int | None
    parts: list[PartResult]
    comments: list[str]
    proposal: str
    held_back: list[str] = field(default_factory=list)
    to_raise: list[str] = field(default_factory=list)
    sealed_at: datetime | None = None


def _sheet(snapshot: dict):
    try:
        return get_rulebook(snapshot["rulebook"]).sheet(int(snapshot["set"]))
    except (RulebookError, KeyError, ValueError):
        return None


def _missing(result: dict, stars) -> list[str]:
    """Codes of the minimums the council did not consider met for ``stars``, each once, in
    the sheet's order of appearance."""
    failed = result.get("minimums_failed") or {}
    codes: list[str] = []
    for star in stars:
        for h in failed.get(str(star), []):
            if h["criterion"] not in codes:
                codes.append(h["criterion"])
    return codes


def _stop_text(sheet, code: str) -> str:
    if sheet is not None:
        for k in sheet.knockouts:
            if k.code == code:
                return k.text
    return code


def explain(snapshot: dict) -> tuple[list[str], list[str]]:
    """(what held the product back, what would raise it), in plain words, from a sealed
    snapshot."""
    sheet = _sheet(snapshot)
    result = snapshot.get("result") or {}
    star = snapshot.get("star")
    band = snapshot.get("band_star")
    mean = Decimal(str(snapshot.get("mean_total", "0")))
    decimals = int((snapshot.get("rules") or {}).get("mean_decimals", 2))
    held: list[str] = []
    raise_: list[str] = []
    confirmed = list((snapshot.get("decisions") or {}).get("confirmed", []))
    reasons = (snapshot.get("decisions") or {}).get("reasons", {})
    for code in confirmed:
        reason = reasons.get(code, "")
        held.append(_("Hội đồng xác nhận trường hợp loại / dừng đánh giá: %(t)s", t=_stop_text(
            sheet, code)) + (f" ({reason})" if reason else ""))
    if star is None:
        if not confirmed:
            held.append(_("Hội đồng không xếp hạng sao cho sản phẩm."))
        return held, raise_
    bands = sorted(sheet.star_bands, key=lambda b: b.star) if sheet is not None else []
    here = next((b for b in bands if b.star == band), None)
    if here is not None:
        held.append(_("Điểm bình quân %(mean)s thuộc khung %(band)d sao (%(low)s–%(high)s điểm).",
                      mean=format_points(mean, decimals), band=band,
                      low=format_points(here.min, 0), high=format_points(here.max, 0)))
    if band is not None and star < band:
        missing = _missing(result, range(star + 1, band + 1))
        if missing:
            held.append(_("Thiếu tiêu chí tối thiểu %(s)d sao: %(codes)s", s=star + 1,
                          codes=", ".join(missing)))
    if star < 3:
        held.append(_("Dưới 3 sao: sản phẩm không được công nhận OCOP."))
    target = star + 1
    nxt = next((b for b in bands if b.star == target), None)
    if nxt is not None:
        if mean < nxt.min:
            raise_.append(_("Để đạt %(s)d sao cần điểm bình quân từ %(min)s (còn thiếu "
                            "%(gap)s điểm).", s=target, min=format_points(nxt.min, 0),
                            gap=format_points(nxt.min - mean, decimals)))
        else:
            raise_.append(_("Điểm bình quân đã đủ cho %(s)d sao (từ %(min)s).", s=target,
                            min=format_points(nxt.min, 0)))
        missing = _missing(result, range(3, target + 1))
        if missing:
            labels = []
            for code in missing:
                try:
                    label = legal_text(sheet.item(code).label) if sheet is not None else ""
                except (RulebookError, KeyError):
                    label = ""
                if len(label) > 60:
                    label = label[:59].rstrip() + "…"
                labels.append(f"{code} ({label})" if label else code)
            raise_.append(_("Để đạt %(s)d sao cần đạt các tiêu chí tối thiểu còn thiếu: "
                            "%(codes)s", s=target, codes="; ".join(labels)))
    return held, raise_


def producer_result(dossier) -> ProducerResult | None:
    """The sealed result of the dossier's latest concluded evaluation (None before the
    council concludes: nothing of the scores is shown before)."""
    from ..councils.models import Evaluation
    from ..evaluation.models import SealedResult

    row = db.session.execute(
        db.select(SealedResult, Evaluation).join(Evaluation,
                                                 Evaluation.id == SealedResult.evaluation_id)
        .where(Evaluation.dossier_id == dossier.id, Evaluation.concluded_at.is_not(None))
        .order_by(Evaluation.concluded_at.desc(), Evaluation.id.desc()).limit(1)).first()
    if row is None:
        return None
    sealed, evaluation = row
    snapshot = sealed.snapshot or {}
    sheet = _sheet(snapshot)
    parts = []
    for code, points in ((snapshot.get("result") or {}).get("part_means") or {}).items():
        part = None
        if sheet is not None:
            try:
                part = sheet.part(code)
            except (RulebookError, KeyError):
                part = None
        parts.append(PartResult(code, part.label if part else code, Decimal(str(points)),
                                part.max_points if part else None))
    held, raise_ = explain(snapshot)
    return ProducerResult(
        evaluation_id=evaluation.id, council_name=evaluation.council.name,
        star=snapshot.get("star"), recognised=bool(snapshot.get("recognised")),
        mean_total=Decimal(str(snapshot.get("mean_total", "0"))),
        decimals=int((snapshot.get("rules") or {}).get("mean_decimals", 2)),
        band_star=snapshot.get("band_star"), parts=parts,
        comments=[m["comment"].strip() for m in snapshot.get("members", [])
                  if (m.get("comment") or "").strip()],
        proposal=snapshot.get("proposal") or "", held_back=held, to_raise=raise_,
        sealed_at=sealed.sealed_at)
