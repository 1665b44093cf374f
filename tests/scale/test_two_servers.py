"""Two application servers against one database, one uploads folder and one Redis (issue 13
§5; README, "Production"): two gunicorn instances on different ports, as a load balancer would
spread one user's requests over them.

Runs on both engines: on SQLite the two servers share the test's database file (SQLite's
locking and busy timeout serialise the writers), on PostgreSQL the test's database.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date
from pathlib import Path

import pytest
import redis

from ocop_rating.accounts.roles import Role
from ocop_rating.councils import services as councils
from ocop_rating.councils.models import RoundState
from ocop_rating.demo import MINIMAL_PDF
from ocop_rating.dossiers import services as dossiers
from ocop_rating.dossiers.checklist import LOCAL_ITEMS, checklist_for
from ocop_rating.dossiers.models import Dossier, DossierStatus, Evidence
from ocop_rating.evaluation import services as scoring
from ocop_rating.evaluation.models import ScoreSheet, SheetStatus
from ocop_rating.files.services import upload_root
from ocop_rating.reevaluation.models import NoticeKind, ReevaluationNotice
from tests.conftest import CSRF_RE, committed
from tests.factories import (
    DEFAULT_PASSWORD,
    QUANG_NINH,
    VAN_DON,
    complete_dossier,
    issued_certificate,
    make_council,
    make_dossier,
    make_producer,
    make_product,
    make_user,
)

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/13"  # a db number of its own; keys under a fresh prefix
LOGIN_LIMIT = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: one cookie jar, whichever server answers (cookies do not
    depend on the port, exactly as behind a load balancer)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())

    def open(self, url: str, data: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers

    def csrf(self, url: str) -> str:
        status, body, _ = self.open(url)
        match = CSRF_RE.search(body.decode())
        assert match, f"no form on {url} (HTTP {status})"
        return match.group(1)

    def post(self, url: str, fields: dict, *, form_page: str | None = None, **kw):
        fields = {"csrf_token": self.csrf(form_page or url), **fields}
        return self.open(url, urllib.parse.urlencode(fields, doseq=True).encode(), **kw)

    def upload(self, url: str, fields: dict, name: str, content: bytes, *, form_page: str):
        boundary = uuid.uuid4().hex
        fields = {"csrf_token": self.csrf(form_page), **fields}
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                 .encode() for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                     f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                     + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.open(url, b"".join(parts),
                         {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def login(self, base: str, username: str, password: str = DEFAULT_PASSWORD) -> int:
        status, _, _ = self.post(f"{base}/login", {"username": username, "password": password})
        return status


@pytest.fixture()
def servers(app, db, database_url, smtp_server, tmp_path):
    """Two gunicorn instances (2 threaded workers each) on one database, the test app's
    uploads folder and one Redis for the limits. Yields (env, base URL A, base URL B)."""
    prefix = f"ocop-test-{uuid.uuid4().hex[:12]}"
    store = redis.Redis.from_url(REDIS_URL)
    store.ping()  # Redis must be there: a missing one fails the test, it is never skipped
    env = dict(os.environ, OCOP_DATABASE_URL=database_url, OCOP_SECRET_KEY="two-servers",
               OCOP_UPLOAD_FOLDER=str(upload_root()), OCOP_RATELIMIT_STORAGE_URI=REDIS_URL,
               OCOP_RATELIMIT_KEY_PREFIX=prefix, OCOP_LOGIN_RATE_LIMIT=f"{LOGIN_LIMIT} per hour",
               OCOP_MAIL_SERVER="127.0.0.1", OCOP_MAIL_PORT=str(app.config["MAIL_PORT"]),
               OCOP_OPEN_DATA_DIR=str(tmp_path / "open-data"),
               OCOP_AUDIT_ANCHOR_FILE=str(tmp_path / "anchors.txt"), PYTHONPATH=str(ROOT))
    procs, bases = [], []
    for _ in range(2):
        port = free_port()
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--worker-class", "gthread", "--threads", "4", "--preload", "--log-level", "warning",
             "ocop_rating.wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True))
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for proc, base in zip(procs, bases):
            deadline = time.monotonic() + 180  # a loaded machine starts slowly
            while True:
                assert proc.poll() is None, proc.stderr.read()
                try:
                    urllib.request.urlopen(f"{base}/login", timeout=5).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, f"{base} did not start"
                    time.sleep(0.2)
        yield env, bases[0], bases[1]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        keys = list(store.scan_iter(f"*{prefix}*"))
        if keys:
            store.delete(*keys)


def _accept(dossier: Dossier) -> None:
    """The commune's check and the province's acceptance (the offices' part, not at issue)."""
    officer = make_user(Role.commune, commune_code=VAN_DON)
    dossiers.save_commune_check(
        dossier, actor=officer, checklist={i.code: True for i in checklist_for(dossier.set_no)},
        assessments={f: "Đạt" for f, _label in LOCAL_ITEMS}, proposal="Đề nghị đánh giá")
    dossiers.forward_to_province(dossier, actor=officer)
    dossiers.accept_at_province(dossier, actor=make_user(Role.province,
                                                         province_code=QUANG_NINH))


def test_a_dossier_filed_on_one_server_is_scored_on_the_other(servers, db):
    _env, a, b = servers
    producer, owner = make_producer()
    dossier = complete_dossier(make_dossier(make_product(producer, owner), owner), owner)
    db.session.commit()
    did = dossier.id

    # Filed on A: the producer uploads a general evidence file and submits.
    producer_browser = Browser()
    assert producer_browser.login(a, owner.username) == 302
    content = MINIMAL_PDF.replace(b"%%EOF", b"% two servers\n%%EOF")
    status, _, _ = producer_browser.upload(
        f"{a}/dossiers/{did}/evidence", {"item_code": "", "label": "Giấy phép kinh doanh"},
        "giay-phep.pdf", content, form_page=f"{a}/dossiers/{did}/self-assessment")
    assert status == 302
    status, _, _ = producer_browser.post(f"{a}/dossiers/{did}/submit", {},
                                         form_page=f"{a}/dossiers/{did}")
    assert status == 302
    committed(db)
    dossier = db.session.get(Dossier, did)
    assert dossier.status == DossierStatus.submitted
    evidence = db.session.scalar(db.select(Evidence).filter_by(dossier_id=did,
                                                               label="Giấy phép kinh doanh"))
    assert evidence is not None

    # Its evidence opens on both servers, with the same session (one shared secret key).
    for base in (a, b):
        status, body, _ = producer_browser.open(f"{base}/dossiers/{did}/evidence/{evidence.id}")
        assert (status, body) == (200, content), base

    # The offices do their part; a council scores it on B.
    _accept(dossier)
    council, office, people = make_council(members=3)
    round_ = councils.create_legal_rounds(council, 2026, actor=office)[0]
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, dossier, actor=office)
    councils.move_round(round_, RoundState.scoring, actor=office)
    db.session.commit()
    eid, member = evaluation.id, people[0].user
    items = scoring.sheet_definition(evaluation).items

    member_browser = Browser()
    assert member_browser.login(b, member.username) == 302
    score = f"{b}/councils/evaluations/{eid}/score"
    assert member_browser.post(f"{score}/open", {}, form_page=score)[0] == 302
    page = member_browser.open(score)[1].decode()
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    fields = {f"item-{i.code}": len(i.options) - 1 for i in items}
    status, body, _ = member_browser.post(f"{score}/save", {"version": version, **fields},
                                          form_page=score,
                                          headers={"Accept": "application/json"})
    assert status == 200, body
    version = re.search(rb'"version":\s*(\d+)', body).group(1).decode()
    # … and submits on A: the sheet is the database's, not a server's.
    status, _, _ = member_browser.post(f"{a}/councils/evaluations/{eid}/score/submit",
                                       {"version": version},
                                       form_page=f"{a}/councils/evaluations/{eid}/score")
    assert status == 302
    committed(db)
    sheet = db.session.scalar(db.select(ScoreSheet).filter_by(evaluation_id=eid))
    assert sheet.status == SheetStatus.submitted
    assert {e.item_code: e.option_index for e in sheet.entries} == {
        i.code: len(i.options) - 1 for i in items}
    # the provincial office, signed in on B, reads the same evidence on both servers too
    office_browser = Browser()
    assert office_browser.login(b, office.username) == 302
    for base in (a, b):
        status, body, _ = office_browser.open(f"{base}/dossiers/{did}/evidence/{evidence.id}")
        assert (status, body) == (200, content), base


