"""Seals: the audit row that issues a legal record carries a hash of its legal fields, so
``audit verify`` also finds a record changed behind the application's back — even with the
database triggers dropped (issue 11 §3)."""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

from sqlalchemy import select

from ..db import db
from .chain import Problem

# table -> (actions whose row seals the record, fields sealed)
CERTIFICATE_FIELDS = ("number", "issuer_key", "year", "serial", "token", "decision_id",
                      "product_id", "producer_id", "province_code", "commune_code", "star",
                      "rulebook_code", "set_no", "issued_on", "expires_on", "product_name",
                      "product_code", "product_set_name", "producer_name", "producer_address")
DECISION_FIELDS = ("kind", "authority_level", "province_code", "number", "decided_on",
                   "signer_name", "signer_title", "ground")
SEALED = {
    "certificates": ({"issued", "recorded"}, CERTIFICATE_FIELDS),
    "decisions": ({"issued"}, DECISION_FIELDS),
    "score_sheets": ({"submitted"}, ()),
}


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return getattr(value, "value", value)


def digest(obj) -> str | None:
    table = getattr(obj, "__tablename__", None)
    if table not in SEALED:
        return None
    if table == "score_sheets":
        content = sorted([e.item_code, e.option_index, e.case_key] for e in obj.entries)
        content = {"entries": content, "knockouts": sorted(obj.knockouts or [])}
    else:
        content = {f: _plain(getattr(obj, f)) for f in SEALED[table][1]}
    if table == "decisions":
        content["items"] = sorted([i.product_id, i.star, i.certificate_id] for i in obj.items)
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal_for(obj, action: str) -> str | None:
    """The seal to store in the audit row of ``action`` on ``obj``, if it seals it."""
    table = getattr(obj, "__tablename__", None)
    if table in SEALED and action in SEALED[table][0]:
        return digest(obj)
    return None


def verify_seals() -> tuple[int, list[Problem]]:
    """Compare every sealed record with the seal of its latest sealing audit row."""
    from ..certificates.models import Certificate, Decision, DecisionStatus
    from ..evaluation.models import ScoreSheet, SheetStatus
    from . import AuditEvent

    latest: dict[tuple[str, str], tuple[int, int, str | None]] = {}
    for table, (actions, _fields) in SEALED.items():
        rows = db.session.execute(
            select(AuditEvent.object_id, AuditEvent.seq, AuditEvent.id, AuditEvent.data)
            .where(AuditEvent.object_type == table, AuditEvent.action.in_(actions))
            .order_by(AuditEvent.seq))
        for object_id, seq, row_id, data in rows:
            latest[(table, object_id)] = (seq, row_id, (data or {}).get("seal"))
    problems: list[Problem] = []
    checked = 0
    sources = [
        ("certificates", select(Certificate)),
        ("decisions", select(Decision).filter_by(status=DecisionStatus.issued)),
        ("score_sheets", select(ScoreSheet).filter_by(status=SheetStatus.submitted)),
    ]
    for table, query in sources:
        for obj in db.session.scalars(query):
            key = (table, str(obj.id))
            if key not in latest:
                if table == "certificates":
                    problems.append(Problem(None, None, "seal",
                                            f"certificate {obj.number} (id {obj.id}) has no "
                                            "issue record in the audit trail"))
                continue
            seq, row_id, seal = latest[key]
            if seal is None:  # sealed before seals existed
                continue
            checked += 1
            if digest(obj) != seal:
                problems.append(Problem(seq, row_id, "seal",
                                        f"{table} id {obj.id} was changed after it was sealed "
                                        f"by audit row seq={seq}: its legal fields no longer "
                                        "match"))
    return checked, problems
