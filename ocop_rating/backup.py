"""``flask ocop backup --out DIR`` and ``flask ocop restore DIR`` (issue 11 §6).

A backup is a folder::

    database.sqlite3 | database.pgdump   a consistent copy of the database
    files/<sha[:2]>/<sha[2:4]>/<sha>     the uploaded files (content-addressed blobs)
    backup.json                          engine, time, migration revision, audit chain head
    MANIFEST.sha256                      SHA-256 of every file above (``sha256sum -c`` format)

The database is copied first, while the app keeps serving: SQLite's online backup API copies a
snapshot page by page under a read lock (writers in WAL mode go on); ``pg_dump`` reads one
snapshot transaction. The files are copied after: an upload's blob is written before the
transaction that records it commits, and blobs are never deleted, so every file the snapshot
refers to is already on disk when the copy of the files starts.

Restore loads a backup into an EMPTY database and an empty file store, after checking every
hash of the manifest; then it checks that every stored file has its bytes and walks the audit
chain.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from .db import db, utcnow

MANIFEST = "MANIFEST.sha256"
META = "backup.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FILES = "files"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq_url(url) -> str:
    """A SQLAlchemy URL as libpq (pg_dump, pg_restore) takes it."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install postgresql-client (the same major "
                          "version as the server; tools/system-deps.sh)")
    return found


def _sqlite_path(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _upload_root() -> Path:
    from .files.services import upload_root

    return upload_root()


@dataclass
class BackupReport:
    out: Path
    engine: str
    files: int
    bytes: int
    audit_seq: int


def backup(out: Path) -> BackupReport:
    """Write a backup of the database and the uploaded files into ``out`` (new or empty)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty")
    out.mkdir(parents=True, exist_ok=True)
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    engine = url.get_backend_name()
    if engine == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(out / SQLITE_FILE)
        try:
            with target:
                source.backup(target)  # one step: a consistent snapshot
        finally:
            target.close()
            source.close()
        snapshot = sqlite3.connect(out / SQLITE_FILE)
        try:
            revision = snapshot.execute("SELECT version_num FROM alembic_version").fetchone()
            head = snapshot.execute("SELECT seq, row_hash FROM audit_chain_head").fetchone()
        finally:
            snapshot.close()
    elif engine == "postgresql":
        # One snapshot for the dump and for what backup.json says of it.
        with db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot_id = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).first()
                head = conn.execute(text("SELECT seq, row_hash FROM audit_chain_head")).first()
                result = subprocess.run(
                    [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                     f"--snapshot={snapshot_id}", "--file", str(out / PG_FILE),
                     "--dbname", _libpq_url(url)],
                    capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise BackupError(f"no backup for {engine}")

    files_dir = out / FILES
    files_dir.mkdir()
    count = size = 0
    root = _upload_root()
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if not path.is_file() or rel.parts[0] == "tmp":
                continue
            target_path = files_dir / rel
            target_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target_path)
            count += 1
            size += target_path.stat().st_size
    meta = {"engine": engine, "created_at": utcnow().isoformat(),
            "revision": revision[0] if revision else None,
            "audit_head": {"seq": head[0], "sha256": head[1]} if head else None,
            "files": count, "bytes": size}
    (out / META).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    lines = []
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != MANIFEST):
        lines.append(f"{_sha256(path)}  {path.relative_to(out).as_posix()}")
    (out / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return BackupReport(out, engine, count, size, head[0] if head else 0)


def check_manifest(source: Path) -> dict:
    """Every file of the backup is listed with its hash and nothing is missing or extra;
    returns backup.json."""
    source = Path(source)
    manifest = source / MANIFEST
    if not manifest.is_file():
        raise BackupError(f"no {MANIFEST} in {source}")
    listed = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, _, rel = line.partition("  ")
        listed[rel] = digest
    present = {p.relative_to(source).as_posix() for p in source.rglob("*")
               if p.is_file() and p.name != MANIFEST}
    if missing := sorted(set(listed) - present):
        raise BackupError(f"files of the manifest missing from the backup: {missing[:5]}")
    if extra := sorted(present - set(listed)):
        raise BackupError(f"files not in the manifest: {extra[:5]}")
    for rel, digest in listed.items():
        if _sha256(source / rel) != digest:
            raise BackupError(f"{rel}: its SHA-256 does not match the manifest")
    return json.loads((source / META).read_text(encoding="utf-8"))


@dataclass
class RestoreReport:
    engine: str
    files: int
    audit_rows: int
    audit_ok: bool
    problems: list[str]


def restore(source: Path) -> RestoreReport:
    """Load the backup in ``source`` into this app's empty database and file store."""
    source = Path(source)
    meta = check_manifest(source)
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    engine = url.get_backend_name()
    if meta["engine"] != engine:
        raise BackupError(f"the backup is of a {meta['engine']} database, this app uses "
                          f"{engine}")
    db.session.remove()
    tables = inspect(db.engine).get_table_names()
    if tables:
        raise BackupError(f"the database is not empty ({len(tables)} tables): restore only "
                          "into a new, empty database")
    root = _upload_root()
    if root.is_dir() and any(p.is_file() for p in root.rglob("*")):
        raise BackupError(f"the file store {root} is not empty")
    db.engine.dispose()
    if engine == "sqlite":
        path = _sqlite_path(url)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        src = sqlite3.connect(source / SQLITE_FILE)
        dst = sqlite3.connect(path)
        try:
            with dst:
                src.backup(dst)
        finally:
            dst.close()
            src.close()
    else:
        result = subprocess.run(
            [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
             "--single-transaction", "--dbname", _libpq_url(url), str(source / PG_FILE)],
            capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    files_dir = source / FILES
    count = 0
    if files_dir.is_dir():
        for path in sorted(files_dir.rglob("*")):
            if path.is_file():
                target = root / path.relative_to(files_dir)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
                os.chmod(target, 0o640)
                count += 1
    problems = []
    from .audit.chain import verify_chain
    from .files.models import StoredFile
    from .files.services import blob_path

    for sha in db.session.scalars(db.select(StoredFile.sha256).distinct()):
        if not blob_path(sha).is_file():
            problems.append(f"stored file {sha} has no bytes in the backup")
    report = verify_chain()
    problems += [p.message for p in report.problems]
    db.session.rollback()
    return RestoreReport(engine, count, report.rows, report.ok, problems)


# -- commands ----------------------------------------------------------------------------------


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False),
              help="A new (or empty) folder for the backup.")
@with_appcontext
def backup_command(out):
    """Back up the database and the uploaded files, with a SHA-256 manifest, while the app
    keeps serving."""
    try:
        report = backup(Path(out))
    except BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Backup written to {report.out}: {report.engine} database, {report.files} "
               f"files ({report.bytes} bytes), audit chain at seq={report.audit_seq}.")
    click.echo(f"Check it anywhere with: cd {report.out} && sha256sum -c {MANIFEST}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False))
@with_appcontext
def restore_command(source):
    """Restore a backup into an empty database and an empty file store; checks the
    manifest first and the audit chain after."""
    try:
        report = restore(Path(source))
    except BackupError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Restored the {report.engine} database and {report.files} files.")
    if report.problems:
        for problem in report.problems[:20]:
            click.echo(f"PROBLEM: {problem}", err=True)
        raise SystemExit(1)
    click.echo(f"Audit chain intact: {report.audit_rows} rows.")
