"""The database refuses changes of audit rows and of issued legal records; with the triggers
out of the way, ``audit verify`` still reports the change (issue 11 §3)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from ocop_rating import audit
from ocop_rating.certificates import services as certificates
from ocop_rating.certificates.models import Certificate, CertificateStatus, RevocationGround
from ocop_rating.evaluation.models import ScoreEntry, ScoreSheet, SheetStatus
from ocop_rating.immutability import maintenance, trigger_ddl
from tests.audit.workers import Thing
from tests.factories import issued_certificate


def _refused(db, sql: str, **params) -> None:
    with pytest.raises(IntegrityError) as caught:
        db.session.execute(text(sql), params)
        db.session.flush()
    db.session.rollback()
    assert "legal record" in str(caught.value)


def _tamper(db, sql: str, **params) -> None:
    with maintenance():
        db.session.execute(text(sql), params)
    db.session.commit()


def test_audit_rows_cannot_be_updated_or_deleted(db):
    audit.record(Thing(1), "tick", actor=None, new="1")
    db.session.commit()
    _refused(db, "UPDATE audit_events SET new = '2'")
    _refused(db, "UPDATE audit_events SET row_hash = :h", h="0" * 64)
    _refused(db, "DELETE FROM audit_events")
    assert db.session.scalar(db.select(audit.AuditEvent.new)) == "1"


def test_the_maintenance_guard_ends_with_its_block(db):
    audit.record(Thing(1), "tick", actor=None, new="1")
    db.session.commit()
    with maintenance():
        pass
    _refused(db, "DELETE FROM audit_events")


def test_issued_certificate_and_decision_refuse_changes_but_revocation_works(db, cli):
    certificate, office = issued_certificate(star=3)
    db.session.commit()
    cid, did, number = certificate.id, certificate.decision_id, certificate.number
    _refused(db, "UPDATE certificates SET star = 5 WHERE id = :i", i=cid)
    _refused(db, "UPDATE certificates SET producer_name = 'Khác' WHERE id = :i", i=cid)
    _refused(db, "UPDATE certificates SET token = 'x' WHERE id = :i", i=cid)
    _refused(db, "UPDATE certificates SET expires_on = :d WHERE id = :i", d=date(2040, 1, 1),
             i=cid)
    _refused(db, "DELETE FROM certificates WHERE id = :i", i=cid)
    _refused(db, "UPDATE decisions SET number = '99/QĐ' WHERE id = :i", i=did)
    _refused(db, "UPDATE decisions SET status = 'draft', issued_at = NULL WHERE id = :i", i=did)
    _refused(db, "UPDATE decision_items SET star = 5 WHERE decision_id = :i", i=did)

    # The life events the law allows go through the service, and are audited.
    certificate = db.session.get(Certificate, cid)
    revocation = certificates.revoke([certificate], ground=RevocationGround.production_stopped,
                                     number="TH-12/QĐ-UBND", decided_on=date(2026, 9, 1),
                                     signer_name="A", signer_title="B", actor=office)
    db.session.commit()
    assert db.session.get(Certificate, cid).status == CertificateStatus.revoked
    assert [e.action for e in audit.history(certificate)] == ["issued", "revoked"]
    # ... and are final.
    _refused(db, "UPDATE certificates SET revoked_at = NULL, revocation_decision_id = NULL "
                 "WHERE id = :i", i=cid)
    assert revocation.is_issued
    result = cli("ocop", "audit", "verify")
    assert result.exit_code == 0, result.output
    # the certificate, its two decisions and the three members' submitted sheets
    assert "Sealed records checked: 6" in result.output

    # An attacker past the triggers raises the star: the public page would say 5★,
    # and verify names the certificate and the audit row that sealed it.
    _tamper(db, "UPDATE certificates SET star = 5 WHERE id = :i", i=cid)
    result = cli("ocop", "audit", "verify")
    assert result.exit_code == 1
    assert f"certificates id {cid} was changed after it was sealed" in result.output
    issued = [e for e in audit.history(db.session.get(Certificate, cid))
              if e.action == "issued"][0]
    assert f"audit row seq={issued.seq}" in result.output
    assert number


def test_scores_of_a_submitted_sheet_refuse_changes(db, cli):
    certificate, _office = issued_certificate(star=3)
    db.session.commit()
    sheet = db.session.scalars(db.select(ScoreSheet).filter_by(
        evaluation_id=certificate.evaluation_id, status=SheetStatus.submitted)).first()
    entry = db.session.scalars(db.select(ScoreEntry).filter_by(sheet_id=sheet.id)
                               .where(ScoreEntry.option_index > 0)).first()
    eid, sid = entry.id, sheet.id
    _refused(db, "UPDATE score_entries SET option_index = 0 WHERE id = :i", i=eid)
    _refused(db, "DELETE FROM score_entries WHERE id = :i", i=eid)
    _tamper(db, "UPDATE score_entries SET option_index = 0 WHERE id = :i", i=eid)
    result = cli("ocop", "audit", "verify")
    assert result.exit_code == 1
    assert f"score_sheets id {sid} was changed after it was sealed" in result.output


def test_trigger_helper_writes_the_same_rule_for_both_engines():
    for dialect in ("postgresql", "sqlite"):
        ddl = "\n".join(trigger_ddl(dialect, "sealed_results", columns=("star", "total"),
                                    when="OLD.sealed_at IS NOT NULL"))
        assert "BEFORE UPDATE ON sealed_results" in ddl
        assert "BEFORE DELETE ON sealed_results" in ddl
        assert "OLD.sealed_at IS NOT NULL" in ddl and "OLD.star" in ddl
