"""Coverage (issue 11 §4): state changes, logins, reads of evidence and of revealed scores
are in the chain."""
from __future__ import annotations

import ast
from pathlib import Path

from ocop_rating import audit
from ocop_rating.audit import AuditEvent
from ocop_rating.audit.chain import verify_chain
from tests.conftest import committed, form_post
from tests.factories import (
    complete_dossier,
    concluded_evaluation,
    make_dossier,
    make_producer,
    make_product,
)

ROOT = Path(__file__).resolve().parents[2] / "ocop_rating"


def test_every_service_that_sets_a_status_writes_an_audit_row():
    """A source check: any function in a services or states module that assigns
    ``.status`` or ``.state`` also calls ``audit.record`` (or a ``transition`` that does)."""
    offenders = []
    for path in sorted(ROOT.glob("*/services.py")) + sorted(ROOT.glob("*/states.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            sets_status = any(
                isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Attribute) and t.attr in ("status", "state")
                    and not (isinstance(t.value, ast.Name) and t.value.id == "query")
                    for t in node.targets)
                for node in ast.walk(fn))
            audits = any(
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                or isinstance(node, ast.Call) and getattr(node.func, "id", "").endswith(
                    "transition")
                for node in ast.walk(fn))
            if sets_status and not audits:
                offenders.append(f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name}")
    assert offenders == []


def test_login_and_failed_login_are_in_the_chain(client, db):
    producer, owner = make_producer()
    db.session.commit()
    form_post(client, "/login", {"username": owner.username, "password": "wrong-one-1"})
    from tests.factories import DEFAULT_PASSWORD

    form_post(client, "/login", {"username": owner.username, "password": DEFAULT_PASSWORD})
    committed(db)
    actions = [e.action for e in audit.history(owner)]
    assert actions[-2:] == ["login_failed", "login"]
    assert verify_chain().ok


def test_reading_an_evidence_file_is_recorded_in_the_dossiers_history(client, db, login_as):
    producer, owner = make_producer()
    dossier = complete_dossier(make_dossier(make_product(producer, owner), owner), owner)
    evidence = dossier.evidence[0]
    login_as(owner)
    assert client.get(f"/dossiers/{dossier.id}/evidence/{evidence.id}").status_code == 200
    committed(db)
    [read] = [e for e in audit.history(dossier) if e.action == "evidence_read"]
    assert read.actor_id == owner.id and read.data["file"] == evidence.file_id
    assert read.province_code == producer.province_code


def test_opening_revealed_scores_is_recorded(client, db, login_as):
    evaluation, office = concluded_evaluation(star=4)
    login_as(office)
    assert client.get(f"/councils/evaluations/{evaluation.id}").status_code == 200
    committed(db)
    reads = db.session.scalars(db.select(AuditEvent).filter_by(
        object_type="evaluations", object_id=str(evaluation.id), action="scores_revealed"))
    assert [e.actor_id for e in reads] == [office.id]
    # The history of the evaluation shows each member's score changes and the read.
    html = client.get(f"/audit/evaluation/{evaluation.id}").get_data(as_text=True)
    for label in ("Lưu điểm", "Nộp phiếu chấm", "Kết luận đánh giá", "Xem điểm đã công bố"):
        assert label in html, label
