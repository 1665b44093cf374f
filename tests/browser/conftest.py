"""Browser tests: Debian's Chromium driven by Playwright (sync API) against the app served
over real HTTP by a werkzeug server in a background thread.

Fixtures: ``live_server`` (base URL, one server per worker), ``browser`` (one Chromium per
worker), ``page`` (desktop, 1280x800), ``tablet_page`` (820x1180, touch) and ``new_page``
(a factory for more pages, e.g. a second person logged in at the same time). Every page is
watched: an uncaught JavaScript error, a ``console.error``, an HTTP 4xx/5xx the test did not
declare with ``expect_http_error`` (a failed request: ``expect_request_failure``, e.g. while
offline) or a request leaving 127.0.0.1 fails the test. ``new_tab(page)`` opens a second tab in
the same context (same cookies and localStorage). A failing test leaves a screenshot and the
page's HTML in ``build/browser-failures/``.

The server answers each request in its own application context, like a separate process: it
sees only committed data. Tests commit what they create; after each test the pages are
closed and the server is waited on until idle, then ``ctx`` empties the tables.
"""
from __future__ import annotations

import os
import re
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from ocop_rating.db import db as _db
from tests.factories import DEFAULT_PASSWORD

CHROMIUM = os.environ.get("OCOP_TEST_CHROMIUM", "/usr/bin/chromium")
# Headless as root on a closed network: no sandbox, and nothing that phones home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 820, "height": 1180}  # council members score on tablets
ACTION_TIMEOUT_MS = 10_000
IDLE_TIMEOUT_S = 15
FAILURES_DIR = Path(__file__).resolve().parents[2] / "build" / "browser-failures"

expect.set_options(timeout=5_000)


# --- the live server -----------------------------------------------------------------------

class _Handler(WSGIRequestHandler):
    """Counts requests in progress (so teardown can wait for quiet) and keeps the log short."""

    def run_wsgi(self) -> None:
        self.server.live.begin()
        try:
            super().run_wsgi()
        finally:
            self.server.live.end()

    def log_request(self, code="-", size="-") -> None:  # errors are still logged
        pass


class LiveServer:
    """The app on 127.0.0.1 and a free port, one thread per request."""

    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Handler)
        self._server.live = self
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._busy = 0
        self._idle = threading.Condition()
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server",
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    def begin(self) -> None:
        with self._idle:
            self._busy += 1

    def end(self) -> None:
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = IDLE_TIMEOUT_S) -> None:
        """Block until no request is being served: a request still running when the tables
        are emptied would hold connections and locks (or write into the next test)."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._busy == 0, timeout):
                raise RuntimeError(
                    f"the live server is still serving {self._busy} request(s) after "
                    f"{timeout}s; is one waiting for a lock held by the test's uncommitted "
                    "transaction?")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture(scope="session")
def _live_server(app):
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_server(_live_server) -> str:
    """Base URL of the app served over real HTTP (one server per xdist worker)."""
    return _live_server.url


# --- the browser ---------------------------------------------------------------------------

_SHARED: dict = {}  # the one Playwright of the process (tests/e2e re-uses these fixtures)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per worker; each test gets fresh contexts (cookies, storage).
    A second instance of this fixture (tests/e2e's conftest imports it) re-uses the running
    one: Playwright's sync API cannot be started twice in one process."""
    if "browser" in _SHARED:
        yield _SHARED["browser"]
        return
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        _SHARED["browser"] = chromium
        try:
            yield chromium
        finally:
            _SHARED.pop("browser", None)
            chromium.close()


@dataclass
class PageWatch:
    """What went wrong on a page that the test did not ask for."""

    origin: str
    js_errors: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    expected: list[tuple[int, str]] = field(default_factory=list)
    expected_failures: list[tuple[str, str]] = field(default_factory=list)

    def on_console(self, message) -> None:
        # Chromium also logs every 4xx/5xx as "Failed to load resource"; responses are judged
        # by on_response (which knows what the test expects), so those lines are skipped.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            where = message.location.get("url")
            self.js_errors.append(f"console.error: {message.text}"
                                  + (f" ({where})" if where else ""))

    def on_page_error(self, error) -> None:
        self.js_errors.append(f"uncaught: {error.stack or error.message}")

    def on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and \
                f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(f"{request.method} {request.url}")

    def on_response(self, response) -> None:
        if response.status < 400:
            return
        path = urlsplit(response.url).path
        if (response.status, path) not in self.expected:
            self.http_errors.append(
                f"{response.status} {response.request.method} {response.url}")

    def on_request_failed(self, request) -> None:
        # ERR_ABORTED: a navigation (a click on a link or a submit) cancelled a pending load.
        if request.failure != "net::ERR_ABORTED" and \
                (request.failure, urlsplit(request.url).path) not in self.expected_failures:
            self.http_errors.append(f"{request.failure} {request.method} {request.url}")

    def take_problems(self) -> list[str]:
        """The problems seen since the last call (each is reported once)."""
        problems = ([f"JavaScript error: {e}" for e in self.js_errors]
                    + [f"unexpected HTTP error: {e}" for e in self.http_errors]
                    + [f"request left the app: {e}" for e in self.foreign_requests])
        self.js_errors.clear(), self.http_errors.clear(), self.foreign_requests.clear()
        return problems


