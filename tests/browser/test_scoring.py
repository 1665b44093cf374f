"""Council members score on tablets (issue 5): every choice is autosaved, survives a reload,
a dropped connection and a closed tab; two tabs of one member never lose a choice; the
session closes, the council's result shows and the chair concludes."""
import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from ocop_rating.councils import services
from ocop_rating.councils.models import Evaluation, RoundState
from ocop_rating.evaluation import services as sheets
from ocop_rating.evaluation.models import ScoreSheet
from tests.browser.conftest import TABLET, expect_http_error, expect_request_failure, login, new_tab
from tests.conftest import committed
from tests.factories import accepted_dossier, make_council

pytestmark = pytest.mark.browser

SAVED, FAILED = "✓ Đã lưu", "Chưa lưu được"
HIDDEN_SCORES = "Điểm của các thành viên chỉ hiển thị khi phiên chấm điểm đã đóng."


@pytest.fixture()
def scoring(db):
    """An accepted dossier in a round whose scoring session is open; a council of three."""
    council, office, (chair, secretary, member) = make_council(members=3)
    dossier = accepted_dossier()
    round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
    services.move_round(round_, RoundState.open, actor=office)
    evaluation = services.add_to_round(round_, dossier, actor=office)
    services.move_round(round_, RoundState.scoring, actor=office)
    db.session.commit()
    return SimpleNamespace(
        chair=chair, secretary=secretary, member=member, round_id=round_.id,
        evaluation_id=evaluation.id, product=dossier.product.name,
        score_url=f"/councils/evaluations/{evaluation.id}/score",
        save_path=f"/councils/evaluations/{evaluation.id}/score/save")


def item(page, code):
    """The card of one criterion of the sheet."""
    return page.locator(f'.sheet-item[data-code="{code}"]')


def option(page, code, index):
    """Option ``index`` (0-based, in the legal order) of criterion ``code``."""
    return item(page, code).get_by_role("radio").nth(index)


def choose(page, code, index, *, tap=True):
    """Tap an option (click it on a desktop) and wait until the server has confirmed it."""
    radio = option(page, code, index)
    radio.tap() if tap else radio.click()
    expect(option(page, code, index)).to_be_checked()
    expect(item(page, code).locator(".save-state")).to_have_text(SAVED)


def saved_choices(db, scoring, member) -> dict:
    """The member's choices as committed in the database."""
    committed(db)
    sheet = db.session.scalar(db.select(ScoreSheet).filter_by(
        evaluation_id=scoring.evaluation_id, member_id=member.id))
    if sheet is None:
        return {}
    return {e.item_code: e.option_index for e in sheet.entries if e.option_index is not None}


def fill_the_rest(db, scoring, member) -> None:
    """The items the member has not chosen in the browser: the best option, through the
    services (committed)."""
    committed(db)
    sheet = db.session.scalar(db.select(ScoreSheet).filter_by(
        evaluation_id=scoring.evaluation_id, member_id=member.id))
    chosen = {e.item_code for e in sheet.entries if e.option_index is not None}
    definition = sheets.sheet_definition(sheet.evaluation)
    sheets.save_entries(sheet, {i.code: (len(i.options) - 1, None)
                                  for i in definition.items if i.code not in chosen},
                          expected_version=sheet.version, actor=member.user)
    db.session.commit()


def goto_sheet(page, url):
    """Open the scoring page; a member's first visit shows "Bắt đầu chấm" (opening a sheet is
    a POST: no GET creates a record), which this taps to start."""
    page.goto(url)
    start = page.get_by_role("button", name="Bắt đầu chấm")
    if start.count():
        start.click()
        page.wait_for_url(f"**{url}")
    expect(page.locator("#total")).to_be_visible()


def open_sheet_from_my_work(page, scoring):
    """/councils/my → the dossier → "Chấm điểm", as a member finds it."""
    page.goto("/councils/my")
    entry = page.get_by_role("link").filter(has_text=scoring.product)
    expect(entry).to_contain_text("Chưa chấm")
    entry.tap()
    page.wait_for_url(f"**/councils/evaluations/{scoring.evaluation_id}")
    expect(page.get_by_text(HIDDEN_SCORES)).to_be_visible()
    page.get_by_role("link", name="Chấm điểm").tap()
    page.wait_for_url(f"**{scoring.score_url}")
    goto_sheet(page, scoring.score_url)  # started and loaded: the autosave script is running


def panel(page) -> dict:
    """What the side panel shows: part totals, total, projected star, items left."""
    return {name: page.locator(selector).inner_text() for name, selector in [
        ("A", '#projection [data-part="A"]'), ("B", '#projection [data-part="B"]'),
        ("C", '#projection [data-part="C"]'), ("total", "#total"),
        ("star", "#projected-star"), ("missing", "#missing-count")]}


