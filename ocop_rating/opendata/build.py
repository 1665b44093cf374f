"""Writing the open-data files: one row per issued certificate, exactly what the public
registry and the verification page show (docs/open-data.md lists the columns).

The files are written into a fresh folder beside the published one and swapped in with one
rename, so a download never sees half a file, and a failed build leaves yesterday's data."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import sqlite_utils
from flask import current_app
from sqlalchemy.orm import joinedload

from ..certificates.models import Certificate
from ..certificates.services import instrument_label, verify_url
from ..db import db
from ..exports import safe_cell
from ..legaltime import legal_today

CSV_NAME = "ocop-registry.csv"
JSON_NAME = "ocop-registry.json"
SQLITE_NAME = "ocop-registry.sqlite"
MANIFEST_NAME = "manifest.json"
FILES = (CSV_NAME, JSON_NAME, SQLITE_NAME)

# (column, type, meaning) — the order of the CSV; docs/open-data.md repeats it for readers.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("number", "text", "certificate number, as printed"),
    ("status", "text", "status on the day of the build: valid, expiring, extended, expired, "
                       "revoked, superseded"),
    ("status_label", "text", "the status in Vietnamese, as the verification page says it"),
    ("star", "integer", "recognised star, 3 to 5"),
    ("product_name", "text", "product name certified"),
    ("product_code", "text", "product code"),
    ("set_no", "integer", "product set of the scoring rulebook"),
    ("set_name", "text", "product set name"),
    ("producer_name", "text", "producer (chủ thể OCOP) certified"),
    ("producer_address", "text", "producer address at issue"),
    ("province_code", "text", "province code (2 digits)"),
    ("province_name", "text", "province name"),
    ("commune_code", "text", "commune code (5 digits)"),
    ("commune_name", "text", "commune name"),
    ("rulebook", "text", "code of the legal instrument the product was scored under"),
    ("rulebook_label", "text", "that instrument as cited"),
    ("issued_on", "date", "date of issue (ISO 8601)"),
    ("expires_on", "date", "end of the 36 months (ISO 8601)"),
    ("extended_until", "date", "transition-rule extension, if any (ISO 8601)"),
    ("valid_until", "date", "last day in force (ISO 8601)"),
    ("decision_number", "text", "number of the recognition decision"),
    ("decision_date", "date", "date of the recognition decision (ISO 8601)"),
    ("revoked_on", "date", "legal date of revocation, if revoked (ISO 8601)"),
    ("revocation_decision", "text", "number of the revocation decision, if revoked"),
    ("superseded_by", "text", "number of the certificate that replaced it, if any"),
    ("verify_url", "text", "the public verification page (the QR code's address)"),
)
COLUMN_NAMES = tuple(name for name, _, _ in COLUMNS)


@dataclass
class Published:
    folder: Path
    generated_at: str
    as_of: str
    count: int
    licence: str
    licence_url: str
    files: dict  # name -> {"bytes": int, "sha256": str}


def folder() -> Path:
    configured = current_app.config.get("OPEN_DATA_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "open-data"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def registry_rows(today: date) -> Iterator[dict]:
    """Every issued certificate (the registry hides none), oldest number first."""
    stmt = (db.select(Certificate)
            .options(joinedload(Certificate.province), joinedload(Certificate.commune),
                     joinedload(Certificate.decision),
                     joinedload(Certificate.revocation_decision),
                     joinedload(Certificate.superseded_by))
            .order_by(Certificate.issued_on, Certificate.id))
    labels: dict[str, str] = {}
    for c in db.session.scalars(stmt).unique():
        status = c.status_on(today)
        if c.rulebook_code not in labels:
            labels[c.rulebook_code] = instrument_label(c.rulebook_code)
        yield {
            "number": c.number,
            "status": status.value,
            "status_label": str(status.label),
            "star": c.star,
            "product_name": c.product_name,
            "product_code": c.product_code,
            "set_no": c.set_no,
            "set_name": c.product_set_name or str(c.set_no),
            "producer_name": c.producer_name,
            "producer_address": c.producer_address,
            "province_code": c.province_code,
            "province_name": c.province.name,
            "commune_code": c.commune_code,
            "commune_name": c.commune.name,
            "rulebook": c.rulebook_code,
            "rulebook_label": labels[c.rulebook_code],
            "issued_on": _iso(c.issued_on),
            "expires_on": _iso(c.expires_on),
            "extended_until": _iso(c.extended_until),
            "valid_until": _iso(c.valid_until()),
            "decision_number": c.decision.number if c.decision else None,
            "decision_date": _iso(c.decision.decided_on) if c.decision else None,
            "revoked_on": _iso(c.revoked_on),
            "revocation_decision": (c.revocation_decision.number
                                    if c.revocation_decision else None),
            "superseded_by": c.superseded_by.number if c.superseded_by else None,
            "verify_url": verify_url(c),
        }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def build(today: date | None = None) -> Published:
    """Write the three files and the manifest, then publish them in one rename."""
    today = today or legal_today()
    target = folder()
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".open-data-", dir=target.parent))
    try:
        rows = list(registry_rows(today))
        licence = current_app.config["OPEN_DATA_LICENCE"]
        licence_url = current_app.config["OPEN_DATA_LICENCE_URL"]
        generated_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()

        with (work / CSV_NAME).open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMN_NAMES)
            for row in rows:
                writer.writerow([safe_cell(row[name]) for name in COLUMN_NAMES])

        with (work / JSON_NAME).open("w", encoding="utf-8") as handle:
            json.dump({"as_of": today.isoformat(), "generated_at": generated_at,
                       "licence": licence, "licence_url": licence_url,
                       "count": len(rows), "certificates": rows},
                      handle, ensure_ascii=False, indent=1)

        database = sqlite_utils.Database(work / SQLITE_NAME)
        types = {"integer": int, "text": str, "date": str}
        database["certificates"].create(
            {name: types[kind] for name, kind, _ in COLUMNS}, pk="number")
        database["certificates"].insert_all(rows, batch_size=1000)
        database["certificates"].create_index(["province_code"])
        database["certificates"].create_index(["status"])
        database["certificates"].enable_fts(
            ["product_name", "producer_name", "product_code"], tokenize="unicode61 remove_diacritics 2")
        database["columns"].insert_all(
            [{"name": n, "type": t, "meaning": m} for n, t, m in COLUMNS], pk="name")
        database["about"].insert_all(
            [{"key": "as_of", "value": today.isoformat()},
             {"key": "generated_at", "value": generated_at},
             {"key": "licence", "value": licence}, {"key": "licence_url", "value": licence_url},
             {"key": "count", "value": str(len(rows))}], pk="key")
        database.conn.close()

        files = {name: {"bytes": (work / name).stat().st_size, "sha256": _sha256(work / name)}
                 for name in FILES}
        manifest = {"as_of": today.isoformat(), "generated_at": generated_at,
                    "count": len(rows), "licence": licence, "licence_url": licence_url,
                    "files": files}
        (work / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1), encoding="utf-8")

        # Swap in: the old folder moves aside, the new one takes its name.
        old = None
        if target.exists():
            old = target.with_name(f".open-data-old-{os.getpid()}")
            if old.exists():
                shutil.rmtree(old)
            os.replace(target, old)
        os.replace(work, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return Published(target, generated_at, today.isoformat(), len(rows), licence,
                         licence_url, files)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def published() -> Published | None:
    """What is published now, from its manifest; None before the first build."""
    target = folder()
    try:
        manifest = json.loads((target / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Published(target, manifest["generated_at"], manifest["as_of"], manifest["count"],
                     manifest["licence"], manifest["licence_url"], manifest["files"])
