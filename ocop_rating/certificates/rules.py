"""The certificate rules that need no database (DOMAIN.md §6): who issues, how a certificate
is numbered, when it expires and what its status is on a given day.

Kept apart from the models and services so that mutation testing (``make mutation``,
docs/testing.md) can run every mutant of these rules against fast tests; the models and
services call them.
"""
from __future__ import annotations

import enum
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from ..i18n import label_once

MINISTRY_KEY = "BO"  # the issuer key of the ministry; a province issues under its code
VALIDITY_YEARS = 3   # 36 months from issue
EXPIRING_DAYS = 180  # "expiring soon" from 180 days before expiry (the re-evaluation window)


class CertificateStatus(str, enum.Enum):
    """Derived, never stored: see :func:`status_on`."""

    valid = "valid"
    expiring = "expiring"
    extended = "extended"   # past expiry, kept valid by the re-evaluation transition rule
    expired = "expired"
    revoked = "revoked"
    superseded = "superseded"

    @property
    @label_once
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def badge(self) -> str:
        return {"valid": "success", "expiring": "warning", "extended": "info",
                "expired": "secondary", "revoked": "danger", "superseded": "dark"}[self.value]


STATUS_LABELS = {
    CertificateStatus.valid: _l("Còn hiệu lực"),
    CertificateStatus.expiring: _l("Sắp hết hiệu lực"),
    CertificateStatus.extended: _l("Còn hiệu lực trong thời gian đánh giá lại"),
    CertificateStatus.expired: _l("Hết hiệu lực"),
    CertificateStatus.revoked: _l("Đã bị thu hồi"),
    CertificateStatus.superseded: _l("Đã được thay thế"),
}


def issuer_key(*, ministry: bool, province_code: str | None) -> str:
    """The key certificates are numbered under: the ministry's, or the province's code."""
    if ministry:
        return MINISTRY_KEY
    if not province_code:
        raise ValueError("A provincial certificate needs the province code.")
    return province_code


def certificate_number(issuer: str, year: int, serial: int) -> str:
    """"0125/2026/GCN-OCOP-22": serial (four digits at least), year, issuer."""
    return f"{serial:04d}/{year}/GCN-OCOP-{issuer}"


def expiry_for(issued_on: date) -> date:
    """36 months from issue: the same day three years later (28 Feb for 29 Feb)."""
    try:
        return issued_on.replace(year=issued_on.year + VALIDITY_YEARS)
    except ValueError:
        return issued_on.replace(year=issued_on.year + VALIDITY_YEARS, day=28)


def valid_until(expires_on: date, extended_until: date | None) -> date:
    """The last day in force: the expiry, or a later extension (never an earlier one)."""
    return max(expires_on, extended_until or expires_on)


def status_on(today: date, *, expires_on: date, extended_until: date | None, revoked: bool,
              superseded: bool) -> CertificateStatus:
    """The status on ``today``: revoked before superseded before the dates. In force through
    its expiry day; "expiring" from ``EXPIRING_DAYS`` before it; past expiry "extended"
    through the extension's last day, then expired."""
    if revoked:
        return CertificateStatus.revoked
    if superseded:
        return CertificateStatus.superseded
    if today > expires_on:
        if extended_until and today <= extended_until:
            return CertificateStatus.extended
        return CertificateStatus.expired
    if today >= expires_on - timedelta(days=EXPIRING_DAYS):
        return CertificateStatus.expiring
    return CertificateStatus.valid
