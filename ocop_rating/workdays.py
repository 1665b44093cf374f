"""Working days for legal deadlines (e.g. the commune's 15 working days, Decision 26/2026):
Saturdays, Sundays and Vietnam's public holidays (the ``holidays`` package, country VN) are
skipped, plus any extra days off a year's government decision adds (config EXTRA_HOLIDAYS,
a list of ISO dates)."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


def is_working_day(day: date, extra: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year) and day not in extra


def add_working_days(start: date, days: int, extra_holidays=()) -> date:
    """The date ``days`` working days after ``start`` (the start day itself not counted)."""
    extra = frozenset(date.fromisoformat(d) if isinstance(d, str) else d for d in extra_holidays)
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, extra):
            remaining -= 1
    return current


def working_days_left(today: date, deadline: date, extra_holidays=()) -> int:
    """Working days from ``today`` (not counted) to ``deadline`` (counted): 0 when the
    deadline is today or the last working day has passed only by non-working days; negative
    when overdue (minus the working days since the deadline)."""
    extra = frozenset(date.fromisoformat(d) if isinstance(d, str) else d for d in extra_holidays)
    if deadline >= today:
        return sum(1 for n in range(1, (deadline - today).days + 1)
                   if is_working_day(today + timedelta(days=n), extra))
    return -sum(1 for n in range(1, (today - deadline).days + 1)
                if is_working_day(deadline + timedelta(days=n), extra))
