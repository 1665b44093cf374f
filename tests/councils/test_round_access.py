"""Access follows the record at the round level too (issue 10 §6), and the ministry reads
the sealed papers of a provincial council (DOMAIN.md §9, docs/decisions.md "The ministry
reads sealed provincial records").

A member excluded from an evaluation, or who declared a conflict on it, sees nothing of it on
the round's pages: the round overview, their work list, the minutes, the score tables (PDF
and XLSX) and the API's rounds and results. Every one of them filters through
``councils.services.can_view_evaluation``; the SQL form used by the API gives the same answer.
"""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from ocop_rating.accounts.roles import Role
from ocop_rating.councils import services
from ocop_rating.councils.models import Evaluation, Round, RoundState
from ocop_rating.db import db as _db
from ocop_rating.evaluation import services as scoring
from ocop_rating.evaluation.models import ScoreSheet, SheetStatus
from tests.conftest import form_post
from tests.councils.test_record import logged_in, pdf_text
from tests.factories import accepted_dossier, make_council, make_user, score_all

SEEN = ("Mật ong rừng Vân Đồn", "Hợp tác xã Ong Vân Đồn")
BARRED = ("Trà hoa vàng Ba Chẽ", "Hợp tác xã Trà Hoa Vàng")


def _named(dossier, product: str, producer: str):
    dossier.product.name = product
    dossier.producer.name = producer
    return dossier


def _round_with_a_barred_evaluation():
    """Council of four; two dossiers in one round. On the second, ``people[2]`` is excluded
    by the office and ``people[3]`` declared a conflict the chair upheld."""
    council, office, people = make_council(members=4)
    round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
    services.move_round(round_, RoundState.open, actor=office)
    seen = services.add_to_round(round_, _named(accepted_dossier(), *SEEN), actor=office)
    barred = services.add_to_round(round_, _named(accepted_dossier(), *BARRED), actor=office)
    services.move_round(round_, RoundState.scoring, actor=office)
    services.exclude_member(barred, people[2], reason="Không phân công", actor=office)
    conflict = services.declare_conflict(barred, reason="Họ hàng của chủ thể",
                                         actor=people[3].user)
    services.decide_conflict(conflict, upheld=True, actor=people[0].user)
    _db.session.commit()
    return council, office, people, round_, seen, barred


def _conclude(round_, office, people, seen, barred):
    for member in people:
        score_all(scoring.open_sheet(seen, actor=member.user), member.user)
    for member in people[:2]:
        score_all(scoring.open_sheet(barred, actor=member.user), member.user)
    services.move_round(round_, RoundState.closed, actor=office)
    for evaluation in (seen, barred):
        scoring.conclude_evaluation(evaluation, proposal="Đề nghị công nhận", actor=office)
    services.conclude_round(round_, conclusion="Hoàn thành", actor=office)
    _db.session.commit()


def _xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows()
                    for c in row if c.value is not None)


def _bearer(user) -> dict:
    from ocop_rating.api import tokens
    from ocop_rating.legaltime import legal_today

    today = legal_today()
    _token, secret = tokens.create_token(user, name="Kiểm thử", scopes=tokens.scopes_for(user.role),
                                         expires_on=today + timedelta(days=30), today=today)
    _db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("who", [2, 3], ids=["excluded", "conflicted"])
