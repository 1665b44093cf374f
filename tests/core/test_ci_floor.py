"""CI cannot skip quietly: .ci/run clears the inherited pytest options and tools/test_floor.py
fails a run in which fewer tests ran than the floor kept in the repository."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "test_floor.py"


def _report(path: Path, tests: int, skipped: int) -> Path:
    path.write_text(f'<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="{tests}" '
                    f'skipped="{skipped}" failures="0" errors="0"/></testsuites>')
    return path


def _run(report: Path):
    return subprocess.run([sys.executable, str(TOOL), str(report)], capture_output=True,
                          text=True, check=False)


def test_a_run_below_the_floor_fails_and_one_at_the_floor_passes(tmp_path):
    floor = int((ROOT / ".ci" / "test-floor").read_text().split()[0])
    short = _run(_report(tmp_path / "short.xml", floor, skipped=1))
    assert short.returncode == 1 and "fewer than the floor" in short.stdout
    full = _run(_report(tmp_path / "full.xml", floor + 3, skipped=3))
    assert full.returncode == 0, full.stdout


def test_ci_clears_inherited_pytest_options_and_checks_the_floor():
    script = (ROOT / ".ci" / "run").read_text()
    assert "unset PYTEST_ADDOPTS PYTEST_ARGS" in script
    assert script.count("tools/test_floor.py") >= 1
    assert script.index("unset PYTEST_ADDOPTS") < script.index("run_suite sqlite")
