"""The ``flask ocop`` command group. Commands are idempotent and print a summary."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .db import db

ocop = AppGroup("ocop", help="OCOP administration commands.")


@ocop.command("import-units")
def import_units_command():
    """Load the 34 provinces and 3,321 communes (Decision 19/2025) from vietnam-provinces."""
    from .geo.services import import_units

    summary = import_units()
    db.session.commit()
    click.echo(f"Provinces: {summary.provinces_added} added, {summary.provinces_updated} updated.")
    click.echo(f"Communes: {summary.communes_added} added, {summary.communes_updated} updated.")


@ocop.command("create-admin")
@click.option("--username", default="admin", show_default=True)
@click.option("--full-name", default="Quản trị hệ thống", show_default=True)
@click.option("--email", default=None)
@click.password_option("--password", envvar="OCOP_ADMIN_PASSWORD",
                       help="Prompted for when not given (or set OCOP_ADMIN_PASSWORD).")
def create_admin_command(username, full_name, email, password):
    """Create a system administrator account."""
    from .accounts import services
    from .accounts.roles import Role
    from .errors import OcopError

    if services.find_user(username) is not None:
        click.echo(f"User {services.normalize_username(username)!r} already exists; "
                   "nothing changed.")
        return
    try:
        user = services.create_user(username=username, full_name=full_name, role=Role.admin,
                                    password=password, email=email, actor=None,
                                    must_change_password=False)
    except OcopError as e:
        raise click.ClickException(e.message) from None
    db.session.commit()
    click.echo(f"Administrator {user.username!r} created.")


@ocop.command("seed-demo")
def seed_demo_command():
    """Create (or complete) the demo data set; safe to run again."""
    from .demo import DEMO_PASSWORD, NotADemoDatabase, seed_demo

    try:
        report = seed_demo()
    except NotADemoDatabase as e:
        db.session.rollback()
        raise click.ClickException(
            "This database holds records that are not demo data "
            f"({e}); seed-demo only fills an empty or demo database. Nothing changed."
        ) from None
    db.session.commit()
    click.echo(f"Demo data: {report.created} records created, {report.existing} already there.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, role, unit in report.logins:
        click.echo(f"  {username:<16} {role:<28} {unit}")


@ocop.command("daily")
@click.option("--date", "on", default=None, help="Run as if today were this ISO date.")
def daily_command(on):
    """The daily job: transition rule, due notices to producers, late dossiers, and e-mails
    left undelivered. Safe to run twice, or from two servers at once."""
    from datetime import date

    from .notifications.services import deliver_pending
    from .reevaluation.services import run_daily

    today = date.fromisoformat(on) if on else None
    report = run_daily(today)
    sent, failed = deliver_pending()
    db.session.commit()
    click.echo(f"Certificates extended (transition rule): {report.extended}")
    click.echo(f"Notices sent: {report.notices_sent} (already sent elsewhere: "
               f"{report.notices_skipped})")
    click.echo(f"Late dossiers flagged: {report.late_dossiers}")
    click.echo(f"E-mails retried: {sent} sent, {failed} failed")
    from .audit.chain import save_anchor
    from .legaltime import legal_today

    click.echo(f"Audit chain head of the day: {save_anchor(today or legal_today())}")
    from .opendata.build import build

    published = build(today)
    click.echo(f"Open data: {published.count} certificates published")


@ocop.command("generate")
@click.option("--scale", type=click.Choice(["tiny", "suite", "small", "national"]), default="small",
              show_default=True, help="national: ~10,000 producers; small: 1/10; tiny: tests.")
@click.option("--seed", type=int, default=13, show_default=True)
def generate_command(scale, seed):
    """Write a deterministic, realistic dataset (bulk inserts) for measuring the system."""
    import sys
    import time

    from .generate import GenerateError, generate

    started = time.monotonic()

    def progress(label, total):
        return click.progressbar(length=max(total, 1), label=label, file=sys.stderr)

    try:
        summary = generate(scale, seed, progress=progress)
    except GenerateError as e:
        raise click.ClickException(str(e)) from None
    db.session.commit()
    click.echo(f"Generated ({scale}, seed {seed}) in {time.monotonic() - started:.1f} s: "
               f"{summary}")


def _attach_feature_commands() -> None:
    """Feature command groups live with their features."""
    from .audit.cli import audit_cli
    from .certificates.cli import certificates_cli
    from .evaluation.cli import integrity_cli
    from .notifications.cli import deliver_notifications_command
    from .rulebook.cli import rulebook_cli

    ocop.add_command(rulebook_cli, "rulebook")
    ocop.add_command(certificates_cli, "certificates")
    ocop.add_command(integrity_cli, "integrity")
    ocop.add_command(deliver_notifications_command)
    ocop.add_command(audit_cli, "audit")
    from .backup import backup_command, restore_command

    ocop.add_command(backup_command)
    from .opendata.cli import export_open_data_command

    ocop.add_command(export_open_data_command)
    from .oversight.cli import oversight_cli

    ocop.add_command(oversight_cli, "oversight")
    ocop.add_command(restore_command)


_attach_feature_commands()