_WATCHES = pytest.StashKey[list]()
_REPORTS = pytest.StashKey[dict]()
_WATCH_OF: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # browser context -> watch
_PAGES_OF: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # context -> test's pages


def expect_http_error(page: Page, status: int, path: str) -> None:
    """Declare that a response ``status`` for ``path`` (query string ignored) is part of the
    test, e.g. the 422 of a form sent back with errors, so the page watch lets it pass."""
    _WATCH_OF[page.context].expected.append((status, path))


def expect_request_failure(page: Page, path: str,
                           failure: str = "net::ERR_INTERNET_DISCONNECTED") -> None:
    """Declare that a request for ``path`` failing with ``failure`` is part of the test, e.g.
    a save sent while the test has taken the browser offline (``context.set_offline``)."""
    _WATCH_OF[page.context].expected_failures.append((failure, path))


def new_tab(page: Page) -> Page:
    """Another tab in ``page``'s browser context (same cookies and localStorage: the same
    person in a second tab), watched and kept on failure like the test's other pages."""
    context = page.context
    tab = context.new_page()
    _PAGES_OF[context].append((tab, _WATCH_OF[context]))
    return tab


def _flush_events(page: Page) -> None:
    """A round trip to the page delivers every event the browser sent before it (bounded:
    a page stuck on a dialog or a hung request must not hang the run)."""
    if not page.is_closed():
        try:
            page.wait_for_function("true", timeout=2_000)
        except PlaywrightError:
            pass  # crashed or stuck: what was delivered is checked anyway


def _problems(watches) -> list[str]:
    problems = []
    for page, watch in watches:
        _flush_events(page)
        problems += watch.take_problems()
    return problems


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test itself (not its teardown) when a watched page saw a problem."""
    result = yield
    problems = _problems(item.stash.get(_WATCHES, []))
    if problems:
        pytest.fail("browser problems:\n  " + "\n  ".join(problems), pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _save_failure(page: Page, name: str) -> None:
    FAILURES_DIR.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(FAILURES_DIR / f"{name}.png"), full_page=True, timeout=5_000)
        html = page.locator("html").evaluate("html => html.outerHTML", timeout=2_000)
        (FAILURES_DIR / f"{name}.html").write_text(html, encoding="utf-8")
    except PlaywrightError:
        pass  # a closed, crashed or stuck page has nothing (more) to show


@pytest.fixture()
def new_page(browser, live_server, _live_server, ctx, request):
    """Factory of watched pages, each in a fresh browser context (its own cookies)."""
    if request.node.get_closest_marker("browser") is None:
        pytest.fail("browser tests must be marked with pytest.mark.browser", pytrace=False)
    contexts = []
    watches = request.node.stash.setdefault(_WATCHES, [])

    def make(*, viewport: dict = DESKTOP, has_touch: bool = False, **options) -> Page:
        options = {"locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh", **options}
        context = browser.new_context(base_url=live_server, viewport=viewport,
                                      has_touch=has_touch, **options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        watch = PageWatch(origin=live_server)
        _WATCH_OF[context] = watch
        _PAGES_OF[context] = watches
        context.on("console", watch.on_console)
        context.on("weberror", lambda web_error: watch.on_page_error(web_error.error))
        context.on("request", watch.on_request)
        context.on("response", watch.on_response)
        context.on("requestfailed", watch.on_request_failed)
        contexts.append(context)
        page = context.new_page()
        watches.append((page, watch))
        return page

    yield make

    # First release whatever the test's own session holds: a server request blocked on one
    # of its locks (PostgreSQL) would otherwise keep the browser, and so teardown, waiting.
    _db.session.rollback()
    reports = request.node.stash.get(_REPORTS, {})
    failed = any(r.failed for r in reports.values())
    late = _problems(watches)  # what happened after the check at the end of the test
    if failed or late:
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for i, (page, _watch_) in enumerate(watches):
            _save_failure(page, name if i == 0 else f"{name}-{i + 1}")
    for context in contexts:
        context.close()
    # Only then may ctx empty the tables: a request still running would hold connections
    # and locks, or write into the next test.
    _live_server.wait_idle()
    if late and not failed:
        pytest.fail("browser problems after the test:\n  " + "\n  ".join(late), pytrace=False)


@pytest.fixture()
def page(new_page) -> Page:
    """A desktop page (1280x800, Vietnamese locale)."""
    return new_page()


@pytest.fixture()
def tablet_page(new_page) -> Page:
    """A tablet page (820x1180 portrait, touch), as council members use."""
    return new_page(viewport=TABLET, has_touch=True)


# --- helpers -------------------------------------------------------------------------------

def login(page: Page, user, password: str = DEFAULT_PASSWORD) -> None:
    """Log ``user`` in through the real form (Vietnamese) and wait until the dashboard has
    finished loading, scripts included (the menus need Bootstrap's)."""
    _db.session.commit()  # the server sees only what is committed
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name=f"Xin chào, {user.full_name}")).to_be_visible()
    page.wait_for_load_state()

