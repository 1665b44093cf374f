"""``flask ocop deliver-notifications``: retry notification e-mails that failed."""
import click
from flask.cli import with_appcontext


@click.command("deliver-notifications")
@click.option("--limit", default=200, show_default=True,
              help="Most notifications to try in this run.")
@with_appcontext
def deliver_notifications_command(limit: int):
    """E-mail notifications not yet e-mailed (up to 5 attempts each); safe to run again."""
    from .services import deliver_pending

    sent, failed = deliver_pending(limit=limit)
    click.echo(f"Notification e-mails: {sent} sent, {failed} failed.")