def test_a_barred_member_sees_nothing_of_the_evaluation_on_round_pages(app, db, tmp_path,
                                                                       who):
    _council, office, people, round_, seen, barred = _round_with_a_barred_evaluation()
    member, colleague = logged_in(app, people[who].user), logged_in(app, people[1].user)
    url = f"/councils/rounds/{round_.id}"

    # While scoring: the round overview and the work list.
    page = member.get(url).get_data(as_text=True)
    assert all(t in page for t in SEEN) and not any(t in page for t in BARRED)
    assert f"/councils/evaluations/{barred.id}\"" not in page
    assert 'id="hidden-evaluations"' in page and "): 1." in page
    other = colleague.get(url).get_data(as_text=True)
    assert all(t in other for t in SEEN + BARRED) and 'id="hidden-evaluations"' not in other
    work = member.get("/councils/my").get_data(as_text=True)
    assert SEEN[0] in work and BARRED[0] not in work
    assert BARRED[0] in colleague.get("/councils/my").get_data(as_text=True)
    inbox = member.get("/").get_data(as_text=True)  # "Phiếu cần chấm" on the home page
    assert SEEN[0] in inbox and BARRED[0] not in inbox
    assert BARRED[0] in colleague.get("/").get_data(as_text=True)

    _conclude(round_, office, people, seen, barred)

    # Concluded: the overview, the minutes, the score tables, the API.
    page = member.get(url).get_data(as_text=True)
    assert SEEN[0] in page and not any(t in page for t in BARRED)
    minutes = member.get(f"{url}/minutes.pdf")
    assert minutes.status_code == 200
    flat = " ".join(pdf_text(minutes.data, tmp_path).split())
    assert SEEN[0] in flat and BARRED[0] not in flat and BARRED[1] not in flat
    flat = " ".join(pdf_text(colleague.get(f"{url}/minutes.pdf").data, tmp_path).split())
    assert SEEN[0] in flat and BARRED[0] in flat  # the colleague's minutes hold both
    table = member.get(f"{url}/scores.pdf")
    flat = " ".join(pdf_text(table.data, tmp_path).split())
    assert table.status_code == 200 and SEEN[0] in flat and BARRED[0] not in flat
    xlsx = member.get(f"{url}/scores.xlsx")
    assert xlsx.status_code == 200
    text = _xlsx_text(xlsx.data)
    assert SEEN[0] in text and BARRED[0] not in text and BARRED[1] not in text
    assert BARRED[0] in _xlsx_text(colleague.get(f"{url}/scores.xlsx").data)

    headers = _bearer(people[who].user)
    api = app.test_client()
    assert api.get(f"/api/v1/rounds/{round_.id}", headers=headers).get_json()[
        "evaluations"] == [seen.id]
    results = api.get(f"/api/v1/results?round={round_.id}", headers=headers).get_json()
    assert [r["evaluation_id"] for r in results["items"]] == [seen.id]
    assert api.get(f"/api/v1/results/{barred.id}", headers=headers).status_code == 404
    listed = api.get("/api/v1/rounds", headers=headers).get_json()["items"]
    assert [r["evaluations"] for r in listed if r["id"] == round_.id] == [[seen.id]]
    colleague_headers = _bearer(people[1].user)
    both = api.get(f"/api/v1/results?round={round_.id}", headers=colleague_headers).get_json()
    assert sorted(r["evaluation_id"] for r in both["items"]) == sorted([seen.id, barred.id])


def test_a_dismissed_conflict_gives_the_round_rows_back(app, db):
    council, office, people = make_council(members=4)
    round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
    services.move_round(round_, RoundState.open, actor=office)
    evaluation = services.add_to_round(round_, _named(accepted_dossier(), *BARRED),
                                       actor=office)
    services.move_round(round_, RoundState.scoring, actor=office)
    conflict = services.declare_conflict(evaluation, reason="Cùng xã", actor=people[3].user)
    _db.session.commit()
    member = logged_in(app, people[3].user)
    assert BARRED[0] not in member.get(f"/councils/rounds/{round_.id}").get_data(as_text=True)
    services.decide_conflict(conflict, upheld=False, actor=people[0].user)
    _db.session.commit()
    assert BARRED[0] in member.get(f"/councils/rounds/{round_.id}").get_data(as_text=True)
    assert BARRED[0] in member.get("/councils/my").get_data(as_text=True)


def test_the_sql_form_of_the_check_agrees_with_the_python_one(app, db):
    council, office, people, round_, _seen, _barred = _round_with_a_barred_evaluation()
    ministry = make_user(Role.ministry)
    other_office = make_user(Role.province, province_code="68")
    for user in [office, ministry, other_office] + [m.user for m in people]:
        visible = [c for c in _db.session.scalars(_db.select(type(council)))
                   if c.can_view(user)]
        in_sql = set(_db.session.scalars(
            _db.select(Evaluation.id).join(Evaluation.round)
            .where(services.viewable_evaluations_where(visible, user))))
        in_python = {e.id for e in _db.session.scalars(_db.select(Evaluation))
                     if services.can_view_evaluation(e, user)}
        assert in_sql == in_python, user.username
    assert len({e.id for e in round_.evaluations}) == 2


# -- the ministry over a provincial council ----------------------------------------------

def _papers(client, round_id: int) -> list[int]:
    base = f"/councils/rounds/{round_id}"
    return [client.get(f"{base}/{p}").status_code
            for p in ("minutes.pdf", "scores.pdf", "scores.xlsx")]