# Each member's choices in the browser (criterion: option index); the rest is the best option.
# chair: -2 -1 -2 -2 → 93; secretary: -1 -1 -2 -2 → 94; member: -1 -1 -1 -1 → 96.
CHOICES = {
    "chair": {"1.1": 0, "1.2": 1, "4.1": 2, "5.1": 3},
    "secretary": {"1.1": 1, "2.2": 2, "4.3": 3, "8": 2},
    "member": {"1.3": 1, "1.5": 2, "6.2": 3, "12": 1},
}
TOTALS = {"chair": "93,0", "secretary": "94,0", "member": "96,0"}


def test_three_members_score_on_tablets_and_the_chair_concludes(new_page, db, scoring):
    pages = {}
    for role in ("chair", "secretary", "member"):
        page = pages[role] = new_page(viewport=TABLET, has_touch=True)
        login(page, getattr(scoring, role).user)
        open_sheet_from_my_work(page, scoring)
        expect(page.locator("#total")).to_have_text("0,0")
        expect(page.locator("#missing-count")).to_have_text("32")

    loads = []
    for role, page in pages.items():
        page.on("load", lambda _page: loads.append(1))
        for code, index in CHOICES[role].items():
            choose(page, code, index)
    chair = pages["chair"]  # 1 + 1 + 3 + 3
    expect(chair.locator("#total")).to_have_text("8,0")
    expect(chair.locator('#projection [data-part="A"]')).to_have_text("2,0")
    expect(chair.locator('#projection [data-part="B"]')).to_have_text("6,0")
    expect(chair.locator("#projected-star")).to_have_text("★☆☆☆☆ 1 sao — không được công nhận")
    expect(chair.locator("#summary-star")).to_have_text("★☆☆☆☆ 1 sao — không được công nhận")
    expect(chair.locator("#missing-count")).to_have_text("28")
    assert loads == []  # saved without reloading

    # The secretary reloads in the middle of the sheet: every choice and total is still there.
    secretary = pages["secretary"]
    expect(secretary.locator("#total")).to_have_text("10,0")
    before = panel(secretary)
    secretary.reload()
    for code, index in CHOICES["secretary"].items():
        expect(option(secretary, code, index)).to_be_checked()
    expect(secretary.locator("#total")).to_have_text("10,0")
    assert panel(secretary) == before
    for role in pages:
        assert saved_choices(db, scoring, getattr(scoring, role)) == CHOICES[role]

    # The rest of each sheet through the services, then each member submits in the browser.
    dialogs = []
    for role, page in pages.items():
        fill_the_rest(db, scoring, getattr(scoring, role))
        page.reload()
        expect(page.locator("#missing-count")).to_have_text("0")
        expect(page.locator("#total")).to_have_text(TOTALS[role])
        for code, index in CHOICES[role].items():
            expect(option(page, code, index)).to_be_checked()
        page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
        page.get_by_role("button", name="Nộp phiếu").tap()
        page.wait_for_url("**/councils/my")
        expect(page.get_by_role("alert")).to_contain_text("Đã nộp phiếu chấm.")
        expect(page.get_by_role("link").filter(has_text=scoring.product)).to_contain_text(
            "Đã nộp")
    assert dialogs == ["Nộp phiếu? Sau khi nộp chỉ chủ tịch hội đồng mở lại được."] * 3

    # Before the session closes, nobody sees the others' totals.
    for role in ("member", "chair"):
        page = pages[role]
        page.goto(f"/councils/evaluations/{scoring.evaluation_id}")
        expect(page.get_by_text(HIDDEN_SCORES)).to_be_visible()
        expect(page.get_by_role("heading", name="Kết quả của hội đồng")).to_have_count(0)
        expect(page.get_by_role("main")).not_to_contain_text("94,33")
        expect(page.get_by_role("main")).not_to_contain_text("93,0")

    # The chair closes the session from the round page …
    chair.get_by_role("link", name=re.compile(r"^← Đợt 1 năm 2026")).tap()
    chair.wait_for_url(f"**/councils/rounds/{scoring.round_id}")
    expect(chair.get_by_role("row").filter(has_text=scoring.product)).to_contain_text("3/3")
    chair.get_by_role("button", name="Đóng phiên chấm điểm").tap()
    expect(chair.get_by_role("alert")).to_contain_text("Đợt đánh giá: Đã đóng phiên chấm.")
    expect(chair.locator("#round-state")).to_have_text("Đã đóng phiên chấm")

    # … the council's result shows: the mean of 93, 94 and 96, five stars …
    chair.get_by_role("link", name=scoring.product).tap()
    chair.wait_for_url(f"**/councils/evaluations/{scoring.evaluation_id}")
    result = chair.locator("#result")
    expect(result.get_by_role("heading", name="Kết quả của hội đồng")).to_be_visible()
    expect(chair.locator("#mean-total")).to_have_text("94,33")
    # The sheets on their own give 3★ (the chair misses 4★ minimums), 5★ and 4★: the band is
    # 5★, but only one sheet of three meets the 5★ minimums, two meet the 4★ ones
    # (minimum rule "sheet_majority", docs/decisions.md), so the council gives 4★.
    expect(result.locator(".star").first).to_have_text("★★★★☆")
    expect(result.locator(".star").first).to_have_attribute("aria-label", "4 sao")
    expect(result).to_contain_text("Số thành viên chấm: 3/3")
    for role, total in TOTALS.items():
        expect(result.get_by_role("row").filter(
            has_text=getattr(scoring, role).user.full_name)).to_contain_text(total)
    expect(chair.get_by_text(HIDDEN_SCORES)).to_have_count(0)

    # … and the chair concludes.
    chair.get_by_label("Kết luận, đề xuất của hội đồng").fill(
        "Đề nghị công nhận 4 sao.")
    chair.get_by_role("button", name="Kết luận hồ sơ").tap()
    expect(chair.get_by_role("alert").filter(has_text="Đã kết luận hồ sơ; kết quả đã được niêm phong.")).to_be_visible()
    expect(result.locator(".alert-success")).to_have_text(
        "Kết luận: Đề nghị công nhận 4 sao.")

    committed(db)
    evaluation = db.session.get(Evaluation, scoring.evaluation_id)
    assert (str(evaluation.mean_total), evaluation.star) == ("94.33", 4)


