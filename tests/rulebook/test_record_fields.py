"""What aggregate() and score_sheet() record and refuse, written out by hand (issue 17: these
mutants survived because no test read the field or the message). Sheet 1 of Decision 26/2026
totals 100 at the best options; set 16's note says a 0 on a sensory item (6.1 …) stops the
evaluation (DOMAIN §8)."""
from dataclasses import replace
from decimal import Decimal

import pytest

from ocop_rating.rulebook import (
    CouncilError,
    CouncilRules,
    MemberResult,
    ScoringError,
    aggregate,
    score_sheet,
)
from ocop_rating.rulebook.scoring import StarMinimums, band_star, star_for

ITEM = CouncilRules(minimum_rule="item_majority")


@pytest.fixture(scope="module")
def sheet(rulebook):
    return rulebook.sheet(1)


@pytest.fixture(scope="module")
def best(sheet, rb):
    return rb.best_choices(sheet)[0]


@pytest.fixture(scope="module")
def sheet16(rulebook):
    return rulebook.sheet(16)


def one(sheet, best, **kwargs):
    return [MemberResult("a", score_sheet(sheet, best), is_chair=True)]


# -- aggregate: refusals, each with its message ---------------------------------------------

def test_aggregate_refusals_say_what_is_wrong(sheet, best):
    a = MemberResult("a", score_sheet(sheet, best), is_chair=True)
    b = MemberResult("b", score_sheet(sheet, best), is_chair=True)
    cases = [
        (dict(member_results=[a], rules={"spread_limit": 5}),
         r"^rules must be a CouncilRules \(use CouncilRules\.from_dict\)\.$"),
        (dict(member_results=[]), r"^No member results to aggregate\.$"),
        (dict(member_results=[a, ("b", None)]),
         r"^Each member result must be a MemberResult\(member_id, result\)\.$"),
        (dict(member_results=[a, a]), r"^A member appears more than once\.$"),
        (dict(member_results=[a, b]), r"^More than one member is marked as chair\.$"),
        (dict(member_results=[a], chair_present=False),
         r"^The chair handed in a sheet but chair_present is false\.$"),
        (dict(member_results=[a], knockouts_confirmed=["forged_dossier", "common_product"],
              knockouts_dismissed=["common_product", "forged_dossier"]),
         r"^Knock-out\(s\) both confirmed and dismissed: common_product, forged_dossier\.$"),
    ]
    for kwargs, message in cases:
        kwargs = {"members_total": 2, "chair_present": True, **kwargs}
        with pytest.raises(CouncilError, match=message):
            aggregate(**kwargs)


@pytest.mark.parametrize("total", [True, 2.0, "2"])
def test_members_total_must_be_a_whole_number_not_a_bool_or_float(sheet, best, total):
    with pytest.raises(CouncilError, match="members_total"):
        aggregate(one(sheet, best), members_total=total, chair_present=True)


def test_a_single_knockout_code_given_as_text_is_one_code(sheet, best):
    result = aggregate(one(sheet, best), members_total=1, chair_present=True,
                       knockouts_confirmed="forged_dossier")
    assert result.knockouts_confirmed == ("forged_dossier",) and result.star is None


# -- aggregate: what the result holds --------------------------------------------------------

def test_the_result_keeps_members_total_presence_exact_mean_and_member_stars(sheet, best):
    # b's 98 is in the 5-star band but misses the 4-star minimum of 5.1: his own star is 3
    members = [MemberResult("a", score_sheet(sheet, best), is_chair=True),
               MemberResult("b", score_sheet(sheet, {**best, "5.1": 3})),
               MemberResult("c", score_sheet(sheet, best))]
    result = aggregate(members, members_total=4, chair_present=True)
    assert (result.members_total, result.members_scored, result.chair_present) == (4, 3, True)
    assert result.mean_exact == Decimal(298) / 3 and result.mean_total == Decimal("99.33")
    assert result.member_stars == (("a", 5), ("b", 3), ("c", 5))
    assert result.stops_flagged == ()


