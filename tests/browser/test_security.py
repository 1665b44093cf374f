"""In a real browser: the Content-Security-Policy (no 'unsafe-inline') is enforced and the
main pages break none of it; the confirm dialogs that were inline handlers still work; the
scoring sheet keeps a change the busy server could not save and sends it again."""
import re
import sqlite3

import pytest
from playwright.sync_api import expect

from ocop_rating.evaluation import views as evaluation_views
from tests.browser.conftest import _WATCH_OF, expect_http_error, login
from tests.browser.test_scoring import (  # noqa: F401  (scoring is a fixture)
    FAILED,
    SAVED,
    goto_sheet,
    item,
    option,
    saved_choices,
    scoring,
)
from tests.factories import issued_certificate

pytestmark = pytest.mark.browser

# Every violation is reported to the page as an event, whatever the console shows.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


def violations(page):
    return page.evaluate("window.__csp")


def test_main_pages_load_with_no_csp_violation(page, db):
    certificate, office = issued_certificate(star=4)
    page.add_init_script(WATCH_CSP)
    login(page, office)
    for url in ("/", "/certificates/", f"/certificates/{certificate.id}",
                "/registry", f"/verify/{certificate.token}"):
        response = page.goto(url)
        assert response.ok, url
        page.wait_for_load_state("networkidle")
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert violations(page) == [], url
    # Bootstrap's script ran under the policy: the user menu opens.
    page.goto("/")
    page.get_by_role("button", name=re.compile(office.full_name)).click()
    expect(page.get_by_role("link", name="Đổi mật khẩu")).to_be_visible()
    assert violations(page) == []


def test_the_policy_is_enforced(page, db):
    """The check above could not fail if no policy applied: an inline script is refused."""
    page.add_init_script(WATCH_CSP)
    page.goto("/registry")
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.__ran = true"; document.body.append(s);
                             document.body.setAttribute("style", "color: red"); }""")
    page.wait_for_function("window.__csp.length >= 2")
    assert page.evaluate("window.__ran === undefined")
    assert {v.split()[0] for v in violations(page)} >= {"script-src-elem", "style-src-attr"}
    # Chromium logs them as console errors too; the page watch would fail this test on them.
    problems = _WATCH_OF[page.context].take_problems()
    assert problems and all("Content Security Policy" in p for p in problems), problems


def test_confirm_dialog_without_inline_handler(page, db, scoring):  # noqa: F811
    member = scoring.member
    page.add_init_script(WATCH_CSP)
    login(page, member.user)
    goto_sheet(page, scoring.score_url)
    messages = []
    page.once("dialog", lambda d: (messages.append(d.message), d.dismiss()))
    page.get_by_role("button", name="Nộp phiếu").click()
    assert messages == ["Nộp phiếu? Sau khi nộp chỉ chủ tịch hội đồng mở lại được."]
    expect(page).to_have_url(re.compile(re.escape(scoring.score_url) + "$"))
    assert violations(page) == []


def test_a_change_the_busy_server_refused_is_kept_and_resent(page, db, scoring,  # noqa: F811
                                                            monkeypatch):
    member = scoring.member
    login(page, member.user)
    goto_sheet(page, scoring.score_url)
    real = evaluation_views.begin_write
    busy = {"left": 1}

    def locked_once():
        if busy["left"]:
            busy["left"] -= 1
            raise sqlite3.OperationalError("database is locked")
        real()

    monkeypatch.setattr(evaluation_views, "begin_write", locked_once)
    expect_http_error(page, 503, scoring.save_path)
    statuses = []
    page.on("response", lambda r: r.url.endswith(scoring.save_path)
            and statuses.append((r.status, r.headers.get("retry-after"))))
    option(page, "1.1", 1).click()
    state = item(page, "1.1").locator(".save-state")
    expect(state).to_have_text(FAILED)
    assert page.evaluate("Object.keys(localStorage).length") == 1  # still pending
    # … and sent again by itself after the Retry-After delay, well before the 10 s timer.
    expect(state).to_have_text(SAVED, timeout=6_000)
    assert statuses[0] == (503, "2") and statuses[-1][0] == 200
    assert saved_choices(db, scoring, member) == {"1.1": 1}
    assert page.evaluate("Object.keys(localStorage).length") == 0
