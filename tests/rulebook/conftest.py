"""Fixtures and helpers for the rulebook tests (pure Python: no app, no database)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from ocop_rating.rulebook import (
    DATA_DIR,
    MemberResult,
    Rulebook,
    Sheet,
    get_rulebook,
    score_sheet,
)

HERE = Path(__file__).resolve().parent
TEST_DATA = HERE / "data"
REFERENCE_JSON = TEST_DATA / "reference" / "ocop-qd26-2026-criteria.json"
QD26 = "qd26-2026"
QD1048 = "qd1048-2019"


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    """The shipped Decision 26/2026 rulebook."""
    return get_rulebook(QD26)


@pytest.fixture(scope="session")
def extra_paths() -> tuple[Path, Path]:
    """Shipped data plus the tests' extra rulebook versions."""
    return (DATA_DIR, TEST_DATA)


def best_choices(sheet: Sheet, case: str = "1") -> tuple[dict, dict]:
    """Top option of every item (cases: ``case``). Total 100 on a valid sheet."""
    cases = {i.code: case for i in sheet.items if i.is_case_choice}
    choices = {i.code: len(i.options_for(cases.get(i.code))) - 1 for i in sheet.items}
    return choices, cases


def choices_for_total(sheet: Sheet, target: Decimal | int, case: str = "1") -> tuple[dict, dict]:
    """Complete choices whose total is exactly ``target`` (prefers high options early)."""
    target = Decimal(target)
    cases = {i.code: case for i in sheet.items if i.is_case_choice}
    items = sheet.items
    # reachable[k] = totals reachable with items[k:]
    reachable: list[set[Decimal]] = [set() for _ in range(len(items) + 1)]
    reachable[-1] = {Decimal(0)}
    for k in range(len(items) - 1, -1, -1):
        opts = items[k].options_for(cases.get(items[k].code))
        reachable[k] = {o.points + rest for o in opts for rest in reachable[k + 1]}
    if target not in reachable[0]:
        raise ValueError(f"set {sheet.number}: total {target} not reachable")
    choices, remaining = {}, target
    for k, item in enumerate(items):
        opts = item.options_for(cases.get(item.code))
        for o in reversed(opts):
            if remaining - o.points in reachable[k + 1]:
                choices[item.code] = o.index
                remaining -= o.points
                break
    return choices, cases


def member(member_id, sheet: Sheet, total=None, *, choices=None, cases=None, knockouts=(),
           is_chair=False) -> MemberResult:
    """A council member's result with an exact total (or explicit choices)."""
    if choices is None:
        choices, cases = choices_for_total(sheet, total)
    return MemberResult(member_id, score_sheet(sheet, choices, cases=cases, knockouts=knockouts),
                        is_chair=is_chair)


@pytest.fixture(scope="session")
def rb() -> SimpleNamespace:
    """Helpers and paths for the rulebook tests (a fixture, so no test imports conftest)."""
    return SimpleNamespace(
        best_choices=best_choices, choices_for_total=choices_for_total, member=member,
        TEST_DATA=TEST_DATA, REFERENCE_JSON=REFERENCE_JSON, QD26=QD26, QD1048=QD1048,
    )
