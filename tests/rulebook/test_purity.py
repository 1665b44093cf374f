"""The rulebook package is pure Python: no Flask, no SQLAlchemy, click only in the CLI."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import ocop_rating.rulebook as package

PACKAGE_DIR = Path(package.__file__).resolve().parent
FORBIDDEN = ("flask", "flask_", "sqlalchemy", "werkzeug", "wtforms")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_web_or_database_imports():
    for path in PACKAGE_DIR.glob("*.py"):
        for name in imported_modules(path):
            assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"
            if name.split(".")[0] == "click":
                assert path.name == "cli.py", f"{path.name} imports click"
            assert not name.startswith("ocop_rating"), f"{path.name} imports {name}"


def test_package_runs_alone_without_flask(tmp_path):
    """Copy the package out of the app and use it with Flask and SQLAlchemy unimportable."""
    shutil.copytree(PACKAGE_DIR, tmp_path / "rulebook_alone",
                    ignore=shutil.ignore_patterns("__pycache__"))
    script = textwrap.dedent("""
        import sys
        for name in ("flask", "sqlalchemy", "flask_sqlalchemy", "click"):
            sys.modules[name] = None  # any import of them fails
        import rulebook_alone as rb
        sheet = rb.get_rulebook("qd26-2026").sheet(1)
        result = rb.score_sheet(sheet, {"1.1": 2})
        assert result.total == 3, result.total
        assert not any(m and m.startswith(("flask", "sqlalchemy")) for m in sys.modules
                       if sys.modules[m] is not None)
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_public_api_is_reexported():
    for name in ("load_rulebooks", "get_rulebook", "rulebook_for_date", "score_sheet",
                 "star_for", "aggregate", "CouncilRules", "SheetResult", "CouncilResult",
                 "MemberResult", "RulebookError", "check_rulebook", "Issue"):
        assert name in package.__all__ and hasattr(package, name)
