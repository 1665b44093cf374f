"""The legal windows of a certificate's life, in Vietnam days (``legaltime``): the
re-evaluation filing window (180 to 120 days before expiry), the transition rule that keeps
an old certificate valid until its re-evaluation decision, and the 15 days within which a
revocation is decided. Pure date arithmetic over a certificate and the configuration, so the
dossier, re-evaluation and certificate features share one reading (docs/decisions.md, issue 10).

Configuration (``current_app.config``, defaults in brackets):

- ``REEVALUATION_WINDOW_DAYS`` [180], ``REEVALUATION_LATE_DAYS`` [120]: the filing window.
- ``REEVALUATION_LATE_FILING`` ["accept"]: a re-evaluation dossier filed after the 120-day
  mark is accepted as late (no transition extension) or, with "refuse", refused.
- ``REEVALUATION_GRACE_DAYS`` [180]: the transition extension's cap past expiry.
- ``REEVALUATION_EXTEND_TIMELY`` [True]: a dossier filed within the window whose decision is
  not out by expiry keeps the certificate valid until the decision.
- ``REEVALUATION_TRANSITION_EXPIRING_BEFORE`` ["2026-09-19"]: certificates expiring before
  this day could not meet the 120-day mark under Decision 26/2026 (in force 22/05/2026): a
  dossier filed before their expiry keeps them valid until the decision (Art. 11–12).
- ``REVOCATION_DAYS`` [15], ``REVOCATION_WARN_DAYS`` [5]: the revocation limit, and how
  many days before it the province's pages warn.
"""
from __future__ import annotations

import enum
from datetime import date, timedelta

from flask import current_app


def _int(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def window_days() -> int:
    return _int("REEVALUATION_WINDOW_DAYS", 180)


def late_days() -> int:
    return _int("REEVALUATION_LATE_DAYS", 120)


def grace_days() -> int:
    return _int("REEVALUATION_GRACE_DAYS", 180)


def revocation_days() -> int:
    return _int("REVOCATION_DAYS", 15)


def revocation_warn_days() -> int:
    return _int("REVOCATION_WARN_DAYS", 5)


def late_filing_refused() -> bool:
    return current_app.config.get("REEVALUATION_LATE_FILING") == "refuse"  # else "accept"


def extend_timely_filers() -> bool:
    return bool(current_app.config.get("REEVALUATION_EXTEND_TIMELY", True))


def transition_expiring_before() -> date | None:
    value = current_app.config.get("REEVALUATION_TRANSITION_EXPIRING_BEFORE", "2026-09-19")
    if not value:
        return None
    return date.fromisoformat(str(value))  # a date, or its ISO text


def window_opens_on(certificate) -> date:
    """The first day a re-evaluation dossier may be filed (180 days before expiry)."""
    return certificate.expires_on - timedelta(days=window_days())


def window_closes_on(certificate) -> date:
    """The last day of the filing window (the 120-day mark)."""
    return certificate.expires_on - timedelta(days=late_days())


class Filing(str, enum.Enum):
    """Where a day stands in a certificate's re-evaluation window."""

    early = "early"          # before the window opens: refused
    in_window = "in_window"  # 180 to 120 days before expiry
    late = "late"            # after the 120-day mark, not yet expired
    lapsed = "lapsed"        # after expiry


def filing_on(certificate, day: date) -> Filing:
    if day < window_opens_on(certificate):
        return Filing.early
    if day <= window_closes_on(certificate):
        return Filing.in_window
    if day <= certificate.expires_on:
        return Filing.late
    return Filing.lapsed


def transition_applies(certificate, filed_on: date) -> bool:
    """Whether a re-evaluation dossier filed on ``filed_on`` keeps ``certificate`` valid
    until the decision (at most ``grace_days`` past expiry): never for a dossier filed after
    expiry; for one filed within the window when timely filers are protected; and for one
    filed late only where the transition provision covers the certificate (its 120-day mark
    fell before the new procedure could be followed)."""
    standing = filing_on(certificate, filed_on)
    if standing == Filing.in_window:
        return extend_timely_filers()
    if standing == Filing.late:
        cutoff = transition_expiring_before()
        return cutoff is not None and certificate.expires_on < cutoff
    return False


def extension_limit(certificate) -> date:
    return certificate.expires_on + timedelta(days=grace_days())


def revocation_deadline(concluded_on: date) -> date:
    """The last day to decide a revocation: 15 days from the authority's conclusion (or the
    commune's confirmation that production stopped)."""
    return concluded_on + timedelta(days=revocation_days())


def extension_to_set(certificate, today: date) -> date | None:
    """The extension the transition rule writes on ``today`` for a covered certificate (read
    by attribute), or None when nothing changes: from the day before expiry, the extension
    limit (``extension_limit``), unless it is already set to it."""
    limit = extension_limit(certificate)
    if certificate.extended_until != limit and today >= certificate.expires_on - timedelta(
            days=1):
        return limit
    return None


def extension_end_on_failure(certificate, on: date) -> date | None:
    """A re-evaluation that fails 3★ on ``on``: the extension now ends at the expiry, or on
    ``on`` if that is later (and never later than it was); None without an extension."""
    if certificate.extended_until is None:
        return None
    return max(certificate.expires_on, min(certificate.extended_until, on))
