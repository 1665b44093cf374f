"""Property tests (hypothesis) over all 26 sheets."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ocop_rating.rulebook import get_rulebook, score_sheet, star_for

BOOK = get_rulebook("qd26-2026")
SETS = st.sampled_from(BOOK.set_numbers)


@st.composite
def complete_sheets(draw, allow_none: bool = False):
    """A sheet and a complete, valid set of choices on it."""
    sheet = BOOK.sheet(draw(SETS))
    choices, cases = {}, {}
    for item in sheet.items:
        case = None
        if item.is_case_choice:
            case = draw(st.sampled_from([c.key for c in item.cases]))
            cases[item.code] = case
        options = item.options_for(case)
        index = st.integers(0, len(options) - 1)
        choices[item.code] = draw(st.one_of(st.none(), index) if allow_none else index)
    return sheet, choices, cases


@st.composite
def partial_sheets(draw):
    sheet, choices, cases = draw(complete_sheets(allow_none=True))
    keep = draw(st.sets(st.sampled_from(sorted(choices))))
    return sheet, {c: v for c, v in choices.items() if c in keep}, cases


def expected_minimums(sheet, choices, cases):
    """Recompute, independently of score_sheet, which stars' minimums are met."""
    met = {}
    for star in sheet.minimum_stars:
        ok = True
        for item in sheet.items:
            options = item.options_for(cases.get(item.code)) if (
                not item.is_case_choice or item.code in cases) else ()
            marked = [o.index for o in options if o.min_for_star == star]
            if not marked:
                continue
            chosen = choices.get(item.code)
            if chosen is None or chosen < marked[0]:
                ok = False
        met[star] = ok
    return met


@settings(max_examples=300, deadline=None)
@given(complete_sheets())
def test_complete_sheet_parts_total_and_star_are_consistent(data):
    sheet, choices, cases = data
    result = score_sheet(sheet, choices, cases=cases)
    assert result.is_complete
    for part, score in zip(sheet.parts, result.parts):
        assert score.code == part.code
        assert 0 <= score.points <= part.max_points
    assert sum(p.points for p in result.parts) == result.total
    assert 0 <= result.total <= 100
    assert result.max_reachable_total == result.total
    met = expected_minimums(sheet, choices, cases)
    assert result.met_minimums_by_star == met
    # The star never exceeds the band, and every star up to it has its minimums met.
    assert 1 <= result.star <= result.band_star
    assert all(met[s] for s in sheet.minimum_stars if s <= result.star)
    # Below the band only because a minimum of the next star up failed.
    if result.star < result.band_star:
        assert not all(met.get(s, True) for s in range(1, result.star + 2))
    assert result.recognised is (result.star >= 3)
    assert result.star == star_for(result.total, met, False, sheet.star_bands)


@settings(max_examples=200, deadline=None)
@given(partial_sheets())
def test_partial_sheet_projection_is_bounded(data):
    sheet, choices, cases = data
    result = score_sheet(sheet, choices, cases=cases)
    assert set(result.missing) | set(choices) == {i.code for i in sheet.items}
    assert 0 <= result.total <= result.max_reachable_total <= 100
    assert result.star <= result.star_ceiling


@settings(max_examples=200, deadline=None)
@given(complete_sheets(), st.data())
def test_raising_one_option_never_lowers_total_or_star(data, more):
    sheet, choices, cases = data
    item = sheet.item(more.draw(st.sampled_from(sorted(choices))))
    options = item.options_for(cases.get(item.code))
    if choices[item.code] == len(options) - 1:
        return
    before = score_sheet(sheet, choices, cases=cases)
    after = score_sheet(sheet, {**choices, item.code: choices[item.code] + 1}, cases=cases)
    assert after.total >= before.total
    assert after.star >= before.star


@settings(max_examples=100, deadline=None)
@given(complete_sheets(), st.data())
def test_knockout_always_removes_the_star(data, more):
    sheet, choices, cases = data
    code = more.draw(st.sampled_from(sorted(sheet.knockout_codes)))
    result = score_sheet(sheet, choices, cases=cases, knockouts=[code])
    assert result.star is None and not result.recognised
    assert result.total == score_sheet(sheet, choices, cases=cases).total


@given(st.decimals(min_value=0, max_value=100, places=2),
       st.fixed_dictionaries({3: st.booleans(), 4: st.booleans(), 5: st.booleans()}))
def test_star_for_is_the_highest_star_with_band_and_cumulative_minimums(total, met):
    star = star_for(total, met, False, BOOK.star_bands)
    band = next(b.star for b in reversed(BOOK.star_bands) if total >= b.min)
    assert star <= band
    assert all(met.get(s, True) for s in range(1, star + 1))
    assert all(not all(met.get(s, True) for s in range(1, higher + 1))
               for higher in range(star + 1, band + 1))
    assert isinstance(total, Decimal)
