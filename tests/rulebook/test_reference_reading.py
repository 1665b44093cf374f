"""The engine against a reference reading of the sheets that shares none of its code.

The reference below reads the shipped JSON sheets itself (not through the loader or the
model) and applies the rules of ../shared/DOMAIN.md §3–4 directly: the total is the sum of the
chosen options' points (a group heading's children count, never the heading); a part is the
sum of its sections; the band is the highest whose minimum the total reaches; the star is the
highest band star whose own and lower stars' minimums are all met (an option marked for a
star, or a later one in the same criterion). A mistake in the loader, the model or the
scoring (an option scored by its index, a child counted with its parent, a minimum read from
the wrong case) makes the two disagree."""
from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ocop_rating.rulebook import get_rulebook, score_sheet

DATA = Path(__file__).resolve().parents[2] / "ocop_rating" / "rulebook" / "data" / "qd26-2026"
BOOK = get_rulebook("qd26-2026")


@cache
def reference_book() -> dict:
    return json.loads((DATA / "rulebook.json").read_text(encoding="utf-8"))


@cache
def reference_items(set_no: int) -> tuple[tuple[str, str, object], ...]:
    """(part, code, options-or-{case: options}) for every scored line of the raw sheet."""
    raw = json.loads((DATA / f"set-{set_no:02d}.json").read_text(encoding="utf-8"))
    items = []
    for part in raw["parts"]:
        for section in part["sections"]:
            if "cases" in section:
                items.append((part["code"], section["code"],
                              {c["key"]: tuple(c["options"]) for c in section["cases"]}))
            elif "options" in section:
                items.append((part["code"], section["code"], tuple(section["options"])))
            for criterion in section.get("criteria", ()):
                if criterion.get("children"):
                    for child in criterion["children"]:
                        items.append((part["code"], child["code"], tuple(child["options"])))
                else:
                    items.append((part["code"], criterion["code"], tuple(criterion["options"])))
    return tuple(items)


def reference_result(set_no: int, choices: dict[str, int], cases: dict[str, str]):
    parts: dict[str, Decimal] = {}
    met = {3: True, 4: True, 5: True}
    for part, code, options in reference_items(set_no):
        if isinstance(options, dict):
            options = options[cases[code]]
        chosen = choices[code]
        parts[part] = parts.get(part, Decimal(0)) + Decimal(str(options[chosen]["points"]))
        for position, option in enumerate(options):
            star = option.get("min_for_star")
            if star and chosen < position:
                met[star] = False
    total = sum(parts.values(), Decimal(0))
    bands = sorted(reference_book()["star_bands"], key=lambda b: b["min"])
    band = max(b["star"] for b in bands if total >= Decimal(str(b["min"])))
    star = max(s for s in range(1, band + 1) if all(met.get(t, True) for t in range(1, s + 1)))
    return parts, total, band, star, met


@st.composite
def raw_choices(draw):
    """A set and a complete random choice on every scored line, drawn from the raw JSON."""
    set_no = draw(st.sampled_from(BOOK.set_numbers))
    choices, cases = {}, {}
    for _part, code, options in reference_items(set_no):
        if isinstance(options, dict):
            cases[code] = draw(st.sampled_from(sorted(options)))
            options = options[cases[code]]
        choices[code] = draw(st.integers(0, len(options) - 1))
    return set_no, choices, cases


def test_the_reference_reads_every_line_the_engine_scores():
    for set_no in BOOK.set_numbers:
        assert {code for _p, code, _o in reference_items(set_no)} == {
            item.code for item in BOOK.sheet(set_no).items}, set_no


@settings(max_examples=400, deadline=None)
@given(raw_choices())
def test_total_parts_band_minimums_and_star_agree_with_the_reference(data):
    set_no, choices, cases = data
    parts, total, band, star, met = reference_result(set_no, choices, cases)
    result = score_sheet(BOOK.sheet(set_no), choices, cases=cases)
    assert result.points_by_part == parts
    assert result.total == total
    assert result.band_star == band
    assert result.met_minimums_by_star == {s: met[s] for s in BOOK.sheet(set_no).minimum_stars}
    if result.star is not None:   # None only where the sheet itself stops the evaluation
        assert result.star == star
    else:
        assert not result.recognised


def test_the_reference_agrees_on_every_sheets_best_and_worst_choices():
    for set_no in BOOK.set_numbers:
        for pick in (lambda n: 0, lambda n: n - 1):
            choices, cases = {}, {}
            for _part, code, options in reference_items(set_no):
                if isinstance(options, dict):
                    cases[code] = sorted(options)[-1]
                    options = options[cases[code]]
                choices[code] = pick(len(options))
            _parts, total, band, _star, _met = reference_result(set_no, choices, cases)
            result = score_sheet(BOOK.sheet(set_no), choices, cases=cases)
            assert (result.total, result.band_star) == (total, band), set_no
