"""The council's result on the producer's dossier page: read from the sealed snapshot, shown
once concluded, only to those who may see the dossier."""
from datetime import date

from ocop_rating.accounts.models import User
from ocop_rating.councils import services as councils
from ocop_rating.councils.models import RoundState
from ocop_rating.dossiers.results import explain, producer_result
from ocop_rating.dossiers.states import DossierStatus
from ocop_rating.evaluation import services as scoring
from ocop_rating.evaluation.seal import sealed_for
from ocop_rating.i18n import format_points
from tests.factories import (
    accepted_dossier,
    below_star,
    concluded_evaluation,
    make_council,
    make_producer,
    score_all,
)


def owner_of(db, dossier):
    return db.session.scalars(db.select(User).filter_by(producer_id=dossier.producer_id)).first()


def test_concluded_dossier_shows_star_mean_parts_and_what_held_it_back(client, db, login_as):
    evaluation, _office = concluded_evaluation(star=3)
    dossier = evaluation.dossier
    assert dossier.status == DossierStatus.evaluated
    snapshot = sealed_for(evaluation).snapshot
    missing_4 = [h["criterion"] for h in snapshot["result"]["minimums_failed"]["4"]]
    assert missing_4  # below_star(4): the 4★ minimums are what held it at 3★
    login_as(owner_of(db, dossier))
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert 'id="results"' in page
    assert "3 sao" in page
    assert format_points(snapshot["mean_total"], 2) in page
    for code, points in snapshot["result"]["part_means"].items():
        assert f"Phần {code}" in page and format_points(points, 2) in page
    assert "Thiếu tiêu chí tối thiểu 4 sao: " + ", ".join(dict.fromkeys(missing_4)) in page
    assert "Để đạt 4 sao" in page
    assert "Đề nghị công nhận" in page  # the council's proposal


def test_the_page_shows_the_seal_not_a_recomputation(db):
    evaluation, _office = concluded_evaluation(star=4)
    sealed = sealed_for(evaluation)
    shown = producer_result(evaluation.dossier)
    assert shown.star == sealed.snapshot["star"] == 4
    assert str(shown.mean_total) == sealed.snapshot["mean_total"]
    # A snapshot saying something else is explained as it says (nothing read from the rows).
    fake = dict(sealed.snapshot, star=2, band_star=2, mean_total="45.00",
                result=dict(sealed.snapshot["result"], minimums_failed={}))
    held, to_raise = explain(fake)
    assert any("khung 2 sao" in line for line in held)
    assert any("không được công nhận" in line for line in held)
    assert any("Để đạt 3 sao cần điểm bình quân từ 50" in line for line in to_raise)


def test_members_comments_are_shown(client, db, login_as):
    council, office, members = make_council(members=3)
    dossier = accepted_dossier()
    round_ = councils.create_round(council, name="Đợt nhận xét", proposals_by=date(2026, 4, 30),
                                   finish_by=date(2026, 6, 30), is_extra=True, actor=office)
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, dossier, actor=office)
    councils.move_round(round_, RoundState.scoring, actor=office)
    for i, member in enumerate(members):
        sheet = score_all(scoring.open_sheet(evaluation, actor=member.user), member.user,
                          choose=below_star(5), submit=False)
        sheet.overall_comment = f"Bao bì cần cải tiến số {i}"
        scoring.submit_sheet(sheet, expected_version=sheet.version, actor=member.user)
    councils.move_round(round_, RoundState.closed, actor=office)
    scoring.conclude_evaluation(evaluation, proposal="Đề nghị công nhận 4 sao", actor=office)
    login_as(owner_of(db, dossier))
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    for i in range(3):
        assert f"Bao bì cần cải tiến số {i}" in page
    assert "Đề nghị công nhận 4 sao" in page


def test_not_concluded_shows_nothing_of_scores(client, db, login_as):
    council, office, members = make_council(members=3)
    dossier = accepted_dossier()
    round_ = councils.create_round(council, name="Đợt đang chấm", proposals_by=date(2026, 4, 30),
                                   finish_by=date(2026, 6, 30), is_extra=True, actor=office)
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, dossier, actor=office)
    councils.move_round(round_, RoundState.scoring, actor=office)
    for member in members:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    councils.move_round(round_, RoundState.closed, actor=office)
    login_as(owner_of(db, dossier))
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert 'id="results"' not in page
    assert "Điểm bình quân của hội đồng" not in page
    assert producer_result(dossier) is None


def test_another_producer_cannot_see_the_result(client, db, login_as):
    evaluation, _office = concluded_evaluation(star=4)
    _p, stranger = make_producer()
    login_as(stranger)
    response = client.get(f"/dossiers/{evaluation.dossier.id}")
    assert response.status_code in (403, 404)
    assert "Điểm bình quân của hội đồng" not in response.get_data(as_text=True)


def test_producer_list_hides_commune_columns_and_says_how_to_start(client, db, login_as):
    from ocop_rating.products.services import create_product

    producer, owner = make_producer()
    login_as(owner)
    page = client.get("/dossiers/").get_data(as_text=True)
    assert "Hạn xã xử lý" not in page and "Xã/phường</th>" not in page
    assert 'id="how-to-start"' in page and "/products/new" in page
    product = create_product(producer, name="Trà hoa vàng", set_no=1, description="",
                             actor=owner)
    db.session.commit()
    page = client.get("/dossiers/").get_data(as_text=True)
    assert f"/dossiers/new/{product.id}" in page and "Lập hồ sơ mới" in page