def test_a_choice_made_offline_is_sent_when_the_network_comes_back(new_page, db, scoring):
    member = scoring.member
    page = new_page(viewport=TABLET, has_touch=True)
    context = page.context
    login(page, member.user)
    goto_sheet(page, scoring.score_url)
    expect_request_failure(page, scoring.save_path)  # the saves sent while offline
    expect_request_failure(page, "/static/favicon.svg")  # Chromium may fetch it late

    # Offline: the choice stays on the page and the card says it is not saved yet …
    context.set_offline(True)
    option(page, "1.1", 1).tap()
    state = item(page, "1.1").locator(".save-state")
    expect(state).to_have_text(FAILED)
    expect(state).to_have_class(re.compile(r"\btext-danger\b"))
    assert saved_choices(db, scoring, member) == {}

    # … and is sent by itself when the network is back: on the "online" event, well before
    # the script's 10-second retry timer could do it.
    with page.expect_response(f"**{scoring.save_path}", timeout=5_000) as resent:
        context.set_offline(False)
    assert resent.value.ok
    expect(state).to_have_text(SAVED)
    expect(page.locator("#total")).to_have_text("2,0")
    assert saved_choices(db, scoring, member) == {"1.1": 1}

    # A change made offline in a tab that is then closed is kept by the browser …
    context.set_offline(True)
    option(page, "1.2", 2).tap()
    expect(item(page, "1.2").locator(".save-state")).to_have_text(FAILED)
    page.close()
    context.set_offline(False)
    assert saved_choices(db, scoring, member) == {"1.1": 1}

    # … re-applied and sent when the sheet is opened again.
    again = new_tab(page)
    with again.expect_response(f"**{scoring.save_path}") as resent:
        goto_sheet(again, scoring.score_url)
    assert resent.value.ok
    expect(option(again, "1.2", 2)).to_be_checked()
    expect(option(again, "1.1", 1)).to_be_checked()
    expect(item(again, "1.2").locator(".save-state")).to_have_text(SAVED)
    expect(again.locator("#total")).to_have_text("4,0")
    assert saved_choices(db, scoring, member) == {"1.1": 1, "1.2": 2}
    assert again.evaluate("Object.keys(localStorage).length") == 0  # nothing left pending


def test_a_stale_second_tab_still_saves_and_shows_the_other_tabs_choice(page, db, scoring):
    member = scoring.secretary
    login(page, member.user)
    goto_sheet(page, scoring.score_url)
    second = new_tab(page)
    goto_sheet(second, scoring.score_url)
    expect_http_error(second, 409, scoring.save_path)  # its first try carries an old version
    statuses = []
    second.on("response", lambda r: r.url.endswith(scoring.save_path)
              and statuses.append(r.status))

    choose(page, "1.1", 0, tap=False)  # the first tab: option A of 1.1
    expect(option(second, "1.1", 0)).not_to_be_checked()  # the second tab does not know yet

    option(second, "1.2", 2).click()  # the second tab: option B of 1.2
    expect(item(second, "1.2").locator(".save-state")).to_have_text(SAVED)
    assert statuses == [409, 200]  # refused once as stale, then sent again on the new version
    expect(option(second, "1.1", 0)).to_be_checked()  # the server's 1.1, shown in this tab
    expect(option(second, "1.2", 2)).to_be_checked()
    expect(second.locator("#total")).to_have_text("3,0")  # 1 + 2
    assert saved_choices(db, scoring, member) == {"1.1": 0, "1.2": 2}
