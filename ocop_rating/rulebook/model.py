"""The rulebook as typed, frozen data.

A :class:`Rulebook` is one legal version of the OCOP criteria (e.g. ``qd26-2026``, Decision
26/2026/QĐ-TTg, Appendix II). It holds one :class:`Sheet` per product set (bộ sản phẩm, 1–26),
the star bands, the product classification (ngành → nhóm → set) and the knock-out catalogue.

A sheet is ordered exactly like the legal form::

    Sheet → Part (A/B/C) → Section ("1", "2" … numbered items) → entries
        entry = Item                (a criterion "1.1", a yes/no criterion "2.4",
                                     or the section itself when it is scored directly, "7")
              | CriterionGroup      (a heading "6.1" whose sub-criteria "6.1.1"… are scored)

An :class:`Item` is the only thing an evaluator scores: he ticks exactly one of its options
(index from 0, in the order of the legal sheet). Items of the two-case sections of set 26 carry
:class:`Case` s instead of options: the evaluator first picks the case, then an option in it.
``Sheet.items`` lists every scorable item in sheet order; ``Sheet.item(code)`` finds one.

Points are :class:`~decimal.Decimal` throughout. Nothing here imports Flask or SQLAlchemy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from .errors import CaseNotApplicable, CaseRequired, SheetNotFound, UnknownCase, UnknownCriterion


class ItemKind(StrEnum):
    """What kind of line of the sheet an :class:`Item` is."""

    CRITERION = "criterion"          # "1.1": a criterion with its own options
    SUB_CRITERION = "sub_criterion"  # "6.1.1": scored instead of its parent heading "6.1"
    YES_NO = "yes_no"                # "2.4": no options in the legal sheet; no = 0 / yes = max
    SECTION = "section"              # "7": a section scored directly (options on the section)


@dataclass(frozen=True)
class Option:
    """One tickable option. ``min_for_star`` is 3/4/5 when the legal sheet marks it ***/****/*****:
    that option, or a later (better) one of the same item, is required for that star."""

    index: int
    label: str
    points: Decimal
    min_for_star: int | None = None


@dataclass(frozen=True)
class Case:
    """One of the alternative cases of a two-case section (set 26 sections 8, 9, 15)."""

    key: str
    label: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Item:
    """A scorable line of a sheet: choose exactly one option (after the case, if any)."""

    code: str
    label: str
    max_points: Decimal
    kind: ItemKind
    part: str
    section: str
    options: tuple[Option, ...] = ()
    cases: tuple[Case, ...] = ()
    notes: tuple[str, ...] = ()
    parent: str | None = None  # heading code ("6.1") for a sub-criterion

    @property
    def is_case_choice(self) -> bool:
        """True when the evaluator must first pick a case (set 26 sections 8, 9, 15)."""
        return bool(self.cases)

    @property
    def all_options(self) -> tuple[Option, ...]:
        """Every option of the item, across cases (for validation and display)."""
        if self.cases:
            return tuple(o for c in self.cases for o in c.options)
        return self.options

    def case(self, key: str) -> Case:
        """The case with that key; raises :class:`UnknownCase` or :class:`CaseNotApplicable`."""
        if not self.cases:
            raise CaseNotApplicable(f"{self.code} has no cases; do not give a case for it.")
        for c in self.cases:
            if c.key == key:
                return c
        keys = ", ".join(repr(c.key) for c in self.cases)
        raise UnknownCase(f"{self.code}: case {key!r} does not exist (cases: {keys}).")

    def options_for(self, case: str | None = None) -> tuple[Option, ...]:
        """The options to choose from, in legal order; a case is required for case items."""
        if self.cases:
            if case is None:
                keys = ", ".join(repr(c.key) for c in self.cases)
                raise CaseRequired(f"{self.code}: choose a case first ({keys}).")
            return self.case(case).options
        if case is not None:
            raise CaseNotApplicable(f"{self.code} has no cases; do not give a case for it.")
        return self.options

    def minimum_index(self, star: int, case: str | None = None) -> int | None:
        """Index of the option marked as the minimum for ``star`` (None: no minimum here).

        For a case item whose case is not known, the lowest marked index over the cases.
        """
        if self.cases and case is None:
            found = [self.minimum_index(star, c.key) for c in self.cases]
            found = [i for i in found if i is not None]
            return min(found) if found else None
        for option in self.options_for(case):
            if option.min_for_star == star:
                return option.index
        return None

    @cached_property
    def minimum_stars(self) -> frozenset[int]:
        """The stars for which this item carries a minimum marker."""
        return frozenset(o.min_for_star for o in self.all_options if o.min_for_star)


@dataclass(frozen=True)
class CriterionGroup:
    """A criterion heading whose sub-criteria are scored (e.g. set 11 "6.1 Ngoại hình" with
    6.1.1 and 6.1.2). The heading itself is never scored, so its points are counted once."""

    code: str
    label: str
    max_points: Decimal
    children: tuple[Item, ...]
    notes: tuple[str, ...] = ()


Entry = Item | CriterionGroup


@dataclass(frozen=True)
class Section:
    """A numbered section of a part ("1. TỔ CHỨC SẢN XUẤT"). Either it holds criteria, or it is
    scored directly, in which case ``entries`` is a single :class:`Item` with the section code."""

    code: str
    label: str
    max_points: Decimal
    part: str
    entries: tuple[Entry, ...]
    notes: tuple[str, ...] = ()

    @property
    def is_scored_directly(self) -> bool:
        return len(self.entries) == 1 and isinstance(self.entries[0], Item) \
            and self.entries[0].kind is ItemKind.SECTION

    @cached_property
    def items(self) -> tuple[Item, ...]:
        """Scorable items of the section in sheet order (sub-criteria instead of headings)."""
        out: list[Item] = []
        for entry in self.entries:
            out.extend(entry.children if isinstance(entry, CriterionGroup) else (entry,))
        return tuple(out)


@dataclass(frozen=True)
class Part:
    """Part A (product and community strength), B (marketing) or C (quality)."""

    code: str
    label: str
    max_points: Decimal
    sections: tuple[Section, ...]

    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for s in self.sections for i in s.items)


@dataclass(frozen=True)
class StarBand:
    """Total-score band of a star: ``min <= total < max`` (``<= max`` when ``max_inclusive``)."""

    star: int
    min: Decimal
    max: Decimal
    max_inclusive: bool
    recognised: bool
    authority: str | None = None

    def contains(self, total: Decimal) -> bool:
        if total < self.min:
            return False
        return total <= self.max if self.max_inclusive else total < self.max


@dataclass(frozen=True)
class KnockoutRule:
    """An entry of the rulebook's knock-out catalogue.

    ``kind`` is ``"dossier"`` (the dossier is rejected outright, sheet header) or ``"product"``
    (a criterion note excludes the product). ``stops_evaluation``: the legal text says the
    evaluation does not continue ("không đánh giá các bước tiếp theo").
    """

    code: str
    label: str
    kind: str
    stops_evaluation: bool
    description: str = ""


@dataclass(frozen=True)
class SheetKnockout:
    """A knock-out that applies to one sheet, with the legal text it comes from.

    ``source`` is ``"header"`` or the code of the item whose note states it.
    ``suggest_when_zero``: item codes; if one of them is scored 0 points the scorer *suggests*
    this knock-out (it never fires by itself: a person flags it, the council decides).
    """

    code: str
    source: str
    text: str
    suggest_when_zero: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProductSubgroup:
    """A nhóm: a group of product sets. ``inferred`` when the reference text does not name it."""

    code: str
    label: str
    sets: tuple[int, ...]
    inferred: bool = False


@dataclass(frozen=True)
class ProductGroup:
    """A ngành (I food … VI community tourism)."""

    code: str
    label: str
    subgroups: tuple[ProductSubgroup, ...]


@dataclass(frozen=True)
class PartSpec:
    """The rulebook-wide definition of a part and its maximum (qd26: A40/B25/C35)."""

    code: str
    label: str
    max_points: Decimal


@dataclass(frozen=True)
class Correction:
    """A correction the converter applied to the reference extraction, kept for the record."""

    id: str
    sets: tuple[int, ...]
    target: str
    change: str
    reason: str


_TITLE_PREFIX = re.compile(r"^\s*\d+\.\s*(Bộ sản phẩm:\s*)?")


@dataclass(frozen=True, eq=False)
class Sheet:
    """The scoring sheet of one product set under one rulebook version.

    Compared and hashed by identity (``eq=False``): sheets are loaded once and cached, and
    hashing the whole tree on every dict lookup would be wasteful.
    """

    rulebook_code: str
    number: int
    title: str
    group: str
    subgroup: str
    total_max: Decimal
    parts: tuple[Part, ...]
    knockouts: tuple[SheetKnockout, ...]
    star_bands: tuple[StarBand, ...]
    minimum_stars: tuple[int, ...] = (3, 4, 5)
    dossier_rejection: str | None = None
    legend: str | None = None

    @property
    def name(self) -> str:
        """The title without its number and the "Bộ sản phẩm:" prefix."""
        return _TITLE_PREFIX.sub("", self.title).strip()

    @cached_property
    def items(self) -> tuple[Item, ...]:
        """Every scorable item, in sheet order."""
        return tuple(i for p in self.parts for i in p.items)

    @cached_property
    def _index(self) -> dict[str, Item]:
        return {i.code: i for i in self.items}

    @cached_property
    def _headings(self) -> dict[str, CriterionGroup]:
        return {e.code: e for p in self.parts for s in p.sections for e in s.entries
                if isinstance(e, CriterionGroup)}

    @cached_property
    def items_with_minimums(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.minimum_stars)

    def item(self, code: str) -> Item:
        """The scorable item with that code; raises :class:`UnknownCriterion`."""
        try:
            return self._index[code]
        except (KeyError, TypeError):
            pass
        heading = self._headings.get(code) if isinstance(code, str) else None
        if heading is not None:
            children = ", ".join(c.code for c in heading.children)
            raise UnknownCriterion(
                f"Set {self.number}: {code} is a heading; score its sub-criteria ({children})."
            ) from None
        section = next((sec for p in self.parts for sec in p.sections if sec.code == code), None)
        if section is not None:
            items = ", ".join(i.code for i in section.items)
            raise UnknownCriterion(
                f"Set {self.number}: {code} is a section; score its criteria ({items})."
            ) from None
        raise UnknownCriterion(
            f"Set {self.number} ({self.rulebook_code}) has no criterion {code!r}."
        ) from None

    def part(self, code: str) -> Part:
        for p in self.parts:
            if p.code == code:
                return p
        raise KeyError(code)

    def section(self, code: str) -> Section:
        for p in self.parts:
            for s in p.sections:
                if s.code == code:
                    return s
        raise KeyError(code)

    @cached_property
    def knockout_codes(self) -> frozenset[str]:
        return frozenset(k.code for k in self.knockouts)


@dataclass(frozen=True, eq=False)
class Rulebook:
    """One legal version of the criteria with all its sheets (compared by identity)."""

    code: str
    instrument: str
    title: str
    effective_from: date
    effective_to: date | None
    total_max: Decimal
    parts: tuple[PartSpec, ...]
    star_bands: tuple[StarBand, ...]
    minimum_stars: tuple[int, ...]
    groups: tuple[ProductGroup, ...]
    knockouts: tuple[KnockoutRule, ...]
    sheets: tuple[Sheet, ...]
    issued_on: date | None = None
    source: str = ""
    status: str = ""
    corrections: tuple[Correction, ...] = ()
    path: str = field(default="", compare=False)

    @cached_property
    def _sheets(self) -> dict[int, Sheet]:
        return {s.number: s for s in self.sheets}

    def sheet(self, number: int) -> Sheet:
        """The sheet of product set ``number``; raises :class:`SheetNotFound`."""
        try:
            return self._sheets[number]
        except (KeyError, TypeError):
            raise SheetNotFound(
                f"Rulebook {self.code} has no product set {number!r} "
                f"(sets: {min(self._sheets)}–{max(self._sheets)})." if self._sheets else
                f"Rulebook {self.code} has no product sets."
            ) from None

    @property
    def set_numbers(self) -> tuple[int, ...]:
        return tuple(s.number for s in self.sheets)

    def knockout(self, code: str) -> KnockoutRule | None:
        return next((k for k in self.knockouts if k.code == code), None)

    def is_in_force(self, on: date) -> bool:
        """In force from ``effective_from`` to ``effective_to`` inclusive (open-ended if None)."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def group_of(self, number: int) -> tuple[ProductGroup, ProductSubgroup]:
        """The ngành and nhóm of a product set."""
        for g in self.groups:
            for sg in g.subgroups:
                if number in sg.sets:
                    return g, sg
        raise SheetNotFound(f"Rulebook {self.code} does not classify product set {number!r}.")
