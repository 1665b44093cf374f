"""The decision ZIP downloads through a real WSGI server: gunicorn refuses a response header
that is not latin-1, so a Vietnamese file name ("QĐ") used to end in a 500 there although the
test client accepted it. The app is served by gunicorn in a subprocess on a free port of
127.0.0.1, against the suite's database, and a real decision's certificates.zip is fetched."""
from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import unquote, urlencode

import pytest

from tests.factories import DEFAULT_PASSWORD, issued_certificate

ROOT = Path(__file__).resolve().parents[2]
WSGI_APP = "ocop_rating.wsgi:app"  # the production entry point (README, Production)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def gunicorn(database_url, tmp_path):
    port = _free_port()
    instance = tmp_path / "instance"
    instance.mkdir()
    env = dict(os.environ, OCOP_DATABASE_URL=database_url, OCOP_SECRET_KEY="gunicorn-test",
               OCOP_MAIL_PORT="1", PYTHONPATH=str(ROOT))
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--timeout", "60", "--chdir", str(ROOT), WSGI_APP],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/registry", timeout=30).read()
                break
            except OSError:  # not listening yet (URLError, refused, timed out)
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise AssertionError("gunicorn did not start:\n" +
                                         (tmp_path / "gunicorn.log").read_text()[-3000:])
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class Browser:
    """Cookies and CSRF tokens over real HTTP, as a browser would send them."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str):
        return self.opener.open(self.base + path, timeout=60)

    def post(self, path: str, data: dict, *, form_page: str):
        html = self.get(form_page).read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        body = urlencode({**data, "csrf_token": token}).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST", headers={
            "Origin": self.base, "Content-Type": "application/x-www-form-urlencoded"})
        return self.opener.open(request, timeout=60)


def test_decision_zip_downloads_under_gunicorn(db, gunicorn):
    certificate, office = issued_certificate(star=4)
    decision = certificate.decision
    assert "Đ" in decision.number  # the name that broke the header
    db.session.commit()
    browser = Browser(gunicorn)
    browser.post("/login", {"username": office.username, "password": DEFAULT_PASSWORD},
                 form_page="/login")
    response = browser.get(f"/certificates/decisions/{decision.id}/certificates.zip")
    assert response.status == 200
    header = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in header
    name = unquote(header.split("filename*=UTF-8''", 1)[1])
    assert name == f"giay-chung-nhan-{decision.number.replace('/', '-')}.zip"
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.read()))
    assert archive.testzip() is None
    [entry] = archive.namelist()
    assert archive.read(entry).startswith(b"%PDF")
    # a foreign Origin is refused by the real server too
    request = urllib.request.Request(gunicorn + "/logout", data=b"", method="POST",
                                     headers={"Origin": "http://evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        browser.opener.open(request, timeout=60)
    assert refused.value.code == 403
