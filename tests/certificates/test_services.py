from datetime import date, timedelta

import pytest

from ocop_rating.accounts.roles import Role
from ocop_rating.certificates import services
from ocop_rating.certificates.models import (
    AuthorityLevel,
    Certificate,
    CertificateStatus,
    DecisionKind,
    RevocationGround,
)
from ocop_rating.errors import NotAllowed
from tests.factories import LAM_DONG, concluded_evaluation, issued_certificate, make_user


def test_issue_makes_a_certificate_for_36_months(db):
    certificate, office = issued_certificate(star=4, decided_on=date(2026, 7, 15))
    assert certificate.star == 4 and certificate.number == "0001/2026/GCN-OCOP-22"
    assert certificate.expires_on == date(2029, 7, 15)
    assert len(certificate.token) >= 32
    assert certificate.rulebook_code == "qd26-2026"
    assert certificate.status_on(date(2026, 8, 1)) == CertificateStatus.valid
    assert certificate.status_on(date(2029, 2, 1)) == CertificateStatus.expiring
    assert certificate.status_on(date(2029, 7, 16)) == CertificateStatus.expired


def test_leap_day_expiry():
    assert Certificate.expiry_for(date(2028, 2, 29)) == date(2031, 2, 28)


def test_issued_decisions_are_immutable(db):
    evaluation, office = concluded_evaluation(star=3)
    decision = services.create_decision(
        kind=DecisionKind.recognition, level=AuthorityLevel.province, province_code="22",
        number="77/QĐ-UBND", decided_on=date(2026, 7, 1), signer_name="A", signer_title="B",
        actor=office)
    item = services.add_item(decision, evaluation, actor=office)
    services.issue_decision(decision, actor=office)
    with pytest.raises(services.CertificateError):
        services.remove_item(item, actor=office)
    with pytest.raises(services.CertificateError):
        services.issue_decision(decision, actor=office)
    with pytest.raises(services.CertificateError, match="đã được dùng"):
        services.create_decision(kind=DecisionKind.recognition, level=AuthorityLevel.province,
                                 province_code="22", number="77/QĐ-UBND",
                                 decided_on=date(2026, 7, 1), signer_name="A",
                                 signer_title="B", actor=office)


def test_province_cannot_recognise_five_stars_and_ministry_only_central(db):
    evaluation, office = concluded_evaluation(star=5)
    decision = services.create_decision(
        kind=DecisionKind.recognition, level=AuthorityLevel.province, province_code="22",
        number="78/QĐ-UBND", decided_on=date(2026, 7, 1), signer_name="A", signer_title="B",
        actor=office)
    with pytest.raises(services.CertificateError):
        services.add_item(decision, evaluation, actor=office)
    with pytest.raises(NotAllowed):
        services.create_decision(kind=DecisionKind.recognition, level=AuthorityLevel.ministry,
                                 province_code=None, number="1/QĐ-BNNMT",
                                 decided_on=date(2026, 7, 1), signer_name="A",
                                 signer_title="B", actor=office)


def test_revocation_in_bulk_within_jurisdiction(db):
    a, office = issued_certificate(star=3)
    b, _ = issued_certificate(star=4)
    stranger = make_user(Role.province, province_code=LAM_DONG)
    with pytest.raises(NotAllowed):
        services.revoke([a], ground=RevocationGround.production_stopped, number="5/QĐ-UBND",
                        decided_on=date(2026, 9, 1), signer_name="A", signer_title="B",
                        actor=stranger)
    decision = services.revoke([a, b], ground=RevocationGround.criteria_not_met,
                               number="6/QĐ-UBND", decided_on=date(2026, 9, 1),
                               signer_name="A", signer_title="B", actor=office)
    assert decision.is_issued and decision.kind == DecisionKind.revocation
    for certificate in (a, b):
        assert certificate.status == CertificateStatus.revoked
        assert certificate.revocation_ground == RevocationGround.criteria_not_met
    with pytest.raises(services.CertificateError):
        services.revoke([a], ground=RevocationGround.other, number="7/QĐ-UBND",
                        decided_on=date(2026, 9, 2), signer_name="A", signer_title="B",
                        actor=office)


def test_registry_finds_every_issued_certificate_accent_insensitively(db):
    made = [issued_certificate(star=s)[0] for s in (3, 4)]
    rows, total = services.registry(services.RegistryQuery())
    assert total == 2 and {c.id for c in rows} == {c.id for c in made}
    name = made[0].product_name
    from ocop_rating.text import fold

    rows, total = services.registry(services.RegistryQuery(q=fold(name)))
    assert [c.id for c in rows] == [made[0].id]
    rows, total = services.registry(services.RegistryQuery(star=4))
    assert [c.star for c in rows] == [4]
    rows, total = services.registry(services.RegistryQuery(status="valid"))
    assert total == 2
    rows, total = services.registry(services.RegistryQuery(status="revoked"))
    assert total == 0
