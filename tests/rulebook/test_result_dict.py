"""What the council stores and the rules it accepts, checked against expectations written out
by hand (issue 17: the mutants of CouncilResult.to_dict and CouncilRules' checks survived,
because the other tests compare the dict only with itself or use the defaults)."""
from decimal import Decimal
from fractions import Fraction

import pytest

from ocop_rating.rulebook import (
    CouncilResult,
    CouncilRules,
    CouncilStarMinimums,
    Disagreement,
    InvalidCouncilRules,
)
from ocop_rating.rulebook.council import CouncilHoldback


def _result(**overrides) -> CouncilResult:
    values = dict(
        rulebook_code="qd26-2026", set_number=7,
        rules=CouncilRules(spread_limit=Decimal("12.5"), quorum_fraction=Fraction(2, 3),
                           chair_required=False, trim_extremes=True, trim_min_members=6,
                           disagreement_steps=3, minimum_met_fraction=Fraction(3, 5),
                           mean_decimals=1, minimum_rule="item_majority"),
        members_total=6, members_scored=5, chair_present=True, quorum_required=4,
        quorum_met=True, member_totals=((11, Decimal("81")), (12, Decimal("77.5"))),
        trimmed=(13, 14), mean_total=Decimal("79.3"), part_means=(("A", Decimal("30.1")),
                                                                  ("B", Decimal("49.2"))),
        spread=Decimal("3.5"), spread_exceeded=False,
        disagreements=(Disagreement(code="2.3", steps=4, different_cases=True,
                                    choices=((11, 0, "x"), (12, 4, None))),),
        minimums=(CouncilStarMinimums(star=4, met=False, holding_back=(
            CouncilHoldback(star=4, code="1.2", required_option=2, members_meeting=(11,),
                            members_not_meeting=(12, 15)),)),
                  CouncilStarMinimums(star=3, met=True)),
        knockouts_flagged=(("ko_a", (12,)),), knockouts_confirmed=("ko_a",),
        knockouts_dismissed=("ko_b",), knockouts_pending=("ko_c",), incomplete_members=(16,),
        band_star=4, star=3, recognised=True, problems=("no_quorum", "chair_absent"),
        mean_exact=Decimal("79.2666"), stops_flagged=(("stop_x", (11, 12)),),
        member_stars=((11, 4), (12, None)))
    values.update(overrides)
    return CouncilResult(**values)


def test_to_dict_holds_every_field_under_its_own_key():
    assert _result().to_dict() == {
        "rulebook": "qd26-2026",
        "set": 7,
        "rules": {"spread_limit": "12.5", "quorum_fraction": "2/3", "chair_required": False,
                  "trim_extremes": True, "trim_min_members": 6, "disagreement_steps": 3,
                  "minimum_met_fraction": "3/5", "mean_decimals": 1,
                  "minimum_rule": "item_majority"},
        "members_total": 6,
        "members_scored": 5,
        "chair_present": True,
        "quorum_required": 4,
        "quorum_met": True,
        "member_totals": [[11, Decimal("81")], [12, Decimal("77.5")]],
        "trimmed": [13, 14],
        "mean_total": Decimal("79.3"),
        "mean_exact": "79.2666",
        "part_means": {"A": Decimal("30.1"), "B": Decimal("49.2")},
        "spread": Decimal("3.5"),
        "spread_exceeded": False,
        "disagreements": [{"criterion": "2.3", "steps": 4, "different_cases": True,
                           "choices": [[11, 0, "x"], [12, 4, None]]}],
        "minimums_failed": {"4": [{"criterion": "1.2", "required_option": 2,
                                   "members_meeting": [11], "members_not_meeting": [12, 15]}],
                            "3": []},
        "knockouts_flagged": {"ko_a": [12]},
        "stops_flagged": {"stop_x": [11, 12]},
        "member_stars": [[11, 4], [12, None]],
        "knockouts_confirmed": ["ko_a"],
        "knockouts_dismissed": ["ko_b"],
        "knockouts_pending": ["ko_c"],
        "incomplete_members": [16],
        "band_star": 4,
        "star": 3,
        "recognised": True,
        "problems": ["no_quorum", "chair_absent"],
    }


