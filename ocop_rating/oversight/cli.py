"""``flask --app ocop_rating ocop oversight sync|rebuild``: the oversight index of the seals."""
import click
from flask.cli import AppGroup

from ..db import db

oversight_cli = AppGroup("oversight", help="The oversight statistics' index of sealed results.")


@oversight_cli.command("sync")
def sync_command():
    """Index the sealed results not yet indexed (the pages do this before every read)."""
    from .services import sync

    click.echo(f"indexed: {sync()}")


@oversight_cli.command("rebuild")
def rebuild_command():
    """Rebuild the whole index from the seals (after a restore, or to check it)."""
    from .services import rebuild

    count = rebuild()
    db.session.commit()
    click.echo(f"indexed: {count}")