def test_the_ministry_reads_a_provincial_councils_sealed_results_only(app, db, tmp_path):
    council, office, people = make_council(members=3)
    round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
    services.move_round(round_, RoundState.open, actor=office)
    evaluation = services.add_to_round(round_, _named(accepted_dossier(), *SEEN), actor=office)
    later = services.add_to_round(round_, _named(accepted_dossier(), *BARRED), actor=office)
    services.move_round(round_, RoundState.scoring, actor=office)
    for member in people:
        for e in (evaluation, later):
            score_all(scoring.open_sheet(e, actor=member.user), member.user)
    overseers = make_user(Role.ministry), make_user(Role.province, province_code="68")
    _db.session.commit()  # the server only sees what is committed
    ministry, other_province = (logged_in(app, u) for u in overseers)
    show = f"/councils/evaluations/{evaluation.id}"
    base = f"/councils/rounds/{round_.id}"

    # Scoring: hidden from everyone, the ministry included.
    assert _papers(ministry, round_.id) == [404, 404, 404]
    assert 'id="mean-total"' not in ministry.get(show).get_data(as_text=True)

    # Revealed to the council, nothing sealed: the ministry reads none of the scores.
    services.move_round(round_, RoundState.closed, actor=office)
    _db.session.commit()
    assert _papers(logged_in(app, office), round_.id) == [200, 200, 200]
    assert _papers(ministry, round_.id) == [404, 404, 404]
    page = ministry.get(show).get_data(as_text=True)
    assert 'id="mean-total"' not in page and 'id="awaiting-seal"' in page
    assert "minutes.pdf" not in page

    # The ministry cannot change the record: a reopen (with a reason) and a conclusion are
    # refused, the sheet stays submitted and the evaluation open.
    sheet = _db.session.scalar(_db.select(ScoreSheet).filter_by(evaluation_id=evaluation.id))
    form_post(ministry, f"/councils/sheets/{sheet.id}/reopen", {"reason": "Kiểm tra"},
              form_page=show)
    form_post(ministry, f"{show}/conclude", {"proposal": "Đề nghị công nhận"}, form_page=show)
    _db.session.expire_all()
    assert _db.session.get(ScoreSheet, sheet.id).status == SheetStatus.submitted
    assert _db.session.get(Evaluation, evaluation.id).concluded_at is None

    # One result sealed: the ministry sees it, on its page and in the round's (draft) papers;
    # the other result, not sealed, is in neither.
    scoring.conclude_evaluation(evaluation, proposal="Đề nghị công nhận", actor=office)
    _db.session.commit()
    page = ministry.get(show).get_data(as_text=True)
    assert 'id="mean-total"' in page and 'id="seal-hash"' in page
    later_page = ministry.get(f"/councils/evaluations/{later.id}").get_data(as_text=True)
    assert 'id="mean-total"' not in later_page
    assert _papers(ministry, round_.id) == [200, 200, 200]
    flat = " ".join(pdf_text(ministry.get(f"{base}/minutes.pdf").data, tmp_path).split())
    assert SEEN[0] in flat and BARRED[0] not in flat and "DỰ THẢO" in flat
    assert SEEN[0] in _xlsx_text(ministry.get(f"{base}/scores.xlsx").data)
    assert BARRED[0] not in _xlsx_text(ministry.get(f"{base}/scores.xlsx").data)
    office_text = _xlsx_text(logged_in(app, office).get(f"{base}/scores.xlsx").data)
    assert BARRED[0] in office_text  # the office's table holds both

    # The round concluded: the official papers, with both results.
    scoring.conclude_evaluation(later, proposal="Đề nghị công nhận", actor=office)
    services.conclude_round(round_, conclusion="Hoàn thành", actor=office)
    _db.session.commit()
    flat = " ".join(pdf_text(ministry.get(f"{base}/minutes.pdf").data, tmp_path).split())
    assert SEEN[0] in flat and BARRED[0] in flat and "BB-HĐOCOP" in flat
    assert 'id="round-papers"' in ministry.get(base).get_data(as_text=True)
    # Another province's office is not an overseer.
    assert _papers(other_province, round_.id) == [403, 403, 403]
    assert _db.session.get(Round, round_.id).state == RoundState.concluded
