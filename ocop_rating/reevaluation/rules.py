"""The re-evaluation notices' rules that need no database: which notices are due on a day,
and which one the daily job sends. The filing window, the transition rule's extension and
the revocation limit are in ``certificates/windows.py``.

Kept apart from ``services.py`` so that mutation testing (``make mutation``,
docs/testing.md) runs every mutant of these rules against fast tests; the services call
them.
"""
from __future__ import annotations

from datetime import date

from .models import NoticeKind

EXPIRED_NOTICE_DAYS = 30   # the expiry notice is still sent up to 30 days after expiry


def due_notices(certificate, today: date, filed: bool) -> list[NoticeKind]:
    """The notices due today for ``certificate`` (read by attribute), most important first;
    the daily job sends the first one not yet sent. The window notice comes first of all;
    each reminder belongs to its own band of days (so a job that missed days catches up
    without flooding the producer), and reminders stop once a re-evaluation dossier is
    filed."""
    days_left = (certificate.expires_on - today).days
    if days_left > NoticeKind.window_open.days_before or days_left < -EXPIRED_NOTICE_DAYS:
        return []
    due = []
    if days_left >= 0:
        due.append(NoticeKind.window_open)
    if filed:
        return due
    # the bands, from the farthest: (150, 180] nothing more, (125, 150], (30, 125], [0, 30],
    # then expired
    if days_left > 150:
        return due
    if days_left > 125:
        due.append(NoticeKind.reminder_150)
    elif days_left > 30:
        due.append(NoticeKind.reminder_125)
    elif days_left >= 0:
        due.append(NoticeKind.reminder_30)
    else:
        due.append(NoticeKind.expired)
    return due


def notice_to_send(due: list[NoticeKind], *, sent: set[NoticeKind],
                   told_today: bool) -> NoticeKind | None:
    """One notice a certificate a day: the most important due notice not sent yet, and
    none on a day the certificate was already told something."""
    if told_today:
        return None
    return next((kind for kind in due if kind not in sent), None)
