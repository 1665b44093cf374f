"""``fmt_fixed``: means and totals with two decimals and a decimal comma."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from ocop_rating.pdf import fmt_fixed


@pytest.mark.parametrize(("value", "expected"), [
    (D("85.5"), "85,50"), (D("85.50"), "85,50"), (D(80), "80,00"), (D("72.285714"), "72,29"),
    (D("89.995"), "90,00"), (D("0.005"), "0,01"), (D("-0.001"), "0,00"), (3.5, "3,50"),
    ("12.5", "12,50"), (None, "—"),
])
def test_fmt_fixed(value, expected):
    assert fmt_fixed(value) == expected


def test_places_and_empty():
    assert fmt_fixed(D("2.345"), 1) == "2,3"
    assert fmt_fixed(D("2.35"), 1) == "2,4"
    assert fmt_fixed(D(7), 0) == "7"
    assert fmt_fixed(None, empty="") == ""
