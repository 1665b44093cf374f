"""The top menu at 1366x768, for every role: one line, every entry reachable through its
group's dropdown, and the dropdowns operable by keyboard."""
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from ocop_rating import nav
from ocop_rating.accounts.roles import Role
from tests.browser.conftest import login
from tests.factories import make_producer, make_user

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
LONG_NAME = "Nguyễn Thị Phương Thảo Quỳnh"


def _user(role):
    if role == Role.producer:
        return make_producer(full_name=LONG_NAME)[1]
    return make_user(role, full_name=LONG_NAME)


def _assert_one_line(page):
    # Measured once the style sheets are in: before that the page lays out unstyled.
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    overflow = page.evaluate("""() => {
        const menu = document.querySelector('#nav');
        return [menu.scrollWidth - menu.clientWidth,
                document.documentElement.scrollWidth - window.innerWidth];
    }""")
    assert overflow == [0, 0], f"the menu runs off the screen by {overflow} px"
    bar = page.locator("nav.navbar").bounding_box()
    entries = page.locator("nav.navbar .top-menu > li")
    boxes = [entries.nth(i).bounding_box() for i in range(entries.count())]
    assert boxes, "the top menu is empty"
    tops = {round(b["y"]) for b in boxes}
    assert max(tops) - min(tops) <= 2, f"menu entries on several lines: {sorted(tops)}"
    user_menu = page.locator("nav.navbar .user-menu").bounding_box()
    assert abs(user_menu["y"] + user_menu["height"] / 2
               - (boxes[0]["y"] + boxes[0]["height"] / 2)) <= 8, "the user menu wrapped"
    one_line = max(b["height"] for b in boxes)
    assert bar["height"] < 2 * one_line, f"the navbar is {bar['height']}px high"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_the_menu_keeps_to_one_line_and_reaches_every_entry(new_page, db, app, role):
    user = _user(role)
    with app.test_request_context():
        items = nav.visible_items(user)
        expected = {str(item.label): item for item in items}
        menu = nav.menu(user)
    page = new_page(viewport=LAPTOP)
    login(page, user)
    _assert_one_line(page)

    navigation = page.get_by_role("navigation")
    assert navigation.locator("a.nav-link, a.dropdown-item").count() >= len(items)
    for entry in menu:
        for item in entry.items:
            label = str(expected[str(item.label)].label)
            if entry.is_group:
                button = navigation.get_by_role("button", name=str(entry.label), exact=True)
                button.click()
                expect(button).to_have_attribute("aria-expanded", "true")
            link = navigation.get_by_role("link", name=label, exact=True)
            expect(link).to_be_visible()
            href = link.get_attribute("href")
            link.click()
            page.wait_for_load_state()
            if urlsplit(page.url).path != href:  # a shortcut that redirects (to one's own page)
                _assert_one_line(page)
                continue
            expect(navigation.locator("[aria-current=page]")).to_have_text(label)
            if entry.is_group:  # the group shows where one is
                expect(navigation.get_by_role("button", name=str(entry.label), exact=True)
                       ).to_have_class("nav-link dropdown-toggle active")
            _assert_one_line(page)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_the_english_menu_keeps_to_one_line_too(new_page, db, role):
    page = new_page(viewport=LAPTOP)
    login(page, _user(role))
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _assert_one_line(page)
    if role in (Role.admin, Role.ministry, Role.province):
        expect(page.get_by_role("navigation").get_by_role("button", name="Admin", exact=True)
               ).to_be_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    _assert_one_line(page)


def test_a_group_opens_moves_and_closes_by_keyboard(new_page, db):
    page = new_page(viewport=LAPTOP)
    login(page, make_user(Role.province))
    button = page.get_by_role("navigation").get_by_role("button", name="Công nhận", exact=True)
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    first = page.locator("#nav-menu-recognition a").first
    expect(first).to_be_focused()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(first).to_be_hidden()
    expect(button).to_be_focused()
    button.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("navigation").locator("[aria-current=page]")).to_have_text(
        "Giấy chứng nhận")
