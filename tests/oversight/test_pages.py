"""The oversight pages: who sees what, the figures shown, and a central review from selection
to outcome, audited and notified."""
from __future__ import annotations

from sqlalchemy import select

from ocop_rating.accounts.roles import Role
from ocop_rating.audit import AuditEvent
from ocop_rating.notifications.models import Notification
from ocop_rating.oversight.models import CentralReview, OversightEvaluation, OversightSheet
from tests.conftest import committed, csrf_from, form_post
from tests.factories import LAM_DONG, QUANG_NINH, concluded_evaluation, make_user


def test_the_index_follows_each_seal_and_pages_show_it_per_territory(client, db, login_as):
    evaluation, office = concluded_evaluation(star=4)
    db.session.commit()
    login_as(office)
    html = client.get("/oversight/").get_data(as_text=True)
    assert client.get("/oversight/").status_code == 200
    committed(db)
    indexed = db.session.get(OversightEvaluation, evaluation.id)
    assert indexed is not None and indexed.province_code == QUANG_NINH
    assert indexed.star == 4 and indexed.n_sheets == 3
    totals = sorted(t for (t,) in db.session.execute(
        select(OversightSheet.total).filter_by(evaluation_id=evaluation.id)))
    assert indexed.spread == totals[-1] - totals[0]
    assert f'data-key="{evaluation.council.id}"' in html  # the province's council
    assert "Chưa đủ số liệu" in html  # three sheets: never flagged, said so
    # the member's page lists the sheet beside the council's mean
    member = evaluation.council.active_members[0]
    page = client.get(f"/oversight/members/{member.id}").get_data(as_text=True)
    assert f'data-evaluation="{evaluation.id}"' in page

    # another province's office sees neither the member nor its figures
    other = make_user(Role.province, province_code=LAM_DONG)
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    login_as(other)
    assert client.get(f"/oversight/members/{member.id}").status_code == 404
    assert f'data-key="{evaluation.council.id}"' not in client.get("/oversight/").get_data(
        as_text=True)
    # producers, members and communes: 403
    for role in (Role.producer, Role.council_member, Role.commune):
        client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
        login_as(make_user(role, province_code=QUANG_NINH))
        assert client.get("/oversight/").status_code == 403, role
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    assert client.get("/oversight/").status_code == 302  # to the login page


def test_a_central_review_from_selection_to_outcome(client, db, login_as):
    evaluation, office = concluded_evaluation(star=4)
    member = evaluation.council.active_members[0]
    ministry = make_user(Role.ministry)
    login_as(ministry)
    page = f"/oversight/members/{member.id}"
    # a reason is required; nothing is written without it
    response = form_post(client, "/oversight/reviews", {"evaluation_id": evaluation.id,
                                                        "reason": "ngắn", "back": member.id},
                         form_page=page)
    assert response.status_code == 302
    committed(db)
    assert db.session.scalar(select(CentralReview)) is None
    response = form_post(client, "/oversight/reviews", {
        "evaluation_id": evaluation.id, "reason": "Chênh lệch điểm giữa thành viên lớn"},
        form_page=page)
    assert response.status_code == 302
    committed(db)
    review = db.session.scalar(select(CentralReview))
    assert review.evaluation_id == evaluation.id and review.is_open
    assert db.session.scalar(select(Notification).filter_by(
        user_id=office.id, kind="central_review")) is not None
    # selected once only
    form_post(client, "/oversight/reviews", {"evaluation_id": evaluation.id,
                                             "reason": "Chọn lại lần nữa cho chắc"},
              form_page=page)
    committed(db)
    assert len(db.session.scalars(select(CentralReview)).all()) == 1

    # an outcome other than "consistent" needs findings; the form keeps what was typed
    url = f"/oversight/reviews/{review.id}"
    response = form_post(client, url, {"outcome": "serious", "findings": "thiếu"})
    assert response.status_code == 200
    assert "ít nhất 10 ký tự" in response.get_data(as_text=True)
    committed(db)
    assert db.session.get(CentralReview, review.id).is_open
    response = form_post(client, url, {"outcome": "serious",
                                       "findings": "Hội đồng không xem xét phiếu kiểm nghiệm."})
    assert response.status_code == 302
    committed(db)
    review = db.session.get(CentralReview, review.id)
    assert review.outcome.value == "serious" and review.completed_by_id == ministry.id
    actions = [e.action for e in db.session.scalars(select(AuditEvent).filter_by(
        object_type="central_reviews", object_id=str(review.id)).order_by(AuditEvent.id))]
    assert actions == ["review_selected", "review_completed"]
    # a completed review is final
    form_post(client, url, {"outcome": "consistent", "findings": ""})
    committed(db)
    assert db.session.get(CentralReview, review.id).outcome.value == "serious"

    # the province reads its review but cannot decide it; another province cannot open it
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    login_as(office)
    html = client.get(url).get_data(as_text=True)
    assert "Hội đồng không xem xét phiếu kiểm nghiệm." in html
    assert client.post(url, data={"csrf_token": csrf_from(client, url), "outcome": "minor",
                                  "findings": "Sửa lại kết luận."}).status_code == 403
    assert f'data-review="{review.id}"' in client.get("/oversight/reviews").get_data(
        as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client, "/")})
    login_as(make_user(Role.province, province_code=LAM_DONG))
    assert client.get(url).status_code == 404
    assert f'data-review="{review.id}"' not in client.get("/oversight/reviews").get_data(
        as_text=True)


def test_selecting_without_a_reason_or_an_evaluation_goes_back_with_a_message(client, db,
                                                                              login_as):
    """The form is checked before the evaluation it names: an empty form returns to the list
    with its message (no 500); a reason with no evaluation, or one that is not an id, is 404."""
    evaluation, _office = concluded_evaluation(star=4)
    login_as(make_user(Role.ministry))
    page = "/oversight/reviews"
    response = form_post(client, "/oversight/reviews", {}, form_page=page)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/oversight/reviews")
    assert "Vui lòng nhập thông tin này." in client.get(page).get_data(as_text=True)
    for bad in ("", "0", "-1", "99999999999999999999", str(evaluation.id + 1000)):
        response = form_post(client, "/oversight/reviews", {
            "evaluation_id": bad, "reason": "Chênh lệch điểm giữa thành viên lớn"},
            form_page=page)
        assert response.status_code == 404, bad
    committed(db)
    assert db.session.scalar(select(CentralReview)) is None
