"""``flask ocop audit verify | head`` (issue 11 §1, §2)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..db import db

audit_cli = AppGroup("audit", help="The tamper-evident audit trail.")


@audit_cli.command("verify")
@click.option("--against", "against", type=click.Path(exists=True, dir_okay=False),
              default=None, help="A file of saved chain heads (lines printed by 'audit head').")
def verify_command(against):
    """Walk the chain; report the first row edited, inserted or deleted and exit 1, or print
    a summary and exit 0."""
    from . import chain, seals

    report = chain.verify_chain()
    problems = list(report.problems)
    anchors = []
    if against:
        anchors = chain.parse_anchors(Path(against).read_text(encoding="utf-8"))
        if not anchors:
            raise click.ClickException(f"no chain heads (seq=… sha256=…) in {against}")
        problems += chain.verify_anchors(anchors)
    sealed_checked, seal_problems = seals.verify_seals()
    problems += seal_problems
    db.session.rollback()
    if problems:
        first = problems[0]
        click.echo(f"AUDIT CHAIN BROKEN: {first.message}", err=True)
        for other in problems[1:20]:
            click.echo(f"  also: {other.message}", err=True)
        if len(problems) > 20:
            click.echo(f"  … and {len(problems) - 20} more", err=True)
        sys.exit(1)
    span = ""
    if report.first_at:
        span = (f", {report.first_at:%d/%m/%Y %H:%M} – {report.last_at:%d/%m/%Y %H:%M} UTC")
    click.echo(f"Audit chain intact: {report.rows} rows{span}.")
    click.echo(f"Head: seq={report.head_seq}  sha256={report.head_hash}")
    click.echo(f"Sealed records checked: {sealed_checked}.")
    if anchors:
        click.echo(f"Saved heads matched: {len(anchors)} (from {against}).")


@audit_cli.command("head")
def head_command():
    """Print the chain head, to be copied into a signed letter or an external log."""
    from . import chain

    click.echo(chain.head_line())
