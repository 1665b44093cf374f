"""Scoring one evaluator's sheet, and the star rule.

``score_sheet(sheet, choices, *, cases=None, knockouts=())`` adds up the points of the chosen
options, checks the star minimums and knock-outs and returns a :class:`SheetResult`.

* ``choices`` maps an item code ("1.1", "6.1.1", or a section code such as "7" for a section
  scored directly) to an option index from 0 in the order of the legal sheet. A yes/no item
  takes 0 (no) or 1 (yes). ``None`` records "evaluated, none of the listed options is met"
  (0 points, counted as answered; every star minimum on that item fails).
* ``cases`` maps a two-case section (set 26: "8", "9", "15") to the case key ("1" or "2");
  the option index then counts within that case.
* ``knockouts`` are the knock-out codes the evaluator flags; each must apply to the sheet.

A knock-out whose item note says a 0 stops the evaluation (``suggest_when_zero``) is met by
the choices themselves: it is listed in ``stops`` (and, for older callers, in
``knockouts_suggested``); the sheet then projects no recognition (``projects_recognition``)
until the council resolves the stop (``rulebook.council``). ``star`` and ``recognised`` stay
the band-and-minimums reading.

A partial sheet is allowed: ``missing`` lists the unanswered items, the total counts only what
was chosen, and the star is the *projected* star of what is there (unanswered items count as
0 points and as not meeting their minimums). ``max_reachable_total`` and ``star_ceiling`` tell
how far the sheet can still go. Anything invalid raises a :class:`~.errors.ScoringError`.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .errors import InvalidOption, KnockoutNotApplicable, ScoringError, UnknownCriterion
from .model import Sheet, StarBand

ZERO = Decimal(0)


# --- stars ----------------------------------------------------------------------------------

def band_star(total: Decimal, bands: Iterable[StarBand]) -> int:
    """The star whose band holds ``total`` (band only, no minimums)."""
    bands = sorted(bands, key=lambda b: b.star)
    total = Decimal(total)
    if not bands:
        raise ScoringError("No star bands.")
    top = bands[-1]
    if total < bands[0].min or total > top.max or (total == top.max and not top.max_inclusive):
        raise ScoringError(f"Total {total} is outside the star bands "
                           f"({bands[0].min}–{top.max}).")
    for band in reversed(bands):
        if total >= band.min:
            return band.star
    return bands[0].star  # pragma: no cover - unreachable after the range check


def star_for(total: Decimal, met_minimums_by_star: Mapping[int, bool], knocked_out: bool,
             bands: Iterable[StarBand]) -> int | None:
    """The star a total earns, given which stars' minimums are met and the knock-out state.

    * Knocked out → ``None``: no star at all, not recognised (DOMAIN §3).
    * Otherwise the highest star whose band the total reaches (total ≥ band minimum) *and*
      whose minimums are met, cumulatively: star s needs the minimums of every star ≤ s
      (Decision 26/2026, Appendix II, footnote "Dấu sao là yêu cầu tối thiểu phải đạt theo các
      cấp độ sao"). A star with no entry in ``met_minimums_by_star`` has no minimums.
      So a total of 75 that misses a 4-star minimum gets 3 stars, and one that also misses a
      3-star minimum gets 2 stars (its total reaches the 2-star band).
    """
    if knocked_out:
        return None
    bands = sorted(bands, key=lambda b: b.star)
    reached = band_star(total, bands)
    for band in reversed(bands):
        if band.star > reached:
            continue
        if all(met_minimums_by_star.get(s, True) for s in range(1, band.star + 1)):
            return band.star
    return bands[0].star


def is_recognised(star: int | None, bands: Iterable[StarBand]) -> bool:
    """Recognised (certificate, OCOP mark) only at a star whose band says so (3★ or more)."""
    if star is None:
        return False
    return any(b.star == star and b.recognised for b in bands)


# --- results --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Choice:
    """What was chosen for one item; ``option`` None means "none of the options is met"."""

    code: str
    option: int | None
    points: Decimal
    case: str | None = None


@dataclass(frozen=True)
class PartScore:
    code: str
    points: Decimal
    max_points: Decimal


@dataclass(frozen=True)
class SectionScore:
    code: str
    part: str
    points: Decimal
    max_points: Decimal
    answered: int
    items: int


@dataclass(frozen=True)
class Holdback:
    """A star minimum not met: item ``code`` needs at least ``required_option``; the evaluator
    chose ``chosen_option`` (None: not answered, or none of the options met)."""

    code: str
    required_option: int
    chosen_option: int | None
    case: str | None = None
    answered: bool = True


@dataclass(frozen=True)
class UnmetMinimum:
    """One criterion below a star minimum, listed once however many stars it holds back:
    ``stars`` are those stars, lowest first; ``answered`` False while it is not scored."""

    code: str
    stars: tuple[int, ...]
    answered: bool


@dataclass(frozen=True)
class StarMinimums:
    """The minimums of one star (3, 4 or 5) taken alone (not cumulative)."""

    star: int
    met: bool
    holding_back: tuple[Holdback, ...] = ()


def _num(d: Decimal) -> int | float:
    return int(d) if d == d.to_integral_value() else float(d)


def json_default(value: Any) -> Any:
    """``json.dumps(..., default=json_default)``: Decimals as JSON numbers."""
    if isinstance(value, Decimal):
        return _num(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(data: Any, **kwargs) -> str:
    """JSON text of a ``to_dict()`` with Decimals written as numbers (Vietnamese kept)."""
    return json.dumps(data, default=json_default, ensure_ascii=False, **kwargs)


@dataclass(frozen=True)
class SheetResult:
    """The outcome of one evaluator's sheet, pinned to its rulebook version and product set."""

    rulebook_code: str
    set_number: int
    parts: tuple[PartScore, ...]
    sections: tuple[SectionScore, ...]
    total: Decimal
    choices: tuple[Choice, ...]
    missing: tuple[str, ...]
    minimums: tuple[StarMinimums, ...]
    knockouts: tuple[str, ...]
    knockouts_suggested: tuple[str, ...]
    knockouts_applicable: tuple[str, ...]
    band_star: int
    star: int | None
    recognised: bool
    max_reachable_total: Decimal
    star_ceiling: int | None
    star_bands: tuple[StarBand, ...] = field(default=(), repr=False, compare=False)
    # Legal stops the sheet's own choices meet (a 0 on an item whose note says a 0 stops the
    # evaluation, no declaration slip …; DOMAIN §8): the product is not recognised on this
    # sheet until the council resolves the stop with a reason.
    stops: tuple[str, ...] = ()

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def is_knocked_out(self) -> bool:
        return bool(self.knockouts)

    @property
    def is_stopped(self) -> bool:
        """A knock-out flagged or a stop met by the choices: not recognised on this sheet."""
        return bool(self.knockouts or self.stops)

    @property
    def projects_recognition(self) -> bool:
        """What the sheet projects: recognised at its star unless a knock-out or stop holds."""
        return self.recognised and not self.is_stopped

    @property
    def points_by_part(self) -> dict[str, Decimal]:
        return {p.code: p.points for p in self.parts}

    @property
    def met_minimums_by_star(self) -> dict[int, bool]:
        return {m.star: m.met for m in self.minimums}

    @property
    def choice_by_code(self) -> dict[str, Choice]:
        return {c.code: c for c in self.choices}

    def minimums_for(self, star: int) -> StarMinimums:
        for m in self.minimums:
            if m.star == star:
                return m
        return StarMinimums(star=star, met=True)

    def holding_back(self, star: int) -> tuple[Holdback, ...]:
        """Every minimum that keeps the sheet below ``star``, cumulative (stars 3..star)."""
        return tuple(h for m in self.minimums if m.star <= star for h in m.holding_back)

    def unmet_minimums(self) -> tuple[UnmetMinimum, ...]:
        """Every criterion holding the sheet below some star minimum, each once (the lists of
        :meth:`holding_back` are cumulative, so one criterion shows in several): in the order
        of the lowest star it blocks, then the sheet's order."""
        stars: dict[str, list[int]] = {}
        answered: dict[str, bool] = {}
        for m in sorted(self.minimums, key=lambda m: m.star):
            for h in m.holding_back:
                if m.star not in stars.setdefault(h.code, []):
                    stars[h.code].append(m.star)
                answered[h.code] = answered.get(h.code, False) or h.answered
        return tuple(UnmetMinimum(code=code, stars=tuple(s), answered=answered[code])
                     for code, s in stars.items())

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (Decimals kept) for JSON storage: see :func:`to_json`."""
        return {
            "rulebook": self.rulebook_code,
            "set": self.set_number,
            "parts": {p.code: p.points for p in self.parts},
            "total": self.total,
            "band_star": self.band_star,
            "star": self.star,
            "recognised": self.recognised,
            "complete": self.is_complete,
            "missing": list(self.missing),
            "max_reachable_total": self.max_reachable_total,
            "star_ceiling": self.star_ceiling,
            "minimums_failed": {
                str(m.star): [{"criterion": h.code, "required_option": h.required_option,
                               "chosen_option": h.chosen_option, "case": h.case}
                              for h in m.holding_back]
                for m in self.minimums
            },
            "knockouts": list(self.knockouts),
            "knockouts_suggested": list(self.knockouts_suggested),
            "stops": list(self.stops),
            "choices": {c.code: c.option for c in self.choices},
            "cases": {c.code: c.case for c in self.choices if c.case is not None},
        }


# --- scoring --------------------------------------------------------------------------------

def _check_index(code: str, value: Any, count: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidOption(f"{code}: option must be an index from 0 (or null for none met), "
                            f"got {value!r}.")
    if not 0 <= value < count:
        raise InvalidOption(f"{code}: option {value} does not exist "
                            f"(choose 0–{count - 1}).")
    return value


def _case_key(code: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ScoringError(f"{code}: case must be a case key such as '1', got {value!r}.")
    return str(value)


def score_sheet(sheet: Sheet, choices: Mapping[str, int | None], *,
                cases: Mapping[str, str] | None = None,
                knockouts: Iterable[str] = ()) -> SheetResult:
    """Score one evaluator's choices on ``sheet``; see the module docstring."""
    if not isinstance(choices, Mapping):
        raise ScoringError("choices must be a mapping of criterion code to option index.")
    cases = dict(cases or {})
    if isinstance(knockouts, str):
        knockouts = (knockouts,)

    # Cases: every key must be a case item of this sheet and name one of its cases.
    case_of: dict[str, str] = {}
    for code, key in cases.items():
        if not isinstance(code, str):
            raise UnknownCriterion(f"Section codes are texts such as '8', got {code!r}.")
        item = sheet.item(code)
        key = _case_key(code, key)
        item.case(key)  # raises CaseNotApplicable / UnknownCase
        case_of[code] = key

    chosen: dict[str, Choice] = {}
    for code, value in choices.items():
        if not isinstance(code, str):
            raise UnknownCriterion(f"Criterion codes are texts such as '1.1', got {code!r}.")
        item = sheet.item(code)
        options = item.options_for(case_of.get(code))  # raises CaseRequired for case items
        index = _check_index(code, value, len(options))
        points = ZERO if index is None else options[index].points
        chosen[code] = Choice(code=code, option=index, points=points, case=case_of.get(code))

    fired: list[str] = []
    for code in knockouts:
        if code not in sheet.knockout_codes:
            applicable = ", ".join(k.code for k in sheet.knockouts) or "none"
            raise KnockoutNotApplicable(
                f"Knock-out {code!r} does not apply to set {sheet.number} "
                f"({sheet.rulebook_code}); applicable: {applicable}.")
        if code not in fired:
            fired.append(code)

    # Points per section and part, in sheet order.
    section_scores, part_scores, missing = [], [], []
    ordered_choices: list[Choice] = []
    total = reachable = ZERO
    for part in sheet.parts:
        part_points = ZERO
        for section in part.sections:
            points, answered = ZERO, 0
            for item in section.items:
                c = chosen.get(item.code)
                if c is None:
                    missing.append(item.code)
                    reachable += item.max_points
                    continue
                ordered_choices.append(c)
                points += c.points
                answered += 1
            section_scores.append(SectionScore(code=section.code, part=part.code, points=points,
                                               max_points=section.max_points, answered=answered,
                                               items=len(section.items)))
            part_points += points
        part_scores.append(PartScore(code=part.code, points=part_points,
                                     max_points=part.max_points))
        total += part_points
    reachable += total

    # Star minimums: an option meets a minimum when it is the marked one or a later (better)
    # one in the legal order of the same item.
    minimums, ceiling_met = [], {}
    for star in sheet.minimum_stars:
        held: list[Holdback] = []
        for item in sheet.items_with_minimums:
            if star not in item.minimum_stars:
                continue
            c = chosen.get(item.code)
            case = c.case if c else case_of.get(item.code)
            required = item.minimum_index(star, case)
            if required is None:  # the chosen case carries no minimum for this star
                continue
            if c is None or c.option is None or c.option < required:
                held.append(Holdback(code=item.code, required_option=required,
                                     chosen_option=c.option if c else None, case=case,
                                     answered=c is not None))
        minimums.append(StarMinimums(star=star, met=not held, holding_back=tuple(held)))
        ceiling_met[star] = not any(h.answered for h in held)

    suggested = []
    for k in sheet.knockouts:
        if k.code in fired or not k.suggest_when_zero:
            continue
        if any(code in chosen and chosen[code].points == ZERO for code in k.suggest_when_zero):
            suggested.append(k.code)

    knocked_out = bool(fired)
    met = {m.star: m.met for m in minimums}
    star = star_for(total, met, knocked_out, sheet.star_bands)
    ceiling = star_for(min(reachable, sheet.total_max), ceiling_met, knocked_out,
                       sheet.star_bands)
    return SheetResult(
        rulebook_code=sheet.rulebook_code, set_number=sheet.number,
        parts=tuple(part_scores), sections=tuple(section_scores), total=total,
        choices=tuple(ordered_choices), missing=tuple(missing), minimums=tuple(minimums),
        knockouts=tuple(fired), knockouts_suggested=tuple(suggested),
        knockouts_applicable=tuple(k.code for k in sheet.knockouts),
        band_star=band_star(total, sheet.star_bands), star=star,
        recognised=is_recognised(star, sheet.star_bands),
        max_reachable_total=reachable, star_ceiling=ceiling, star_bands=sheet.star_bands,
        stops=tuple(suggested),
    )
