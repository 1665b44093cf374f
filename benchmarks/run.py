"""``make bench``: every figure of issue 13 beside its baseline from the same run, printed and
written to docs/benchmarks.md. Exits 0 whether targets are met or missed (the table says which).

* HTTP: the public verify page and the API certificate under gunicorn (2 workers) driven by
  wrk at 50 connections, beside a bare Flask route "ok" (benchmarks/bare_app.py) on the same
  gunicorn setup, measured before and after the application in the same run;
* PDF: certificate CPU ms/page beside a minimal plain-ReportLab A4-landscape page with the same
  font file and the same QR drawing; a ZIP of 1,000 certificates;
* office lists as the ministry and as a province at small and national scale: p50, p95 and
  queries per page, and the growth per 10× of data (judged on the same rows shown: a paged
  list is fetched at national scale with per_page = the rows of its small page too);
* autosave: 30 council members saving at once through the real endpoint under gunicorn, sync
  and threaded (gthread) workers, on SQLite and PostgreSQL: p50, p99 and lost writes of a
  burst (all at once, three times) and of a realistic pace (one save a second each);
* peak memory (VmHWM) per gunicorn worker.

Generated datasets are cached in instance/bench/<scale>-seed<N>-<schema>.sqlite3 (the schema
part changes with the migrations and the generator), so a second run reuses them.
Run: .venv/bin/python benchmarks/run.py [--quick] [--only http,autosave,memory,pdf,office]
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import http.cookiejar
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
PY = sys.executable
BIN = Path(PY).parent
CACHE = ROOT / "instance" / "bench"
SEED = 13
PASSWORD = f"ocop-generated-{SEED}"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

ROWS: list[tuple[str, str, str, str, str]] = []  # section, figure, value, baseline, ratio/target
NOTES: list[str] = []


def row(section: str, figure: str, value: str, baseline: str = "", ratio: str = "") -> None:
    ROWS.append((section, figure, value, baseline, ratio))
    print(f"  {figure:<58} {value:>16}  {baseline:>16}  {ratio}", flush=True)


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


# -- datasets ------------------------------------------------------------------------------------

def schema_key() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.name.encode())
    digest.update((ROOT / "ocop_rating" / "generate.py").read_bytes())
    return digest.hexdigest()[:10]


def flask(env: dict, *args: str) -> str:
    out = subprocess.run([str(BIN / "flask"), "--app", "ocop_rating", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def base_env(db_path: Path, instance: Path) -> dict:
    env = dict(os.environ, OCOP_DATABASE_URL=f"sqlite:///{db_path}", OCOP_SECRET_KEY="bench",
               OCOP_PUBLIC_BASE_URL="https://ocop.example.gov.vn",
               OCOP_UPLOAD_FOLDER=str(instance / "uploads"),
               OCOP_LOGIN_RATE_LIMIT="100000 per minute",
               OCOP_LOGIN_ACCOUNT_RATE_LIMIT="100000 per minute",
               OCOP_API_RATE_LIMIT="10000000 per minute", PYTHONPATH=str(ROOT))
    env.pop("OCOP_RATELIMIT_STORAGE_URI", None)
    return env


def dataset(scale: str) -> Path:
    """The generated SQLite database of ``scale`` (built once, then reused)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{scale}-seed{SEED}-{schema_key()}.sqlite3"
    if path.exists():
        print(f"dataset {scale}: cached {path.relative_to(ROOT)}", flush=True)
        return path
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    env = base_env(partial, CACHE)
    start = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "ocop", "import-units")
    flask(env, "ocop", "generate", "--scale", scale, "--seed", str(SEED))
    partial.rename(path)
    seconds = time.perf_counter() - start
    print(f"dataset {scale}: generated in {seconds:.0f} s", flush=True)
    NOTES.append(f"Dataset `{scale}` (seed {SEED}) generated in {seconds:.0f} s this run "
                 "(cached for the next).")
    return path


# -- gunicorn and wrk ----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer {url}")


def workers_of(master: int) -> list[int]:
    try:
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def gunicorn(app: str, env: dict, *, worker_class: str = "sync", threads: int = 1,
             probe: str = "/"):
    port = free_port()
    command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
               "--worker-class", worker_class, "--threads", str(threads), "--preload",
               "--log-level", "warning", "--timeout", "120", app]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_http(f"http://127.0.0.1:{port}{probe}")
        proc.peak = lambda: max((peak_rss_mib(p) for p in workers_of(proc.pid)), default=0.0)
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# wrk sends each request from one of ADDRESSES client addresses (X-Forwarded-For, read by the
# app through TRUSTED_PROXIES=1 as behind the production proxy): the public's QR scans come
# from many phones, so the per-address limits stay on at their production values and are
# keyed as they would be, instead of counting every request against 127.0.0.1
# (docs/decisions.md, "Benchmarks: the limits stay on").
ADDRESSES = 20_000
WRK_SCRIPT = f"""
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
end
local n = 0
request = function()
  n = n + 1
  local i = ((offset or 0) + n) % {ADDRESSES}
  -- documentation addresses (RFC 3849): only a header value, never a destination
  return wrk.format(nil, nil, {{["X-Forwarded-For"] = string.format("2001:db8::%x", i)}})
end
"""


