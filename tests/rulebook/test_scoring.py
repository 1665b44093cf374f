"""score_sheet: worked examples per product group (totals hand-computed from the legal
points), partial sheets, knock-outs, two-case sections and every kind of bad input."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ocop_rating.rulebook import (
    CaseNotApplicable,
    CaseRequired,
    Holdback,
    InvalidOption,
    KnockoutNotApplicable,
    RulebookError,
    UnknownCase,
    UnknownCriterion,
    score_sheet,
    to_json,
)

# --- worked examples: one per product group (ngành) -----------------------------------------
# Each choice is "code": index, with the legal points of that option in the comment.

SET_1_FOOD = {  # I. Thực phẩm - set 1 Rau, củ, quả, hạt tươi
    # A: 3+1+2+2+2+1+1 + 3+2+3+1 + 3+1+3+2+2 = 32
    "1.1": 2, "1.2": 1, "1.3": 1, "1.4": 1, "1.5": 2, "1.6": 0, "1.7": 1,
    "2.1": 2, "2.2": 2, "2.3": 2, "2.4": 1,
    "3.1": 2, "3.2": 1, "3.3": 2, "3.4": 1, "3.5": 1,
    # B: 3+2+3 + 5+2+3 = 18
    "4.1": 2, "4.2": 2, "4.3": 3, "5.1": 4, "5.2": 2, "5.3": 2,
    # C: 2+3+2+2 + 1 + 3 + 4 + 3 + 2 + 1 = 23
    "6.1": 2, "6.2": 3, "6.3": 2, "6.4": 2, "7": 1, "8": 2, "9": 1, "10": 1, "11": 1, "12": 0,
}

SET_14_BEVERAGE = {  # II. Đồ uống - set 14 Rượu trắng
    # A: 2+2+2+1+2+1 + 2+2+2+0 + 2+0+2+1+1 = 22
    "1.1": 1, "1.2": 1, "1.3": 1, "1.4": 1, "1.5": 1, "1.6": 1,
    "2.1": 2, "2.2": 2, "2.3": 1, "2.4": 0,
    "3.1": 1, "3.2": 0, "3.3": 1, "3.4": 0, "3.5": 0,
    # B: 2+1+2 + 2+1+1 = 9
    "4.1": 1, "4.2": 1, "4.3": 2, "5.1": 2, "5.2": 1, "5.3": 1,
    # C: 1+3+3+3 + 1 + 4 + 1 + 3 = 19
    "6.1": 1, "6.2": 2, "6.3": 3, "6.4": 3, "7": 1, "8": 1, "9": 0, "10": 1,
}

SET_18_HERBAL = {  # III. Dược liệu - set 18: every top option except five
    # A: 40 - 1 (1.3 at 2 of 3) = 39
    "1.1": 2, "1.2": 2, "1.3": 2, "1.4": 2, "1.5": 3, "1.6": 2, "1.7": 1,
    "2.1": 3, "2.2": 3, "2.3": 2, "2.4": 1,
    "3.1": 2, "3.2": 1, "3.3": 2, "3.4": 1, "3.5": 2,
    # B: 25 - 2 (4.3 at 3 of 5) = 23
    "4.1": 3, "4.2": 3, "4.3": 3, "5.1": 4, "5.2": 2, "5.3": 3,
    # C: 35 - 1 (9 at 2 of 3) - 2 (12 at 1 of 3) - 2 (14 at 3 of 5) = 30
    "6": 2, "7": 1, "8": 3, "9": 2, "10": 1, "11": 3, "12": 1, "13": 1, "14": 1,
}

SET_21_HANDICRAFT = {  # IV. Thủ công mỹ nghệ - set 21
    # A: 1+1+1+0+1+0 + 1+1+0 + 1+1+1+1+1 = 11
    "1.1": 0, "1.2": 0, "1.3": 0, "1.4": 0, "1.5": 0, "1.6": 0,
    "2.1": 1, "2.2": 0, "2.3": 0,
    "3.1": 0, "3.2": 1, "3.3": 0, "3.4": 0, "3.5": 0,
    # B: 2+1+1 + 1+1+1 = 7
    "4.1": 1, "4.2": 1, "4.3": 1, "5.1": 1, "5.2": 1, "5.3": 1,
    # C: 3+3+2+2+3 + 1 + 1 + 3 = 18
    "6.1": 2, "6.2": 1, "6.3": 2, "6.4": 2, "6.5": 1, "7": 0, "8": 0, "9": 1,
}

SET_23_ORNAMENTAL = {  # V. Sinh vật cảnh - set 23 Hoa
    # A: 4+4+3+2+2+1 + 5+4 + 3+0+3+2+2 = 35
    "1.1": 2, "1.2": 2, "1.3": 2, "1.4": 2, "1.5": 1, "1.6": 1,
    "2.1": 3, "2.2": 2,
    "3.1": 2, "3.2": 0, "3.3": 2, "3.4": 1, "3.5": 1,
    # B: 3+2+3 + 5+2+3 = 18
    "4.1": 2, "4.2": 2, "4.3": 3, "5.1": 4, "5.2": 2, "5.3": 2,
    # C: 5+1+2 + 6 + 4 + 4 + 3 = 25 (6.2 at option 1: below its 4-star minimum, option 2)
    "6.1": 3, "6.2": 1, "6.3": 1, "7": 2, "8": 2, "9": 1, "10": 1,
}

SET_26_TOURISM = {  # VI. Du lịch cộng đồng - set 26, with its two-case sections
    # A: 3+3+3+1 + 3+2+3 + 3+1+2+3+2 = 29
    "1.1": 1, "1.2": 1, "1.3": 2, "1.4": 0, "2.1": 1, "2.2": 1, "2.3": 1,
    "3.1": 2, "3.2": 1, "3.3": 1, "3.4": 1, "3.5": 1,
    # B: 3+2+2+3+2 + 2+1+2 = 17
    "4.1": 1, "4.2": 1, "4.3": 1, "4.4": 2, "4.5": 1, "5.1": 1, "5.2": 0, "5.3": 1,
    # C: 2+2 + 3 (8, case 2, option 1) + 2 (9, case 1, option 1) + 2+2+2+3+2
    #    + 1 (15, case 2, option 0) + 2+2 = 25
    "6": 1, "7": 1, "8": 1, "9": 1, "10": 1, "11": 1, "12": 1, "13": 2, "14": 1, "15": 0,
    "16": 1, "17": 1,
}
SET_26_CASES = {"8": "2", "9": "1", "15": "2"}

WORKED = [
    # (set, choices, cases, parts A/B/C, total, band star, star)
    (1, SET_1_FOOD, None, (32, 18, 23), 73, 4, 4),
    (14, SET_14_BEVERAGE, None, (22, 9, 19), 50, 3, 3),
    (18, SET_18_HERBAL, None, (39, 23, 30), 92, 5, 5),
    (21, SET_21_HANDICRAFT, None, (11, 7, 18), 36, 2, 2),
    (23, SET_23_ORNAMENTAL, None, (35, 18, 25), 78, 4, 3),
    (26, SET_26_TOURISM, SET_26_CASES, (29, 17, 25), 71, 4, 4),
]


@pytest.mark.parametrize("number, choices, cases, parts, total, band, star", WORKED,
                         ids=[f"set{w[0]}" for w in WORKED])
def test_worked_example_per_product_group(rulebook, number, choices, cases, parts, total,
                                          band, star):
    sheet = rulebook.sheet(number)
    assert len(choices) == len(sheet.items)  # complete sheets
    result = score_sheet(sheet, choices, cases=cases)
    assert tuple(result.points_by_part.values()) == tuple(Decimal(p) for p in parts)
    assert result.total == Decimal(total) and isinstance(result.total, Decimal)
    assert result.band_star == band
    assert result.star == star
    assert result.recognised is (star >= 3)
    assert result.is_complete and result.missing == ()
    assert (result.rulebook_code, result.set_number) == ("qd26-2026", number)
    assert result.max_reachable_total == result.total


def test_set_23_is_held_back_to_three_stars_by_one_minimum(rulebook):
    result = score_sheet(rulebook.sheet(23), SET_23_ORNAMENTAL)
    assert result.met_minimums_by_star == {3: True, 4: False, 5: False}
    assert result.minimums_for(4).holding_back == (
        Holdback(code="6.2", required_option=2, chosen_option=1),)


def test_set_1_misses_a_four_star_minimum_by_one_option(rulebook):
    result = score_sheet(rulebook.sheet(1), {**SET_1_FOOD, "5.1": 3})  # 5 → 3 points
    assert result.total == 71 and result.band_star == 4 and result.star == 3
    assert result.minimums_for(4).holding_back == (
        Holdback(code="5.1", required_option=4, chosen_option=3),)


def test_missing_three_star_minimum_drops_to_two_stars(rulebook):
    result = score_sheet(rulebook.sheet(14), {**SET_14_BEVERAGE, "9": 1, "2.2": 1})
    # 9: 1 → 3 points (+2), 2.2: 2 → 1 point (-1): total 51, 3-star band
    assert result.total == 51 and result.band_star == 3
    assert result.star == 2 and not result.recognised
    assert [h.code for h in result.holding_back(3)] == ["2.2"]


def test_knockout_removes_the_star_but_keeps_the_total(rulebook):
    result = score_sheet(rulebook.sheet(18), SET_18_HERBAL, knockouts=["imported_raw_material"])
    assert result.total == 92 and result.band_star == 5
    assert result.star is None and result.recognised is False
    assert result.knockouts == ("imported_raw_material",) and result.is_knocked_out
    assert result.star_ceiling is None


def test_knockout_codes_are_deduplicated_and_a_single_code_string_is_accepted(rulebook):
    sheet = rulebook.sheet(1)
    assert score_sheet(sheet, {}, knockouts="forged_dossier").knockouts == ("forged_dossier",)
    assert score_sheet(sheet, {}, knockouts=["forged_dossier", "forged_dossier"]).knockouts == \
        ("forged_dossier",)


def test_zero_on_sensory_criterion_suggests_a_knockout_without_firing_it(rulebook):
    sheet = rulebook.sheet(16)
    result = score_sheet(sheet, {"6.1": 0, "6.2": 1})
    assert result.knockouts_suggested == ("sensory_zero",)
    assert result.knockouts == () and result.star is not None
    assert score_sheet(sheet, {"6.1": 1}).knockouts_suggested == ()


def test_yes_no_criterion_takes_0_or_1(rulebook):
    sheet = rulebook.sheet(1)
    assert score_sheet(sheet, {"2.4": 1}).total == 1
    assert score_sheet(sheet, {"2.4": 0}).total == 0
    with pytest.raises(InvalidOption):
        score_sheet(sheet, {"2.4": 2})


def test_none_records_that_no_option_is_met(rulebook):
    sheet = rulebook.sheet(26)
    result = score_sheet(sheet, {"1.1": None, "3.5": None})
    assert result.total == 0
    assert "1.1" not in result.missing and "3.5" not in result.missing
    held = result.minimums_for(3).holding_back
    assert Holdback(code="3.5", required_option=0, chosen_option=None) in held


# --- partial sheets: the projection the self-assessment and council screens show ------------

def test_partial_sheet_is_allowed_and_reported(rulebook):
    sheet = rulebook.sheet(1)
    result = score_sheet(sheet, {"1.1": 2, "4.1": 3, "7": 2})
    assert result.total == 3 + 5 + 3
    assert result.points_by_part == {"A": 3, "B": 5, "C": 3}
    assert not result.is_complete
    assert result.missing[0] == "1.2" and len(result.missing) == len(sheet.items) - 3
    assert result.max_reachable_total == 100
    assert result.star == 1 and result.star_ceiling == 5
    unanswered = [h for h in result.holding_back(5) if not h.answered]
    assert "2.2" in [h.code for h in unanswered]


def test_answered_minimum_below_the_mark_lowers_the_ceiling(rulebook):
    sheet = rulebook.sheet(1)
    result = score_sheet(sheet, {"5.1": 3})  # 4-star minimum is option 4
    assert result.max_reachable_total == 98
    assert result.star_ceiling == 3


def test_section_scores_follow_the_sheet(rulebook):
    result = score_sheet(rulebook.sheet(11), {"6.1.1": 2, "6.1.2": 1, "6.2.3": 3})
    section = next(s for s in result.sections if s.code == "6")
    assert (section.points, section.max_points, section.answered, section.items) == (8, 15, 3, 5)


def test_result_records_choices_in_sheet_order_and_serialises(rulebook):
    result = score_sheet(rulebook.sheet(26), {"9": 1, "1.1": 0}, cases={"9": "2"})
    assert [c.code for c in result.choices] == ["1.1", "9"]
    data = result.to_dict()
    assert data["rulebook"] == "qd26-2026" and data["set"] == 26
    assert data["cases"] == {"9": "2"} and data["choices"] == {"1.1": 0, "9": 1}
    assert '"total": 3' in to_json(data)


# --- two-case sections ------------------------------------------------------------------------

def test_case_option_index_counts_within_the_case(rulebook):
    sheet = rulebook.sheet(26)
    assert score_sheet(sheet, {"8": 1}, cases={"8": "1"}).total == 3
    assert score_sheet(sheet, {"8": 0}, cases={"8": "2"}).total == 1
    assert score_sheet(sheet, {"8": 1}, cases={"8": 2}).total == 3  # int key accepted


def test_case_is_required_for_a_case_section(rulebook):
    with pytest.raises(CaseRequired, match="8: choose a case"):
        score_sheet(rulebook.sheet(26), {"8": 1})


def test_case_given_without_option_leaves_the_item_missing(rulebook):
    result = score_sheet(rulebook.sheet(26), {}, cases={"8": "1"})
    assert "8" in result.missing


def test_unknown_case_is_refused(rulebook):
    with pytest.raises(UnknownCase, match="case '3' does not exist"):
        score_sheet(rulebook.sheet(26), {"8": 0}, cases={"8": "3"})


def test_case_for_an_item_without_cases_is_refused(rulebook):
    with pytest.raises(CaseNotApplicable):
        score_sheet(rulebook.sheet(26), {"7": 0}, cases={"7": "1"})


def test_option_out_of_range_within_a_case(rulebook):
    with pytest.raises(InvalidOption, match="choose 0–1"):
        score_sheet(rulebook.sheet(26), {"8": 2}, cases={"8": "1"})


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("choices, error, message", [
    ({"9.9": 0}, UnknownCriterion, "no criterion '9.9'"),
    ({"6.1": 0}, UnknownCriterion, "heading; score its sub-criteria"),
    ({"6": 0}, UnknownCriterion, "section; score its criteria"),
    ({"1.1": 3}, InvalidOption, "option 3 does not exist"),
    ({"1.1": -1}, InvalidOption, "option -1 does not exist"),
    ({"1.1": "2"}, InvalidOption, "must be an index"),
    ({"1.1": True}, InvalidOption, "must be an index"),
    ({"1.1": 1.0}, InvalidOption, "must be an index"),
    ({1: 0}, UnknownCriterion, "texts such as"),
])
def test_bad_choices_raise_clear_errors(rulebook, choices, error, message):
    sheet = rulebook.sheet(11)
    with pytest.raises(error, match=message):
        score_sheet(sheet, choices)


def test_knockout_not_applicable_to_the_sheet(rulebook):
    with pytest.raises(KnockoutNotApplicable, match="food_safety_certificate"):
        score_sheet(rulebook.sheet(21), {}, knockouts=["food_safety_certificate"])
    with pytest.raises(KnockoutNotApplicable):
        score_sheet(rulebook.sheet(1), {}, knockouts=["nonsense"])


def test_errors_are_rulebook_errors_with_codes(rulebook):
    with pytest.raises(RulebookError) as info:
        score_sheet(rulebook.sheet(1), {"x": 0})
    assert info.value.code == "unknown_criterion" and "x" in info.value.message


def test_choices_must_be_a_mapping(rulebook):
    with pytest.raises(RulebookError):
        score_sheet(rulebook.sheet(1), [("1.1", 0)])
