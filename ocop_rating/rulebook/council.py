"""Council aggregation: from the members' sheets to the council's result.

The law (Decision 26/2026) says only "average total score" (điểm trung bình). The practice
rules below are configurable per council (:class:`CouncilRules`, stored as JSON), with the
defaults of DOMAIN §4:

* **Mean**: arithmetic mean of the counted members' totals. The star band is read from the
  *exact* mean (``mean_exact``); ``mean_total`` is that mean rounded to ``mean_decimals``
  (default two) with ROUND_HALF_UP, for display only: with zero decimals members at 69 and 70
  show "70" and get 3★ (69.5 is below the 4★ band). Part means are rounded the same way
  (they may not add up to the mean to the last cent).
* **Spread**: max − min of the members' totals (all members, before any trimming). At most
  ``spread_limit`` (default 10) is fine; *beyond* it the result is flagged ``spread_exceeded``
  (the council discusses and members re-score).
* **Disagreement**: an item on which two members' chosen options are ``disagreement_steps``
  (default 2) or more index-steps apart, or on which members chose different cases.
  "None of the options met" counts as one step below option 0.
* **Quorum**: at least ``quorum_fraction`` (default 3/4) of ``members_total``, rounded up, must
  have scored, and the chair must be present when ``chair_required`` (default). The caller
  passes ``members_total`` already reduced by the members excluded for a conflict of interest.
  A member counts as present when his sheet is given.
* **Trimming** (default off; nothing in the law discards scores): when on and at least
  ``trim_min_members`` (default 5) members scored, the single highest and single lowest total
  are left out of the mean and part means (ties: the earliest-listed lowest, the latest-listed
  highest). Spread, disagreements and minimums still use every member.
* **Star minimums** (``minimum_rule``):

  - ``"sheet_majority"`` (default): star s's minimums count as met for the council when at
    least ``minimum_met_fraction`` (default 1/2) of the members' *own sheets* meet every
    minimum of the stars 3..s; and the council star is never above the highest star one
    member's own sheet reaches (band and minimums, knock-outs aside). So the council can
    never give a star that no member's sheet reaches (docs/decisions.md, issue 10).
  - ``"item_majority"`` (the earlier reading): each minimum (star s, item) counts as met
    when at least ``minimum_met_fraction`` of the members met it, item by item. Three members
    each missing a *different* 4★ minimum then give 4★, although every sheet says 3★.

  Either way a tie favours the producer and the record keeps, per minimum, which members met
  it.
* **Knock-outs**: any member flagging a knock-out is reported (``knockouts_flagged`` with the
  members). The council decides: codes passed in ``knockouts_confirmed`` knock the product out
  (no star); ``knockouts_dismissed`` are recorded as rejected; a flagged code in neither is
  ``pending`` and the result is not final. A stop that a member's own choices meet
  (``SheetResult.stops``: a 0 on a listed sensory item, no declaration slip …) counts as
  flagged by that member in the same way (``stops_flagged``): until it is resolved the
  problem is ``stop_pending`` and no star can be concluded.

``CouncilResult.problems`` lists why a result cannot yet be adopted (no quorum, chair absent,
spread exceeded, pending knock-out or stop, incomplete sheets); the star is still computed for
display.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from .errors import CouncilError, InvalidCouncilRules
from .scoring import Holdback, SheetResult, band_star, is_recognised, star_for

MemberId = Hashable


def _fraction(name: str, value: Any) -> Fraction:
    if isinstance(value, Fraction):
        result = value
    elif isinstance(value, bool) or value is None:
        raise InvalidCouncilRules(f"{name} must be a fraction such as '3/4', got {value!r}.")
    else:
        try:
            result = Fraction(str(value).strip())
        except (ValueError, ZeroDivisionError):
            raise InvalidCouncilRules(
                f"{name} must be a fraction such as '3/4', got {value!r}.") from None
    if not 0 < result <= 1:
        raise InvalidCouncilRules(f"{name} must be above 0 and at most 1, got {value!r}.")
    return result


def _decimal(name: str, value: Any) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float) and not math.isfinite(value):
        raise InvalidCouncilRules(f"{name} must be a number, got {value!r}.")
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidCouncilRules(f"{name} must be a number, got {value!r}.") from None
    if result < 0:
        raise InvalidCouncilRules(f"{name} must not be negative, got {value!r}.")
    return result


def _int(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InvalidCouncilRules(f"{name} must be an integer ≥ {low}, got {value!r}.")
    return value


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidCouncilRules(f"{name} must be true or false, got {value!r}.")
    return value


MINIMUM_RULES = ("sheet_majority", "item_majority")


@dataclass(frozen=True)
class CouncilRules:
    """How a council aggregates its members' sheets (defaults: DOMAIN §4)."""

    spread_limit: Decimal = Decimal(10)
    quorum_fraction: Fraction = Fraction(3, 4)
    chair_required: bool = True
    trim_extremes: bool = False
    trim_min_members: int = 5
    disagreement_steps: int = 2
    minimum_met_fraction: Fraction = Fraction(1, 2)
    mean_decimals: int = 2
    minimum_rule: str = "sheet_majority"

    def __post_init__(self) -> None:
        # Normalise and check every field, so a rules object is valid however it was made.
        set_ = object.__setattr__
        set_(self, "spread_limit", _decimal("spread_limit", self.spread_limit))
        set_(self, "quorum_fraction", _fraction("quorum_fraction", self.quorum_fraction))
        set_(self, "chair_required", _bool("chair_required", self.chair_required))
        set_(self, "trim_extremes", _bool("trim_extremes", self.trim_extremes))
        set_(self, "trim_min_members", _int("trim_min_members", self.trim_min_members, 3))
        set_(self, "disagreement_steps", _int("disagreement_steps", self.disagreement_steps, 1))
        set_(self, "minimum_met_fraction",
             _fraction("minimum_met_fraction", self.minimum_met_fraction))
        set_(self, "mean_decimals", _int("mean_decimals", self.mean_decimals, 0))
        if self.minimum_rule not in MINIMUM_RULES:
            raise InvalidCouncilRules(f"minimum_rule must be one of {', '.join(MINIMUM_RULES)}, "
                                      f"got {self.minimum_rule!r}.")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> CouncilRules:
        """Rules from a stored JSON dict; missing keys take the defaults, unknown keys raise."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidCouncilRules(f"Unknown council rule(s): {', '.join(unknown)} "
                                      f"(known: {', '.join(sorted(known))}).")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (numbers as text, fractions as 'a/b') that ``from_dict`` reads."""
        out = asdict(self)
        out["spread_limit"] = str(self.spread_limit)
        out["quorum_fraction"] = str(self.quorum_fraction)
        out["minimum_met_fraction"] = str(self.minimum_met_fraction)
        return out


