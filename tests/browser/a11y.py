"""axe-core (axe-playwright-python, which ships axe.min.js: nothing is fetched) run on a page
as it is shown: serious and critical violations fail the test with what and where."""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()
BLOCKING = ("serious", "critical")


def violations(page, *, impacts=BLOCKING) -> list[str]:
    """Each blocking violation on ``page`` as "rule (impact): help — targets"."""
    results = _AXE.run(page, options={"resultTypes": ["violations"]})
    found = []
    for v in results.response["violations"]:
        if v.get("impact") in impacts:
            targets = ", ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:5])
            why = (v["nodes"][0].get("failureSummary") or "").replace("\n", " ")[:300]
            targets = f"{targets} [{why}]" if why else targets
            found.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return found


def assert_accessible(page, name: str = "") -> None:
    found = violations(page)
    assert not found, f"axe on {name or page.url}:\n  " + "\n  ".join(found)