def test_to_dict_types_and_the_exact_mean_falling_back_to_the_printed_one():
    stored = _result(mean_exact=None, star=None, recognised=False, spread_exceeded=True,
                     chair_present=False, quorum_met=False).to_dict()
    assert stored["mean_exact"] == "79.3" and isinstance(stored["mean_exact"], str)
    assert stored["star"] is None and stored["recognised"] is False
    assert stored["spread_exceeded"] is True and stored["chair_present"] is False
    assert stored["quorum_met"] is False
    assert [type(v) for v in stored["member_totals"][0]] == [int, Decimal]
    assert type(stored["trimmed"]) is list and type(stored["problems"]) is list


def test_rules_are_normalised_from_their_stored_forms():
    rules = CouncilRules(spread_limit="7.5", quorum_fraction="1", minimum_met_fraction=" 2/4 ",
                         trim_min_members=3, disagreement_steps=1, mean_decimals=0)
    assert rules.spread_limit == Decimal("7.5") and type(rules.spread_limit) is Decimal
    assert rules.quorum_fraction == Fraction(1) and type(rules.quorum_fraction) is Fraction
    assert rules.minimum_met_fraction == Fraction(1, 2)
    assert (rules.trim_min_members, rules.disagreement_steps, rules.mean_decimals) == (3, 1, 0)
    assert CouncilRules(spread_limit=0).spread_limit == Decimal(0)
    assert CouncilRules.from_dict(rules.to_dict()) == rules
    assert CouncilRules.from_dict(None) == CouncilRules()
    assert CouncilRules() == CouncilRules(
        spread_limit=Decimal(10), quorum_fraction=Fraction(3, 4), chair_required=True,
        trim_extremes=False, trim_min_members=5, disagreement_steps=2,
        minimum_met_fraction=Fraction(1, 2), mean_decimals=2, minimum_rule="sheet_majority")


@pytest.mark.parametrize("field, value, message", [
    ("spread_limit", "-0.5", "spread_limit must not be negative, got '-0.5'."),
    ("spread_limit", "abc", "spread_limit must be a number, got 'abc'."),
    ("spread_limit", True, "spread_limit must be a number, got True."),
    ("spread_limit", float("nan"), "spread_limit must be a number, got nan."),
    ("quorum_fraction", "0", "quorum_fraction must be above 0 and at most 1, got '0'."),
    ("quorum_fraction", "5/4", "quorum_fraction must be above 0 and at most 1, got '5/4'."),
    ("quorum_fraction", "1/0", "quorum_fraction must be a fraction such as '3/4', got '1/0'."),
    ("quorum_fraction", "x", "quorum_fraction must be a fraction such as '3/4', got 'x'."),
    ("quorum_fraction", None, "quorum_fraction must be a fraction such as '3/4', got None."),
    ("quorum_fraction", False, "quorum_fraction must be a fraction such as '3/4', got False."),
    ("minimum_met_fraction", "0", "minimum_met_fraction must be above 0 and at most 1, "
                                  "got '0'."),
    ("chair_required", "yes", "chair_required must be true or false, got 'yes'."),
    ("trim_extremes", 1, "trim_extremes must be true or false, got 1."),
    ("trim_min_members", 2, "trim_min_members must be an integer ≥ 3, got 2."),
    ("trim_min_members", True, "trim_min_members must be an integer ≥ 3, got True."),
    ("trim_min_members", 4.0, "trim_min_members must be an integer ≥ 3, got 4.0."),
    ("disagreement_steps", 0, "disagreement_steps must be an integer ≥ 1, got 0."),
    ("mean_decimals", -1, "mean_decimals must be an integer ≥ 0, got -1."),
    ("minimum_rule", "median", "minimum_rule must be one of sheet_majority, item_majority, "
                               "got 'median'."),
])
def test_each_rule_is_checked_with_its_own_message(field, value, message):
    with pytest.raises(InvalidCouncilRules) as caught:
        CouncilRules(**{field: value})
    assert str(caught.value) == message


def test_unknown_rules_are_named():
    with pytest.raises(InvalidCouncilRules) as caught:
        CouncilRules.from_dict({"spread": 3, "quorum": 1})
    assert str(caught.value).startswith("Unknown council rule(s): quorum, spread (known: ")
    assert "chair_required, disagreement_steps" in str(caught.value)
