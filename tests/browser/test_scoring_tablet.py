"""Scoring on a tablet and a phone (issue 14, point 3): the summary — total, projected star,
items left, unmet minimums — stays in view while the member scores the last criterion, is
updated when an option is chosen with the keyboard alone, lists each minimum once, and says
"không được công nhận" below 3 stars and when a knock-out is ticked."""
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ocop_rating.councils.models import Evaluation
from ocop_rating.evaluation import services as sheets
from tests.browser.conftest import TABLET, login
from tests.browser.test_scoring import SAVED, goto_sheet, item, scoring  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
VIEWPORTS = [pytest.param(TABLET, id="tablet-820"), pytest.param(PHONE, id="phone-390")]


def in_viewport(page, selector: str) -> bool:
    """The element's whole box is inside the visible viewport."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return box is not None and box["width"] > 0 and box["y"] >= 0 and box["x"] >= 0 \
        and box["y"] + box["height"] <= size["height"] and box["x"] + box["width"] <= size["width"]


def points_text(value) -> str:
    return f"{Decimal(value):.1f}".replace(".", ",")


def definition(db, scoring):  # noqa: F811
    return sheets.sheet_definition(db.session.get(Evaluation, scoring.evaluation_id))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_summary_stays_in_view_and_follows_keyboard_choices(new_page, db, scoring, viewport):  # noqa: F811
    page = new_page(viewport=viewport, has_touch=True)
    login(page, scoring.member.user)
    goto_sheet(page, scoring.score_url)
    items = definition(db, scoring).items
    last, before_last = items[-1], items[-2]
    expect(page.locator("#summary-total")).to_have_text("0,0")
    expect(page.locator("#summary-missing")).to_have_text(str(len(items)))

    # Scroll to the last criterion: the summary is still on screen.
    item(page, last.code).scroll_into_view_if_needed()
    page.wait_for_timeout(100)
    assert page.evaluate("window.scrollY") > 2000  # the sheet is long; we really scrolled
    for selector in ("#score-summary", "#summary-total", "#summary-star", "#summary-missing"):
        assert in_viewport(page, selector), selector

    # Keyboard only: Tab from the previous comment into the last radio group, Space, arrow.
    item(page, before_last.code).locator("textarea").focus()
    page.keyboard.press("Tab")
    first = item(page, last.code).get_by_role("radio").nth(0)
    expect(first).to_be_focused()
    outline = first.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline not in ("", "none")  # the keyboard focus is visible
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    expect(item(page, last.code).locator(".save-state")).to_have_text(SAVED)
    expect(page.locator("#summary-total")).to_have_text(points_text(last.options[0].points))
    expect(page.locator("#summary-missing")).to_have_text(str(len(items) - 1))
    page.keyboard.press("ArrowDown")
    second = item(page, last.code).get_by_role("radio").nth(1)
    expect(second).to_be_checked()
    expect(second).to_be_focused()
    expect(page.locator("#summary-total")).to_have_text(points_text(last.options[1].points))
    expect(page.locator("#summary-total")).to_have_text(page.locator("#total").inner_text())
    # A low total: the projection says in words that it is not recognised.
    expect(page.locator("#summary-star")).to_contain_text("sao — không được công nhận")
    star = page.locator("#summary-star .star")
    expect(star).to_have_attribute("role", "img")
    expect(star).to_have_attribute("aria-label", "1 sao")
    for selector in ("#score-summary", "#summary-total", "#summary-star"):
        assert in_viewport(page, selector), selector


def test_each_unmet_minimum_is_listed_once_and_knockouts_read_plainly(tablet_page, db, scoring):  # noqa: F811
    page = tablet_page
    login(page, scoring.member.user)
    goto_sheet(page, scoring.score_url)
    codes = page.locator("#summary-unmet-items a").all_inner_texts()
    codes = [c.split()[0] for c in codes]
    assert codes and len(codes) == len(set(codes))
    panel = [li.split()[0] for li in page.locator("#holding-back li").all_inner_texts()]
    assert sorted(panel) == sorted(codes)
    # A criterion below the 3★, 4★ and 5★ minimums at once is still listed once.
    multi = next(i for i in definition(db, scoring).items_with_minimums
                 if {3, 4} <= set(i.minimum_stars) and not i.is_case_choice
                 and i.minimum_index(3, None) >= 1)  # option 0 is below both
    item(page, multi.code).get_by_role("radio").nth(0).check()
    expect(item(page, multi.code).locator(".save-state")).to_have_text(SAVED)
    panel = [li.split()[0] for li in page.locator("#holding-back li").all_inner_texts()]
    assert panel.count(multi.code) == 1
    expect(page.locator("#holding-back li").filter(
        has=page.locator(f'a[href="#item-{multi.code}"]'))).to_contain_text("(3★, 4★")
    codes = [c.split()[0] for c in page.locator("#summary-unmet-items a").all_inner_texts()]
    assert codes.count(multi.code) == 1 and len(codes) == len(set(codes))

    # Knock-outs: a plain heading, sentence-case labels; ticking one says "not recognised".
    box = page.locator("#knockouts")
    expect(box.locator("legend")).to_have_text("Các trường hợp bị loại")
    labels = box.locator("label").all_inner_texts()
    assert labels and all(label[0].isupper() for label in labels), labels
    assert "Loại hồ sơ:" not in page.content()
    ticked = box.get_by_role("checkbox").first
    ticked.focus()
    page.keyboard.press("Space")
    expect(ticked).to_be_checked()
    expect(page.locator("#summary-star")).to_have_text("Không được công nhận")
    assert in_viewport(page, "#summary-star")


def test_star_minimum_badges_have_a_text_alternative(tablet_page, db, scoring):  # noqa: F811
    page = tablet_page
    login(page, scoring.member.user)
    goto_sheet(page, scoring.score_url)
    badge = page.locator(".sheet-item .badge.text-bg-warning").first
    expect(badge.locator(".visually-hidden")).to_have_text(
        re.compile(r"^mức tối thiểu [345] sao$"))
    expect(badge.locator("[aria-hidden=true]")).to_have_text(re.compile("^★+$"))
    # no inline script or style on the page (CSP without unsafe-inline)
    assert page.locator("[style]").count() == 0
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("[onsubmit], [onclick]").count() == 0
