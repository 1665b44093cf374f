"""The inbox on each role's home page: the right counts and items, nothing from another
province, commune or producer."""
import re
from datetime import date

from ocop_rating.accounts.roles import Role
from ocop_rating.councils import services as councils
from ocop_rating.councils.models import CouncilLevel, RoundState
from ocop_rating.dossiers import services as dossiers
from ocop_rating.evaluation import services as scoring
from ocop_rating.notifications.models import Notification
from tests.factories import (
    DI_LINH,
    HA_LONG,
    LAM_DONG,
    QUANG_NINH,
    VAN_DON,
    accepted_dossier,
    complete_dossier,
    concluded_evaluation,
    make_council,
    make_dossier,
    make_producer,
    make_product,
    make_user,
    score_all,
)


def count_of(page: str, key: str) -> int:
    match = re.search(rf'id="inbox-{key}" data-count="(\d+)"', page)
    assert match, f"no inbox section {key}"
    return int(match.group(1))


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def submitted_dossier(commune_code: str, name: str):
    producer, owner = make_producer(commune_code=commune_code)
    product = make_product(producer, owner, name=name)
    dossier = complete_dossier(make_dossier(product, owner), owner)
    dossiers.submit(dossier, actor=owner)
    return dossier


def forwarded_dossier(commune_code: str, name: str):
    from ocop_rating.dossiers.checklist import LOCAL_ITEMS, checklist_for

    dossier = submitted_dossier(commune_code, name)
    officer = make_user(Role.commune, commune_code=commune_code)
    dossiers.save_commune_check(
        dossier, actor=officer, checklist={i.code: True for i in checklist_for(1)},
        assessments={f: "Đạt" for f, _l in LOCAL_ITEMS}, proposal="Đề nghị")
    dossiers.forward_to_province(dossier, actor=officer)
    return dossier


def test_commune_inbox_lists_its_signups_and_dossiers_only(client, db, login_as):
    officer = make_user(Role.commune, commune_code=VAN_DON)
    make_producer(commune_code=VAN_DON, approved=False, name="HTX Chè Vân Đồn")
    make_producer(commune_code=VAN_DON, approved=False, name="HTX Mực Vân Đồn")
    make_producer(commune_code=HA_LONG, approved=False, name="HTX Hạ Long Chờ")
    submitted_dossier(VAN_DON, "Chả mực Vân Đồn")
    submitted_dossier(HA_LONG, "Sá sùng Hạ Long")
    login_as(officer)
    page = home(client)
    assert count_of(page, "signups") == 2
    assert "HTX Chè Vân Đồn" in page and "HTX Mực Vân Đồn" in page
    assert "HTX Hạ Long Chờ" not in page
    assert count_of(page, "commune_checks") == 1
    assert "Chả mực Vân Đồn" in page and "Sá sùng Hạ Long" not in page
    assert "ngày làm việc" in page  # the 15 working days, counted down
    assert "/commune-check" in page
    # the link cards are kept below the inbox
    assert "Lối tắt" in page


def test_signup_notifies_the_communes_officers(db):
    here = make_user(Role.commune, commune_code=VAN_DON)
    there = make_user(Role.commune, commune_code=HA_LONG)
    producer, _user = make_producer(commune_code=VAN_DON, approved=False, name="HTX Mới")
    rows = db.session.scalars(db.select(Notification).filter_by(kind="producer_signed_up"))
    users = {n.user_id: n for n in rows}
    assert here.id in users and there.id not in users
    assert "HTX Mới" in users[here.id].subject
    assert users[here.id].link == f"/producers/{producer.id}"


def test_signup_mails_the_commune_officer(app, db, smtp_server):
    officer = make_user(Role.commune, commune_code=VAN_DON)
    make_producer(commune_code=VAN_DON, approved=False, name="HTX Gửi Thư")
    db.session.commit()
    [message] = smtp_server.wait_for(1)
    assert "HTX Gửi Thư" in message["Subject"]
    assert smtp_server.recipients() == [officer.email]


def test_province_inbox(client, db, login_as):
    forwarded_dossier(VAN_DON, "Nước mắm Cái Rồng")
    forwarded_dossier(DI_LINH, "Cà phê Di Linh chờ")
    evaluation, office = concluded_evaluation(star=4)
    lam_council, _lam_office, _m = make_council(province_code=LAM_DONG, members=3)
    other, _o = concluded_evaluation(star=3, commune_code=DI_LINH, council=lam_council)
    login_as(office)
    page = home(client)
    assert count_of(page, "to_accept") == 1
    assert "Nước mắm Cái Rồng" in page and "Cà phê Di Linh chờ" not in page
    assert count_of(page, "decisions") == 1
    assert evaluation.dossier.product.name in page
    assert other.dossier.product.name not in page
    assert count_of(page, "rounds") == 1
    assert evaluation.round.name in page and other.round.name not in page
    assert count_of(page, "revocations") == 0
    assert count_of(page, "certificates_due") == 0
    assert count_of(page, "blocked") == 0


