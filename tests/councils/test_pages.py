"""Council pages and the scoring endpoints, including concurrent requests."""
import threading

import pytest

from ocop_rating.accounts.roles import Role
from ocop_rating.councils import services
from ocop_rating.councils.models import RoundState
from ocop_rating.evaluation import services as sheets
from ocop_rating.evaluation.models import ScoreSheet, SheetStatus
from tests.conftest import committed, csrf_from, form_post
from tests.factories import (
    DEFAULT_PASSWORD,
    LAM_DONG,
    accepted_dossier,
    make_council,
    make_user,
    score_all,
)


@pytest.fixture()
def scoring(db):
    council, office, members = make_council(members=4)
    dossier = accepted_dossier()
    round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
    services.move_round(round_, RoundState.open, actor=office)
    evaluation = services.add_to_round(round_, dossier, actor=office)
    services.move_round(round_, RoundState.scoring, actor=office)
    db.session.commit()
    return dict(council=council, office=office, members=members, round=round_,
                evaluation=evaluation, dossier=dossier)


def logged_in(app, user):
    client = app.test_client()
    response = form_post(client, "/login", {"username": user.username,
                                            "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


def _row(page: str, marker: str) -> str:
    """The table row of ``page`` that holds ``marker``."""
    start = page.rindex("<tr", 0, page.index(marker))
    return page[start:page.index("</tr>", start)]


def test_council_pages_render_for_the_office_and_members(app, db, scoring):
    council, round_, evaluation = scoring["council"], scoring["round"], scoring["evaluation"]
    done = scoring["members"][3]
    score_all(sheets.open_sheet(evaluation, actor=done.user), done.user)
    db.session.commit()
    office = logged_in(app, scoring["office"])

    def page(url):
        response = office.get(url)
        assert response.status_code == 200, url
        return response.get_data(as_text=True)

    row = _row(page("/councils/"), council.name)
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    assert "125/QĐ-UBND, 02/03/2026" in cells[2]
    assert cells[3:] == ["4", "2"]  # four members, the two legal rounds of the year
    text = page(f"/councils/{council.id}")
    for member in scoring["members"]:
        assert member.role.label in _row(text, member.user.full_name)
    assert round_.name in text and str(RoundState.scoring.label) in text
    text = page(f"/councils/rounds/{round_.id}")
    assert f'id="round-state">{RoundState.scoring.label}<' in text
    row = _row(text, scoring["dossier"].product.name)
    assert scoring["dossier"].producer.name in row and "<td>1/4</td>" in row
    assert "<td>—</td>" in row  # no result while scoring
    text = page(f"/councils/evaluations/{evaluation.id}")
    assert scoring["dossier"].product.name in text
    assert "Điểm của các thành viên chỉ hiển thị khi phiên chấm điểm đã đóng." in text
    assert 'id="result"' not in text and 'id="mean-total"' not in text
    member = logged_in(app, scoring["members"][2].user)
    assert scoring["dossier"].product.name in member.get("/councils/my").get_data(as_text=True)
    _open(member, scoring["evaluation"].id)
    page = member.get(f"/councils/evaluations/{scoring['evaluation'].id}/score")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Chủ thể tự đánh giá" in text  # the producer's claim beside the criterion
    assert f"/councils/evaluations/{scoring['evaluation'].id}/evidence/" in text


def test_outsiders_cannot_see_the_council_or_score(app, db, scoring):
    other_office = make_user(Role.province, province_code=LAM_DONG)
    producer_user = make_user(Role.producer, commune_code="25000")
    db.session.commit()
    for user in (other_office, producer_user):
        client = logged_in(app, user)
        assert client.get(f"/councils/{scoring['council'].id}").status_code == 403
        assert client.get(f"/councils/evaluations/{scoring['evaluation'].id}/score"
                          ).status_code == 403
        evidence = scoring["dossier"].evidence[0]
        assert client.get(f"/councils/evaluations/{scoring['evaluation'].id}/evidence/"
                          f"{evidence.id}").status_code == 403


def _open(client, evaluation_id):
    """Open the member's sheet as the page does: a POST (no GET creates a sheet)."""
    token = csrf_from(client, f"/councils/evaluations/{evaluation_id}/score")
    response = client.post(f"/councils/evaluations/{evaluation_id}/score/open",
                           data={"csrf_token": token})
    assert response.status_code == 302, response.status_code
    return response


def _save(client, evaluation_id, data, version):
    token = csrf_from(client, f"/councils/evaluations/{evaluation_id}/score")
    payload = {"csrf_token": token, "version": str(version)}
    payload.update(data)
    return client.post(f"/councils/evaluations/{evaluation_id}/score/save", data=payload,
                       headers={"Accept": "application/json"})


def test_autosave_answers_the_projection_and_refuses_a_stale_version(app, db, scoring):
    user = scoring["members"][1].user
    client = logged_in(app, user)
    eid = scoring["evaluation"].id
    _open(client, eid)
    committed(db)
    sheet = db.session.scalar(db.select(ScoreSheet).filter_by(evaluation_id=eid))
    first = _save(client, eid, {"item-1.1": "2", "comment-1.1": "Nguồn gốc rõ ràng"},
                  sheet.version)
    assert first.status_code == 200, first.get_data(as_text=True)
    body = first.json["sheet"]
    assert body["entries"]["1.1"] == {"option": 2, "case": None, "comment": "Nguồn gốc rõ ràng"}
    assert body["version"] > sheet.version
    stale = _save(client, eid, {"item-1.1": "0"}, sheet.version)
    assert stale.status_code == 409
    assert stale.json["sheet"]["entries"]["1.1"]["option"] == 2  # the page gets the truth
    bad = _save(client, eid, {"item-1.1": "17"}, body["version"])
    assert bad.status_code == 422 and bad.is_json


def test_reload_finds_every_saved_choice(app, db, scoring):
    user = scoring["members"][1].user
    client = logged_in(app, user)
    eid = scoring["evaluation"].id
    _open(client, eid)
    committed(db)
    version = db.session.scalar(db.select(ScoreSheet.version).filter_by(evaluation_id=eid))
    for code, option in [("1.1", "1"), ("1.2", "2"), ("2.4", "1")]:
        response = _save(client, eid, {f"item-{code}": option}, version)
        version = response.json["sheet"]["version"]
    page = client.get(f"/councils/evaluations/{eid}/score").get_data(as_text=True)
    for code, option in [("1.1", "1"), ("1.2", "2"), ("2.4", "1")]:
        assert _is_checked(page, code, option), code


def _is_checked(page: str, code: str, option: str) -> bool:
    import re

    pattern = rf'name="item-{re.escape(code)}" value="(\d+)"[^>]*?>'
    checked = [m.group(1) for m in re.finditer(pattern, page, re.S) if "checked" in m.group(0)]
    return checked == [option]


def _in_threads(*calls):
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_members_saving_at_once_both_keep_their_scores(app, db, scoring):
    eid = scoring["evaluation"].id
    a, b = scoring["members"][1].user, scoring["members"][2].user
    ca, cb = logged_in(app, a), logged_in(app, b)
    _open(ca, eid)
    _open(cb, eid)
    committed(db)
    sheets = {s.member.user_id: s for s in db.session.scalars(
        db.select(ScoreSheet).filter_by(evaluation_id=eid))}
    va, vb = sheets[a.id].version, sheets[b.id].version
    ta = csrf_from(ca, f"/councils/evaluations/{eid}/score")
    tb = csrf_from(cb, f"/councils/evaluations/{eid}/score")
    url = f"/councils/evaluations/{eid}/score/save"
    headers = {"Accept": "application/json"}
    ra, rb = _in_threads(
        lambda: ca.post(url, data={"csrf_token": ta, "version": va, "item-1.1": "0"},
                        headers=headers),
        lambda: cb.post(url, data={"csrf_token": tb, "version": vb, "item-1.1": "2"},
                        headers=headers))
    assert (ra.status_code, rb.status_code) == (200, 200)
    committed(db)
    entries = {s.member.user_id: s.entries_by_code()["1.1"].option_index
               for s in db.session.scalars(db.select(ScoreSheet).filter_by(evaluation_id=eid))}
    assert entries == {a.id: 0, b.id: 2}


def test_one_member_two_tabs_exactly_one_write_wins_and_nothing_mixes(app, db, scoring):
    eid = scoring["evaluation"].id
    user = scoring["members"][1].user
    tab1, tab2 = logged_in(app, user), logged_in(app, user)
    _open(tab1, eid)
    committed(db)
    version = db.session.scalar(db.select(ScoreSheet.version).filter_by(evaluation_id=eid))
    t1 = csrf_from(tab1, f"/councils/evaluations/{eid}/score")
    t2 = csrf_from(tab2, f"/councils/evaluations/{eid}/score")
    url = f"/councils/evaluations/{eid}/score/save"
    headers = {"Accept": "application/json"}
    r1, r2 = _in_threads(
        lambda: tab1.post(url, data={"csrf_token": t1, "version": version, "item-1.1": "0",
                                     "item-1.2": "0"}, headers=headers),
        lambda: tab2.post(url, data={"csrf_token": t2, "version": version, "item-1.1": "2",
                                     "item-1.2": "2"}, headers=headers))
    assert sorted([r1.status_code, r2.status_code]) == [200, 409]
    winner = r1 if r1.status_code == 200 else r2
    committed(db)
    sheet = db.session.scalar(db.select(ScoreSheet).filter_by(evaluation_id=eid))
    saved = {c: e.option_index for c, e in sheet.entries_by_code().items()}
    expected = {c: v["option"] for c, v in winner.json["sheet"]["entries"].items()}
    assert saved == expected and saved["1.1"] == saved["1.2"]  # never one from each tab


def test_submit_racing_a_save_never_half_applies(app, db, scoring):
    eid = scoring["evaluation"].id
    user = scoring["members"][1].user
    sheet = sheets.open_sheet(scoring["evaluation"], actor=user)
    score_all(sheet, user, submit=False)
    db.session.commit()
    version = sheet.version
    tab1, tab2 = logged_in(app, user), logged_in(app, user)
    t1 = csrf_from(tab1, f"/councils/evaluations/{eid}/score")
    t2 = csrf_from(tab2, f"/councils/evaluations/{eid}/score")
    r_submit, r_save = _in_threads(
        lambda: tab1.post(f"/councils/evaluations/{eid}/score/submit",
                          data={"csrf_token": t1, "version": version}),
        lambda: tab2.post(f"/councils/evaluations/{eid}/score/save",
                          data={"csrf_token": t2, "version": version, "item-1.1": "0"},
                          headers={"Accept": "application/json"}))
    committed(db)
    sheet = db.session.get(ScoreSheet, sheet.id)
    option = sheet.entries_by_code()["1.1"].option_index
    if sheet.status == SheetStatus.submitted:
        assert r_save.status_code == 409 and option != 0  # submitted as it stood
    else:
        assert r_save.status_code == 200 and option == 0   # the save won; submit refused
    from ocop_rating.audit import history

    actions = [e.action for e in history(sheet)]
    assert actions.count("submitted") == (1 if sheet.status == SheetStatus.submitted else 0)


def test_reminders_go_only_to_members_who_have_not_submitted(app, db, scoring, smtp_server):
    eid = scoring["evaluation"].id
    done = scoring["members"][1].user
    score_all(sheets.open_sheet(scoring["evaluation"], actor=done), done)
    db.session.commit()
    secretary = logged_in(app, scoring["members"][1].user)  # the secretary (members[1])
    response = form_post(secretary, f"/councils/evaluations/{eid}/remind",
                         form_page=f"/councils/evaluations/{eid}")
    assert response.status_code == 302
    messages = smtp_server.wait_for(3)
    recipients = {m["To"] for m in messages}
    expected = {m.user.email for m in scoring["members"] if m.user.id != done.id}
    assert recipients == expected


def test_minutes_and_score_tables_after_the_session_closes(app, db, scoring, tmp_path):
    import io
    import subprocess

    from openpyxl import load_workbook

    eid, rid = scoring["evaluation"].id, scoring["round"].id
    members = scoring["members"]
    for member in members[:3]:
        score_all(sheets.open_sheet(scoring["evaluation"], actor=member.user), member.user)
    services.exclude_member(scoring["evaluation"], members[3], reason="Vắng mặt",
                            actor=scoring["office"])
    db.session.commit()
    chair = logged_in(app, members[0].user)
    assert chair.get(f"/councils/rounds/{rid}/minutes.pdf").status_code == 404  # still scoring
    text = chair.get(f"/councils/evaluations/{eid}").get_data(as_text=True)
    assert "chỉ hiển thị khi phiên chấm điểm đã đóng" in text and "Điểm trung bình" not in text
    form_post(chair, f"/councils/rounds/{rid}/state", {"to": "closed"},
              form_page=f"/councils/rounds/{rid}")
    page = chair.get(f"/councils/evaluations/{eid}").get_data(as_text=True)
    assert "Điểm trung bình" in page and "100,00" in page
    pdf = chair.get(f"/councils/rounds/{rid}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    (tmp_path / "m.pdf").write_bytes(pdf.data)
    extracted = subprocess.run(["pdftotext", str(tmp_path / "m.pdf"), "-"], capture_output=True,
                               text=True, check=True).stdout
    assert scoring["dossier"].product.name in extracted
    assert members[0].user.full_name in extracted
    assert "100,00" in extracted
    # not concluded yet: a draft, and never a star
    assert "DỰ THẢO — chưa kết luận" in extracted and "5 sao" not in extracted
    xlsx = chair.get(f"/councils/rounds/{rid}/scores.xlsx")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.data))
    assert len(workbook.sheetnames) == 2
    table = chair.get(f"/councils/rounds/{rid}/scores.pdf")
    assert table.status_code == 200 and table.data.startswith(b"%PDF")
    stranger = make_user(Role.council_member, province_code="22")
    db.session.commit()
    outsider = logged_in(app, stranger)
    assert outsider.get(f"/councils/rounds/{rid}/minutes.pdf").status_code == 403
