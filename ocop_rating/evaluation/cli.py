"""``flask ocop integrity check``: every sealed result against the score rows."""
import sys

import click
from flask.cli import with_appcontext


@click.group("integrity")
def integrity_cli() -> None:
    """Checks of the legal record."""


@integrity_cli.command("check")
@with_appcontext
def check_command() -> None:
    """List every disagreement between a sealed result and the rows today (exit 1 if any)."""
    from ..db import db
    from .models import SealedResult
    from .seal import integrity_report

    problems = integrity_report()
    checked = db.session.scalar(db.select(db.func.count()).select_from(SealedResult))
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"Sealed results checked: {checked}; disagreements: {len(problems)}")
    sys.exit(1 if problems else 0)
