"""Star minimums on a two-case item, and ``SheetResult.unmet_minimums`` (issue 17: these
mutants of scoring.py survived because no shipped rulebook has a case item carrying star
minimums, and no rulebook test read ``unmet_minimums``).

The test sheet is built here by hand (one part, one section, three items):

* 1.1, a two-case item: case 1 options 0 / 20 (***) / 40 (****); case 2 options 0 / 40 (***),
  no 4-star minimum in case 2;
* 1.2: 0 / 15 / 30 (*****);
* 1.3: 0 / 15 (***) / 30 (****).

Bands: 1★ 0–<30, 2★ 30–<50, 3★ 50–<70 (recognised), 4★ 70–<90, 5★ 90–100. The expected
values below follow DOMAIN.md: a marked option or a better one of the same item meets the
minimum, minimums are cumulative, the star is the highest whose band and minimums are met.
"""
from decimal import Decimal

import pytest

from ocop_rating.rulebook import score_sheet
from ocop_rating.rulebook.model import Case, Item, ItemKind, Option, Part, Section, Sheet, StarBand
from ocop_rating.rulebook.scoring import Holdback, UnmetMinimum

D = Decimal


def _options(*spec):
    return tuple(Option(index=i, label=f"o{i}", points=D(p), min_for_star=s)
                 for i, (p, s) in enumerate(spec))


@pytest.fixture(scope="module")
def sheet():
    case_item = Item(code="1.1", label="case item", max_points=D(40), kind=ItemKind.CRITERION,
                     part="A", section="1", cases=(
                         Case(key="1", label="case 1", options=_options((0, None), (20, 3),
                                                                        (40, 4))),
                         Case(key="2", label="case 2", options=_options((0, None), (40, 3))),
                     ))
    i12 = Item(code="1.2", label="five", max_points=D(30), kind=ItemKind.CRITERION, part="A",
               section="1", options=_options((0, None), (15, None), (30, 5)))
    i13 = Item(code="1.3", label="three-four", max_points=D(30), kind=ItemKind.CRITERION,
               part="A", section="1", options=_options((0, None), (15, 3), (30, 4)))
    section = Section(code="1", label="S", max_points=D(100), part="A",
                      entries=(case_item, i12, i13))
    bands = (StarBand(1, D(0), D(30), False, False), StarBand(2, D(30), D(50), False, False),
             StarBand(3, D(50), D(70), False, True), StarBand(4, D(70), D(90), False, True),
             StarBand(5, D(90), D(100), True, True))
    return Sheet(rulebook_code="test", number=1, title="1. Test", group="I", subgroup="1",
                 total_max=D(100), parts=(Part("A", "A", D(100), (section,)),), knockouts=(),
                 star_bands=bands)


def test_case_without_a_minimum_for_a_star_does_not_hide_later_items(sheet):
    # Case 2 of 1.1 has no 4-star minimum; 1.3 at 15 still misses its 4-star minimum (30).
    # 40 + 30 + 15 = 85: 4-star band, 3-star minimums met (1.1 case 2 at 40, 1.3 at 15), so 3★.
    r = score_sheet(sheet, {"1.1": 1, "1.2": 2, "1.3": 1}, cases={"1.1": "2"})
    assert r.total == D(85) and r.band_star == 4
    assert r.met_minimums_by_star == {3: True, 4: False, 5: True}
    assert r.minimums_for(4).holding_back == (
        Holdback(code="1.3", required_option=2, chosen_option=1, case=None, answered=True),)
    assert r.star == 3 and r.recognised


def test_unanswered_case_item_is_read_in_its_chosen_case(sheet):
    # 1.1 not answered but its case (2) given: its 3-star minimum (option 1 of case 2) holds,
    # and case 2 carries no 4-star minimum, so star 4 is met. 30 + 30 = 60: 3-star band, 2★.
    r = score_sheet(sheet, {"1.2": 2, "1.3": 2}, cases={"1.1": "2"})
    assert r.total == D(60) and r.missing == ("1.1",)
    assert r.minimums_for(3).holding_back == (
        Holdback(code="1.1", required_option=1, chosen_option=None, case="2", answered=False),)
    assert r.met_minimums_by_star == {3: False, 4: True, 5: True}
    assert r.star == 2
    # Still open: 1.1 can bring 40 more and meet its minimum, 100 → 5★.
    assert r.max_reachable_total == D(100) and r.star_ceiling == 5


def test_case_one_minimums_apply_in_case_one(sheet):
    # Case 1 at 20 meets *** but not ****: 20 + 30 + 30 = 80, 4-star band, 3★.
    r = score_sheet(sheet, {"1.1": 1, "1.2": 2, "1.3": 2}, cases={"1.1": "1"})
    assert r.total == D(80) and r.star == 3
    assert r.minimums_for(4).holding_back == (
        Holdback(code="1.1", required_option=2, chosen_option=1, case="1", answered=True),)


def test_unmet_minimums_each_once_lowest_star_first(sheet):
    # 1.1 unanswered, no case: lowest marker over the cases (3★: option 1; 4★: option 2 of case
    # 1) → holds 3 and 4, not answered. 1.3 at 0 holds 3 and 4. 1.2 at 0 holds 5 only: listed
    # last although it comes before 1.3 on the sheet.
    r = score_sheet(sheet, {"1.2": 0, "1.3": 0})
    assert [h.code for h in r.holding_back(5)] == ["1.1", "1.3", "1.1", "1.3", "1.2"]
    assert r.unmet_minimums() == (
        UnmetMinimum(code="1.1", stars=(3, 4), answered=False),
        UnmetMinimum(code="1.3", stars=(3, 4), answered=True),
        UnmetMinimum(code="1.2", stars=(5,), answered=True),
    )


def test_unmet_minimums_answered_and_stars(sheet):
    # Everything answered; 1.1 case 1 at 0 holds 3 and 4; 1.3 at 15 holds only 4; 1.2 fine.
    r = score_sheet(sheet, {"1.1": 0, "1.2": 2, "1.3": 1}, cases={"1.1": "1"})
    assert r.unmet_minimums() == (
        UnmetMinimum(code="1.1", stars=(3, 4), answered=True),
        UnmetMinimum(code="1.3", stars=(4,), answered=True),
    )
    # Only 1.2 short of its 5-star minimum: one entry, star 5.
    r = score_sheet(sheet, {"1.1": 2, "1.2": 1, "1.3": 2}, cases={"1.1": "1"})
    assert r.unmet_minimums() == (UnmetMinimum(code="1.2", stars=(5,), answered=True),)
    # All met: nothing.
    r = score_sheet(sheet, {"1.1": 2, "1.2": 2, "1.3": 2}, cases={"1.1": "1"})
    assert r.unmet_minimums() == () and r.star == 5


def test_unmet_minimums_on_the_shipped_sheet(rulebook, rb):
    # Set 1 of Decision 26/2026 at its best options, 5.1 lowered to option 3 (a 4-star
    # minimum missed, as in test_record_fields): 5.1 listed once, for stars 4 and 5.
    sheet = rulebook.sheet(1)
    best = rb.best_choices(sheet)[0]
    r = score_sheet(sheet, {**best, "5.1": 3})
    (only,) = r.unmet_minimums()
    assert only.code == "5.1" and only.answered is True and only.stars[0] == 4
    assert only.stars == tuple(m.star for m in r.minimums if not m.met)
