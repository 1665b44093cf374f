"""Summarise a mutmut run: the score per module and every surviving mutant.

``make mutation`` runs ``mutmut run`` over the modules listed under ``[mutmut] only_mutate``
in setup.cfg (each with the tests named there), then this script reads ``mutmut results
--all true`` and prints, per module, how many mutants were killed and how many survived, then
the survivors with their diff (``mutmut show``). Survivors judged equivalent are listed with
the reason in docs/testing.md; any other survivor is a gap in the tests.

``--markdown`` prints the per-module table in the form docs/testing.md keeps."""
from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict

MUTMUT = [sys.executable, "-m", "mutmut"]
LINE = re.compile(r"^\s*(?P<name>[\w.ǁ]+?)__mutmut_\d+: (?P<status>.+)$")


def results() -> list[tuple[str, str, str]]:
    out = subprocess.run([*MUTMUT, "results", "--all", "true"], capture_output=True, text=True,
                         check=True).stdout
    rows = []
    for line in out.splitlines():
        match = LINE.match(line)
        if match:
            full = line.strip().split(":")[0]
            function = match["name"]
            module = function.rsplit(".", 1)[0]
            rows.append((module, full, match["status"].strip()))
    return rows


def main(argv: list[str]) -> int:
    rows = results()
    by_module: dict[str, Counter] = defaultdict(Counter)
    survivors = []
    for module, name, status in rows:
        by_module[module][status] += 1
        if status == "survived":
            survivors.append(name)
    if "--markdown" in argv:
        print("| module | mutants | killed | survived | other | score |")
        print("|---|---|---|---|---|---|")
    for module, counts in sorted(by_module.items()):
        total = sum(counts.values())
        killed = counts["killed"]
        other = total - killed - counts["survived"]
        score = f"{100 * killed / total:.1f}%" if total else "—"
        if "--markdown" in argv:
            print(f"| `{module}` | {total} | {killed} | {counts['survived']} | {other} | {score} |")
        else:
            print(f"{module}: {total} mutants, {killed} killed, {counts['survived']} survived, "
                  f"{other} other ({score})")
    if "--markdown" not in argv:
        print(f"\n{len(survivors)} surviving mutants:")
        for name in survivors:
            print(f"  {name}")
            if "--diff" in argv:
                shown = subprocess.run([*MUTMUT, "show", name], capture_output=True, text=True,
                                       check=False).stdout
                print("    " + shown.strip().replace("\n", "\n    "))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