def wrk(url: str, seconds: int) -> dict:
    """Requests per second of 2xx/3xx answers only: wrk's own Requests/sec counts every
    answer, 429s and 500s included, so those are subtracted and reported."""
    script = Path(tempfile.mkdtemp(prefix="ocop-wrk-")) / "addresses.lua"
    script.write_text(WRK_SCRIPT)
    out = subprocess.run(["wrk", "-t2", "-c50", f"-d{seconds}s", "--timeout", "10s",
                          "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    shutil.rmtree(script.parent, ignore_errors=True)
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    total, duration = int(done.group(1)), float(done.group(2))
    if done.group(3) == "ms":
        duration /= 1000
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    bad = int(errors.group(1)) if errors else 0
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                        out)
    failed = sum(int(x) for x in sockets.groups()) if sockets else 0
    result = {"rps": (total - bad) / duration, "total": total, "bad": bad, "socket": failed,
              "statuses": ""}
    if bad:
        # what the errors were: one more request (wrk does not say)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                result["statuses"] = f"now {response.status}"
        except urllib.error.HTTPError as e:
            result["statuses"] = f"now {e.code}"
        NOTES.append(f"wrk {url}: {bad} of {total} answers were not 2xx/3xx "
                     f"({result['statuses']}); not counted in the figure")
    if failed:
        NOTES.append(f"wrk {url}: socket errors {sockets.group(0)}")
    return result


def warm(base: str, path: str, n: int = 20) -> None:
    """Every worker renders the page once before the clock starts (the first request of a
    worker loads templates, catalogues and rulebooks: seconds on a loaded machine)."""
    for _ in range(n):
        with urllib.request.urlopen(base + path, timeout=60) as response:
            if response.status != 200:
                raise SystemExit(f"{path}: HTTP {response.status}")
            response.read()


def http_env(small: Path) -> dict:
    """The production limits (API_RATE_LIMIT and the rest at their defaults) behind one
    trusted proxy, as in production; only the log-in limits of base_env are raised (the
    autosave section logs 30 members in from one address)."""
    env = base_env(small, Path(tempfile.mkdtemp(prefix="ocop-bench-")))
    env.pop("OCOP_API_RATE_LIMIT", None)
    env["OCOP_TRUSTED_PROXIES"] = "1"
    return env


def http_section(small: Path, seconds: int) -> dict:
    print("\n== HTTP: gunicorn, 2 sync workers, wrk -c50", flush=True)
    con = sqlite3.connect(small)
    token, number = con.execute(
        "SELECT token, number FROM certificates WHERE revoked_at IS NULL ORDER BY id LIMIT 1"
    ).fetchone()
    con.close()
    env = http_env(small)
    bare = []
    with gunicorn("benchmarks.bare_app:app", env, probe="/ok") as (_, base):
        warm(base, "/ok")
        bare.append(wrk(f"{base}/ok", seconds))
    figures = {}
    with gunicorn("ocop_rating.wsgi:app", env) as (proc, base):
        for label, path in (("verify page (HTML)", f"/verify/{token}"),
                            ("API certificate (JSON)",
                             f"/api/v1/certificates/{urllib.parse.quote(number, safe='')}")):
            warm(base, path)
            figures[label] = wrk(base + path, seconds)
        memory = proc.peak()
    with gunicorn("benchmarks.bare_app:app", env, probe="/ok") as (_, base):
        warm(base, "/ok")
        bare.append(wrk(f"{base}/ok", seconds))
    bare_rps = statistics.fmean(b["rps"] for b in bare)
    row("HTTP", "bare Flask \"ok\" (before / after)",
        f"{bare[0]['rps']:.0f} / {bare[1]['rps']:.0f} req/s")
    for label, result in figures.items():
        share = result["rps"] / bare_rps
        broken = result["bad"] or result["socket"]
        row("HTTP", label, f"{result['rps']:.0f} req/s", f"{bare_rps:.0f} req/s",
            f"{share:.1%} (target ≥ 50%: {verdict(share >= 0.5 and not broken)})"
            + (f"; {result['bad']} non-2xx, {result['socket']} socket errors of "
               f"{result['total']}: **not a valid figure**" if broken else ""))
    NOTES.append("HTTP: gunicorn with 2 sync workers, wrk -t2 -c50, every worker warmed first; "
                 "production limits on, behind TRUSTED_PROXIES=1, wrk sending X-Forwarded-For "
                 f"from {ADDRESSES:,} client addresses; only 2xx/3xx answers counted. The "
                 "verify page and the API certificate are served from the public answers' "
                 "cache (public/cache.py; one stamp query a request), which skips Flask: "
                 "hence a figure near or above the bare Flask route (docs/decisions.md).")
    return {"wrk_peak_mib": memory}


# -- PDF -----------------------------------------------------------------------------------------

def pdf_section(runs: int, batch: int) -> None:
    print("\n== PDF", flush=True)
    import io

    import fontpkg
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from bench_certificate_pdf import certificate
    from ocop_rating.certificates.pdf import render_certificate, zip_certificates
    from ocop_rating.pdf import qr_drawing, register_fonts
    from reportlab.lib import rl_accel

    # The baseline: plain ReportLab, the same TTF file, the QR through the same drawing.
    pdfmetrics.registerFont(TTFont("BenchPlain", str(fontpkg.path("Be Vietnam Pro", 400,
                                                                   "normal"))))
    register_fonts()

    def minimal(data):
        buf = io.BytesIO()
        canv = Canvas(buf, pagesize=landscape(A4), invariant=1, initialFontName="BenchPlain")
        canv.setFont("BenchPlain", 14)
        for y, text in ((520, "GIẤY CHỨNG NHẬN SẢN PHẨM OCOP"), (490, data.product_name),
                        (460, data.producer_name), (430, data.certificate_number)):
            canv.drawString(72, y, text)
        qr_drawing(data.verify_url, 92).drawOn(canv, 72, 72)
        canv.showPage()
        canv.save()
        return buf.getvalue()

    def cpu_ms(fn, offset):
        fn(certificate(offset))  # warm-up
        times = []
        for n in range(offset + 1, offset + runs + 1):  # distinct QR codes each time
            data = certificate(n)
            start = time.process_time()
            fn(data)
            times.append((time.process_time() - start) * 1000)
        return statistics.median(times)

    # interleaved rounds, so load on the machine hits both alike
    base, cert = [], []
    for r in range(3):
        base.append(cpu_ms(minimal, 10_000 * (2 * r + 1)))
        cert.append(cpu_ms(render_certificate, 10_000 * (2 * r + 2)))
    b, c = statistics.median(base), statistics.median(cert)
    accel = "rl_accel C functions: " + (", ".join(sorted(rl_accel._c_funcs)) or "none")
    NOTES.append(accel)
    row("PDF", "certificate, CPU ms/page (median)", f"{c:.1f} ms", f"{b:.1f} ms",
        f"{c / b:.2f}× (target ≤ 2×: {verdict(c / b <= 2)})")
    items = [certificate(n) for n in range(1, batch + 1)]
    start, cpu = time.perf_counter(), time.process_time()
    data = zip_certificates(items)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    row("PDF", f"decision ZIP of {batch:,} certificates, CPU", f"{cpu:.1f} s",
        f"{batch * b / 1000:.1f} s", f"{cpu / (batch * b / 1000):.2f}× of {batch:,} minimal "
        f"pages (wall {wall:.1f} s, {len(data) / 2**20:.1f} MiB)")


# -- office lists --------------------------------------------------------------------------------

# Every office list and dashboard; {round} and {decision} are the province's largest.
OFFICE_PAGES = (
    "/", "/statistics/", "/oversight/", "/oversight/reviews", "/surveillance/",
    "/surveillance/hidden", "/reevaluation/", "/reevaluation/?section=lapsed",
    "/reevaluation/pipeline.xlsx", "/reevaluation/inspections/",
    "/reevaluation/inspections/proposed", "/reevaluation/plans/", "/producers/",
    "/producers/?q=tra", "/certificates/", "/certificates/?q=tra", "/certificates/decisions/",
    "/dossiers/", "/councils/", "/councils/rounds/{round}", "/certificates/decisions/{decision}",
    "/audit/", "/users", "/imports/", "/registry?q=tra",
)


def office_targets(db) -> tuple[str, dict]:
    """The province with the most certificates, and its largest round and decision (the
    placeholders of OFFICE_PAGES). Inside an application context."""
    def q(sql, **params):
        return db.session.execute(db.text(sql), params).scalar()

    province = q("SELECT province_code FROM certificates GROUP BY province_code "
                 "ORDER BY count(*) DESC LIMIT 1")
    return province, {
        "round": q("SELECT e.round_id FROM evaluations e JOIN rounds r ON r.id = e.round_id "
                   "JOIN councils c ON c.id = r.council_id WHERE c.province_code = :p "
                   "GROUP BY e.round_id ORDER BY count(*) DESC LIMIT 1", p=province),
        "decision": q("SELECT i.decision_id FROM decision_items i JOIN decisions d ON "
                      "d.id = i.decision_id WHERE d.province_code = :p "
                      "GROUP BY i.decision_id ORDER BY count(*) DESC LIMIT 1", p=province),
    }


def login(client, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"login of {username} failed: HTTP {response.status_code}")


# The data rows of a page: the <tr> inside each <tbody> (not the header rows, nor the one row
# a list shows when it has nothing: "<tr><td colspan=...>Không có ...").
TBODY_RE = re.compile(rb"<tbody[^>]*>(.*?)</tbody>", re.DOTALL)
ROW_RE = re.compile(rb"<tr[\s>]")
EMPTY_RE = re.compile(rb"<tr>\s*<td colspan")


def data_rows(html: bytes) -> int:
    return sum(len(ROW_RE.findall(body)) - len(EMPTY_RE.findall(body))
               for body in TBODY_RE.findall(html))


def with_per_page(url: str, per_page: int) -> str:
    return f"{url}{'&' if '?' in url else '?'}per_page={per_page}"


def measure(client, url: str, budget: float, counter: dict) -> tuple:
    """(p50, p95, queries, n, status, data rows) of ``url``: up to 14 fetches after a first."""
    times, queries, status, rows = [], [], None, None
    spent = 0.0
    while spent < budget or not times:
        counter["n"] = 0
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        status = response.status_code
        spent += elapsed
        if status != 200:
            break
        queries.append(counter["n"])
        times.append(elapsed * 1000)
        rows = data_rows(response.get_data()) if response.mimetype == "text/html" else None
        if len(times) >= 15:
            break
    if status != 200:
        return (None, None, None, 0, status, None)
    if len(times) > 1:
        times = times[1:]  # the first one warmed caches and templates
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    return (statistics.median(times), p95, max(queries), len(times), status, rows)


def equal_rows_page(client, url: str, small_rows: int) -> int:
    """The largest ``per_page`` (at most the small page's data rows, at least 1) at which
    ``url`` shows no more data rows than the small page did (a page of two lists, such as
    /surveillance/, shows per_page rows of each)."""
    per_page = max(1, small_rows)
    while per_page > 1:
        response = client.get(with_per_page(url, per_page))
        if response.status_code != 200 or data_rows(response.get_data()) <= small_rows:
            break
        per_page -= 1
    return per_page


def office_figures(path: Path, budget: float, small: dict | None = None) -> dict:
    """{(role, page): (p50, p95, queries, n, status, rows, equal)} for the ministry and one
    province; ``rows`` are data rows. Given the small set's figures (``small``), a paged list
    whose page shows more data rows here than there is measured again with ``per_page`` =
    the small page's rows: ``equal`` is (per_page, p50, p95, queries, n, status, rows) of that
    fetch, None where the default page already shows no more rows."""
    from sqlalchemy import event

    from ocop_rating import create_app
    from ocop_rating.db import db

    instance = Path(tempfile.mkdtemp(prefix="ocop-bench-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench",
                      "LOGIN_RATE_LIMIT": "100000 per minute",
                      "LOGIN_ACCOUNT_RATE_LIMIT": "100000 per minute",
                      "PUBLIC_BASE_URL": "https://ocop.example.gov.vn"},
                     instance_path=str(instance))
    # as the production entry point (ocop_rating/wsgi.py) prepares a server process: warmed,
    # and what start-up built kept out of the collector's passes
    import gc

    from ocop_rating.warmup import warm_up

    warm_up(app)
    gc.collect()
    gc.freeze()
    out = {}
    with app.app_context():
        counter = {"n": 0}

        def count(*_args):
            counter["n"] += 1

        event.listen(db.engine, "before_cursor_execute", count)
        province, targets = office_targets(db)
        urls = {page: page.format(**targets) for page in OFFICE_PAGES}
    for role, username in (("ministry", "gen.tw.office"), ("province", f"gen.{province}.office")):
        client = app.test_client()
        login(client, username)
        for endpoint, url in urls.items():
            figures = measure(client, url, budget, counter)
            equal = None
            rows = figures[5]
            small_rows = (small or {}).get((role, endpoint), (None,) * 6)[5]
            if endpoint in PAGED and rows is not None and small_rows is not None \
                    and rows > small_rows:
                per_page = equal_rows_page(client, url, small_rows)
                equal = (per_page, *measure(client, with_per_page(url, per_page), budget,
                                            counter))
            out[(role, endpoint)] = (*figures, equal)
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(instance, ignore_errors=True)
    return out


# The pages that show one page of a list (the pager of the lists): the growth target (≤ 1.5×
# per 10× of data) is theirs. The others sum up the whole jurisdiction (dashboards, the
# statistics, oversight), export a whole section (the pipeline workbook) or show one record
# whose own size grows with the data (the largest round and decision): their growth is
# printed, the p95 and query targets hold for them as for every page.
PAGED = {
    "/reevaluation/", "/reevaluation/?section=lapsed", "/reevaluation/inspections/",
    "/reevaluation/inspections/proposed", "/reevaluation/plans/", "/producers/",
    "/producers/?q=tra", "/certificates/", "/certificates/?q=tra", "/certificates/decisions/",
    "/dossiers/", "/councils/", "/audit/", "/users", "/imports/", "/registry?q=tra",
    "/surveillance/", "/surveillance/hidden", "/oversight/reviews",
}


def office_section(small: Path, national: Path, budget: float) -> None:
    print("\n== Office lists (test client, one process)", flush=True)
    s = office_figures(small, budget)
    n = office_figures(national, budget, small=s)
    NOTES.append("Office lists: one process with the test client, warmed and with start-up "
                 "objects frozen out of the garbage collector as ocop_rating/wsgi.py does; "
                 "p50 and p95 of up to 14 fetches after a first one. The growth per 10× of data "
                 "compares the medians (the p95 of a dozen fetches of a page of a few ms is "
                 "its single slowest one) and is a target for the paged lists only; "
                 "dashboards, statistics, oversight, the pipeline workbook and the largest "
                 "round and decision sum up or show more as the data grows. 'rows' counts "
                 "the page's data rows (<tr> inside <tbody>: not the header, not the "
                 "'nothing found' row). The growth is judged on the same output: where the "
                 "small page of a paged list shows fewer data rows than the national one "
                 "(a page not full on the small set, which would grow by filling it), the "
                 "national page is fetched again with per_page = the small page's rows (the "
                 "largest per_page showing no more rows than the small page, at least 1: "
                 "/surveillance/ shows per_page rows of each of its two lists) and that "
                 "median is the judged growth; the default page's growth is printed beside "
                 "it as information (docs/decisions.md, 'How make bench judges growth').")
    for key in n:
        role, endpoint = key
        p50, p95, q, count, status, rows, equal = n[key]
        sp50, sp95, sq, _, _, srows = s.get(key, (None, None, None, 0, None, None, None))[:6]
        label = f"{role}: {endpoint}"
        if p50 is None:
            row("Office lists", label, f"HTTP {status}", "", "not measured")
            continue
        # 10× the data: growth per 10× is the ratio itself, of the medians (the p95 of a
        # dozen fetches of a page of a few ms is its slowest one)
        growth = p50 / sp50 if sp50 else float("nan")
        # data rows shown: a page not yet full on the small set grows by filling up
        shown = f", {rows} rows" if rows is not None else ""
        sshown = f", {srows} rows" if srows is not None else ""
        value = f"p50 {p50:.0f} / p95 {p95:.0f} ms, {q} q{shown} (n={count})"
        worst_p95, queries_met = p95, q == sq
        if endpoint not in PAGED:
            judged = f"p50 ×{growth:.2f} per 10× (not a paged list)"
        elif equal is None or equal[1] is None:
            judged = f"p50 ×{growth:.2f} per 10× (≤ 1.5: {verdict(growth <= 1.5)})"
            if equal is not None:
                judged += f"; per_page={equal[0]}: HTTP {equal[5]}"
        else:
            per_page, ep50, ep95, eq, ecount, _estatus, erows = equal
            same = ep50 / sp50 if sp50 else float("nan")
            value += (f"; per_page={per_page}: p50 {ep50:.0f} / p95 {ep95:.0f} ms, {eq} q, "
                      f"{erows} rows (n={ecount})")
            worst_p95, queries_met = max(p95, ep95), queries_met and eq == sq
            judged = (f"p50 ×{same:.2f} per 10× on the same rows ({srows} → {erows} at "
                      f"per_page={per_page}; ≤ 1.5: {verdict(same <= 1.5)}); default page "
                      f"×{growth:.2f} ({srows} → {rows} rows, not judged)")
        row("Office lists", label, value,
            f"small p50 {sp50:.0f} / p95 {sp95:.0f} ms, {sq} q{sshown}" if sp95 else "",
            f"p95 ≤ 300 ms: {verdict(worst_p95 <= 300)}; {judged}; "
            f"queries {sq} → {q} ({verdict(queries_met)})")


# -- autosave ------------------------------------------------------------------------------------

MEMBERS = 30
SAVES = 8
# The realistic pace, beside the burst: each member saves once a second (a click a second
# is quick for a person reading a criterion), the 30 members' seconds spread evenly.
PACE_S = 1.0


def autosave_database(url: str, folder: Path) -> tuple[int, list[str], list[str]]:
    """A fresh database (at ``url``) with a council of 30 members scoring one evaluation."""
    from flask_migrate import upgrade

    from ocop_rating import create_app
    from ocop_rating.db import db
    from ocop_rating.geo.services import import_units

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"},
                     instance_path=str(folder))
    with app.app_context():
        upgrade()
        import_units()
        db.session.commit()
        from ocop_rating.councils import services
        from ocop_rating.councils.models import RoundState
        from ocop_rating.evaluation import services as scoring
        from tests.factories import accepted_dossier, make_council

        council, office, people = make_council(members=MEMBERS)
        dossier = accepted_dossier(set_no=1)
        round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
        services.move_round(round_, RoundState.open, actor=office)
        evaluation = services.add_to_round(round_, dossier, actor=office)
        services.move_round(round_, RoundState.scoring, actor=office)
        db.session.commit()
        codes = [i.code for i in scoring.sheet_definition(evaluation).items][:SAVES]
        users = [p.user.username for p in people]
        evaluation_id = evaluation.id
        db.engine.dispose()
    return evaluation_id, users, codes


