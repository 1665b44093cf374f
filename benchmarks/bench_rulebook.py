"""Timing of the rulebook package: score a full sheet, aggregate a 9-member council.

Run: ``python benchmarks/bench_rulebook.py``. Prints figures only (no assertions).
"""
from __future__ import annotations

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ocop_rating.rulebook import (
    CouncilRules,
    MemberResult,
    aggregate,
    clear_cache,
    get_rulebook,
    score_sheet,
)


def per_call_us(func, number: int) -> float:
    """Best of 5 repeats, in microseconds per call."""
    return min(timeit.repeat(func, number=number, repeat=5)) / number * 1e6


def main() -> None:
    clear_cache()
    load_ms = timeit.timeit(lambda: get_rulebook("qd26-2026"), number=1) * 1e3
    book = get_rulebook("qd26-2026")

    sheet = book.sheet(1)
    choices = {i.code: len(i.options) - 1 for i in sheet.items}
    tourism = book.sheet(26)
    cases = {i.code: "2" for i in tourism.items if i.is_case_choice}
    t_choices = {i.code: 0 for i in tourism.items}
    partial = dict(list(choices.items())[:10])

    members = []
    for m in range(9):
        lowered = {code: max(0, index - (m + n) % 2) for n, (code, index)
                   in enumerate(choices.items())}
        members.append(MemberResult(f"m{m}", score_sheet(sheet, lowered), is_chair=m == 0))
    rules = CouncilRules(spread_limit=100)
    trimmed = CouncilRules(spread_limit=100, trim_extremes=True)

    rows = [
        ("load + validate rulebook qd26-2026 (cold, once)", load_ms * 1e3),
        (f"score_sheet, full sheet (set 1, {len(sheet.items)} items)",
         per_call_us(lambda: score_sheet(sheet, choices), 2000)),
        (f"score_sheet, full sheet with cases (set 26, {len(tourism.items)} items)",
         per_call_us(lambda: score_sheet(tourism, t_choices, cases=cases), 2000)),
        (f"score_sheet, partial sheet ({len(partial)} of {len(sheet.items)} items)",
         per_call_us(lambda: score_sheet(sheet, partial), 2000)),
        ("aggregate, 9-member council",
         per_call_us(lambda: aggregate(members, rules, members_total=9, chair_present=True),
                     2000)),
        ("aggregate, 9-member council, trimming on",
         per_call_us(lambda: aggregate(members, trimmed, members_total=9, chair_present=True),
                     2000)),
    ]
    print(f"Python {sys.version.split()[0]}")
    for label, us in rows:
        print(f"{label:<62} {us:>10.1f} µs")


if __name__ == "__main__":
    main()
