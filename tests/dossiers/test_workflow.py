"""The dossier from draft to acceptance: every allowed and forbidden transition, through the
services (rules) and through the pages (permissions, messages)."""
import io
from datetime import date

import pytest

from ocop_rating.accounts.roles import Role
from ocop_rating.audit import history
from ocop_rating.dossiers import services
from ocop_rating.dossiers.checklist import LOCAL_ITEMS, checklist_for
from ocop_rating.dossiers.models import Dossier
from ocop_rating.dossiers.states import ALLOWED, DossierStatus
from ocop_rating.errors import InvalidTransition, NotAllowed
from tests.conftest import committed, form_post
from tests.factories import (
    DI_LINH,
    HA_LONG,
    LAM_DONG,
    QUANG_NINH,
    VAN_DON,
    complete_dossier,
    make_dossier,
    make_producer,
    make_product,
    make_user,
    pdf_upload,
)

S = DossierStatus


@pytest.fixture()
def world(db):
    producer, owner = make_producer(commune_code=VAN_DON)
    commune = make_user(Role.commune, commune_code=VAN_DON)
    province = make_user(Role.province, province_code=QUANG_NINH)
    product = make_product(producer, owner, set_no=1, name="Trà hoa vàng Vân Đồn")
    dossier = make_dossier(product, owner)
    return dict(owner=owner, commune=commune, province=province, dossier=dossier,
                producer=producer, product=product)


def _check_all(dossier, officer):
    services.save_commune_check(
        dossier, actor=officer,
        checklist={i.code: True for i in checklist_for(dossier.set_no)},
        assessments={field: "Đạt yêu cầu" for field, _ in LOCAL_ITEMS},
        proposal="Đề nghị tỉnh đánh giá")


def test_happy_path_draft_to_accepted(world, db):
    d, owner = world["dossier"], world["owner"]
    complete_dossier(d, owner)
    services.submit(d, actor=owner, today=date(2026, 11, 27))
    assert d.status == S.submitted
    assert d.product.code == f"{QUANG_NINH}-{VAN_DON}-001-2026"
    assert d.commune_deadline == date(2026, 12, 18)  # 15 working days
    _check_all(d, world["commune"])
    services.forward_to_province(d, actor=world["commune"])
    assert d.status == S.forwarded
    services.accept_at_province(d, actor=world["province"])
    assert d.status == S.accepted and d.accepted_at is not None
    statuses = [(e.old, e.new) for e in history(d) if e.action == "status"]
    assert statuses == [("draft", "submitted"), ("submitted", "forwarded"),
                        ("forwarded", "accepted")]


def test_returns_keep_everything_and_resubmission_paths(world, db):
    d, owner = world["dossier"], world["owner"]
    complete_dossier(d, owner)
    before = {c.item_code: c.option_index for c in d.claims}
    services.submit(d, actor=owner)
    services.return_from_commune(d, reason="Thiếu bản công bố sản phẩm", actor=world["commune"])
    assert d.status == S.returned_by_commune and d.can_edit(owner)
    assert {c.item_code: c.option_index for c in d.claims} == before
    services.submit(d, actor=owner)
    assert d.status == S.submitted and d.product.code.endswith("-001-" + str(date.today().year))
    _check_all(d, world["commune"])
    services.forward_to_province(d, actor=world["commune"])
    services.return_from_province(d, reason="Bổ sung phiếu kết quả kiểm nghiệm",
                                  actor=world["province"])
    assert d.status == S.returned_by_province
    services.submit(d, actor=owner)  # a supplement goes straight back to the province
    assert d.status == S.forwarded


@pytest.mark.parametrize("start,target", [
    (s, t) for s in S for t in S if (s, t) not in ALLOWED and s != t])
def test_every_forbidden_transition_is_refused(world, start, target):
    from ocop_rating.dossiers.states import transition

    d = world["dossier"]
    d.status = start
    with pytest.raises(InvalidTransition):
        transition(d, target, actor=world["owner"])
    assert d.status == start


def test_submit_reports_each_missing_piece(world, db):
    d, owner = world["dossier"], world["owner"]
    problems = [p.message for p in services.submission_problems(d)]
    assert any("năng lực sản xuất" in m for m in problems)
    assert any("mẫu sản phẩm" in m for m in problems)
    assert any("chưa tự đánh giá" in m for m in problems)
    complete_dossier(d, owner)
    first = next(e for e in d.evidence if e.item_code)
    services.remove_evidence(first, actor=owner)
    problems = services.submission_problems(d)
    assert [p.code for p in problems] == [first.item_code]
    assert "minh chứng" in problems[0].message
    with pytest.raises(services.DossierError):
        services.submit(d, actor=owner)
    assert d.status == S.draft


