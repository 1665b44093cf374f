"""``flask --app ocop_rating ocop export-open-data``."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from . import build


@click.command("export-open-data")
@click.option("--date", "on", default=None, help="Statuses as of this ISO date (default: "
                                                  "today in Vietnam).")
@with_appcontext
def export_open_data_command(on):
    """Publish the registry as open data (CSV, JSON, SQLite with full-text search)."""
    published = build.build(date.fromisoformat(on) if on else None)
    click.echo(f"Open data: {published.count} certificates as of {published.as_of} "
               f"in {published.folder}")
    for name, facts in published.files.items():
        click.echo(f"  {name}  {facts['bytes']:>10,} bytes  sha256 {facts['sha256']}")
