"""The autosave's hot path (issue 13): the member's sheet, locked, with everything the save
checks in one query; the chain head taken last. The answers, refusals and audit rows stay
what they were."""
import pytest
from sqlalchemy import event

from ocop_rating.accounts.roles import Role
from ocop_rating.audit import AuditEvent, history
from ocop_rating.audit.chain import verify_chain
from ocop_rating.councils import services
from ocop_rating.councils.models import RoundState
from ocop_rating.evaluation import services as sheets
from ocop_rating.evaluation.models import ScoreSheet
from ocop_rating.i18n import legal_text
from ocop_rating.rulebook.english import translate
from tests.conftest import committed, csrf_from, form_post
from tests.councils import test_pages
from tests.councils.test_pages import _in_threads, _open, logged_in
from tests.factories import LAM_DONG, make_council, make_user, score_all

scoring = test_pages.scoring  # the fixture: a council of 4 scoring one dossier

PAYLOAD_FIELDS = {"version", "status", "entries", "parts", "total", "star", "missing",
                  "holding_back", "unmet", "recognised", "stops"}


def _url(evaluation_id: int) -> str:
    return f"/councils/evaluations/{evaluation_id}/score/save"


def _post(client, evaluation_id, data, *, token=None, page=None):
    token = token or csrf_from(client, page or f"/councils/evaluations/{evaluation_id}/score")
    return client.post(_url(evaluation_id), data={"csrf_token": token, **data},
                       headers={"Accept": "application/json"})


def _sheet(db, evaluation_id, member):
    committed(db)
    return db.session.scalar(db.select(ScoreSheet).filter_by(evaluation_id=evaluation_id,
                                                             member_id=member.id))


def _audit_rows(db) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))


def test_the_answer_keeps_every_field_and_is_what_the_database_holds(app, db, scoring):
    member = scoring["members"][2]
    client = logged_in(app, member.user)
    eid = scoring["evaluation"].id
    _open(client, eid)
    version = _sheet(db, eid, member).version
    response = _post(client, eid, {"version": version, "item-1.1": "2",
                                   "comment-1.1": "Có nhật ký"})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.json
    assert body["saved"] is True and set(body["sheet"]) == PAYLOAD_FIELDS
    sheet = _sheet(db, eid, member)
    answer = body["sheet"]
    assert answer["version"] == sheet.version == version + 1
    assert answer["entries"] == {e.item_code: {"option": e.option_index, "case": e.case_key,
                                               "comment": e.comment} for e in sheet.entries}
    result = sheets.sheet_result(sheet)
    assert answer["total"] == str(result.total) and answer["missing"] == list(result.missing)
    definition = sheets.sheet_definition(sheet.evaluation)
    held = answer["holding_back"]["3"]
    assert held and all(h["label"] == legal_text(definition.item(h["code"]).label)
                        for h in held)
    assert [u["code"] for u in answer["unmet"]] == [u.code for u in result.unmet_minimums()]


def test_the_labels_of_the_answer_follow_the_language(app, db, scoring):
    member = scoring["members"][2]
    client = logged_in(app, member.user)
    eid = scoring["evaluation"].id
    _open(client, eid)
    version = _sheet(db, eid, member).version
    vi = _post(client, eid, {"version": version, "item-1.1": "1"}).json["sheet"]
    assert form_post(client, "/language", {"lang": "en", "next": "/"},
                     form_page="/").status_code == 302
    en = _post(client, eid, {"version": vi["version"], "item-1.1": "2"}).json["sheet"]
    definition = sheets.sheet_definition(scoring["evaluation"])
    code = vi["holding_back"]["3"][0]["code"]
    label = definition.item(code).label
    english = translate(label, "en")
    assert english and english != label
    assert {h["code"]: h["label"] for h in vi["holding_back"]["3"]}[code] == label
    assert {h["code"]: h["label"] for h in en["holding_back"]["3"]}[code] == english


def test_a_save_costs_three_reads_and_its_writes(app, db, scoring):
    """The user, the sheet with what the checks read, its entries; then the sheet, the entry
    and the audit row (with the chain head). Eleven reads before: a save that reads again
    per relation fails here."""
    member = scoring["members"][2]
    client = logged_in(app, member.user)
    eid = scoring["evaluation"].id
    _open(client, eid)
    version = _sheet(db, eid, member).version
    token = csrf_from(client, f"/councils/evaluations/{eid}/score")
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement.split(None, 1)[0].upper())

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = _post(client, eid, {"version": version, "item-1.2": "1"}, token=token)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert statements.count("SELECT") <= 4, statements  # 3 + the chain head's on any engine
    assert len(statements) <= 9, statements


def test_a_stale_version_is_refused_and_changes_nothing(app, db, scoring):
    member = scoring["members"][2]
    client = logged_in(app, member.user)
    eid = scoring["evaluation"].id
    _open(client, eid)
    version = _sheet(db, eid, member).version
    first = _post(client, eid, {"version": version, "item-1.1": "2"})
    assert first.status_code == 200
    rows = _audit_rows(db)
    stale = _post(client, eid, {"version": version, "item-1.1": "0", "item-1.2": "1"})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "sheet_conflict"
    assert set(stale.json["sheet"]) == PAYLOAD_FIELDS
    sheet = _sheet(db, eid, member)
    assert sheet.version == first.json["sheet"]["version"]
    assert {e.item_code: e.option_index for e in sheet.entries} == {"1.1": 2}
    assert _audit_rows(db) == rows


