"""Validation of a rulebook: ``check_rulebook(rulebook) -> list[Issue]``.

Errors make a rulebook unusable (strict loading refuses it); warnings are things to verify
against the signed text but do not change any score. Checks:

* rulebook: star bands contiguous from 0 to the total and cumulative in recognition, part
  maxima summing to the total, classification covering every sheet exactly once, knock-out
  catalogue without duplicates;
* sheet: parts as the rulebook defines them (qd26: A40/B25/C35, 100 in all), sections summing
  to their part, criteria to their section, sub-criteria to their heading (a heading is never
  scored itself, so nothing is counted twice), unique codes;
* item: at least one option (two cases or none), option indexes in order, points between 0 and
  the item maximum (error), best option equal to the maximum (warning), points never falling
  along the legal order (warning: "a better option" would be ambiguous), options told apart by
  their label (error: an indistinguishable option cannot be reached), yes/no items exactly
  0 / max;
* star markers: only for the rulebook's minimum stars (3/4/5), at most one per star and item,
  never a higher star at a lower option than a lower star;
* knock-outs: every sheet knock-out is in the catalogue; its zero-triggers name real items;
* sibling sheets (warnings, "likely transcription loss"): a criterion is compared with the
  same criterion (same code, same label) of the rulebook's other sheets. It is flagged when
  it lacks a star marker that most of its siblings carry, lacks the 0-point option most of
  its siblings offer, or puts a star marker on its top option (full marks) where a sibling
  marks that star on a lower option. None of these changes a score: docs/rulebooks.md
  records the reading kept for each until the signed text is checked.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from .model import CriterionGroup, Item, ItemKind, Option, Rulebook, Sheet


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One finding. ``set`` is None for rulebook-wide issues; ``code`` names the part, section
    or criterion concerned (None for the whole sheet)."""

    severity: Severity
    set: int | None
    code: str | None
    message: str

    def __str__(self) -> str:
        where = "rulebook" if self.set is None else f"set {self.set}"
        if self.code:
            where += f" {self.code}"
        return f"{self.severity.value}: {where}: {self.message}"


