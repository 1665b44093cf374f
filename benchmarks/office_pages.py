"""Every office list and dashboard on one generated database, as the ministry and as the
province with the most certificates: median and worst of a few fetches, queries, page size.
Run: .venv/bin/python benchmarks/office_pages.py instance/bench/<dataset>.sqlite3 [runs] [filter]
(the database is written to: logins are recorded, so measure a copy)."""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import OFFICE_PAGES as PAGES, login, office_targets  # noqa: E402

def main() -> None:
    from sqlalchemy import event

    from ocop_rating import create_app
    from ocop_rating.db import db

    path = Path(sys.argv[1]).resolve()
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    only = sys.argv[3] if len(sys.argv) > 3 else ""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench",
                      "LOGIN_RATE_LIMIT": "100000 per minute",
                      "LOGIN_ACCOUNT_RATE_LIMIT": "100000 per minute",
                      "PUBLIC_BASE_URL": "https://ocop.example.gov.vn"},
                     instance_path=tempfile.mkdtemp(prefix="ocop-pages-"))
    counter = {"n": 0}
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a: counter.__setitem__("n", counter["n"] + 1))
        province, targets = office_targets(db)
    for role, username in (("ministry", "gen.tw.office"), ("province", f"gen.{province}.office")):
        client = app.test_client()
        login(client, username)
        for page in PAGES:
            if only not in page:
                continue
            url = page.format(**targets)
            times, queries, size, status = [], 0, 0, None
            for i in range(runs + 1):
                counter["n"] = 0
                start = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - start) * 1000
                status, size, queries = response.status_code, len(response.data), counter["n"]
                if i:
                    times.append(elapsed)
                if status != 200:
                    break
            med = statistics.median(times) if times else float("nan")
            print(f"{role:9} {page:38} {status} med {med:7.0f} max {max(times or [0]):7.0f} ms "
                  f"{queries:5} q {size / 1024:8.0f} KiB", flush=True)


if __name__ == "__main__":
    main()
