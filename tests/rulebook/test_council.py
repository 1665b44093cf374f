"""aggregate() and CouncilRules: mean, spread, quorum, trimming, minimums, knock-outs."""
from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from ocop_rating.rulebook import (
    CouncilError,
    CouncilRules,
    InvalidCouncilRules,
    MemberResult,
    aggregate,
    score_sheet,
)


@pytest.fixture(scope="module")
def sheet(rulebook):
    return rulebook.sheet(1)


@pytest.fixture
def council(sheet, rb):
    """members(totals) → MemberResults m1.. with exact totals; m1 is the chair."""
    def members(*totals):
        return [rb.member(f"m{i + 1}", sheet, t, is_chair=i == 0) for i, t in enumerate(totals)]
    return members


def test_one_member(council):
    result = aggregate(council(73), CouncilRules(), members_total=1, chair_present=True)
    assert result.mean_total == Decimal("73.00")
    assert result.spread == 0 and not result.spread_exceeded
    assert result.quorum_required == 1 and result.quorum_met
    assert result.members_scored == 1
    assert result.is_final and result.problems == ()
    assert (result.rulebook_code, result.set_number) == ("qd26-2026", 1)


def test_mean_is_rounded_half_up_to_two_decimals(council):
    # 8 members, sum 561 → 70.125 → 70.13 (ROUND_HALF_UP, not banker's 70.12)
    members = council(70, 70, 70, 70, 70, 70, 70, 71)
    result = aggregate(members, members_total=8, chair_present=True)
    assert result.mean_total == Decimal("70.13")
    assert str(result.mean_total) == "70.13"


def test_part_means_two_decimals(council, sheet, rb):
    result = aggregate(council(70, 71, 71), members_total=3, chair_present=True)
    assert result.mean_total == Decimal("70.67")
    assert set(result.part_means_by_code) == {"A", "B", "C"}
    assert all(v == v.quantize(Decimal("0.01")) for v in result.part_means_by_code.values())


def test_spread_exactly_at_the_limit_is_fine(council):
    result = aggregate(council(70, 75, 80), members_total=3, chair_present=True)
    assert result.spread == 10 and not result.spread_exceeded
    assert "spread_exceeded" not in result.problems


def test_spread_beyond_the_limit_is_flagged(council):
    result = aggregate(council(70, 75, 81), members_total=3, chair_present=True)
    assert result.spread == 11 and result.spread_exceeded
    assert "spread_exceeded" in result.problems and not result.is_final


def test_spread_limit_is_configurable(council):
    rules = CouncilRules(spread_limit=Decimal(15))
    assert not aggregate(council(70, 85), rules, members_total=2,
                         chair_present=True).spread_exceeded


def test_quorum_one_short(council):
    # 9 members: 3/4 × 9 = 6.75 → 7 needed
    short = aggregate(council(*[70] * 6), members_total=9, chair_present=True)
    assert short.quorum_required == 7 and not short.quorum_met
    assert "no_quorum" in short.problems
    enough = aggregate(council(*[70] * 7), members_total=9, chair_present=True)
    assert enough.quorum_met and enough.problems == ()


def test_quorum_exactly_three_quarters(council):
    result = aggregate(council(*[70] * 6), members_total=8, chair_present=True)
    assert result.quorum_required == 6 and result.quorum_met


def test_conflicted_members_are_subtracted_by_the_caller(council):
    # 9 members, 1 excluded for a conflict of interest: the caller passes 8 → 6 needed.
    assert aggregate(council(*[70] * 6), members_total=8, chair_present=True).quorum_met


def test_chair_absent(council, sheet, rb):
    members = [rb.member(f"m{i}", sheet, 70) for i in range(4)]  # nobody is chair
    result = aggregate(members, members_total=4, chair_present=False)
    assert not result.quorum_met and "chair_absent" in result.problems
    relaxed = aggregate(members, CouncilRules(chair_required=False), members_total=4,
                        chair_present=False)
    assert relaxed.quorum_met and relaxed.problems == ()


def test_chair_present_without_a_sheet_counts(sheet, rb):
    members = [rb.member(f"m{i}", sheet, 70) for i in range(3)]
    assert aggregate(members, members_total=4, chair_present=True).quorum_met


def test_trimming_off_by_default(council):
    result = aggregate(council(60, 70, 72, 74, 82), members_total=5, chair_present=True)
    assert result.trimmed == () and result.mean_total == Decimal("71.60")


def test_trimming_on_drops_highest_and_lowest(council):
    rules = CouncilRules(trim_extremes=True, spread_limit=Decimal(30))
    result = aggregate(council(60, 70, 72, 74, 82), rules, members_total=5, chair_present=True)
    assert result.trimmed == ("m1", "m5")
    assert result.mean_total == Decimal("72.00")
    assert result.spread == 22  # spread is on every member, trimming does not hide it