def _fmt(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral_value() else str(d)


class _Checker:
    def __init__(self, rulebook: Rulebook):
        self.rb = rulebook
        self.issues: list[Issue] = []

    def error(self, sheet: int | None, code: str | None, message: str) -> None:
        self.issues.append(Issue(Severity.ERROR, sheet, code, message))

    def warn(self, sheet: int | None, code: str | None, message: str) -> None:
        self.issues.append(Issue(Severity.WARNING, sheet, code, message))

    # --- rulebook -------------------------------------------------------------------------

    def rulebook(self) -> None:
        rb = self.rb
        if rb.effective_to is not None and rb.effective_to < rb.effective_from:
            self.error(None, None, "effective_to is before effective_from")
        parts_total = sum((p.max_points for p in rb.parts), Decimal(0))
        if parts_total != rb.total_max:
            self.error(None, None, f"part maxima sum to {_fmt(parts_total)}, "
                                   f"not {_fmt(rb.total_max)}")
        self.bands()
        for star in rb.minimum_stars:
            if star not in {b.star for b in rb.star_bands}:
                self.error(None, None, f"minimum star {star} has no star band")
        dup = [c for c, n in Counter(k.code for k in rb.knockouts).items() if n > 1]
        if dup:
            self.error(None, None, f"knock-out codes listed twice: {', '.join(dup)}")
        if not rb.sheets:
            self.error(None, None, "no product sets")
        self.classification()

    def bands(self) -> None:
        bands = self.rb.star_bands
        if not bands:
            self.error(None, None, "no star bands")
            return
        stars = [b.star for b in bands]
        if stars != list(range(1, len(bands) + 1)):
            self.error(None, None, f"star bands must be stars 1..{len(bands)}, got {stars}")
        if bands[0].min != 0:
            self.error(None, None, f"lowest star band starts at {_fmt(bands[0].min)}, not 0")
        for low, high in pairwise(bands):
            if low.max_inclusive or low.max != high.min:
                self.error(None, None, f"star bands {low.star} and {high.star} are not "
                                       "contiguous (max_exclusive of one = min of the next)")
            if low.recognised and not high.recognised:
                self.error(None, None, f"star {low.star} is recognised but {high.star} is not")
        top = bands[-1]
        if not top.max_inclusive or top.max != self.rb.total_max:
            self.error(None, None, f"top star band must include {_fmt(self.rb.total_max)}")

    def classification(self) -> None:
        rb = self.rb
        seen: Counter[int] = Counter()
        placement: dict[int, tuple[str, str]] = {}
        for g in rb.groups:
            for sg in g.subgroups:
                for n in sg.sets:
                    seen[n] += 1
                    placement[n] = (g.code, sg.code)
        numbers = set(rb.set_numbers)
        for n, count in seen.items():
            if count > 1:
                self.error(n, None, "product set classified more than once")
            if n not in numbers:
                self.error(n, None, "classified but has no sheet")
        for sheet in rb.sheets:
            if sheet.number not in placement:
                self.error(sheet.number, None, "sheet not in the classification")
            elif placement[sheet.number] != (sheet.group, sheet.subgroup):
                self.error(sheet.number, None,
                           f"sheet says {sheet.group}/{sheet.subgroup}, classification says "
                           f"{placement[sheet.number][0]}/{placement[sheet.number][1]}")

    # --- sheet ----------------------------------------------------------------------------

    def sheet(self, sheet: Sheet) -> None:
        n, rb = sheet.number, self.rb
        if sheet.rulebook_code != rb.code:
            self.error(n, None, f"belongs to rulebook {sheet.rulebook_code}")
        if sheet.total_max != rb.total_max:
            self.error(n, None, f"total {_fmt(sheet.total_max)} is not {_fmt(rb.total_max)}")
        expected = [(p.code, p.max_points) for p in rb.parts]
        actual = [(p.code, p.max_points) for p in sheet.parts]
        if [c for c, _ in actual] != [c for c, _ in expected]:
            self.error(n, None, f"parts {[c for c, _ in actual]} are not "
                                f"{[c for c, _ in expected]}")
        for (code, got), (_, want) in zip(actual, expected):
            if got != want:
                self.error(n, code, f"part maximum {_fmt(got)} is not {_fmt(want)}")
        total = sum((p.max_points for p in sheet.parts), Decimal(0))
        if total != sheet.total_max:
            self.error(n, None, f"parts sum to {_fmt(total)}, not {_fmt(sheet.total_max)}")

        codes: Counter[str] = Counter()
        for part in sheet.parts:
            if not part.sections:
                self.error(n, part.code, "part has no sections")
            s_total = sum((s.max_points for s in part.sections), Decimal(0))
            if s_total != part.max_points:
                self.error(n, part.code, f"sections sum to {_fmt(s_total)}, not the part "
                                         f"maximum {_fmt(part.max_points)}")
            for section in part.sections:
                codes[f"section {section.code}"] += 1
                self.section(sheet, section, codes)
        for code, count in codes.items():
            if count > 1:
                self.error(n, code.split()[-1], f"{code} appears {count} times")
        self.knockouts(sheet)

    def section(self, sheet: Sheet, section, codes: Counter) -> None:
        n = sheet.number
        if not section.entries:
            self.error(n, section.code, "section has neither criteria nor options")
            return
        if section.is_scored_directly:
            item = section.entries[0]
            if item.max_points != section.max_points:
                self.error(n, section.code, "section item maximum differs from the section")
            self.item(sheet, item)
            return
        e_total = sum((e.max_points for e in section.entries), Decimal(0))
        if e_total != section.max_points:
            self.error(n, section.code, f"criteria sum to {_fmt(e_total)}, not the section "
                                        f"maximum {_fmt(section.max_points)}")
        for entry in section.entries:
            codes[f"criterion {entry.code}"] += 1
            if isinstance(entry, CriterionGroup):
                self.group(sheet, entry, codes)
            else:
                if entry.kind is ItemKind.SUB_CRITERION:
                    self.error(n, entry.code, "sub-criterion outside its heading")
                self.item(sheet, entry)

    def group(self, sheet: Sheet, group: CriterionGroup, codes: Counter) -> None:
        n = sheet.number
        if not group.children:
            self.error(n, group.code, "heading without sub-criteria")
            return
        c_total = sum((c.max_points for c in group.children), Decimal(0))
        if c_total != group.max_points:
            self.error(n, group.code, f"sub-criteria sum to {_fmt(c_total)}, not the heading "
                                      f"maximum {_fmt(group.max_points)}")
        for child in group.children:
            codes[f"criterion {child.code}"] += 1
            if child.parent != group.code or not child.code.startswith(group.code + "."):
                self.error(n, child.code, f"sub-criterion is not under {group.code}")
            self.item(sheet, child)

    def item(self, sheet: Sheet, item: Item) -> None:
        n, code = sheet.number, item.code
        if item.max_points <= 0:
            self.error(n, code, f"maximum {_fmt(item.max_points)} is not positive")
        if item.cases:
            if item.options:
                self.error(n, code, "has both cases and options")
            if len(item.cases) < 2:
                self.error(n, code, "a case choice needs at least two cases")
            keys = [c.key for c in item.cases]
            if len(set(keys)) != len(keys):
                self.error(n, code, f"case keys repeat: {keys}")
            for case in item.cases:
                self.options(sheet, item, case.options, f"case {case.key}: ")
        else:
            self.options(sheet, item, item.options, "")
        if item.kind is ItemKind.YES_NO:
            pts = [o.points for o in item.options]
            if pts != [Decimal(0), item.max_points]:
                self.error(n, code, f"yes/no item must be 0 / {_fmt(item.max_points)}, "
                                    f"got {[_fmt(p) for p in pts]}")

    def options(self, sheet: Sheet, item: Item, options: tuple[Option, ...], prefix: str) -> None:
        n, code = sheet.number, item.code
        if not options:
            self.error(n, code, f"{prefix}no options to choose from")
            return
        for i, o in enumerate(options):
            if o.index != i:
                self.error(n, code, f"{prefix}option {o.index} is at position {i}")
            if o.points < 0:
                self.error(n, code, f"{prefix}option {i} has negative points {_fmt(o.points)}")
            if o.points > item.max_points:
                self.error(n, code, f"{prefix}option {i} is worth {_fmt(o.points)}, above the "
                                    f"maximum {_fmt(item.max_points)}")
            if not o.label:
                self.error(n, code, f"{prefix}option {i} has no label")
        best = max(o.points for o in options)
        if best < item.max_points:
            self.warn(n, code, f"{prefix}best option is worth {_fmt(best)}, the maximum is "
                               f"{_fmt(item.max_points)}: the maximum cannot be reached")
        for a, b in pairwise(options):
            if b.points < a.points:
                self.warn(n, code, f"{prefix}option {b.index} ({_fmt(b.points)}) is worth less "
                                   f"than option {a.index} ({_fmt(a.points)})")
            elif b.points == a.points:
                self.warn(n, code, f"{prefix}options {a.index} and {b.index} are both worth "
                                   f"{_fmt(a.points)}: verify against the signed text")
        labels = Counter(o.label for o in options)
        for label, count in labels.items():
            if count > 1 and label:
                self.error(n, code, f"{prefix}{count} options share the label {label[:50]!r}: "
                                    "they cannot be told apart")
        # Star markers.
        marked = [(o.min_for_star, o.index) for o in options if o.min_for_star is not None]
        allowed = set(self.rb.minimum_stars)
        for star, index in marked:
            if star not in allowed:
                self.error(n, code, f"{prefix}option {index} marks star {star}; minimums exist "
                                    f"only for {sorted(allowed)}")
        stars = Counter(s for s, _ in marked)
        for star, count in stars.items():
            if count > 1:
                self.error(n, code, f"{prefix}{count} options mark the {star}-star minimum")
        for (s1, i1) in marked:
            for (s2, i2) in marked:
                if s1 < s2 and i1 > i2:
                    self.error(n, code, f"{prefix}the {s2}-star minimum (option {i2}) is below "
                                        f"the {s1}-star minimum (option {i1})")

    def knockouts(self, sheet: Sheet) -> None:
        n = sheet.number
        catalogue = {k.code for k in self.rb.knockouts}
        seen: Counter[str] = Counter()
        for k in sheet.knockouts:
            seen[k.code] += 1
            if k.code not in catalogue:
                self.error(n, None, f"knock-out {k.code!r} is not in the rulebook's catalogue")
            for code in k.suggest_when_zero:
                try:
                    sheet.item(code)
                except Exception:  # noqa: BLE001 - report, do not hide
                    self.error(n, code, f"knock-out {k.code} is triggered by unknown item")
        for code, count in seen.items():
            if count > 1:
                self.error(n, None, f"knock-out {code!r} listed {count} times")


    # --- sibling sheets ---------------------------------------------------------------------

    def siblings(self) -> None:
        """Compare each criterion with the same criterion of the other sheets."""
        groups: dict[tuple[str, str], list[tuple[int, Item]]] = defaultdict(list)
        for sheet in self.rb.sheets:
            for item in sheet.items:
                if item.is_case_choice or item.kind is ItemKind.YES_NO or not item.options:
                    continue
                groups[(item.code, _label_key(item.label))].append((sheet.number, item))
        start = len(self.issues)
        for members in groups.values():
            for n, item in members:
                others = [(m, other) for m, other in members if m != n]
                if others:
                    self.sibling_markers(n, item, others)
                    self.sibling_zero(n, item, others)
                    self.sibling_top_marker(n, item, others)
        # In sheet order, so a reader checks one sheet at a time against the signed text.
        order = {sheet.number: i for i, sheet in enumerate(self.rb.sheets)}
        self.issues[start:] = sorted(self.issues[start:], key=lambda i: (
            order.get(i.set, 0), _code_key(i.code or "")))

    def sibling_markers(self, n: int, item: Item, others: list[tuple[int, Item]]) -> None:
        have = {o.min_for_star for o in item.options if o.min_for_star is not None}
        for star in self.rb.minimum_stars:
            if star in have:
                continue
            marking = [(m, o) for m, other in others for o in other.options
                       if o.min_for_star == star]
            if not _most(len(marking), len(others)):
                continue
            points = Counter(_fmt(o.points) for _m, o in marking).most_common(1)[0][0]
            self.warn(n, item.code, f"no {star}-star marker, where {len(marking)} of "
                                    f"{len(others)} sibling sheets ({_sets(m for m, _ in marking)}) "
                                    f"mark one (on the option worth {points}): likely "
                                    f"transcription loss; verify against the signed text")

    def sibling_zero(self, n: int, item: Item, others: list[tuple[int, Item]]) -> None:
        if min(o.points for o in item.options) == 0:
            return
        with_zero = [m for m, other in others if min(o.points for o in other.options) == 0]
        if _most(len(with_zero), len(others)):
            self.warn(n, item.code, f"no 0-point option, where {len(with_zero)} of "
                                    f"{len(others)} sibling sheets ({_sets(with_zero)}) have one: "
                                    f"likely transcription loss; verify against the signed text")

    def sibling_top_marker(self, n: int, item: Item, others: list[tuple[int, Item]]) -> None:
        top = item.options[-1]
        if top.min_for_star is None or top.points != item.max_points:
            return
        star = top.min_for_star
        lower = [m for m, other in others for o in other.options[:-1] if o.min_for_star == star]
        if lower:
            self.warn(n, item.code, f"the {star}-star marker is on the top option (worth "
                                    f"{_fmt(top.points)}, full marks), where sibling sheets "
                                    f"({_sets(lower)}) mark it on a lower option: likely "
                                    f"transcription loss; verify against the signed text")


def _code_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))


def _label_key(label: str) -> str:
    return " ".join(label.casefold().split())


def _most(count: int, of: int) -> bool:
    """At least two thirds of the siblings (and at least one)."""
    return count >= 1 and 3 * count >= 2 * of


def _sets(numbers) -> str:
    listed = sorted(set(numbers))
    shown = ", ".join(str(x) for x in listed[:6])
    return "set " + shown if len(listed) == 1 else \
        "sets " + shown + (f" … {len(listed) - 6} more" if len(listed) > 6 else "")


LIKELY_LOSS = "likely transcription loss"


def check_rulebook(rulebook: Rulebook) -> list[Issue]:
    """Validate a rulebook and every sheet in it; returns errors and warnings, never raises."""
    checker = _Checker(rulebook)
    checker.rulebook()
    for sheet in rulebook.sheets:
        checker.sheet(sheet)
    checker.siblings()
    return checker.issues


def errors_only(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.severity is Severity.ERROR]