def test_criterion_3_2_follows_the_representative(db):
    woman, owner = make_producer(representative_gender=__import__(
        "ocop_rating.producers.models", fromlist=["Gender"]).Gender.female)
    dossier = make_dossier(make_product(woman, owner), owner)
    assert dossier.claims_by_code()["3.2"].option_index == 1
    from ocop_rating.producers.models import Gender

    man, owner2 = make_producer(representative_gender=Gender.male, representative_ethnicity="01")
    dossier2 = make_dossier(make_product(man, owner2), owner2)
    assert dossier2.claims_by_code()["3.2"].option_index == 0
    services.save_claims(dossier2, {"3.2": (1, None)}, actor=owner2)  # not claimable
    assert dossier2.claims_by_code()["3.2"].option_index == 0
    minority, owner3 = make_producer(representative_gender=Gender.male,
                                     representative_ethnicity="12")
    assert make_dossier(make_product(minority, owner3), owner3).claims_by_code()[
        "3.2"].option_index == 1


def test_bad_claims_change_nothing(world):
    d, owner = world["dossier"], world["owner"]
    services.save_claims(d, {"1.1": (1, None)}, actor=owner)
    with pytest.raises(services.DossierError):
        services.save_claims(d, {"1.1": (2, None), "9.9": (0, None)}, actor=owner)
    with pytest.raises(services.DossierError):
        services.save_claims(d, {"1.1": (2, None), "1.2": (7, None)}, actor=owner)
    assert d.claims_by_code()["1.1"].option_index == 1


def test_projection_updates_with_claims(world):
    d, owner = world["dossier"], world["owner"]
    services.save_claims(d, {"1.1": (2, None), "1.2": (1, None)}, actor=owner)
    result = services.projection(d)
    assert result.points_by_part["A"] >= 3 + 1
    assert "1.3" in result.missing


def test_officers_cannot_act_outside_their_unit_or_role(world, db):
    d, owner = world["dossier"], world["owner"]
    complete_dossier(d, owner)
    services.submit(d, actor=owner)
    other_commune = make_user(Role.commune, commune_code=HA_LONG)
    other_province = make_user(Role.province, province_code=LAM_DONG)
    with pytest.raises(NotAllowed):
        _check_all(d, other_commune)
    with pytest.raises(NotAllowed):
        services.return_from_commune(d, reason="không phải xã của tôi", actor=other_commune)
    with pytest.raises(NotAllowed):
        services.accept_at_province(d, actor=world["province"])  # not forwarded yet
    _check_all(d, world["commune"])
    services.forward_to_province(d, actor=world["commune"])
    with pytest.raises(NotAllowed):
        services.accept_at_province(d, actor=other_province)
    with pytest.raises(NotAllowed):
        services.submit(d, actor=world["commune"])


def test_forward_needs_a_complete_form_03(world):
    d, owner = world["dossier"], world["owner"]
    complete_dossier(d, owner)
    services.submit(d, actor=owner)
    services.save_commune_check(d, actor=world["commune"], checklist={"form01": True},
                                assessments={}, proposal="")
    with pytest.raises(services.DossierError, match="chưa đầy đủ"):
        services.forward_to_province(d, actor=world["commune"])
    assert d.status == S.submitted


def test_product_codes_are_serial_per_commune_and_never_reused(db):
    producer, owner = make_producer(commune_code=VAN_DON)
    codes = []
    for _ in range(3):
        d = complete_dossier(make_dossier(make_product(producer, owner), owner), owner)
        services.submit(d, actor=owner, today=date(2026, 5, 30))
        codes.append(d.product.code)
    assert codes == [f"22-{VAN_DON}-00{i}-2026" for i in (1, 2, 3)]
    other, owner2 = make_producer(commune_code=HA_LONG)
    d = complete_dossier(make_dossier(make_product(other, owner2), owner2), owner2)
    services.submit(d, actor=owner2, today=date(2027, 1, 5))
    assert d.product.code == f"22-{HA_LONG}-001-2027"
