"""Pure rendering: no app, no database. The PDFs are read back with poppler-utils, which must
be installed (`make system-deps`): a missing tool fails the tests, it never skips them."""
from __future__ import annotations

import shutil

import pytest

TOOLS = ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo")


@pytest.fixture(autouse=True, scope="session")
def _pdf_tools():
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.fail(f"missing system tools {missing}; run `make system-deps`")
