"""The legal round calendar (Decision 26/2026, DOMAIN.md §5.5) as data.

A province runs at least two rounds a year: dossiers proposed by 30 April are finished by
30 June, those proposed by 30 October by 30 December. The ministry: proposed by 30 January →
finished by 30 March, proposed by 30 July → by 30 September. Extra rounds are allowed.
"""
from __future__ import annotations

from datetime import date

from .models import CouncilLevel

# level -> [(proposals by (month, day), finish by (month, day))]
CALENDAR: dict[CouncilLevel, list[tuple[tuple[int, int], tuple[int, int]]]] = {
    CouncilLevel.province: [((4, 30), (6, 30)), ((10, 30), (12, 30))],
    CouncilLevel.central: [((1, 30), (3, 30)), ((7, 30), (9, 30))],
    # Before July 2025 the district councils followed the provincial calendar.
    CouncilLevel.district: [((4, 30), (6, 30)), ((10, 30), (12, 30))],
}


def legal_rounds(level: CouncilLevel, year: int) -> list[tuple[int, date, date]]:
    """(sequence number, proposals by, finish by) of the regular rounds of ``year``."""
    return [(i, date(year, *proposals), date(year, *finish))
            for i, (proposals, finish) in enumerate(CALENDAR[level], start=1)]