def test_province_inbox_shows_blocked_evaluations_and_why(client, db, login_as):
    council, office, _members = make_council(members=3)
    dossier = accepted_dossier()
    round_ = councils.create_round(council, name="Đợt vướng", proposals_by=date(2026, 4, 30),
                                   finish_by=date(2026, 6, 30), is_extra=True, actor=office)
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, dossier, actor=office)
    councils.send_back_for_supplement(evaluation, reason="Thiếu phiếu kiểm nghiệm",
                                      actor=office)
    login_as(office)
    page = home(client)
    assert count_of(page, "blocked") == 1
    assert "Chờ chủ thể bổ sung hồ sơ" in page
    assert f"/evaluations/{evaluation.id}" in page


def test_member_inbox_lists_sheets_to_score_until_submitted(app, client, db, login_as):
    council, office, members = make_council(members=3)
    dossier = accepted_dossier()
    round_ = councils.create_round(council, name="Đợt chấm", proposals_by=date(2026, 4, 30),
                                   finish_by=date(2026, 6, 30), is_extra=True, actor=office)
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, dossier, actor=office)
    councils.move_round(round_, RoundState.scoring, actor=office)
    other_council, other_office, _m = make_council(province_code=LAM_DONG, members=3)
    other_round = councils.create_round(other_council, name="Đợt Lâm Đồng",
                                        proposals_by=date(2026, 4, 30),
                                        finish_by=date(2026, 6, 30), is_extra=True,
                                        actor=other_office)
    councils.move_round(other_round, RoundState.open, actor=other_office)
    councils.add_to_round(other_round, accepted_dossier(commune_code=DI_LINH),
                          actor=other_office)
    councils.move_round(other_round, RoundState.scoring, actor=other_office)
    member = members[2]
    login_as(member.user)
    page = home(client)
    assert count_of(page, "sheets") == 1
    assert dossier.product.name in page and "Đợt Lâm Đồng" not in page
    assert "30/06/2026" in page
    assert f"/evaluations/{evaluation.id}/score" in page
    score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    db.session.commit()
    assert count_of(home(client), "sheets") == 0


def test_advisory_inbox_lists_reviews_visits_and_lab_tests(client, db, login_as):
    council, office, _members = make_council(members=3)
    advisor = make_user(Role.council_member, province_code=QUANG_NINH)
    councils.add_advisor(council, advisor, is_lead=True, agency="Sở KH&CN", actor=office)
    dossier = accepted_dossier()
    round_ = councils.create_round(council, name="Đợt xem xét", proposals_by=date(2026, 4, 30),
                                   finish_by=date(2026, 6, 30), is_extra=True, actor=office)
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, dossier, actor=office)
    other_council, other_office, _m = make_council(province_code=LAM_DONG, members=3)
    other_round = councils.create_round(other_council, name="Đợt khác",
                                        proposals_by=date(2026, 4, 30),
                                        finish_by=date(2026, 6, 30), is_extra=True,
                                        actor=other_office)
    councils.move_round(other_round, RoundState.open, actor=other_office)
    other = councils.add_to_round(other_round, accepted_dossier(commune_code=DI_LINH),
                                  actor=other_office)
    councils.save_review(evaluation, notes="", site_visit_on=date(2026, 5, 20),
                         site_visit_notes="", report="", submit_report=False, actor=office)
    councils.request_lab_test(evaluation, description="Kiểm nghiệm vi sinh", actor=office)
    login_as(advisor)
    page = home(client)
    assert count_of(page, "reviews") == 1
    assert count_of(page, "visits") == 1
    assert count_of(page, "lab_tests") == 1
    assert "Kiểm nghiệm vi sinh" in page
    assert dossier.product.name in page and other.dossier.product.name not in page


def test_ministry_inbox_lists_provincial_five_star_proposals(client, db, login_as):
    evaluation, _office = concluded_evaluation(star=5)
    four, _o = concluded_evaluation(star=4)
    make_council(level=CouncilLevel.central, members=3)
    ministry = make_user(Role.ministry)
    login_as(ministry)
    page = home(client)
    assert count_of(page, "five_star") == 1
    assert evaluation.dossier.product.name in page
    assert four.dossier.product.name not in page


def test_producer_inbox_shows_own_dossiers_results_and_next_step(client, db, login_as):
    evaluation, _office = concluded_evaluation(star=4)
    mine = evaluation.dossier
    owner = db.session.scalars(db.select(__import__(
        "ocop_rating.accounts.models", fromlist=["User"]).User).filter_by(
        producer_id=mine.producer_id)).first()
    stranger = submitted_dossier(VAN_DON, "Sản phẩm người khác")
    login_as(owner)
    page = home(client)
    assert count_of(page, "my_dossiers") == 1
    assert count_of(page, "my_results") == 1
    assert "4★" in page and mine.product.name in page
    assert stranger.product.name not in page
    assert count_of(page, "my_certificates") == 0


def test_producer_inbox_empty_says_how_to_start(client, db, login_as):
    _producer, owner = make_producer()
    login_as(owner)
    page = home(client)
    assert count_of(page, "my_dossiers") == 0
    assert "Chưa có hồ sơ nào" in page


def test_admin_sees_the_national_office_inbox(client, db, login_as):
    forwarded_dossier(VAN_DON, "Hồ sơ Quảng Ninh")
    forwarded_dossier(DI_LINH, "Hồ sơ Lâm Đồng")
    login_as(make_user(Role.admin))
    page = home(client)
    assert count_of(page, "to_accept") == 2
    assert "Hồ sơ Quảng Ninh" in page and "Hồ sơ Lâm Đồng" in page
