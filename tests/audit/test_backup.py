"""Backup and restore (issue 11 §6): backup → drop everything → restore into a new, empty
database and file store → the chain verifies and the public page shows the same certificate
with the same status; a backup taken while a server is writing restores consistently."""
from __future__ import annotations

import contextvars
import multiprocessing
import re

import pytest

from ocop_rating.db import db as _db
from ocop_rating.files.services import blob_path, store_upload, upload_root
from tests.audit.workers import keep_writing
from tests.conftest import drop_database, fresh_database_url, make_test_app
from tests.factories import pdf_upload
from tests.public.helpers import quick_certificate, revoke


@pytest.fixture()
def empty_target(tmp_path_factory):
    """A second installation: a new, empty database and an empty instance folder."""
    url = fresh_database_url(tmp_path_factory, "restore")
    target = make_test_app(url, tmp_path_factory.mktemp("restored"))
    yield target
    with target.app_context():
        _db.engine.dispose()
    drop_database(url)


def run_cli(application, *args):
    runner = application.test_cli_runner()
    return contextvars.Context().run(runner.invoke, args=list(args))


def status_of(html: str) -> str:
    return re.search(r'data-status="(\w+)"', html).group(1)


def test_backup_drop_everything_restore(db, app, cli, empty_target, tmp_path):
    kept, office = quick_certificate(star=4)
    revoked, _ = quick_certificate(star=3)
    revoke(revoked, office)
    stored = store_upload(pdf_upload(content=b"%PDF-1.4\n% minh chung\n" + b"0" * 300),
                          actor=office)
    db.session.commit()
    before = {c.token: app.test_client().get(f"/verify/{c.token}").get_data(as_text=True)
              for c in (kept, revoked)}
    assert status_of(before[kept.token]) == "valid"
    assert status_of(before[revoked.token]) == "revoked"

    out = tmp_path / "backup"
    result = cli("ocop", "backup", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output
    manifest = (out / "MANIFEST.sha256").read_text()
    assert f"files/{stored.sha256[:2]}/{stored.sha256[2:4]}/{stored.sha256}" in manifest
    assert "backup.json" in manifest

    # A second, empty installation restores it.
    result = run_cli(empty_target, "ocop", "restore", str(out))
    assert result.exit_code == 0, result.output
    assert "Audit chain intact" in result.output
    result = run_cli(empty_target, "ocop", "audit", "verify")
    assert result.exit_code == 0, result.output
    client = empty_target.test_client()
    for certificate in (kept, revoked):
        html = client.get(f"/verify/{certificate.token}").get_data(as_text=True)
        assert certificate.number in html
        assert status_of(html) == status_of(before[certificate.token])
    with empty_target.app_context():
        assert blob_path(stored.sha256).read_bytes().startswith(b"%PDF-1.4\n% minh chung")

    # Restoring again over the restored data is refused: only into an empty database.
    again = run_cli(empty_target, "ocop", "restore", str(out))
    assert again.exit_code != 0 and "not empty" in again.output


def test_a_tampered_backup_is_refused(db, cli, empty_target, tmp_path):
    store_upload(pdf_upload(content=b"%PDF-1.4\n% b\n" + b"1" * 200), actor=None)
    db.session.commit()
    out = tmp_path / "backup"
    assert cli("ocop", "backup", "--out", str(out)).exit_code == 0
    blob = next(p for p in (out / "files").rglob("*") if p.is_file())
    blob.write_bytes(blob.read_bytes() + b"x")
    result = run_cli(empty_target, "ocop", "restore", str(out))
    assert result.exit_code != 0
    assert "does not match the manifest" in result.output


def test_a_backup_taken_while_a_server_writes_restores_consistently(db, app, cli, database_url,
                                                                     empty_target, tmp_path):
    db.session.commit()
    ctx = multiprocessing.get_context("spawn")
    started, stop, results = ctx.Event(), ctx.Event(), ctx.Queue()
    writer = ctx.Process(target=keep_writing,
                         args=(database_url, str(tmp_path / "w"), str(upload_root()),
                               started, stop, results))
    writer.start()
    try:
        assert started.wait(timeout=120)
        out = tmp_path / "backup"
        result = cli("ocop", "backup", "--out", str(out))
        assert result.exit_code == 0, result.output
    finally:
        stop.set()
        written = results.get(timeout=120)
        writer.join(timeout=60)
    assert writer.exitcode == 0

    result = run_cli(empty_target, "ocop", "restore", str(out))
    # Every stored file has its bytes, the chain and its head agree: no half-copied write.
    assert result.exit_code == 0, result.output
    rows = int(re.search(r"Audit chain intact: (\d+) rows", result.output).group(1))
    assert 10 <= rows <= 2 * written
    with empty_target.app_context():
        from ocop_rating.files.models import StoredFile

        files = _db.session.scalar(_db.select(_db.func.count()).select_from(StoredFile))
        assert files * 2 == rows  # each write was one file and two audit rows, in one commit
