"""The statistics of evaluation quality, as pure functions of sums (DOMAIN.md §9).

Every figure is computed from counts, sums and sums of squares that the database aggregates,
so a page costs the same few queries for one round or for the nation:

* a **deviation** (a member against the other members of the same council on the same dossier,
  or a province against the national mean of the same product set) is a mean with a Student-t
  confidence interval;
* it is **flagged** only when it rests on at least ``min_n`` sheets or evaluations, is at least
  ``min_effect`` points, and its interval excludes 0 even after a Bonferroni correction for the
  number of members (or provinces) tested at once — so that among 300 members, chance alone
  flags none at the 5% family-wise level;
* **agreement** between members is Krippendorff's alpha for interval data over the members'
  totals (1 = the members always agree; 0 = no better than chance).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

CONFIDENCE = 0.95


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (Cornish–Fisher
    expansion of the normal quantile; within 0.2% of the exact value from df = 3 on — the
    statistics are never flagged on fewer than ``Thresholds.min_n`` observations anyway)."""
    if df <= 0:
        return math.inf
    z = NormalDist().inv_cdf(p)
    g1 = (z ** 3 + z) / 4
    g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96
    g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384
    g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160
    return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4


@dataclass(frozen=True)
class Thresholds:
    min_n: int = 20
    min_effect: float = 3.0           # points: a member against the others on the same dossier
    family_alpha: float = 0.05
    province_min_effect: float = 5.0  # points: a province against the nation, same set and year

    @classmethod
    def from_config(cls, config) -> Thresholds:
        return cls(min_n=int(config.get("OCOP_OVERSIGHT_MIN_SHEETS", cls.min_n)),
                   min_effect=float(config.get("OCOP_OVERSIGHT_MIN_EFFECT", cls.min_effect)),
                   family_alpha=float(config.get("OCOP_OVERSIGHT_FAMILY_ALPHA",
                                                 cls.family_alpha)),
                   province_min_effect=float(config.get("OCOP_OVERSIGHT_PROVINCE_MIN_EFFECT",
                                                        cls.province_min_effect)))

    def for_provinces(self) -> Thresholds:
        """The thresholds of a province's (or a gap's) deviation: a larger effect, since
        provinces differ in their products as well as in their councils."""
        return Thresholds(self.min_n, self.province_min_effect, self.family_alpha,
                          self.province_min_effect)


@dataclass(frozen=True)
class Deviation:
    """A mean deviation over ``n`` observations with its 95% interval, and whether it is an
    outlier once ``tested`` such deviations are looked at together."""

    n: int
    mean: float
    sd: float
    low: float
    high: float
    flagged: bool
    enough: bool  # n >= min_n: shown as a statistic, not as "too few sheets"

    @property
    def direction(self) -> str:
        return "lenient" if self.mean > 0 else "severe"


def deviation(n: int, total: float, squares: float, *, tested: int,
              thresholds: Thresholds) -> Deviation:
    """From the count, sum and sum of squares of the deviations."""
    if n <= 0:
        return Deviation(0, 0.0, 0.0, 0.0, 0.0, False, False)
    mean = total / n
    variance = max(squares - n * mean * mean, 0.0) / (n - 1) if n > 1 else 0.0
    sd = math.sqrt(variance)
    se = sd / math.sqrt(n) if n > 1 else math.inf
    half = t_quantile(1 - (1 - CONFIDENCE) / 2, n - 1) * se
    enough = n >= thresholds.min_n
    critical = t_quantile(1 - thresholds.family_alpha / (2 * max(tested, 1)), n - 1) * se
    flagged = enough and abs(mean) >= thresholds.min_effect and abs(mean) > critical
    return Deviation(n, mean, sd, mean - half, mean + half, flagged, enough)


@dataclass(frozen=True)
class UnitSums:
    """The members' totals on one evaluation: how many, their sum and sum of squares."""

    m: int
    total: float
    squares: float

    @property
    def pairs_term(self) -> float:
        """Σ over ordered pairs i≠j of (x_i − x_j)² divided by (m − 1)."""
        return 2 * (self.m * self.squares - self.total ** 2) / (self.m - 1)


def krippendorff_alpha(units_n: int, pairs_term: float, values_n: int, total: float,
                       squares: float) -> float | None:
    """Krippendorff's alpha (interval metric) from aggregates over the pairable units
    (evaluations with at least two totals): ``pairs_term`` is Σ_u UnitSums.pairs_term,
    ``values_n``, ``total``, ``squares`` the count, sum and sum of squares of every value in
    them. None when it is undefined (fewer than two units or no variation at all)."""
    n = values_n
    if units_n < 2 or n < 2:
        return None
    observed = pairs_term / n
    expected = 2 * (n * squares - total ** 2) / (n * (n - 1))
    if expected <= 1e-12:
        return None
    return 1 - observed / expected