def test_trimming_needs_the_minimum_number_of_members(council):
    rules = CouncilRules(trim_extremes=True)
    result = aggregate(council(66, 70, 72, 74), rules, members_total=4, chair_present=True)
    assert result.trimmed == () and result.mean_total == Decimal("70.50")


def test_trimming_ties_are_deterministic(council):
    rules = CouncilRules(trim_extremes=True, trim_min_members=3)
    result = aggregate(council(70, 70, 70), rules, members_total=3, chair_present=True)
    assert result.trimmed == ("m1", "m3") and result.mean_total == Decimal("70.00")


def test_star_from_the_mean(council):
    result = aggregate(council(88, 89, 92), members_total=3, chair_present=True)
    assert result.mean_total == Decimal("89.67")
    assert result.band_star == 4


def test_disagreement_two_steps_apart(sheet, rb):
    base, _ = rb.best_choices(sheet)
    a = MemberResult("a", score_sheet(sheet, {**base, "4.3": 4}), is_chair=True)
    b = MemberResult("b", score_sheet(sheet, {**base, "4.3": 2}))
    c = MemberResult("c", score_sheet(sheet, {**base, "4.3": 3, "6.3": 2}))
    result = aggregate([a, b, c], members_total=3, chair_present=True)
    assert [d.code for d in result.disagreements] == ["4.3"]
    assert result.disagreements[0].steps == 2
    assert result.disagreements[0].choices == (("a", 4, None), ("b", 2, None), ("c", 3, None))


def test_disagreement_on_cases(rulebook, rb):
    sheet = rulebook.sheet(26)
    choices, _ = rb.best_choices(sheet)
    a = MemberResult("a", score_sheet(sheet, choices, cases={"8": "1", "9": "1", "15": "1"}),
                     is_chair=True)
    b = MemberResult("b", score_sheet(sheet, choices, cases={"8": "2", "9": "1", "15": "1"}))
    result = aggregate([a, b], members_total=2, chair_present=True)
    assert [(d.code, d.different_cases) for d in result.disagreements] == [("8", True)]


def test_council_minimum_met_by_half_the_members(sheet, rb):
    base, _ = rb.best_choices(sheet)
    low = {**base, "5.1": 3}  # misses the 4-star minimum of 5.1 (total 98)
    members = [MemberResult("a", score_sheet(sheet, base), is_chair=True),
               MemberResult("b", score_sheet(sheet, base)),
               MemberResult("c", score_sheet(sheet, low)),
               MemberResult("d", score_sheet(sheet, low))]
    result = aggregate(members, members_total=4, chair_present=True)
    assert result.met_minimums_by_star[4] and result.star == 5  # a tie favours the producer
    strict = aggregate(members, CouncilRules(minimum_met_fraction="3/4"), members_total=4,
                       chair_present=True)
    assert not strict.met_minimums_by_star[4] and strict.star == 3
    held = strict.minimums[1].holding_back[0]
    assert (held.star, held.code, held.required_option) == (4, "5.1", 4)
    assert held.members_meeting == ("a", "b") and held.members_not_meeting == ("c", "d")


def test_council_minimum_missed_by_the_majority(sheet, rb):
    base, _ = rb.best_choices(sheet)
    low = {**base, "5.1": 3}
    members = [MemberResult("a", score_sheet(sheet, base), is_chair=True),
               MemberResult("b", score_sheet(sheet, low)),
               MemberResult("c", score_sheet(sheet, low))]
    result = aggregate(members, members_total=3, chair_present=True)
    assert result.band_star == 5 and result.star == 3 and result.recognised


def test_knockout_flagged_is_pending_until_the_council_decides(sheet, rb):
    base, _ = rb.best_choices(sheet)
    members = [MemberResult("a", score_sheet(sheet, base), is_chair=True),
               MemberResult("b", score_sheet(sheet, base, knockouts=["unacceptable_impurities"])),
               MemberResult("c", score_sheet(sheet, base))]
    pending = aggregate(members, members_total=3, chair_present=True)
    assert pending.knockouts_flagged == (("unacceptable_impurities", ("b",)),)
    assert pending.knockouts_pending == ("unacceptable_impurities",)
    assert "knockout_pending" in pending.problems and pending.star == 5

    confirmed = aggregate(members, members_total=3, chair_present=True,
                          knockouts_confirmed=["unacceptable_impurities"])
    assert confirmed.star is None and not confirmed.recognised and confirmed.is_final
    assert confirmed.mean_total == Decimal("100.00")

    dismissed = aggregate(members, members_total=3, chair_present=True,
                          knockouts_dismissed=["unacceptable_impurities"])
    assert dismissed.star == 5 and dismissed.is_final
    assert dismissed.knockouts_dismissed == ("unacceptable_impurities",)