class Member:
    """One member's browser during the clock: one keep-alive connection (as a browser keeps
    its connection to the server; a sync worker closes it after each answer and http.client
    opens a new one), the session cookie it was given, the sheet version of the last answer.
    The bodies are built before the clock but for the version, so the 30 client threads, on
    the same two cores as the server, cost as little as they can."""

    def __init__(self, base: str, evaluation_id: int, username: str, cookie: str, token: str,
                 version: int):
        address = urllib.parse.urlsplit(base)
        self.connection = http.client.HTTPConnection(address.hostname, address.port,
                                                     timeout=60)
        self.path = f"/councils/evaluations/{evaluation_id}/score/save"
        self.username, self.cookie, self.version = username, cookie, version
        self.prefix = urllib.parse.urlencode({"csrf_token": token}) + "&version="
        self.acked: dict[str, int] = {}

    def save(self, code: str, option: int) -> tuple[int, float]:
        """One autosave; (HTTP status, milliseconds from sending to the whole answer read)."""
        import json

        body = f"{self.prefix}{self.version}&item-{urllib.parse.quote(code)}={option}".encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie,
                   "Accept": "application/json"}
        start = time.perf_counter()
        try:
            self.connection.request("POST", self.path, body, headers)
            response = self.connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # the server closed the idle keep-alive connection (gunicorn's --keep-alive,
            # 2 s, between two runs) before reading this request: sent again on a new
            # connection, as a browser does; the clock keeps running
            self.connection.close()
            self.connection.request("POST", self.path, body, headers)
            response = self.connection.getresponse()
        data = response.read()
        ms = (time.perf_counter() - start) * 1000
        for header, value in response.getheaders():  # the session cookie, refreshed
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        if response.status == 200:
            self.version = json.loads(data)["sheet"]["version"]
            self.acked[code] = option
        return response.status, ms

    def close(self) -> None:
        self.connection.close()


