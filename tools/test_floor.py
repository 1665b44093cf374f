"""Fail a CI run in which fewer tests ran than the suite holds.

``python tools/test_floor.py REPORT.xml`` reads pytest's JUnit XML report and compares the
number of tests that actually ran (collected minus skipped) with the floor kept in
``.ci/test-floor``. A run that lost tests quietly (an inherited ``-m``, a ``-k``, a module that
no longer collects) fails here even though every test that did run passed. Raise the floor
when the suite grows: ``python tools/test_floor.py REPORT.xml --raise``. ``--floor N`` checks a
report against N instead (the e2e journey: ``--floor 1``)."""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

FLOOR = Path(__file__).resolve().parent.parent / ".ci" / "test-floor"


def ran(report: Path) -> int:
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    return sum(int(s.get("tests", 0)) - int(s.get("skipped", 0)) for s in suites)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    count = ran(Path(argv[0]))
    if "--floor" in argv[1:]:
        floor = int(argv[argv.index("--floor") + 1])
        if count < floor:
            print(f"FAIL: {count} tests ran, fewer than {floor}.")
            return 1
        print(f"test floor: {count} tests ran (floor {floor})")
        return 0
    floor = int(FLOOR.read_text().split()[0])
    if "--raise" in argv[1:]:
        if count > floor:
            FLOOR.write_text(f"{count}\n")
            print(f"test floor raised from {floor} to {count}")
        return 0
    if count < floor:
        print(f"FAIL: {count} tests ran, fewer than the floor of {floor} (.ci/test-floor). "
              "Were tests deselected (PYTEST_ADDOPTS, -m, -k) or did a module stop collecting?")
        return 1
    print(f"test floor: {count} tests ran (floor {floor})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
