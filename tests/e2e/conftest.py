"""The end-to-end journey uses the browser tests' machinery: the live server in a thread, one
Chromium, watched pages (tests/browser/conftest.py)."""
from tests.browser.conftest import (  # noqa: F401 (fixtures and hooks re-used here)
    _live_server,
    browser,
    live_server,
    new_page,
    page,
    pytest_runtest_call,
    pytest_runtest_makereport,
    tablet_page,
)