@pytest.mark.parametrize("how", ["excluded", "conflict_pending", "conflict_upheld"])
def test_a_barred_member_is_refused_and_nothing_is_written(app, db, scoring, how):
    evaluation, member = scoring["evaluation"], scoring["members"][2]
    client = logged_in(app, member.user)
    _open(client, evaluation.id)
    version = _sheet(db, evaluation.id, member).version
    token = csrf_from(client, f"/councils/evaluations/{evaluation.id}/score")
    evaluation = db.session.get(type(evaluation), evaluation.id)
    member = db.session.get(type(member), member.id)
    if how == "excluded":
        services.exclude_member(evaluation, member, reason="Vắng mặt",
                                actor=scoring["office"])
    else:
        conflict = services.declare_conflict(evaluation, reason="Người nhà",
                                             actor=member.user)
        if how == "conflict_upheld":
            services.decide_conflict(conflict, upheld=True, actor=scoring["office"])
    db.session.commit()
    rows = _audit_rows(db)
    response = _post(client, evaluation.id, {"version": version, "item-1.1": "2"},
                     token=token)
    assert response.status_code == 403 and response.is_json
    sheet = _sheet(db, evaluation.id, member)
    assert sheet.version == version and sheet.entries == []
    assert _audit_rows(db) == rows


def test_outsiders_get_the_answers_they_got_before(app, db, scoring):
    """Another province's council member: not found. The ministry (may view the council):
    no sheet. A removed member: not found. A bad CSRF token from the member: 400."""
    eid = scoring["evaluation"].id
    member = scoring["members"][2]
    client = logged_in(app, member.user)
    _open(client, eid)
    version = _sheet(db, eid, member).version
    _c, _o, others = make_council(province_code=LAM_DONG, members=2)
    ministry = make_user(Role.ministry)
    db.session.commit()
    outsider = logged_in(app, others[0].user)
    assert _post(outsider, eid, {"version": 1, "item-1.1": "2"},
                 page="/").status_code == 404
    national = logged_in(app, ministry)
    answer = _post(national, eid, {"version": 1, "item-1.1": "2"}, page="/")
    assert answer.status_code == 403 and answer.is_json
    expired = client.post(_url(eid), data={"csrf_token": "forged", "version": version,
                                           "item-1.1": "2"},
                          headers={"Accept": "application/json"})
    assert expired.status_code == 400
    assert _post(national, eid, {"version": 1}, token="forged").status_code == 400
    token = csrf_from(client, f"/councils/evaluations/{eid}/score")
    services.remove_member(db.session.get(type(member), member.id), actor=scoring["office"])
    db.session.commit()
    assert _post(client, eid, {"version": version, "item-1.1": "2"},
                 token=token).status_code == 404
    assert _sheet(db, eid, member).entries == []


def test_submitted_sheets_stay_read_only_and_a_rescore_opens_only_its_items(app, db, scoring):
    """Before the reveal a submitted sheet refuses saves; after it, a discussion-loop pass
    reopens one member's sheet for the items the chair named, and only those."""
    evaluation, member = scoring["evaluation"], scoring["members"][2]
    for m in scoring["members"]:
        score_all(sheets.open_sheet(evaluation, actor=m.user), m.user)
    db.session.commit()
    client = logged_in(app, member.user)
    version = _sheet(db, evaluation.id, member).version
    refused = _post(client, evaluation.id, {"version": version, "item-1.1": "0"})
    assert refused.status_code == 409 and refused.json["sheet"]["status"] == "submitted"
    services.move_round(db.session.get(type(scoring["round"]), scoring["round"].id),
                        RoundState.closed, actor=scoring["office"])
    sheets.start_rescore(db.session.get(type(evaluation), evaluation.id), items=["1.1"],
                         member_ids=[member.id], reason="Chênh lệch lớn",
                         actor=scoring["office"])
    db.session.commit()
    sheet = _sheet(db, evaluation.id, member)
    version, held = sheet.version, sheet.entries_by_code()["1.2"].option_index
    other = str((held + 1) % 2)
    outside = _post(client, evaluation.id, {"version": version, "item-1.2": other})
    assert outside.status_code == 422 and outside.json["error"]["code"] == "not_in_rescore"
    named = _post(client, evaluation.id, {"version": version, "item-1.1": "0"})
    assert named.status_code == 200, named.get_data(as_text=True)
    sheet = _sheet(db, evaluation.id, member)
    assert sheet.entries_by_code()["1.1"].option_index == 0
    assert sheet.entries_by_code()["1.2"].option_index == held


def test_saves_at_once_each_leave_one_audit_row_and_the_chain_holds(app, db, scoring):
    eid = scoring["evaluation"].id
    members = scoring["members"]
    clients = [logged_in(app, m.user) for m in members]
    for client in clients:
        _open(client, eid)
    committed(db)
    versions = [_sheet(db, eid, m).version for m in members]
    tokens = [csrf_from(c, f"/councils/evaluations/{eid}/score") for c in clients]
    answers = _in_threads(*[
        (lambda c=c, t=t, v=v, i=i: _post(c, eid, {"version": v, "item-1.1": str(i % 3)},
                                          token=t))
        for i, (c, t, v) in enumerate(zip(clients, tokens, versions))])
    assert [a.status_code for a in answers] == [200] * len(members)
    committed(db)
    for i, member in enumerate(members):
        sheet = _sheet(db, eid, member)
        assert sheet.entries_by_code()["1.1"].option_index == i % 3
        assert [e.action for e in history(sheet)].count("scores_saved") == 1
    idle = _post(clients[0], eid, {"version": answers[0].json["sheet"]["version"],
                                   "item-1.1": "0"}, token=tokens[0])
    assert idle.status_code == 200  # the same value: the version moves, no audit row
    assert [e.action for e in history(_sheet(db, eid, members[0]))].count("scores_saved") == 1
    assert verify_chain().ok
