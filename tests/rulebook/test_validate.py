"""check_rulebook finds each kind of inconsistency (on broken copies of the test rulebook)."""
from __future__ import annotations

import copy
import json

import pytest

from ocop_rating.rulebook import Severity, check_rulebook
from ocop_rating.rulebook.loader import parse_rulebook


@pytest.fixture(scope="module")
def raw(rb):
    folder = rb.TEST_DATA / rb.QD1048
    book = json.loads((folder / "rulebook.json").read_text(encoding="utf-8"))
    sheets = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("set-*.json"))]
    return book, sheets


def issues_after(raw, mutate):
    book, sheets = copy.deepcopy(raw)
    mutate(book, sheets)
    return check_rulebook(parse_rulebook(book, sheets))


def crit(sheets, n=0):
    """Criterion 1.1 of set 1 (options 0 / 5 *** / 10)."""
    return sheets[n]["parts"][0]["sections"][0]["criteria"][0]


def test_the_test_rulebook_is_clean(raw):
    assert issues_after(raw, lambda b, s: None) == []


CASES = [
    ("option above its maximum", lambda b, s: crit(s)["options"][2].update(points=13),
     "error", "1.1", "above the maximum"),
    ("best option below the maximum", lambda b, s: (crit(s).update(max=11),
                                                    s[0]["parts"][0]["sections"][0]
                                                    .update(max=21)),
     "warning", "1.1", "maximum cannot be reached"),
    ("criteria do not sum to the section", lambda b, s: s[0]["parts"][0]["sections"][0]
     .update(max=19), "error", "1", "criteria sum to 20"),
    ("sections do not sum to the part", lambda b, s: s[0]["parts"][0].update(max=36),
     "error", "A", "sections sum to 35"),
    ("part maxima differ from the rulebook", lambda b, s: b["parts"][0].update(max=30),
     "error", None, "part maxima sum to 95"),
    ("sub-criteria do not sum to their heading",
     lambda b, s: s[0]["parts"][1]["sections"][0]["criteria"][0]["children"][0].update(max=10),
     "error", "3.1", "sub-criteria sum to 22.5"),
    ("two options worth the same", lambda b, s: crit(s)["options"][1].update(points=0),
     "warning", "1.1", "both worth 0"),
    ("points falling along the legal order", lambda b, s: [
        o.update(points=p) for o, p in zip(crit(s)["options"], (10, 5, 0))],
     "warning", "1.1", "option 1 (5) is worth less than option 0 (10)"),
    ("indistinguishable options", lambda b, s: crit(s)["options"][1].update(label="Không rõ"),
     "error", "1.1", "cannot be told apart"),
    ("star marker for a star without minimums",
     lambda b, s: crit(s)["options"][2].update(min_for_star=2), "error", "1.1", "minimums exist"),
    ("two options mark the same star", lambda b, s: crit(s)["options"][2].update(min_for_star=3),
     "error", "1.1", "mark the 3-star minimum"),
    ("a higher star at a lower option", lambda b, s: (crit(s)["options"][1].update(min_for_star=4),
                                                      crit(s)["options"][2].update(min_for_star=3)),
     "error", "1.1", "4-star minimum (option 1) is below the 3-star minimum"),
    ("yes/no item not 0/max", lambda b, s: s[0]["parts"][0]["sections"][0]["criteria"][1]
     ["options"][1].update(points=5), "error", "1.2", "yes/no item must be 0 / 10"),
    ("knock-out missing from the catalogue", lambda b, s: b["knockouts"].clear(),
     "error", None, "not in the rulebook's catalogue"),
    ("star bands with a gap", lambda b, s: b["star_bands"][2].update(min=55),
     "error", None, "not contiguous"),
    ("top band short of the total", lambda b, s: b["star_bands"][4].update(max_inclusive=99),
     "error", None, "top star band must include 100"),
    ("sheet outside the classification", lambda b, s: b["classification"][0]["subgroups"][0]
     .update(sets=[1]), "error", None, "not in the classification"),
    ("case item with a single case", lambda b, s: s[1]["parts"][0]["sections"][0]["cases"].pop(),
     "error", "1", "at least two cases"),
    ("duplicate criterion code", lambda b, s: s[0]["parts"][0]["sections"][0]["criteria"][1]
     .update(code="1.1"), "error", "1.1", "appears 2 times"),
]


@pytest.mark.parametrize("name, mutate, severity, code, message", CASES,
                         ids=[c[0] for c in CASES])
def test_check_finds(raw, name, mutate, severity, code, message):
    issues = issues_after(raw, mutate)
    matching = [i for i in issues if message in i.message]
    assert matching, f"{name}: {[str(i) for i in issues]}"
    assert matching[0].severity is Severity(severity)
    assert matching[0].code == code


def test_issue_renders_readably(raw):
    issues = issues_after(raw, lambda b, s: crit(s)["options"][2].update(points=13))
    assert str(issues[0]) == ("error: set 1 1.1: option 2 is worth 13, above the maximum 10")
