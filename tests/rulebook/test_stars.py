"""star_for: bands at their edges, cumulative minimums, knock-outs."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ocop_rating.rulebook import ScoringError, band_star, is_recognised, star_for

ALL_MET = {3: True, 4: True, 5: True}


@pytest.mark.parametrize("total, star", [
    ("0", 1), ("29.99", 1), ("30", 2), ("49.99", 2), ("50", 3), ("69.99", 3),
    ("70", 4), ("89.99", 4), ("89.995", 4), ("90", 5), ("90.00", 5), ("100", 5),
])
def test_band_edges(rulebook, total, star):
    assert star_for(Decimal(total), ALL_MET, False, rulebook.star_bands) == star
    assert band_star(Decimal(total), rulebook.star_bands) == star


@pytest.mark.parametrize("total, recognised", [
    ("29.99", False), ("49.99", False), ("50", True), ("89.99", True), ("100", True)])
def test_recognised_only_from_three_stars(rulebook, total, recognised):
    star = star_for(Decimal(total), ALL_MET, False, rulebook.star_bands)
    assert is_recognised(star, rulebook.star_bands) is recognised


@pytest.mark.parametrize("total", ["-0.01", "100.01", "250"])
def test_total_outside_the_bands_is_an_error(rulebook, total):
    with pytest.raises(ScoringError, match="outside the star bands"):
        star_for(Decimal(total), ALL_MET, False, rulebook.star_bands)


@pytest.mark.parametrize("total, met, star", [
    # 4-star band, a 4-star minimum missed: the highest star whose band and minimums it meets
    ("75", {3: True, 4: False, 5: True}, 3),
    # 5-star band: 5 needs the 3- and 4-star minimums too (cumulative)
    ("95", {3: True, 4: False, 5: True}, 3),
    ("95", {3: True, 4: True, 5: False}, 4),
    ("95", {3: False, 4: True, 5: True}, 2),
    # 3-star minimums missed: 2 stars (the total reaches the 2-star band), never recognised
    ("60", {3: False, 4: True, 5: True}, 2),
    ("89.99", {3: False, 4: False, 5: False}, 2),
    # stars without an entry have no minimums
    ("95", {}, 5),
    ("40", {3: False}, 2),
    ("10", {3: False}, 1),
])
def test_minimums_are_cumulative(rulebook, total, met, star):
    assert star_for(Decimal(total), met, False, rulebook.star_bands) == star


@pytest.mark.parametrize("total", ["0", "50", "100"])
def test_knocked_out_gets_no_star(rulebook, total):
    assert star_for(Decimal(total), ALL_MET, True, rulebook.star_bands) is None
    assert is_recognised(None, rulebook.star_bands) is False


def test_bands_come_from_the_data(rulebook):
    # A rulebook with other bands gives other stars: nothing is hard-coded.
    from dataclasses import replace
    shifted = tuple(replace(b, min=b.min + 5, max=b.max + 5 if not b.max_inclusive else b.max)
                    for b in rulebook.star_bands)
    shifted = (replace(shifted[0], min=Decimal(0)),) + shifted[1:]
    assert star_for(Decimal(52), ALL_MET, False, shifted) == 2
    assert star_for(Decimal(55), ALL_MET, False, shifted) == 3