def test_login_limits_are_counted_across_both_servers(servers):
    _env, a, b = servers
    browser = Browser()
    answers = []
    for n in range(LOGIN_LIMIT + 1):  # alternate servers: neither alone reaches the limit
        status = browser.login(a if n % 2 else b, "khong-co-tai-khoan", "sai-mat-khau-123")
        answers.append(status)
    assert answers[:LOGIN_LIMIT] == [422] * LOGIN_LIMIT  # the form again, with its message
    assert answers[LOGIN_LIMIT] == 429


def test_the_daily_job_started_on_both_servers_at_once_sends_each_notice_once(
        servers, db, smtp_server):
    env, _a, _b = servers
    certificate, _office = issued_certificate(star=4, decided_on=date(2026, 7, 15))
    db.session.commit()
    command = [sys.executable, "-m", "flask", "--app", "ocop_rating", "ocop", "daily",
               "--date", "2029-01-16"]
    procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    sent = [int(out.split("Notices sent: ")[1].split()[0]) for out, _err in outputs]
    assert sum(sent) == 1, outputs
    committed(db)
    rows = db.session.scalars(db.select(ReevaluationNotice).filter_by(
        certificate_id=certificate.id)).all()
    assert [r.kind for r in rows] == [NoticeKind.window_open]
    subject = "[OCOP] " + str(NoticeKind.window_open.label)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(
            m["Subject"] == subject for m in smtp_server.messages):
        time.sleep(0.1)
    time.sleep(1)  # give a duplicate, if any, the time to arrive
    assert [m["Subject"] for m in smtp_server.messages].count(subject) == 1
