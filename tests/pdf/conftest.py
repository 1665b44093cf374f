"""The PDF tests are pure rendering: no app, no database. They read the PDFs back with
poppler-utils and zbar, which must be installed (`make system-deps`)."""
from __future__ import annotations

import pytest

from .helpers import require_tools


@pytest.fixture(autouse=True, scope="session")
def _pdf_tools():
    require_tools()
