"""Certificates as JSON: only what the certificate and the public registry show."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from ..certificates.models import Certificate, Decision
from ..certificates.instruments import parts_summary
from ..certificates.services import verify_url
from ..public.reading import rulebook_facts


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _local_date(moment: datetime) -> date:
    """The calendar day in Vietnam of a UTC timestamp."""
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def _decision(decision: Decision | None) -> dict | None:
    if decision is None:
        return None
    return {"number": decision.number, "date": _iso(decision.decided_on),
            "authority": decision.authority_name}


def _sealed_result(c: Certificate) -> dict | None:
    """The council's sealed result behind the certificate (never recomputed from rows)."""
    from ..db import db
    from ..evaluation.models import SealedResult

    sealed = db.session.scalar(db.select(SealedResult).filter_by(
        evaluation_id=c.evaluation_id)) if c.evaluation_id is not None else None
    if sealed is None:
        return None
    return {"mean_total": sealed.snapshot["mean_total"], "star": sealed.star,
            "recognised": sealed.recognised, "rulebook": sealed.rulebook_code,
            "content_hash": sealed.content_hash}


def certificate_json(c: Certificate, today: date) -> dict:
    status = c.status_on(today)
    rulebook_label, set_name = rulebook_facts(c)
    revocation = None
    if c.revoked_at is not None:
        ground = c.revocation_ground
        revocation = {"ground": ground.value if ground else None,
                      "ground_label": ground.label if ground else None,
                      "revoked_on": _iso(c.revoked_on),
                      "decision": _decision(c.revocation_decision)}
    return {
        "number": c.number,
        "status": status.value,
        "status_label": status.label,
        "star": c.star,
        "product": {"name": c.product_name, "code": c.product_code, "set": c.set_no,
                    "set_name": set_name},
        "producer": {"name": c.producer_name, "address": c.producer_address},
        "province": {"code": c.province_code, "name": c.province.name},
        "commune": {"code": c.commune_code, "name": c.commune.name},
        "rulebook": {"code": c.rulebook_code, "label": rulebook_label},
        "instrument": parts_summary(c.rulebook_code),
        "issued_on": _iso(c.issued_on),
        "expires_on": _iso(c.expires_on),
        "extended_until": _iso(c.extended_until),
        "valid_until": _iso(c.valid_until()),
        "decision": _decision(c.decision),
        "revocation": revocation,
        "superseded_by": c.superseded_by.number if c.superseded_by is not None else None,
        "verify_url": verify_url(c),
        "result": _sealed_result(c),
    }