def test_part_means_are_the_mean_of_each_part(sheet, rb):
    members = [rb.member("a", sheet, 100, is_chair=True), rb.member("b", sheet, 100),
               rb.member("c", sheet, 100)]
    # the best options everywhere: each part at its maximum, A 40, B 25, C 35
    assert aggregate(members, members_total=3, chair_present=True).part_means == (
        ("A", Decimal("40.00")), ("B", Decimal("25.00")), ("C", Decimal("35.00")))


def test_trimming_drops_the_lowest_and_highest_wherever_they_are_listed(sheet, rb):
    totals = {"m1": 80, "m2": 60, "m3": 95, "m4": 70, "m5": 75}
    members = [rb.member(m, sheet, t, is_chair=m == "m1") for m, t in totals.items()]
    result = aggregate(members, CouncilRules(trim_extremes=True, spread_limit=100),
                       members_total=5, chair_present=True)
    assert result.trimmed == ("m2", "m3")
    assert result.mean_exact == Decimal(75)   # (80 + 70 + 75) / 3


def test_item_majority_is_not_capped_by_the_members_own_stars(sheet, best):
    # Each member misses a different 4-star minimum: every sheet says 3 stars, but item by
    # item each minimum is met by two of three (the earlier reading, docs/decisions.md).
    members = [MemberResult("a", score_sheet(sheet, {**best, "5.1": 3}), is_chair=True),
               MemberResult("b", score_sheet(sheet, {**best, "2.1": 1})),
               MemberResult("c", score_sheet(sheet, {**best, "6.1": 1}))]
    assert [s for _, s in aggregate(members, ITEM, members_total=3,
                                    chair_present=True).member_stars] == [3, 3, 3]
    assert aggregate(members, ITEM, members_total=3, chair_present=True).star == 5
    assert aggregate(members, members_total=3, chair_present=True).star == 3


def test_a_stop_met_by_a_members_choices_is_flagged_by_him_and_pending(sheet16, rb):
    best, _ = rb.best_choices(sheet16)
    zero = score_sheet(sheet16, {**best, "6.1": 0})
    assert zero.stops == ("sensory_zero",) and zero.to_dict()["stops"] == ["sensory_zero"]
    members = [MemberResult("a", score_sheet(sheet16, best), is_chair=True),
               MemberResult("b", zero), MemberResult("c", zero)]
    result = aggregate(members, members_total=3, chair_present=True)
    assert result.stops_flagged == (("sensory_zero", ("b", "c")),)
    assert result.knockouts_flagged == (("sensory_zero", ("b", "c")),)
    assert result.knockouts_pending == ("sensory_zero",)
    assert result.problems == ("stop_pending",)
    assert result.to_dict()["stops_flagged"] == {"sensory_zero": ["b", "c"]}


def test_a_member_flagging_the_stop_his_choices_meet_is_listed_once(sheet16, rb):
    best, _ = rb.best_choices(sheet16)
    flagged = score_sheet(sheet16, {**best, "6.1": 0}, knockouts=["sensory_zero"])
    # flagged by hand: a knock-out, not also a stop of the sheet
    assert flagged.knockouts == ("sensory_zero",) and flagged.stops == ()
    zero = score_sheet(sheet16, {**best, "6.1": 0})
    members = [MemberResult("a", flagged, is_chair=True), MemberResult("b", zero)]
    result = aggregate(members, members_total=2, chair_present=True)
    assert result.knockouts_flagged == (("sensory_zero", ("a", "b")),)
    assert result.stops_flagged == (("sensory_zero", ("b",)),)
    assert result.problems == ("stop_pending",)
    dismissed = aggregate(members, members_total=2, chair_present=True,
                          knockouts_dismissed=["sensory_zero"])
    assert dismissed.problems == () and dismissed.star == 5


def test_a_knockout_flagged_by_hand_alone_is_a_knockout_not_a_stop(sheet, best):
    members = [MemberResult("a", score_sheet(sheet, best, knockouts=["common_product"]),
                            is_chair=True)]
    result = aggregate(members, members_total=1, chair_present=True)
    assert result.problems == ("knockout_pending",) and result.stops_flagged == ()


# -- scoring: bands, stars, refusals -------------------------------------------------------

def test_band_star_refusals_name_the_range(sheet):
    with pytest.raises(ScoringError, match=r"^No star bands\.$"):
        band_star(Decimal(50), [])
    with pytest.raises(ScoringError, match=r"^Total 101 is outside the star bands \(0–100\)\.$"):
        band_star(Decimal(101), sheet.star_bands)


