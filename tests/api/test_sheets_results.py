"""Score sheets through the API: the member writes his own draft sheet only, through the
scoring page's service and rules; sealed results and decisions read back."""
from datetime import date

from ocop_rating.accounts.roles import Role
from ocop_rating.councils import services as councils
from ocop_rating.councils.models import RoundState
from ocop_rating.evaluation import services as scoring
from ocop_rating.evaluation.models import ScoreSheet
from tests.conftest import committed
from tests.factories import (
    accepted_dossier,
    concluded_evaluation,
    make_council,
    make_user,
    score_all,
)

from .helpers import bearer, make_token


def _scoring_round():
    council, office, members = make_council(members=3)
    round_ = councils.create_round(council, name="Đợt 1", proposals_by=date(2026, 4, 30),
                                   finish_by=date(2026, 6, 30), is_extra=True, actor=office)
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, accepted_dossier(), actor=office)
    councils.move_round(round_, RoundState.scoring, actor=office)
    sheets = [scoring.open_sheet(evaluation, actor=m.user) for m in members]
    return round_, office, members, evaluation, sheets


def _first_item(evaluation):
    definition = scoring.sheet_definition(evaluation)
    item = next(i for i in definition.items if not i.is_case_choice)
    return item.code, len(item.options)


def test_member_writes_his_own_sheet(client, db):
    _round, _office, members, evaluation, sheets = _scoring_round()
    code, n = _first_item(evaluation)
    _t, secret = make_token(members[0].user, scopes=["read", "score:write"])
    db.session.commit()
    mine = sheets[0]
    got = client.get(f"/api/v1/sheets/{mine.id}", headers=bearer(secret)).get_json()
    response = client.put(f"/api/v1/sheets/{mine.id}", headers=bearer(secret), json={
        "version": got["version"], "entries": {code: {"option": n - 1, "comment": "Tốt"}}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["entries"][code]["option"] == n - 1
    committed(db)
    entry = db.session.get(ScoreSheet, mine.id).entries_by_code()[code]
    assert (entry.option_index, entry.comment) == (n - 1, "Tốt")
    # stale version: refused as the scoring page does
    stale = client.patch(f"/api/v1/sheets/{mine.id}", headers=bearer(secret), json={
        "version": got["version"], "entries": {code: {"option": 0}}})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "sheet_conflict"
    # a choice the sheet does not have: 422, nothing saved
    bad = client.patch(f"/api/v1/sheets/{mine.id}", headers=bearer(secret), json={
        "entries": {code: {"option": n + 5}}})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_option"
    # the list holds his sheet only
    listing = client.get("/api/v1/sheets", headers=bearer(secret)).get_json()
    assert [s["id"] for s in listing["items"]] == [mine.id]


def test_member_cannot_touch_another_members_sheet(client, db):
    _round, _office, members, evaluation, sheets = _scoring_round()
    code, _n = _first_item(evaluation)
    _t, secret = make_token(members[0].user, scopes=["read", "score:write"])
    db.session.commit()
    theirs = sheets[1]
    assert client.get(f"/api/v1/sheets/{theirs.id}", headers=bearer(secret)).status_code == 404
    response = client.put(f"/api/v1/sheets/{theirs.id}", headers=bearer(secret),
                          json={"entries": {code: {"option": 0}}})
    assert response.status_code == 404
    committed(db)
    assert db.session.get(ScoreSheet, theirs.id).entries == []


def test_closed_session_refuses_with_409(client, db):
    round_, office, members, evaluation, sheets = _scoring_round()
    code, _n = _first_item(evaluation)
    for member, sheet in zip(members, sheets):
        score_all(sheet, member.user)
    councils.move_round(round_, RoundState.closed, actor=office)
    _t, secret = make_token(members[0].user, scopes=["read", "score:write"])
    db.session.commit()
    response = client.put(f"/api/v1/sheets/{sheets[0].id}", headers=bearer(secret),
                          json={"entries": {code: {"option": 0}}})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "not_scoring"


def test_malformed_bodies_are_400(client, db):
    _round, _office, members, _evaluation, sheets = _scoring_round()
    _t, secret = make_token(members[0].user, scopes=["score:write"])
    db.session.commit()
    for body in ([], {"entries": []}, {"x": 1}, {"version": "1"},
                 {"entries": {"1.1": {"option": "a"}}}, {"knockouts": [1]}):
        response = client.put(f"/api/v1/sheets/{sheets[0].id}", headers=bearer(secret),
                              json=body)
        assert response.status_code == 400, body
        assert response.get_json()["error"]["code"] == "bad_parameter"


def test_sealed_result_with_its_instrument(client, db):
    evaluation, office = concluded_evaluation(star=4)
    _t, secret = make_token(office)
    stranger = make_user(Role.province, province_code="68")
    _t2, other = make_token(stranger)
    db.session.commit()
    body = client.get(f"/api/v1/results/{evaluation.id}", headers=bearer(secret)).get_json()
    assert body["star"] == 4 and body["recognised"] is True
    assert body["instrument"]["weights"] == "A40/B25/C35"
    assert body["instrument"]["label"] == "Quyết định 26/2026/QĐ-TTg"
    listing = client.get("/api/v1/results", headers=bearer(secret)).get_json()
    assert [r["evaluation_id"] for r in listing["items"]] == [evaluation.id]
    assert client.get(f"/api/v1/results/{evaluation.id}", headers=bearer(other)).status_code \
        == 404
    assert client.get("/api/v1/results", headers=bearer(other)).get_json()["total"] == 0
