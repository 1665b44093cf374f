"""The statistics against independent computations from their definitions."""
from __future__ import annotations

import itertools
import math
import random

import pytest

from ocop_rating.oversight.stats import (
    Thresholds,
    UnitSums,
    deviation,
    krippendorff_alpha,
    t_quantile,
)


def alpha_by_definition(units: list[list[float]]) -> float:
    """Krippendorff's alpha (interval) by the coincidence definition: every ordered pair of
    values within a unit, weighted 1/(m_u − 1), against every ordered pair overall."""
    pairable = [u for u in units if len(u) >= 2]
    values = [v for u in pairable for v in u]
    n = len(values)
    observed = sum((a - b) ** 2 / (len(u) - 1)
                   for u in pairable for a, b in itertools.permutations(u, 2)) / n
    expected = sum((a - b) ** 2 for a, b in itertools.permutations(values, 2)) / (n * (n - 1))
    return 1 - observed / expected


def alpha_from_sums(units: list[list[float]]) -> float | None:
    pairable = [UnitSums(len(u), sum(u), sum(v * v for v in u)) for u in units if len(u) >= 2]
    return krippendorff_alpha(len(pairable), sum(u.pairs_term for u in pairable),
                              sum(u.m for u in pairable), sum(u.total for u in pairable),
                              sum(u.squares for u in pairable))


@pytest.mark.parametrize("seed", range(5))
def test_alpha_from_sums_equals_the_definition(seed):
    rng = random.Random(seed)
    units = [[rng.uniform(40, 95) + rng.gauss(0, 4) for _ in range(rng.randint(1, 8))]
             for _ in range(rng.randint(3, 25))]
    if sum(1 for u in units if len(u) >= 2) < 2:
        units.append([70.0, 72.0])
        units.append([50.0, 55.0, 52.0])
    assert alpha_from_sums(units) == pytest.approx(alpha_by_definition(units), rel=1e-9)


def test_alpha_is_one_when_members_agree_and_low_when_they_do_not():
    assert alpha_from_sums([[80, 80, 80], [60, 60], [90, 90, 90, 90]]) == pytest.approx(1.0)
    rng = random.Random(3)
    noise = [[rng.uniform(0, 100) for _ in range(5)] for _ in range(40)]
    assert abs(alpha_from_sums(noise)) < 0.15
    assert alpha_from_sums([[70, 71]]) is None          # one unit: undefined
    assert alpha_from_sums([[70, 70], [70, 70]]) is None  # no variation at all


@pytest.mark.parametrize("df, exact", [(3, 3.1824), (5, 2.5706), (10, 2.2281), (20, 2.0860),
                                       (30, 2.0423), (120, 1.9799)])
def test_t_quantile_is_close_to_the_tables(df, exact):
    assert t_quantile(0.975, df) == pytest.approx(exact, rel=2e-3)


def test_deviation_mean_interval_and_flag():
    limits = Thresholds(min_n=20, min_effect=3.0, family_alpha=0.05)
    data = [4.0 + (i % 5 - 2) for i in range(40)]           # mean 4, small spread
    n, s, q = len(data), sum(data), sum(v * v for v in data)
    d = deviation(n, s, q, tested=300, thresholds=limits)
    mean = s / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in data) / (n - 1))
    assert d.mean == pytest.approx(4.0) and d.sd == pytest.approx(sd)
    half = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
    assert (d.low, d.high) == (pytest.approx(mean - half), pytest.approx(mean + half))
    assert d.flagged and d.enough and d.direction == "lenient"
    # the same mean on too few sheets is never flagged
    few = deviation(10, 40.0, 170.0, tested=300, thresholds=limits)
    assert not few.enough and not few.flagged
    # a small effect is not flagged however many sheets
    small = [1.0 + (i % 3 - 1) * 0.1 for i in range(500)]
    assert not deviation(500, sum(small), sum(v * v for v in small), tested=300,
                         thresholds=limits).flagged
    # a large but noisy effect is not flagged once 300 members are tested at once
    noisy = [4.0 + (15 if i % 2 else -15) for i in range(20)]
    one = deviation(20, sum(noisy), sum(v * v for v in noisy), tested=1, thresholds=limits)
    many = deviation(20, sum(noisy), sum(v * v for v in noisy), tested=300, thresholds=limits)
    assert not many.flagged and not one.flagged  # CI ±7 for n=20, sd 15.4: not significant
    severe = [-6.0 + (i % 3 - 1) for i in range(30)]
    d = deviation(30, sum(severe), sum(v * v for v in severe), tested=50, thresholds=limits)
    assert d.flagged and d.direction == "severe"