@dataclass(frozen=True)
class MemberResult:
    """One council member's sheet result, tagged with who scored it."""

    member_id: MemberId
    result: SheetResult
    is_chair: bool = False


@dataclass(frozen=True)
class Disagreement:
    """Members' choices on one item that are too far apart (or in different cases)."""

    code: str
    steps: int
    different_cases: bool
    choices: tuple[tuple[MemberId, int | None, str | None], ...]


@dataclass(frozen=True)
class CouncilHoldback:
    """A star minimum the council does not consider met."""

    star: int
    code: str
    required_option: int
    members_meeting: tuple[MemberId, ...]
    members_not_meeting: tuple[MemberId, ...]


@dataclass(frozen=True)
class CouncilStarMinimums:
    star: int
    met: bool
    holding_back: tuple[CouncilHoldback, ...] = ()


@dataclass(frozen=True)
class CouncilResult:
    """The council's aggregated result for one product, pinned to rulebook and set."""

    rulebook_code: str
    set_number: int
    rules: CouncilRules
    members_total: int
    members_scored: int
    chair_present: bool
    quorum_required: int
    quorum_met: bool
    member_totals: tuple[tuple[MemberId, Decimal], ...]
    trimmed: tuple[MemberId, ...]
    mean_total: Decimal
    part_means: tuple[tuple[str, Decimal], ...]
    spread: Decimal
    spread_exceeded: bool
    disagreements: tuple[Disagreement, ...]
    minimums: tuple[CouncilStarMinimums, ...]
    knockouts_flagged: tuple[tuple[str, tuple[MemberId, ...]], ...]
    knockouts_confirmed: tuple[str, ...]
    knockouts_dismissed: tuple[str, ...]
    knockouts_pending: tuple[str, ...]
    incomplete_members: tuple[MemberId, ...]
    band_star: int
    star: int | None
    recognised: bool
    problems: tuple[str, ...] = field(default=())
    mean_exact: Decimal | None = None
    stops_flagged: tuple[tuple[str, tuple[MemberId, ...]], ...] = ()
    member_stars: tuple[tuple[MemberId, int | None], ...] = ()

    @property
    def is_final(self) -> bool:
        """True when nothing stands in the way of adopting the result."""
        return not self.problems

    @property
    def part_means_by_code(self) -> dict[str, Decimal]:
        return dict(self.part_means)

    @property
    def met_minimums_by_star(self) -> dict[int, bool]:
        return {m.star: m.met for m in self.minimums}

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (Decimals kept; member ids as given) for storage and display."""
        return {
            "rulebook": self.rulebook_code,
            "set": self.set_number,
            "rules": self.rules.to_dict(),
            "members_total": self.members_total,
            "members_scored": self.members_scored,
            "chair_present": self.chair_present,
            "quorum_required": self.quorum_required,
            "quorum_met": self.quorum_met,
            "member_totals": [[m, t] for m, t in self.member_totals],
            "trimmed": list(self.trimmed),
            "mean_total": self.mean_total,
            "mean_exact": str(self.mean_exact if self.mean_exact is not None
                              else self.mean_total),
            "part_means": dict(self.part_means),
            "spread": self.spread,
            "spread_exceeded": self.spread_exceeded,
            "disagreements": [
                {"criterion": d.code, "steps": d.steps, "different_cases": d.different_cases,
                 "choices": [[m, o, c] for m, o, c in d.choices]} for d in self.disagreements],
            "minimums_failed": {
                str(m.star): [{"criterion": h.code, "required_option": h.required_option,
                               "members_meeting": list(h.members_meeting),
                               "members_not_meeting": list(h.members_not_meeting)}
                              for h in m.holding_back] for m in self.minimums},
            "knockouts_flagged": {c: list(ms) for c, ms in self.knockouts_flagged},
            "stops_flagged": {c: list(ms) for c, ms in self.stops_flagged},
            "member_stars": [[m, s] for m, s in self.member_stars],
            "knockouts_confirmed": list(self.knockouts_confirmed),
            "knockouts_dismissed": list(self.knockouts_dismissed),
            "knockouts_pending": list(self.knockouts_pending),
            "incomplete_members": list(self.incomplete_members),
            "band_star": self.band_star,
            "star": self.star,
            "recognised": self.recognised,
            "problems": list(self.problems),
        }


def _round(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _codes(codes: Iterable[str]) -> tuple[str, ...]:
    if isinstance(codes, str):
        codes = (codes,)
    return tuple(dict.fromkeys(codes))


def aggregate(member_results: Sequence[MemberResult], rules: CouncilRules | None = None, *,
              members_total: int, chair_present: bool,
              knockouts_confirmed: Iterable[str] = (),
              knockouts_dismissed: Iterable[str] = ()) -> CouncilResult:
    """Aggregate the members' sheets of one product into the council's result.

    ``member_results``: one :class:`MemberResult` per member who scored (same rulebook and set).
    ``members_total``: the council's members minus those excluded for a conflict of interest.
    ``chair_present``: whether the chair attends (he may or may not hand in a sheet).
    ``knockouts_confirmed`` / ``knockouts_dismissed``: the council's decision on flagged
    knock-outs (codes applicable to the sheet). See the module docstring for every rule.
    """
    rules = rules if rules is not None else CouncilRules()
    if not isinstance(rules, CouncilRules):
        raise CouncilError("rules must be a CouncilRules (use CouncilRules.from_dict).")
    members = list(member_results)
    if not members:
        raise CouncilError("No member results to aggregate.")
    for m in members:
        if not isinstance(m, MemberResult):
            raise CouncilError("Each member result must be a MemberResult(member_id, result).")
    first = members[0].result
    for m in members:
        if (m.result.rulebook_code, m.result.set_number) != (first.rulebook_code,
                                                              first.set_number):
            raise CouncilError(
                f"Member {m.member_id!r} scored {m.result.rulebook_code} set "
                f"{m.result.set_number}, others {first.rulebook_code} set {first.set_number}.")
    ids = [m.member_id for m in members]
    if len(set(ids)) != len(ids):
        raise CouncilError("A member appears more than once.")
    chairs = [m for m in members if m.is_chair]
    if len(chairs) > 1:
        raise CouncilError("More than one member is marked as chair.")
    if chairs and not chair_present:
        raise CouncilError("The chair handed in a sheet but chair_present is false.")
    if isinstance(members_total, bool) or not isinstance(members_total, int) \
            or members_total < len(members):
        raise CouncilError(f"members_total ({members_total!r}) must be an integer at least the "
                           f"number of members who scored ({len(members)}).")

    applicable = set(first.knockouts_applicable)
    confirmed = _codes(knockouts_confirmed)
    dismissed = _codes(knockouts_dismissed)
    for code in (*confirmed, *dismissed):
        if code not in applicable:
            raise CouncilError(f"Knock-out {code!r} does not apply to set {first.set_number} "
                               f"({first.rulebook_code}).")
    both = set(confirmed) & set(dismissed)
    if both:
        raise CouncilError(f"Knock-out(s) both confirmed and dismissed: {', '.join(sorted(both))}.")

    n = len(members)
    # Quorum: ceil(fraction × members_total), exact with Fraction.
    quorum_required = math.ceil(rules.quorum_fraction * members_total)
    quorum_met = n >= quorum_required and (chair_present or not rules.chair_required)

    totals = [(m.member_id, m.result.total) for m in members]
    values = [t for _, t in totals]
    spread = max(values) - min(values)
    spread_exceeded = spread > rules.spread_limit

    kept = list(range(n))
    trimmed: tuple[MemberId, ...] = ()
    if rules.trim_extremes and n >= rules.trim_min_members:
        order = sorted(range(n), key=lambda i: (values[i], i))
        low, high = order[0], order[-1]
        kept = [i for i in range(n) if i not in (low, high)]
        trimmed = (ids[low], ids[high])
    # The exact mean decides the band; the rounded one is what is printed. Totals carry at most
    # two decimals and members are few, so Decimal's 28 digits hold the quotient exactly
    # enough that no band edge is ever crossed by the division.
    mean_exact = sum((values[i] for i in kept), Decimal(0)) / len(kept)
    mean = _round(mean_exact, rules.mean_decimals)
    part_codes = [p.code for p in first.parts]
    part_means = tuple(
        (code, _round(sum((members[i].result.points_by_part[code] for i in kept), Decimal(0))
                      / len(kept), rules.mean_decimals))
        for code in part_codes)

    disagreements = _disagreements(members, rules.disagreement_steps)
    minimums = _council_minimums(members, rules.minimum_met_fraction)
    bands = first.star_bands
    member_stars = tuple((m.member_id, star_for(m.result.total, m.result.met_minimums_by_star,
                                                False, bands)) for m in members)
    if rules.minimum_rule == "sheet_majority":
        minimums = _sheet_majority(members, minimums, rules.minimum_met_fraction)

    flagged: dict[str, list[MemberId]] = {}
    stops: dict[str, list[MemberId]] = {}
    for m in members:
        for code in m.result.knockouts:
            flagged.setdefault(code, []).append(m.member_id)
        for code in m.result.stops:
            stops.setdefault(code, []).append(m.member_id)
            if m.member_id not in flagged.setdefault(code, []):
                flagged[code].append(m.member_id)
    pending = tuple(c for c in flagged if c not in confirmed and c not in dismissed)

    met = {m.star: m.met for m in minimums}
    star = star_for(mean_exact, met, bool(confirmed), bands)
    if star is not None and rules.minimum_rule == "sheet_majority":
        # Never above what one member's own sheet reaches (band and minimums).
        star = min(star, max(s for _, s in member_stars))
    incomplete = tuple(m.member_id for m in members if not m.result.is_complete)

    problems = []
    if n < quorum_required:
        problems.append("no_quorum")
    if rules.chair_required and not chair_present:
        problems.append("chair_absent")
    if spread_exceeded:
        problems.append("spread_exceeded")
    if any(c not in stops for c in pending):
        problems.append("knockout_pending")
    if any(c in stops for c in pending):
        problems.append("stop_pending")
    if incomplete:
        problems.append("incomplete_sheets")

    return CouncilResult(
        rulebook_code=first.rulebook_code, set_number=first.set_number, rules=rules,
        members_total=members_total, members_scored=n, chair_present=chair_present,
        quorum_required=quorum_required, quorum_met=quorum_met, member_totals=tuple(totals),
        trimmed=trimmed, mean_total=mean, part_means=part_means, spread=spread,
        spread_exceeded=spread_exceeded, disagreements=disagreements, minimums=minimums,
        knockouts_flagged=tuple((c, tuple(ms)) for c, ms in flagged.items()),
        knockouts_confirmed=confirmed, knockouts_dismissed=dismissed,
        knockouts_pending=pending, incomplete_members=incomplete,
        band_star=band_star(mean_exact, bands), star=star,
        recognised=is_recognised(star, bands), problems=tuple(problems), mean_exact=mean_exact,
        stops_flagged=tuple((c, tuple(ms)) for c, ms in stops.items()),
        member_stars=member_stars,
    )


def _disagreements(members: list[MemberResult], steps: int) -> tuple[Disagreement, ...]:
    by_code: dict[str, list[tuple[MemberId, int | None, str | None]]] = {}
    order: list[str] = []
    for m in members:
        for c in m.result.choices:
            if c.code not in by_code:
                by_code[c.code] = []
                order.append(c.code)
            by_code[c.code].append((m.member_id, c.option, c.case))
    # Keep the sheet order of the first member who answered each item.
    out = []
    for code in order:
        choices = by_code[code]
        if len(choices) < 2:
            continue
        different_cases = len({case for _, _, case in choices}) > 1
        positions = [-1 if o is None else o for _, o, _ in choices]
        spread = max(positions) - min(positions)
        if different_cases or spread >= steps:
            out.append(Disagreement(code=code, steps=spread, different_cases=different_cases,
                                    choices=tuple(choices)))
    return tuple(out)


def _council_minimums(members: list[MemberResult],
                      fraction: Fraction) -> tuple[CouncilStarMinimums, ...]:
    stars = sorted({m.star for r in members for m in r.result.minimums})
    n = len(members)
    out = []
    for star in stars:
        failing: dict[str, list[tuple[MemberId, Holdback]]] = {}
        for r in members:
            for h in r.result.minimums_for(star).holding_back:
                failing.setdefault(h.code, []).append((r.member_id, h))
        held = []
        for code, fails in failing.items():
            not_meeting = [mid for mid, _ in fails]
            meeting = [r.member_id for r in members if r.member_id not in not_meeting]
            if Fraction(len(meeting), n) < fraction:
                held.append(CouncilHoldback(
                    star=star, code=code, required_option=fails[0][1].required_option,
                    members_meeting=tuple(meeting), members_not_meeting=tuple(not_meeting)))
        out.append(CouncilStarMinimums(star=star, met=not held, holding_back=tuple(held)))
    return tuple(out)


def _sheet_majority(members: list[MemberResult], by_item: tuple[CouncilStarMinimums, ...],
                    fraction: Fraction) -> tuple[CouncilStarMinimums, ...]:
    """Star s's minimums are met when at least ``fraction`` of the members' own sheets meet
    every minimum of the stars up to s (cumulative, as on one sheet). The items holding the
    star back are those of the item-by-item reading, or — when every item is met by a
    majority but no majority of sheets meets them all — each item some member missed."""
    n = len(members)
    out = []
    for m in by_item:
        meeting = [r for r in members
                   if all(r.result.minimums_for(s).met for s in range(1, m.star + 1))]
        met = Fraction(len(meeting), n) >= fraction
        held = m.holding_back
        if not met and not held:
            failing: dict[str, list[tuple[MemberId, Holdback]]] = {}
            for r in members:
                for h in r.result.minimums_for(m.star).holding_back:
                    failing.setdefault(h.code, []).append((r.member_id, h))
            held = tuple(CouncilHoldback(
                star=m.star, code=code, required_option=fails[0][1].required_option,
                members_meeting=tuple(r.member_id for r in members
                                      if r.member_id not in {mid for mid, _ in fails}),
                members_not_meeting=tuple(mid for mid, _ in fails))
                for code, fails in failing.items())
        out.append(CouncilStarMinimums(star=m.star, met=met, holding_back=held if not met else ()))
    return tuple(out)
