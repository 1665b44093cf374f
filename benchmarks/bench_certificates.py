"""Certificate PDFs from real database rows (services, not bare data): one certificate by
services.render_pdf, then a recognition decision of 1,000 certificates by
services.decision_zip. Temporary SQLite database built by the real migrations.

Run: .venv/bin/python benchmarks/bench_certificates.py   (prints figures, asserts nothing)
"""
from __future__ import annotations

import statistics
import tempfile
import time

from bench_public import build_app, seed  # same folder: the registry seeding

BATCH = 1000
SINGLE_RUNS = 50


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ocop-bench-certificates-") as tmp:
        app = build_app(tmp)
        with app.app_context():
            from ocop_rating.certificates import services
            from ocop_rating.certificates.models import Certificate, Decision
            from ocop_rating.db import db

            info = seed(BATCH, reissues=False)  # one decision of 1,000 certificates
            ids = db.session.scalars(db.select(Certificate.id).order_by(Certificate.id)
                                     .limit(SINGLE_RUNS + 1)).all()
            services.render_pdf(db.session.get(Certificate, ids[-1]))  # warm-up: fonts, styles

            cpu_ms: list[float] = []

            def one(certificate_id: int) -> tuple[float, int]:
                db.session.expire_all()  # each run reads its row and decision again
                certificate = db.session.get(Certificate, certificate_id)
                start, cpu = time.perf_counter(), time.process_time()
                pdf = services.render_pdf(certificate)
                cpu_ms.append((time.process_time() - cpu) * 1000)
                return (time.perf_counter() - start) * 1000, len(pdf)

            # Distinct certificates: each QR code is encoded afresh (the encoder caches by URL).
            runs = [one(i) for i in ids[:SINGLE_RUNS]]
            times = [t for t, _ in runs]
            print(f"services.render_pdf, {SINGLE_RUNS} distinct Certificate rows: median "
                  f"{statistics.median(times):.1f} ms, mean {statistics.fmean(times):.1f} ms "
                  f"per certificate, CPU median {statistics.median(cpu_ms):.1f} ms "
                  f"({statistics.fmean(s for _, s in runs) / 1024:.0f} KiB)")

            db.session.expire_all()
            decision = db.session.get(Decision, info["decision_id"])
            start, cpu = time.perf_counter(), time.process_time()
            data = services.decision_zip(decision)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            print(f"services.decision_zip x{BATCH}: {seconds:.2f} s, "
                  f"{BATCH / seconds:.0f} certificates/s, {len(data) / 1024 / 1024:.1f} MiB "
                  f"(CPU {cpu:.2f} s: {BATCH / cpu:.0f} certificates/s on an idle core)")
            db.engine.dispose()


if __name__ == "__main__":
    main()
