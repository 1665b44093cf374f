"""``flask ocop certificates …``: batch rendering of a decision's certificates."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..db import db


@click.group("certificates")
def certificates_cli() -> None:
    """Certificates of recognition decisions."""


@certificates_cli.command("render")
@with_appcontext
@click.option("--decision", "decision_number", required=True,
              help="The decision number, e.g. 125/QĐ-UBND, or its id.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Folder for the PDFs (created if missing).")
def render_command(decision_number: str, out_dir: Path) -> None:
    """Render every certificate of an issued decision to PDF files, with a progress bar."""
    from . import services
    from .models import Certificate, Decision
    from .pdf import certificate_filename

    decision = db.session.scalar(db.select(Decision).filter_by(number=decision_number))
    if decision is None and decision_number.isdigit():
        decision = db.session.get(Decision, int(decision_number))
    if decision is None:
        raise click.ClickException(f"No decision {decision_number!r}.")
    certificates = db.session.scalars(db.select(Certificate).filter_by(
        decision_id=decision.id).order_by(Certificate.serial)).all()
    if not certificates:
        raise click.ClickException(f"Decision {decision.number} has issued no certificate.")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    with click.progressbar(certificates, label="Rendering certificates") as bar:
        for certificate in bar:
            path = out_dir / certificate_filename(certificate.number)
            path.write_bytes(services.render_pdf(certificate))
            written += 1
    click.echo(f"{written} certificate(s) of decision {decision.number} written to {out_dir}.")
