"""Legal days are Vietnam days (Asia/Ho_Chi_Minh, UTC+7): a deadline, an expiry, a notice or a
filing window is counted on the date in Vietnam, never on the server's UTC date (between
17:00 and 24:00 UTC the two differ by a day). Every piece of code that needs "today" for a
legal purpose asks this module."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def vn_now() -> datetime:
    """The current moment in Vietnam time (timezone-aware)."""
    return datetime.now(timezone.utc).astimezone(VN_TZ)


def legal_today() -> date:
    """Today's date in Vietnam: the day every legal clock counts from."""
    return vn_now().date()


def legal_date(moment: datetime) -> date:
    """The Vietnam date of a stored moment (naive values are read as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(VN_TZ).date()
