"""Public registry at scale: 20,000 certificates bulk-inserted into a temporary SQLite
database (built by the real migrations), then the public pages and the JSON API timed through
the test client: median and p95 over 200 requests each.

Run: .venv/bin/python benchmarks/bench_public.py   (prints figures, asserts nothing)
Set OCOP_BENCH_DATABASE_URL to an *empty* database (e.g. PostgreSQL) to run it there instead.
"""
from __future__ import annotations

import os
import random
import secrets
import statistics
import tempfile
import time
from datetime import date, timedelta
from urllib.parse import quote

from sqlalchemy import insert, update

N_CERTIFICATES = 20_000
REQUESTS = 200
PROVINCE, COMMUNES = "22", ("06994", "06688")  # Quảng Ninh: Vân Đồn, Hạ Long
PRODUCT_KINDS = ("Cà phê rang xay", "Trà hoa vàng", "Nước mắm cốt", "Mật ong rừng",
                 "Chả mực giã tay", "Miến dong", "Rượu ba kích", "Gạo thơm", "Hải sâm khô",
                 "Sá sùng khô", "Bánh gai", "Tinh dầu quế")


def build_app(tmp: str):
    """An application on a fresh database: the migrations to head, then the units."""
    from flask_migrate import upgrade

    from ocop_rating import create_app
    from ocop_rating.db import db
    from ocop_rating.geo.services import import_units

    url = os.environ.get("OCOP_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "PUBLIC_BASE_URL": "https://ocop.example.gov.vn"}, instance_path=tmp)
    with app.app_context():
        upgrade()
        import_units()
        db.session.commit()
    return app


def seed(n: int, *, today: date | None = None, reissues: bool = True) -> dict:
    """``n`` certificates with their parent rows, in bulk (call inside an app context).

    One producer and one recognition decision; a product per certificate (a realistic star
    history: one or two certificates per product, not 20,000); one decision item per
    certificate (the column is unique). About 10 % are re-issues that supersede an older
    certificate, 2 % are revoked, a few are kept valid by the transition rule; issue dates
    spread over four years, so every derived status occurs.
    """
    from ocop_rating.certificates.models import (AuthorityLevel, Certificate, Decision,
                                                 DecisionItem, DecisionKind, DecisionStatus,
                                                 RevocationGround)
    from ocop_rating.db import db, utcnow
    from ocop_rating.producers.models import Gender, Producer, ProducerKind, ProducerStatus
    from ocop_rating.products.models import Product
    from ocop_rating.text import fold

    today = today or date.today()
    rng = random.Random(26)
    producer = Producer(
        kind=ProducerKind.cooperative, name="Hợp tác xã Nông sản Vân Đồn",
        name_folded=fold("Hợp tác xã Nông sản Vân Đồn"), registration_number="5700100200",
        province_code=PROVINCE, commune_code=COMMUNES[0], address="Thôn 1", phone="0203 3856 123",
        email="htx@example.vn", representative_name="Nguyễn Thị Hoa",
        representative_gender=Gender.female, representative_ethnicity="01",
        status=ProducerStatus.approved, decided_at=utcnow())
    db.session.add(producer)
    decision = Decision(
        kind=DecisionKind.recognition, status=DecisionStatus.issued, issued_at=utcnow(),
        authority_level=AuthorityLevel.province, province_code=PROVINCE,
        authority_name="Ủy ban nhân dân tỉnh Quảng Ninh", number="1/QĐ-UBND",
        decided_on=today - timedelta(days=4 * 365), signer_name="Nguyễn Văn Công",
        signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    revocation = Decision(
        kind=DecisionKind.revocation, status=DecisionStatus.issued, issued_at=utcnow(),
        authority_level=AuthorityLevel.province, province_code=PROVINCE,
        authority_name="Ủy ban nhân dân tỉnh Quảng Ninh", number="2/QĐ-UBND",
        decided_on=today - timedelta(days=30), signer_name="Nguyễn Văn Công",
        signer_title="CHỦ TỊCH", ground=RevocationGround.criteria_not_met)
    db.session.add_all([decision, revocation])
    db.session.flush()

    n_reissues = n // 10 if reissues else 0
    n_products = n - n_reissues
    names = [f"{PRODUCT_KINDS[i % len(PRODUCT_KINDS)]} Vân Đồn loại {i + 1}"
             for i in range(n_products)]
    db.session.execute(insert(Product), [
        {"id": i + 1, "producer_id": producer.id, "name": names[i], "name_folded": fold(names[i]),
         "set_no": 1 + i % 26, "rulebook_code": "qd26-2026", "description": "",
         "code": f"{PROVINCE}-{COMMUNES[i % 2]}-{i + 1:05d}-2026"} for i in range(n_products)])
    db.session.execute(insert(DecisionItem), [
        {"id": i + 1, "decision_id": decision.id, "product_id": 1 + (i if i < n_products
                                                                      else i - n_products),
         "star": 3 + i % 2} for i in range(n)])

    rows = []
    for i in range(n):
        product = i if i < n_products else i - n_products  # re-issues: products 0 … n_reissues-1
        issued_on = today - timedelta(days=rng.randrange(0, 4 * 365))
        if i >= n_products:  # a re-issue comes after the certificate it replaces
            issued_on = max(issued_on, rows[product]["issued_on"] + timedelta(days=1))
        serial = i + 1
        number = f"{serial:04d}/{issued_on.year}/GCN-OCOP-{PROVINCE}"
        code = f"{PROVINCE}-{COMMUNES[product % 2]}-{product + 1:05d}-2026"
        expires_on = issued_on.replace(year=issued_on.year + 3) if not (
            issued_on.month == 2 and issued_on.day == 29) else date(issued_on.year + 3, 2, 28)
        revoked = i < n_products and i % 50 == 7
        extended = (not revoked and i % 97 == 3 and expires_on < today)
        rows.append({
            "id": i + 1, "number": number, "issuer_key": PROVINCE, "year": issued_on.year,
            "serial": serial, "token": secrets.token_urlsafe(24), "decision_id": decision.id,
            "decision_item_id": i + 1, "product_id": product + 1, "producer_id": producer.id,
            "evaluation_id": None, "province_code": PROVINCE,
            "commune_code": COMMUNES[product % 2], "star": 3 + i % 2,
            "rulebook_code": "qd26-2026", "set_no": 1 + product % 26, "issued_on": issued_on,
            "expires_on": expires_on, "product_name": names[product], "product_code": code,
            "product_set_name": f"{1 + product % 26}. Bộ sản phẩm",
            "producer_name": producer.name, "producer_address": "Thôn 1, Vân Đồn, Quảng Ninh",
            "search_text": fold(" ".join([names[product], producer.name, code, number])),
            "revoked_at": utcnow() if revoked else None,
            "revocation_decision_id": revocation.id if revoked else None,
            "superseded_by_id": None,
            "extended_until": today + timedelta(days=60) if extended else None,
        })
    db.session.execute(insert(Certificate), rows)
    # Supersession in a second step: the older row refers to a row inserted after it.
    if n_reissues:
        db.session.execute(
            update(Certificate)
            .where(Certificate.id <= n_reissues, Certificate.revoked_at.is_(None))
            .values(superseded_by_id=Certificate.id + n_products))
    db.session.commit()
    return {"decision_id": decision.id, "tokens": [r["token"] for r in rows],
            "numbers": [r["number"] for r in rows]}


def timed_requests(client, urls: list[str], expect: int = 200) -> list[float]:
    times = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != expect:
            raise SystemExit(f"{url}: HTTP {response.status_code}, expected {expect}")
    return times


def report(label: str, times: list[float]) -> None:
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"{label:<44} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms"
          f"   (n={len(times)})")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ocop-bench-public-") as tmp:
        start = time.perf_counter()
        app = build_app(tmp)
        print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
        print(f"migrations + units: {time.perf_counter() - start:.1f} s")
        with app.app_context():
            start = time.perf_counter()
            data = seed(N_CERTIFICATES)
            seconds = time.perf_counter() - start
        print(f"bulk insert of {N_CERTIFICATES:,} certificates (with products and decision "
              f"items): {seconds:.1f} s")

        rng = random.Random(7)
        tokens = rng.choices(data["tokens"], k=REQUESTS)
        numbers = rng.choices(data["numbers"], k=REQUESTS)
        words = ["ca phe", "tra hoa vang", "mat ong", "van don loai 12", "nuoc mam cot"]
        client = app.test_client()
        client.get("/registry")  # warm-up: templates, rulebooks, units
        report("GET /verify/<token>", timed_requests(client, [f"/verify/{t}" for t in tokens]))
        report("GET /lookup?number=… (redirect)", timed_requests(
            client, [f"/lookup?number={quote(n)}" for n in numbers], expect=302))
        report("GET /lookup?number=… (not found)", timed_requests(
            client, [f"/lookup?number=9{i:04d}/2019/GCN-OCOP-99" for i in range(REQUESTS)],
            expect=404))
        report("GET /registry (first page, 25 rows)",
               timed_requests(client, ["/registry"] * REQUESTS))
        report("GET /registry?q=… (accent-insensitive)", timed_requests(
            client, [f"/registry?q={quote(words[i % len(words)])}" for i in range(REQUESTS)]))
        report("GET /registry?status=in_force&page=…", timed_requests(
            client, [f"/registry?status=in_force&page={1 + i % 400}" for i in range(REQUESTS)]))
        report("GET /api/v1/certificates/<number>", timed_requests(
            client, [f"/api/v1/certificates/{n}" for n in numbers]))
        report("GET /api/v1/registry?q=…&per_page=100", timed_requests(
            client, [f"/api/v1/registry?q={quote(words[i % len(words)])}&per_page=100"
                     for i in range(REQUESTS)]))
        with app.app_context():
            from ocop_rating.db import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