def test_council_may_confirm_a_knockout_no_member_flagged(council):
    result = aggregate(council(90, 92), members_total=2, chair_present=True,
                       knockouts_confirmed=["forged_dossier"])
    assert result.star is None


def test_incomplete_sheets_are_reported(sheet, rb):
    members = [rb.member("a", sheet, 80, is_chair=True),
               MemberResult("b", score_sheet(sheet, {"1.1": 2}))]
    result = aggregate(members, CouncilRules(spread_limit=100), members_total=2,
                       chair_present=True)
    assert result.incomplete_members == ("b",) and "incomplete_sheets" in result.problems


def test_result_to_dict_is_json_ready(council):
    from ocop_rating.rulebook import to_json
    result = aggregate(council(70, 80), members_total=2, chair_present=True)
    data = json.loads(to_json(result.to_dict()))
    assert data["mean_total"] == 75 and data["rules"]["quorum_fraction"] == "3/4"
    assert data["rulebook"] == "qd26-2026" and data["set"] == 1


# --- bad input --------------------------------------------------------------------------------

def test_aggregate_refuses_bad_input(sheet, rulebook, rb, council):
    ok = council(70, 72)
    with pytest.raises(CouncilError, match="No member results"):
        aggregate([], members_total=3, chair_present=True)
    other = rb.member("x", rulebook.sheet(2), 70)
    with pytest.raises(CouncilError, match="scored qd26-2026 set 2"):
        aggregate([*ok, other], members_total=3, chair_present=True)
    with pytest.raises(CouncilError, match="more than once"):
        aggregate([ok[0], ok[0]], members_total=3, chair_present=True)
    with pytest.raises(CouncilError, match="More than one member is marked as chair"):
        aggregate([ok[0], MemberResult("z", ok[1].result, is_chair=True)], members_total=3,
                  chair_present=True)
    with pytest.raises(CouncilError, match="chair_present is false"):
        aggregate(ok, members_total=3, chair_present=False)
    with pytest.raises(CouncilError, match="members_total"):
        aggregate(ok, members_total=1, chair_present=True)
    with pytest.raises(CouncilError, match="does not apply"):
        aggregate(ok, members_total=2, chair_present=True, knockouts_confirmed=["ip_violation"])
    with pytest.raises(CouncilError, match="both confirmed and dismissed"):
        aggregate(ok, members_total=2, chair_present=True, knockouts_confirmed=["forged_dossier"],
                  knockouts_dismissed=["forged_dossier"])
    with pytest.raises(CouncilError, match="CouncilRules"):
        aggregate(ok, {"spread_limit": 5}, members_total=2, chair_present=True)


# --- CouncilRules ----------------------------------------------------------------------------

def test_rules_defaults_follow_the_domain():
    rules = CouncilRules()
    assert rules.spread_limit == 10 and rules.quorum_fraction == Fraction(3, 4)
    assert rules.chair_required and not rules.trim_extremes
    assert rules.minimum_met_fraction == Fraction(1, 2) and rules.disagreement_steps == 2
    assert CouncilRules.from_dict({}) == rules
    assert CouncilRules.from_dict(None) == rules


def test_rules_round_trip_through_json():
    rules = CouncilRules(spread_limit=Decimal("7.5"), quorum_fraction=Fraction(2, 3),
                         chair_required=False, trim_extremes=True, trim_min_members=7)
    stored = json.dumps(rules.to_dict())
    assert CouncilRules.from_dict(json.loads(stored)) == rules


def test_rules_from_dict_accepts_numbers_and_fraction_texts():
    rules = CouncilRules.from_dict({"spread_limit": 12, "quorum_fraction": 0.75,
                                    "minimum_met_fraction": "2/3"})
    assert rules.spread_limit == 12 and rules.quorum_fraction == Fraction(3, 4)
    assert rules.minimum_met_fraction == Fraction(2, 3)


@pytest.mark.parametrize("data, message", [
    ({"spred_limit": 10}, "Unknown council rule"),
    ({"spread_limit": "ten"}, "must be a number"),
    ({"spread_limit": -1}, "must not be negative"),
    ({"quorum_fraction": "5/4"}, "at most 1"),
    ({"quorum_fraction": 0}, "above 0"),
    ({"quorum_fraction": "x"}, "fraction"),
    ({"chair_required": "yes"}, "true or false"),
    ({"trim_min_members": 2}, "integer ≥ 3"),
    ({"disagreement_steps": 0}, "integer ≥ 1"),
])
def test_rules_refuse_bad_values(data, message):
    with pytest.raises(InvalidCouncilRules, match=message):
        CouncilRules.from_dict(data)
