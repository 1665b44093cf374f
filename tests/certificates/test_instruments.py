"""Older rulebooks as records (issue 15, point 6): a certificate names its instrument with
its part weights; re-evaluations are scored on the rulebook in force (26/2026)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from ocop_rating.accounts.roles import Role
from ocop_rating.certificates import services as certificates
from ocop_rating.certificates.instruments import HISTORIC, historic_code, instrument
from ocop_rating.certificates.models import AuthorityLevel
from ocop_rating.dossiers import services as dossiers
from ocop_rating.dossiers.models import DossierKind
from tests.factories import QUANG_NINH, make_producer, make_product, make_user


def test_instruments_carry_their_part_weights_and_periods():
    assert instrument("qd1048-2019").weights == "A35/B25/C40"
    assert instrument("qd148-2023").weights == "A40/B25/C35"
    assert instrument("qd148-1489-2025").weights == "A40/B25/C35"
    assert instrument("qd26-2026").label == "Quyết định 26/2026/QĐ-TTg"
    assert instrument("qd26-2026").in_force_from == date(2026, 5, 22)
    assert sum(p for _, p in instrument("qd26-2026").parts) == 100
    for record in HISTORIC.values():
        assert sum(p for _, p in record.parts) == 100 and record.in_force_to is not None
    assert HISTORIC["qd1048-2019"].in_force_to < HISTORIC["qd148-2023"].in_force_from
    assert historic_code("148+1489/2025") == "qd148-1489-2025"
    assert historic_code(" 1048/2019 ") == "qd1048-2019"
    assert historic_code("26/2026") is None
    assert instrument("unknown-code").weights == ""  # named as is, never an error


def test_reevaluation_of_a_148_certificate_is_scored_on_26_2026(db):
    office = make_user(Role.province, province_code=QUANG_NINH)
    producer, owner = make_producer()
    product = make_product(producer, owner, set_no=1)
    with time_machine.travel(datetime(2026, 8, 1, 3, 0, tzinfo=UTC), tick=False):
        old = certificates.record_legacy_certificate(
            product, star=3, number="88/GCN-UBND", issued_on=date(2024, 1, 10),
            decision_number="88/QĐ-UBND", rulebook_code="qd148-2023", set_label="1",
            signer_name="Lê Văn Nam", signer_title="Phó Chủ tịch", level=AuthorityLevel.province,
            actor=office)
        dossier = dossiers.create_dossier(product, kind=DossierKind.reevaluation, actor=owner)
    assert instrument(old.rulebook_code).weights == "A40/B25/C35"
    assert dossier.previous_certificate_id == old.id
    assert dossier.rulebook_code == "qd26-2026"
    assert dossiers.sheet_of(dossier).number == 1  # the 26/2026 sheet of its set
