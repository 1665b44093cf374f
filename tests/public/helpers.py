"""Quick certificates for the public-page tests: a producer, a product with its code, and a
recognition decision drafted by hand (no council round) issued through the services, so
numbering, supersession and the registry behave exactly as in production."""
from __future__ import annotations

import itertools
import shutil
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ocop_rating.accounts.roles import Role
from ocop_rating.certificates import services
from ocop_rating.certificates.models import (
    AuthorityLevel,
    DecisionItem,
    DecisionKind,
    RevocationGround,
)
from ocop_rating.db import db
from ocop_rating.geo.models import Commune
from ocop_rating.products.services import assign_code
from tests.factories import VAN_DON, make_producer, make_product, make_user

_seq = itertools.count(500)


def years_ago(years: int, days: int = 0) -> date:
    """A date ``years`` years and ``days`` days before today (the 36-month clock is real)."""
    today = date.today()
    try:
        then = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        then = today.replace(year=today.year - years, day=28)
    return then - timedelta(days=days)


def quick_certificate(*, star: int = 4, commune_code: str = VAN_DON, decided_on: date | None = None,
                      product=None, name: str | None = None, producer_name: str | None = None,
                      set_no: int = 1):
    """Issue a certificate for a new product (or for ``product``: it supersedes the old)."""
    province = db.session.get(Commune, commune_code).province_code
    if product is None:
        producer, owner = make_producer(commune_code=commune_code, name=producer_name)
        product = make_product(producer, owner, set_no=set_no, name=name)
    office = make_user(Role.province, province_code=province)
    decided_on = decided_on or date.today() - timedelta(days=30)
    if not product.code:
        assign_code(product, commune_code=product.producer.commune_code,
                    province_code=product.producer.province_code, on=decided_on, actor=office)
    decision = services.create_decision(
        kind=DecisionKind.recognition, level=AuthorityLevel.province, province_code=province,
        number=f"{next(_seq)}/QĐ-UBND", decided_on=decided_on, signer_name="Nguyễn Văn Công",
        signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", actor=office)
    decision.items.append(DecisionItem(product_id=product.id, star=star))
    db.session.flush()
    [certificate] = services.issue_decision(decision, actor=office)
    return certificate, office


def revoke(certificate, office, ground=RevocationGround.mark_misuse, *, number=None,
           decided_on=None):
    return services.revoke([certificate], ground=ground,
                           number=number or f"{next(_seq)}/QĐ-UBND",
                           decided_on=decided_on or date.today(),
                           signer_name="Nguyễn Văn Công", signer_title="CHỦ TỊCH",
                           actor=office)


# -- reading the PDF back, as a phone or a person would -----------------------------------

def require_tools(*names: str) -> None:
    missing = [n for n in names if shutil.which(n) is None]
    if missing:  # never skipped: `make system-deps` installs them
        pytest.fail(f"missing system tools {missing}; run `make system-deps`")


def pdf_text(pdf: bytes) -> str:
    require_tools("pdftotext")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "certificate.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftotext", "-enc", "UTF-8", str(src), str(Path(tmp) / "out.txt")],
                       check=True)
        return (Path(tmp) / "out.txt").read_text(encoding="utf-8")


def qr_payloads(pdf: bytes) -> list[str]:
    """Render the page at 200 dpi and decode every QR code on it with zbar."""
    require_tools("pdftoppm", "zbarimg")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "certificate.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(src),
                        str(Path(tmp) / "page")], check=True)
        [png] = sorted(Path(tmp).glob("page*.png"))
        out = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True,
                             text=True, check=False)
    assert out.returncode == 0, f"zbarimg found no code (rc {out.returncode}): {out.stderr}"
    return [line for line in out.stdout.splitlines() if line.strip()]


def path_of(url: str) -> str:
    return urlsplit(url).path
