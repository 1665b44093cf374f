"""The round page's per-dossier states (sheets submitted of those expected; members blocked by
an exclusion or a conflict of interest), read for the whole round at once
(``services.round_progress``), agree with the one-evaluation reading (``services.progress``)."""
import pytest

from ocop_rating.councils import services
from ocop_rating.councils.models import RoundState
from ocop_rating.db import db as _db
from ocop_rating.evaluation import services as sheets
from tests.conftest import form_post
from tests.factories import DEFAULT_PASSWORD, accepted_dossier, make_council, score_all


def _cells(page: str, marker: str) -> list[str]:
    start = page.rindex("<tr", 0, page.index(marker))
    row = page[start:page.index("</tr>", start)]
    return [c.split("</td>")[0] for c in row.split("<td>")[1:]]


@pytest.fixture()
def busy_round(db):
    """Four members, three dossiers: on the first one member submitted and one has a draft;
    on the second the secretary took one member off and one submitted; on the third one
    member declared a conflict (pending) and another's was upheld."""
    council, office, members = make_council(members=4)
    dossiers = [accepted_dossier() for _ in range(3)]
    round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
    services.move_round(round_, RoundState.open, actor=office)
    first, second, third = (services.add_to_round(round_, d, actor=office) for d in dossiers)
    services.move_round(round_, RoundState.scoring, actor=office)
    score_all(sheets.open_sheet(first, actor=members[3].user), members[3].user)
    sheets.open_sheet(first, actor=members[2].user)  # a draft: not submitted
    services.exclude_member(second, members[1], reason="Vắng mặt", actor=office)
    score_all(sheets.open_sheet(second, actor=members[2].user), members[2].user)
    services.declare_conflict(third, reason="Người nhà của chủ thể", actor=members[2].user)
    upheld = services.declare_conflict(third, reason="Góp vốn", actor=members[3].user)
    services.decide_conflict(upheld, upheld=True, actor=office)
    db.session.commit()
    return dict(round=round_, office=office, members=members, dossiers=dossiers,
                evaluations=[first, second, third])


def _reading(progress_list):
    return [(p.member.id, p.submitted, p.blocked, p.sheet.id if p.sheet else None)
            for p in progress_list]


def test_the_round_reading_is_the_one_evaluation_reading(db, busy_round):
    evaluations = services.round_evaluations(busy_round["round"])
    bulk = services.round_progress(evaluations)
    assert set(bulk) == {e.id for e in busy_round["evaluations"]}
    for evaluation in evaluations:
        assert _reading(bulk[evaluation.id]) == _reading(services.progress(evaluation))
    first, second, third = (bulk[e.id] for e in busy_round["evaluations"])
    members = busy_round["members"]
    assert [p.submitted for p in first] == [False, False, False, True]
    assert first[2].sheet is not None and not first[2].submitted  # the draft
    assert [p.blocked is None for p in second] == [True, False, True, True]
    assert second[1].blocked == "Thư ký đã không phân công chấm hồ sơ này."
    assert third[2].blocked.startswith("Đang chờ chủ tịch quyết định về xung đột lợi ích")
    assert third[3].blocked == "Xung đột lợi ích: Góp vốn"
    assert [p.member.id for p in third] == [m.id for m in members]
    assert services.round_progress([]) == {}


def test_the_round_page_shows_each_dossiers_sheets_and_blocked_members(app, db, busy_round):
    client = app.test_client()
    form_post(client, "/login", {"username": busy_round["office"].username,
                                 "password": DEFAULT_PASSWORD})
    page = client.get(f"/councils/rounds/{busy_round['round'].id}").get_data(as_text=True)
    counts = [_cells(page, d.product.name)[4] for d in busy_round["dossiers"]]
    # submitted / expected: the excluded and the conflicted members are not expected
    assert counts == ["1/4", "1/3", "0/2"]


def test_closing_waits_for_the_expected_sheets_only(db, busy_round):
    """``unsubmitted`` reads the same progress: the blocked members are not waited for."""
    missing = services.unsubmitted(busy_round["round"])
    first, second, third = busy_round["evaluations"]
    members = busy_round["members"]
    assert sorted((e.id, m.id) for e, m in missing) == sorted(
        [(first.id, members[0].id), (first.id, members[1].id), (first.id, members[2].id),
         (second.id, members[0].id), (second.id, members[3].id),
         (third.id, members[0].id), (third.id, members[1].id)])
    _db.session.rollback()
