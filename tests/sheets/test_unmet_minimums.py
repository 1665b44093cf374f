"""The scoring screen lists each criterion below a star minimum once (issue 14: 1.4 appeared
twice, since the per-star lists of holding_back are cumulative)."""
from collections import Counter

from ocop_rating.evaluation.views import unmet_minimums
from ocop_rating.rulebook import get_rulebook, score_sheet
from ocop_rating.text import sentence_case

SHEET = get_rulebook("qd26-2026").sheet(1)


def test_the_cumulative_lists_repeat_what_unmet_minimums_lists_once():
    result = score_sheet(SHEET, {"4.1": 0, "2.3": 2})  # 4.1 below 3★, 4★, 5★; 2.3 meets all
    repeated = [h.code for h in result.holding_back(5)]
    assert repeated.count("4.1") == 3  # why the old list showed criteria more than once
    unmet = result.unmet_minimums()
    codes = [u.code for u in unmet]
    assert len(codes) == len(set(codes)) == len(set(repeated))
    by_code = {u.code: u for u in unmet}
    assert by_code["4.1"].stars == (3, 4, 5) and by_code["4.1"].answered
    assert "2.3" not in by_code  # option 2 meets the 3★ and 4★ minimums
    assert by_code["3.5"].stars == (3, 4) and not by_code["3.5"].answered
    # lowest star first: every criterion holding back 3★ comes before those only above it
    first_star = [u.stars[0] for u in unmet]
    assert first_star == sorted(first_star)


def test_a_criterion_met_for_one_star_is_listed_for_the_next_only():
    result = score_sheet(SHEET, {"4.1": 1})  # meets 3★ (option 1), not 4★ (2) nor 5★ (3)
    [entry] = [u for u in result.unmet_minimums() if u.code == "4.1"]
    assert entry.stars == (4, 5) and entry.answered


def test_every_minimum_met_lists_nothing():
    best = {i.code: len(i.options) - 1 for i in SHEET.items}
    assert score_sheet(SHEET, best).unmet_minimums() == ()


def test_the_page_payload_lists_each_criterion_once_with_its_label():
    result = score_sheet(SHEET, {"4.1": 0, "1.5": 0})
    rows = unmet_minimums(result, SHEET)
    counts = Counter(r["code"] for r in rows)
    assert counts and max(counts.values()) == 1
    row = next(r for r in rows if r["code"] == "1.5")
    assert row == {"code": "1.5", "label": SHEET.item("1.5").label, "stars": [4, 5],
                   "answered": True}


def test_sentence_case_capitalises_only_the_first_letter():
    assert sentence_case("không tuân thủ quy định GMP") == "Không tuân thủ quy định GMP"
    assert sentence_case("  đạt yêu cầu") == "Đạt yêu cầu"
    assert sentence_case("(a) mục") == "(A) mục"
    assert sentence_case("") == "" and sentence_case(None) == ""
