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


# -- who recognises, and issuing -------------------------------------------------------------

RECOGNISED_STARS = (3, 4, 5)
PROVINCE_STARS = (3, 4)   # the province recognises these; 5★ is the minister's


def is_ministry_issuer(issuer: str) -> bool:
    """Whether certificates numbered under ``issuer`` are the ministry's."""
    return issuer == MINISTRY_KEY


def authority_name(*, ministry: bool, province_name: str) -> str:
    """The authority as a decision names it: the ministry, or the provincial People's
    Committee ("tỉnh" added unless the province's name already says tỉnh / thành phố)."""
    if ministry:
        return "Bộ Nông nghiệp và Môi trường"
    name = province_name
    if not name.lower().startswith(("tỉnh", "thành phố")):
        name = "tỉnh " + name
    return f"Ủy ban nhân dân {name}"


def recognises(*, ministry: bool, province_code: str | None, council_level: str,
               council_province_code: str | None, dossier_province_code: str | None,
               star: int | None) -> bool:
    """Whether the authority (the ministry, or the province ``province_code``) recognises a
    concluded evaluation: the ministry 5★ from the central council; the province 3★/4★ from
    its own council, or from the central council for a dossier of the province (a 5★
    candidate the central council scored under 90)."""
    if ministry:
        return council_level == "central" and star == 5
    if star not in PROVINCE_STARS:
        return False
    if council_level == "province":
        return council_province_code == province_code
    if council_level == "central":
        return dossier_province_code == province_code
    return False


def left_out_reason(*, concluded: bool, taken: bool, knockouts_confirmed, recognised: bool,
                    star: int | None, provincial_council: bool) -> str:
    """Why a dossier of a round is not in the decision drafted from it, as a code, the first
    that applies: not_concluded, taken (in another decision), knocked_out (a knock-out or
    stop the council confirmed), not_recognised, five_star (a province's 5★ goes to the
    central council and the minister), not_authority."""
    if not concluded:
        return "not_concluded"
    if taken:
        return "taken"
    if knockouts_confirmed:
        return "knocked_out"
    if not recognised:
        return "not_recognised"
    if star == 5 and provincial_council:
        return "five_star"
    return "not_authority"


def supersedes(new, old) -> bool:
    """Whether issuing ``new`` supersedes ``old`` (certificates, read by attribute): another
    live certificate of the same product (not revoked, not superseded) issued on or before
    the new one's day."""
    return (old.product_id == new.product_id and old.id != new.id
            and old.revoked_at is None and old.superseded_by_id is None
            and old.issued_on <= new.issued_on)


# -- revocation ------------------------------------------------------------------------------

def revocation_batch_refusal(issuers, decided_on: date | None, today: date) -> str | None:
    """Why a revocation of certificates numbered under ``issuers`` (one per certificate)
    decided on ``decided_on`` is refused, as a code, or None: empty (none chosen),
    mixed_issuers (one decision revokes one authority's certificates), decided_in_future (the
    decision's day is the day the revocation takes effect)."""
    issuers = list(issuers)
    if not issuers:
        return "empty"
    if len(set(issuers)) != 1:
        return "mixed_issuers"
    if decided_on is not None and decided_on > today:
        return "decided_in_future"
    return None


def revocation_refusal(certificate, decided_on: date) -> str | None:
    """Why ``certificate`` (read by attribute) cannot be revoked by a decision of
    ``decided_on``, as a code, or None. Only a certificate in force can be: already_revoked,
    superseded (nothing left to revoke), decided_before_issue, expired (an expired one has
    lapsed: it is listed as lapsed, never revoked)."""
    if certificate.revoked_at is not None:
        return "already_revoked"
    if certificate.superseded_by_id is not None:
        return "superseded"
    if decided_on < certificate.issued_on:
        return "decided_before_issue"
    if decided_on > valid_until(certificate.expires_on, certificate.extended_until):
        return "expired"  # the day is past its expiry and any extension: status_on's expired
    return None
