"""Read helpers for the public pages and the API, on top of certificates.services.

Nothing here writes. The certificate record is a snapshot taken at issue, so everything shown
to the public comes from it and from the decisions that issued or revoked it.
"""
from __future__ import annotations

import re
from functools import cache

from ..certificates import services
from ..certificates.models import Certificate, Decision
from ..db import db
from ..geo.models import Commune, Province
from ..rulebook import load_rulebooks
from .query import number_candidates


def find_number(raw: str | None) -> Certificate | None:
    """The certificate with this number, as typed or in its canonical spelling."""
    for candidate in number_candidates(raw):
        certificate = services.find_by_number(candidate)
        if certificate is not None:
            return certificate
    return None


_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # secrets.token_urlsafe's alphabet


def find_token(token: str) -> Certificate | None:
    if not _TOKEN.match(token or ""):
        return None
    return services.find_by_token(token)


def preload(rows: list[Certificate]) -> list:
    """Load, in a handful of queries, what each row shows (decisions, the newer certificate,
    province, commune), so that a page of 100 rows does not make 300 lazy loads. Returns the
    loaded objects: keep the list alive while rendering (the identity map holds weak refs)."""
    if not rows:
        return []
    keep: list = []
    decision_ids = {c.decision_id for c in rows} | {c.revocation_decision_id for c in rows
                                                     if c.revocation_decision_id}
    keep += db.session.scalars(db.select(Decision).where(Decision.id.in_(decision_ids))).all()
    newer = {c.superseded_by_id for c in rows if c.superseded_by_id}
    if newer:
        keep += db.session.scalars(db.select(Certificate).where(Certificate.id.in_(newer))).all()
    keep += db.session.scalars(db.select(Province).where(
        Province.code.in_({c.province_code for c in rows}))).all()
    keep += db.session.scalars(db.select(Commune).where(
        Commune.code.in_({c.commune_code for c in rows}))).all()
    return keep


def current_of(certificate: Certificate, limit: int = 50) -> Certificate:
    """The end of the supersession chain: the product's certificate in force today."""
    seen = {certificate.id}
    while certificate.superseded_by is not None and len(seen) < limit:
        certificate = certificate.superseded_by
        if certificate.id in seen:
            break
        seen.add(certificate.id)
    return certificate


def public_history(events: list[dict]) -> list[dict]:
    """From services.star_history, only what the registry itself makes public: certificates
    issued (date, number, star) and revoked. Dossiers, evaluations and council scores are
    left out."""
    out = []
    for event in events:
        if event["kind"] == "certificate":
            out.append({"on": event["on"], "kind": "issued", "certificate": event["certificate"]})
        elif event["kind"] == "revoked":
            out.append({"on": event["on"], "kind": "revoked", "certificate": event["certificate"]})
    return out


@cache
def set_choices() -> tuple[tuple[int, str], ...]:
    """(number, name) of each product set, the latest rulebook's name winning."""
    names: dict[int, str] = {}
    for book in load_rulebooks().values():  # oldest first
        for sheet in book.sheets:
            names[sheet.number] = sheet.name
    return tuple(sorted(names.items()))


def rulebook_facts(certificate: Certificate) -> tuple[str, str]:
    """(rulebook label, product set name) as printed on the certificate."""
    return (services.instrument_label(certificate.rulebook_code),
            certificate.product_set_name or str(certificate.set_no))
