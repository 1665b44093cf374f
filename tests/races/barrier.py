"""A barrier across OS processes, for tests that force a race: every party touches a file in
a shared folder and waits until all parties have arrived, so that the critical writes of two
processes start together instead of one process finishing before the other begins.

``python -m tests.races.barrier MODULE:FUNCTION -- flask args…`` runs a ``flask`` command in
which the first call of ``MODULE.FUNCTION`` waits at the barrier named by the environment
(``OCOP_RACE_BARRIER``: the folder; ``OCOP_RACE_PARTIES``: how many processes)."""
from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path


def wait(folder: Path, parties: int, *, timeout: float = 60.0) -> None:
    """Arrive at the barrier and wait for the other parties."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"arrived-{os.getpid()}").touch()
    deadline = time.monotonic() + timeout
    while sum(1 for _ in folder.iterdir()) < parties:
        if time.monotonic() > deadline:
            raise SystemExit(f"barrier: only {sum(1 for _ in folder.iterdir())} of {parties} "
                             "processes arrived")
        time.sleep(0.002)


def hold_first_call(target: str, folder: Path, parties: int) -> None:
    """Make the first call of ``module:function`` wait at the barrier (later calls run
    straight through). The module's own callers look the name up at call time, so they get
    the wrapped function."""
    module_name, function_name = target.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, function_name)
    state = {"waited": False}

    def held(*args, **kwargs):
        if not state["waited"]:
            state["waited"] = True
            wait(folder, parties)
        return original(*args, **kwargs)

    setattr(module, function_name, held)


def main(argv: list[str]) -> None:
    target, separator, *flask_args = argv
    assert separator == "--", "usage: barrier MODULE:FUNCTION -- flask args…"
    hold_first_call(target, Path(os.environ["OCOP_RACE_BARRIER"]),
                    int(os.environ["OCOP_RACE_PARTIES"]))
    from flask.cli import main as flask_main

    sys.argv = ["flask", *flask_args]
    flask_main()


if __name__ == "__main__":
    main(sys.argv[1:])