def test_a_top_band_with_an_exclusive_maximum_holds_everything_below_it(sheet):
    bands = [replace(b, max_inclusive=False) if b.star == 5 else b for b in sheet.star_bands]
    assert band_star(Decimal("99.99"), bands) == 5
    assert band_star(Decimal(90), bands) == 5
    with pytest.raises(ScoringError):
        band_star(Decimal(100), bands)


def test_a_missed_one_star_minimum_leaves_one_star_whatever_the_band(sheet):
    assert star_for(Decimal(40), {1: False}, False, sheet.star_bands) == 1
    assert star_for(Decimal(95), {1: False}, False, sheet.star_bands) == 1
    assert star_for(Decimal(95), {2: False}, False, sheet.star_bands) == 1
    assert star_for(Decimal(95), {3: False}, False, sheet.star_bands) == 2


def test_minimums_for_a_star_without_minimums_is_met_and_names_that_star(sheet, best):
    result = score_sheet(sheet, best)
    assert result.minimums_for(2) == StarMinimums(star=2, met=True, holding_back=())


def test_sections_and_parts_carry_their_part_and_maxima(sheet, best):
    result = score_sheet(sheet, best)
    assert [(p.code, p.points, p.max_points) for p in result.parts] == [
        ("A", Decimal(40), Decimal(40)), ("B", Decimal(25), Decimal(25)),
        ("C", Decimal(35), Decimal(35))]
    parts = {s.code: s.part for s in result.sections}
    assert parts["1"] == "A" and set(parts.values()) == {"A", "B", "C"}
    assert [s.part for s in result.sections] == sorted(s.part for s in result.sections)


def test_scoring_refusals_name_the_item(sheet, best, rulebook):
    with pytest.raises(ScoringError, match=r"^choices must be a mapping of criterion code to "
                                           r"option index\.$"):
        score_sheet(sheet, [("1.1", 0)])
    with pytest.raises(ScoringError, match=r"^1\.1: option 7 does not exist \(choose 0–2\)\.$"):
        score_sheet(sheet, {"1.1": 7})
    s26 = rulebook.sheet(26)
    with pytest.raises(ScoringError, match=r"^Section codes are texts such as '8', got 8\.$"):
        score_sheet(s26, {}, cases={8: "1"})
    for bad in (True, 1.5, None):
        with pytest.raises(ScoringError,
                           match=rf"^8: case must be a case key such as '1', got {bad!r}\.$"):
            score_sheet(s26, {}, cases={"8": bad})
    applicable = ", ".join(k.code for k in sheet.knockouts)
    assert applicable.startswith("forged_dossier, food_safety_certificate")
    with pytest.raises(ScoringError, match=rf"^Knock-out 'sensory_zero' does not apply to set 1 "
                                           rf"\(qd26-2026\); applicable: {applicable}\.$"):
        score_sheet(sheet, best, knockouts=["sensory_zero"])
    bare = replace(sheet, knockouts=())
    with pytest.raises(ScoringError, match=r"applicable: none\.$"):
        score_sheet(bare, best, knockouts=["forged_dossier"])


def test_sheet_majority_never_gives_a_star_no_members_own_sheet_reaches(sheet, best):
    # a: 98 misses a 4-star minimum (own star 3); b: 87 meets every minimum (own star 4).
    # The mean 92.5 is in the 5-star band and half the sheets meet every minimum, but no
    # sheet reaches 5 stars: the council gives 4 (docs/decisions.md, issue 10).
    free = ["1.1", "1.2", "1.4", "1.7", "2.4", "3.1", "3.2", "3.3"]   # items without minimums
    b_sheet = score_sheet(sheet, {**best, **{code: 0 for code in free}})
    assert (b_sheet.total, b_sheet.star) == (Decimal(87), 4)
    members = [MemberResult("a", score_sheet(sheet, {**best, "5.1": 3}), is_chair=True),
               MemberResult("b", b_sheet)]
    result = aggregate(members, members_total=2, chair_present=True)
    assert result.band_star == 5 and result.met_minimums_by_star == {3: True, 4: True, 5: True}
    assert result.star == 4