def autosave_members(base: str, evaluation_id: int, users: list[str]) -> list[Member]:
    """Each member logged in, his sheet opened and its page read, before the clock starts."""
    from tests.factories import DEFAULT_PASSWORD

    members = []
    for username in users:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/login").read().decode()
        token = CSRF_RE.search(page).group(1)
        opener.open(f"{base}/login", urllib.parse.urlencode(
            {"username": username, "password": DEFAULT_PASSWORD, "csrf_token": token}).encode())
        score = f"{base}/councils/evaluations/{evaluation_id}/score"
        page = opener.open(score).read().decode()
        token = CSRF_RE.search(page).group(1)
        opener.open(f"{score}/open", urllib.parse.urlencode({"csrf_token": token}).encode())
        page = opener.open(score).read().decode()
        version = re.search(r'name="version"[^>]*value="(\d+)"', page)
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        members.append(Member(base, evaluation_id, username, cookie,
                              CSRF_RE.search(page).group(1),
                              int(version.group(1)) if version else 0))
    return members


def autosave_run(env: dict, base: str, evaluation_id: int, members: list[Member],
                 codes: list[str], *, pace: float | None = None, round_: int = 0) -> dict:
    """Every member saves ``codes`` one after the other: all released at once by a barrier
    (``pace`` None: the burst), or once every ``pace`` seconds, the members' starts spread
    over one period. Then the acknowledged values are checked in the database."""
    barrier = threading.Barrier(len(members))
    latencies, failures = [], []
    lock = threading.Lock()

    def member(m: Member, index: int) -> None:
        barrier.wait()
        start = time.perf_counter() + (pace * index / len(members) if pace else 0)
        for k, code in enumerate(codes):
            if pace:
                time.sleep(max(0.0, start + k * pace - time.perf_counter()))
            try:
                status, ms = m.save(code, (index + k + round_) % 2)
            except OSError as e:
                with lock:
                    failures.append(type(e).__name__)
                m.connection.close()
                continue
            with lock:
                (latencies.append(ms) if status == 200 else failures.append(status))

    threads = [threading.Thread(target=member, args=(m, i)) for i, m in enumerate(members)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # lost writes: an acknowledged save whose value is not what the database holds
    from sqlalchemy import create_engine, text

    engine = create_engine(env["OCOP_DATABASE_URL"])
    lost = 0
    with engine.connect() as con:
        for m in members:
            held = dict(con.execute(text(
                "SELECT e.item_code, e.option_index FROM score_entries e "
                "JOIN score_sheets s ON s.id = e.sheet_id "
                "JOIN council_members c ON c.id = s.member_id "
                "JOIN users u ON u.id = c.user_id "
                "WHERE u.username = :u AND s.evaluation_id = :e"),
                {"u": m.username, "e": evaluation_id}).all())
            lost += sum(1 for code, option in m.acked.items() if held.get(code) != option)
    engine.dispose()
    return {**percentiles(latencies), "ok": len(latencies), "failed": failures, "lost": lost}


def percentiles(latencies: list[float]) -> dict:
    """p50 and p99 by nearest rank (of 240 saves, p99 is the 238th fastest)."""
    import math

    ordered = sorted(latencies) or [float("nan")]
    return {"p50": statistics.median(ordered),
            "p99": ordered[max(0, math.ceil(len(ordered) * 0.99) - 1)]}


POSTGRES = os.environ.get("OCOP_BENCH_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def autosave_url(engine: str, folder: Path):
    """A new, empty database for one autosave run: a file on SQLite; on PostgreSQL (the
    production database: row locks per sheet instead of SQLite's one writer) a database
    created on the server of OCOP_BENCH_POSTGRES_URL and dropped afterwards."""
    if engine == "sqlite":
        yield f"sqlite:///{folder / 'autosave.sqlite3'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(POSTGRES)
    name = f"ocop_bench_autosave_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        con.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as con:
            con.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_reachable() -> bool:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(POSTGRES, connect_args={"connect_timeout": 3})
        with engine.connect() as con:
            con.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - no server: the PostgreSQL rows say so
        return False


BURSTS = 3


def autosave_section() -> dict:
    print(f"\n== Autosave: {MEMBERS} members at once, {SAVES} saves each", flush=True)
    memory = {}
    runs = [("SQLite, 2 sync workers", "sqlite", "sync", 1),
            ("SQLite, 2 gthread workers × 4 threads", "sqlite", "gthread", 4),
            ("PostgreSQL, 2 sync workers", "postgresql", "sync", 1),
            ("PostgreSQL, 2 gthread workers × 4 threads", "postgresql", "gthread", 4)]
    has_postgres = postgres_reachable()
    for label, engine, worker_class, threads in runs:
        if engine == "postgresql" and not has_postgres:
            row("Autosave", label, "not measured", "", f"no PostgreSQL at {POSTGRES}")
            continue
        folder = Path(tempfile.mkdtemp(prefix="ocop-bench-autosave-"))
        with autosave_url(engine, folder) as url:
            evaluation_id, users, codes = autosave_database(url, folder)
            env = base_env(folder / "unused.sqlite3", folder)
            env["OCOP_DATABASE_URL"] = url
            bursts, paced, memory[label] = _autosave_once(env, evaluation_id, users, codes,
                                                          worker_class, threads)
        shutil.rmtree(folder, ignore_errors=True)
        # the burst's figure: the median of the bursts' p50 and p99 (the machine is shared)
        p50 = statistics.median(b["p50"] for b in bursts)
        p99 = statistics.median(b["p99"] for b in bursts)
        lost = sum(b["lost"] for b in bursts)
        failed = [f for b in bursts for f in b["failed"]]
        each = ", ".join(f"{b['p99']:.0f}" for b in bursts)
        loads = ", ".join(f"{b['load']:.1f}" for b in bursts)
        row("Autosave", f"{label}: burst, all {MEMBERS} at once",
            f"p50 {p50:.0f} / p99 {p99:.0f} ms", "",
            f"p99 ≤ 300 ms: {verdict(p99 <= 300)}; lost writes {lost} "
            f"({verdict(lost == 0)}){_refused(failed)}; median of {len(bursts)} bursts "
            f"(p99 {each} ms; load average {loads})")
        row("Autosave", f"{label}: each member one save a second",
            f"p50 {paced['p50']:.0f} / p99 {paced['p99']:.0f} ms", "",
            f"p99 ≤ 300 ms: {verdict(paced['p99'] <= 300)}; lost writes {paced['lost']} "
            f"({verdict(paced['lost'] == 0)}){_refused(paced['failed'])}; load average "
            f"{paced['load']:.1f}")
    NOTES.append(
        f"Autosave: {MEMBERS} members of one council, logged in and on their sheets before "
        f"the clock, each saving {SAVES} criteria one after the other through POST "
        "/councils/evaluations/<id>/score/save (the page's JSON autosave), each from one "
        "keep-alive connection as a browser (http.client; a sync worker closes it after each "
        "answer). Burst: all released at once by a barrier, "
        f"{BURSTS} bursts in a row, each changing every value; the figure is the median of "
        "their p50 and p99 (nearest rank). Paced: each member one save a second, the 30 "
        "spread over the second. Lost writes: acknowledged values that the database does not "
        "hold, read after each run. The client's 30 threads run on the same 2 cores.")
    return memory


def _refused(failed: list) -> str:
    if not failed:
        return ""
    return f", {len(failed)} refused ({', '.join(sorted(set(map(str, failed))))})"


def _autosave_once(env: dict, evaluation_id: int, users: list[str], codes: list[str],
                   worker_class: str, threads: int) -> tuple[list[dict], dict, float]:
    # plain http on 127.0.0.1: the session cookie must not be Secure-only (the https
    # PUBLIC_BASE_URL would make it so), or the members' logins would lose their CSRF
    env["OCOP_COOKIE_SECURE"] = "false"
    with gunicorn("ocop_rating.wsgi:app", env, worker_class=worker_class,
                  threads=threads) as (proc, base):
        members = autosave_members(base, evaluation_id, users)
        try:
            bursts = []
            for n in range(BURSTS):
                bursts.append({**autosave_run(env, base, evaluation_id, members, codes,
                                              round_=n), "load": os.getloadavg()[0]})
            paced = {**autosave_run(env, base, evaluation_id, members, codes, pace=PACE_S,
                                    round_=BURSTS), "load": os.getloadavg()[0]}
        finally:
            for m in members:
                m.close()
        return bursts, paced, proc.peak()


# -- report --------------------------------------------------------------------------------------

def machine() -> str:
    free = subprocess.run(["free", "-m"], capture_output=True, text=True).stdout.splitlines()
    mem = free[1].split()[1] if len(free) > 1 else "?"
    load = os.getloadavg()
    return (f"{os.cpu_count()} CPUs (`nproc` {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()}), "
            f"{mem} MiB RAM, load average {load[0]:.1f} at the start, Python "
            f"{platform.python_version()}, {platform.platform()}")


SECTIONS = ("http", "pdf", "office", "autosave", "memory")
# section flag -> the heading its rows are written under
HEADINGS = {"http": "HTTP", "pdf": "PDF", "office": "Office lists", "autosave": "Autosave",
            "memory": "Memory"}


def _kept_sections(text: str, replaced: set[str]) -> dict[str, str]:
    """The ``## …`` blocks of an earlier report, by heading, except those being replaced (and
    the generated Notes / Production setting, rewritten each time)."""
    blocks: dict[str, str] = {}
    heading = None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            blocks[heading] = ""
            continue
        if heading is not None:
            blocks[heading] += line + "\n"
    def rerun(heading: str) -> bool:  # "HTTP (gunicorn …)" or "Office lists, autosave …"
        return any(name.lower() in heading.lower() for name in replaced)

    return {h: b for h, b in blocks.items()
            if not rerun(h) and h not in ("Notes", "Production setting")}


def write_report(started: datetime, seconds: float, host: str, *, partial: bool = False,
                 only: tuple[str, ...] = SECTIONS) -> None:
    state = (f"**interrupted or still running** after {seconds / 60:.1f} minutes: the sections "
             "below are the ones finished" if partial else f"in {seconds / 60:.1f} minutes")
    path = ROOT / "docs" / "benchmarks.md"
    kept: dict[str, str] = {}
    if set(only) != set(SECTIONS) and path.exists():
        # --only: the other sections keep the figures of the run that measured them
        kept = _kept_sections(path.read_text(encoding="utf-8"),
                              {HEADINGS[s] for s in only})
    ran = "" if not kept else (f" Only the sections {', '.join(HEADINGS[s] for s in only)} "
                               "were run then (`--only`); the others are from an earlier run.")
    lines = ["# Benchmarks", "",
             f"Written by `make bench` (benchmarks/run.py) on {started:%d/%m/%Y %H:%M} UTC "
             f"{state}. Machine: {host}.{ran}", "",
             "Every figure sits beside its baseline measured in the same run. The machine is "
             "shared: absolute times move with its load, the ratios much less.", ""]
    for heading, block in kept.items():
        lines += ["", f"## {heading}", block.rstrip("\n")]
    section = None
    for sec, figure, value, baseline, ratio in ROWS:
        if sec != section:
            lines += ["", f"## {sec}", "", "| figure | value | baseline | ratio / target |",
                      "|---|---|---|---|"]
            section = sec
        lines.append(f"| {figure} | {value} | {baseline} | {ratio} |")
    if NOTES:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in NOTES]
    lines += ["", "## Production setting", "", PRODUCTION_SETTING, ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    if not partial:
        print(f"\nwritten docs/benchmarks.md ({len(ROWS)} figures)")


PRODUCTION_SETTING = (
    "Production runs gunicorn with threaded workers (`--worker-class gthread --workers 2 "
    "--threads 4`, README, Production). The autosave section measures them beside sync "
    "workers on SQLite, where every write takes the one database-wide lock (BEGIN IMMEDIATE), "
    "and on PostgreSQL, the production database, where a save locks its member's sheet row "
    "and, for its audit row and its commit only, the audit chain's head.")


def guarded(section: str, fn, *args):
    """Run one section; a failure is reported in the table (and the run goes on), so the
    report is always written and ``make bench`` exits 0."""
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001 - reported, not hidden
        import traceback

        traceback.print_exc()
        row(section, "section failed", f"{type(e).__name__}: {e}"[:120])
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="short runs (a smoke test)")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run, of {','.join(SECTIONS)} "
                             "(memory comes from the http and autosave runs); the report "
                             "keeps the other sections' earlier figures")
    args = parser.parse_args()
    only = tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; of {','.join(SECTIONS)}")
    if "memory" in only and not {"http", "autosave"} & set(only):
        only += ("http",)  # the peak memory is measured under the http section's load
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    host = machine()
    print(f"machine: {host}; sections: {', '.join(only)}")

    def report(partial=True):
        write_report(started, time.perf_counter() - t0, host, partial=partial, only=only)

    # --quick (a smoke test of the runner): tiny against small instead of small against national
    small = dataset("tiny" if args.quick else "small") if {"http", "office"} & set(only) \
        else None
    # the report is rewritten after each section: an interrupted run still leaves its figures
    http = {}
    if "http" in only:
        http = guarded("HTTP", http_section, small, 3 if args.quick else 10) or {}
        report()
    if "pdf" in only:
        guarded("PDF", pdf_section, 20 if args.quick else 60, 100 if args.quick else 1000)
        report()
    if "office" in only:
        national = dataset("small" if args.quick else "national")
        guarded("Office lists", office_section, small, national, 1.0 if args.quick else 4.0)
        report()
    memory = {}
    if "autosave" in only:
        memory = guarded("Autosave", autosave_section) or {}
    if "memory" in only or set(only) == set(SECTIONS):
        if http:
            row("Memory", "peak RSS per worker, app under wrk (2 sync)",
                f"{http['wrk_peak_mib']:.0f} MiB")
        for label, mib in memory.items():
            row("Memory", f"peak RSS per worker, autosave ({label})", f"{mib:.0f} MiB")
    report(partial=False)


if __name__ == "__main__":
    main()
