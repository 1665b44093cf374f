"""Screenshots of the main screens for the README (``make screenshots``).

Builds the demo on a throw-away SQLite database (migrate, import units, seed-demo), serves it
on 127.0.0.1 in a thread, and photographs each screen with Playwright's Chromium at 1366 px
wide, as the demo users see them (Vietnamese). Each PNG is reduced to a 128-colour palette so
the repository stays small. Writes docs/screenshots/NN-name.png.

    .venv/bin/python tools/screenshots.py [--out docs/screenshots] [--keep DIR]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("OCOP_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]
VIEWPORT = {"width": 1366, "height": 900}
PASSWORD = "ocop-demo-2026"


def build_demo(workdir: Path) -> str:
    """A fresh demo database in ``workdir``; returns its URL."""
    url = f"sqlite:///{workdir / 'demo.sqlite3'}"
    env = {**os.environ, "OCOP_DATABASE_URL": url, "OCOP_MAIL_SERVER": "127.0.0.1",
           "OCOP_MAIL_PORT": "1"}
    flask = [sys.executable, "-m", "flask", "--app", "ocop_rating"]
    for args in (["db", "upgrade"], ["ocop", "import-units"], ["ocop", "seed-demo"]):
        print("flask", *args, flush=True)
        subprocess.run(flask + args, env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    return url


def targets(app) -> dict:
    """Ids of the records the screens show, read from the demo database."""
    from ocop_rating.accounts.models import User
    from ocop_rating.certificates.models import Certificate
    from ocop_rating.councils.models import Evaluation, Round, RoundState
    from ocop_rating.db import db
    from ocop_rating.dossiers.models import Dossier
    from ocop_rating.dossiers.states import DossierStatus

    with app.app_context():
        certificate = db.session.scalars(
            db.select(Certificate).where(Certificate.revoked_at.is_(None))
            .order_by(Certificate.id)).first()
        round_ = db.session.scalars(db.select(Round).where(Round.state == RoundState.scoring)
                                    .order_by(Round.id)).first() or \
            db.session.scalars(db.select(Round).order_by(Round.id.desc())).first()
        scoring = db.session.scalars(db.select(Evaluation).join(Round)
                                     .where(Round.state == RoundState.scoring)
                                     .order_by(Evaluation.id)).first()
        draft = db.session.scalars(db.select(Dossier).where(
            Dossier.status == DossierStatus.draft).order_by(Dossier.id)).first()
        owner = db.session.scalars(db.select(User.username).where(
            User.producer_id == draft.producer_id)).first() if draft is not None else None
        return {"certificate": certificate.id if certificate else None,
                "token": certificate.token if certificate else None,
                "round": round_.id if round_ else None,
                "evaluation": scoring.id if scoring else None,
                "draft": draft.id if draft else None, "owner": owner or "chuthe.vandon"}


class Server:
    def __init__(self, app):
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_request(self, code="-", size="-"):
                pass

        self._server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._thread.join(timeout=10)


def shrink(path: Path) -> None:
    """A 128-colour palette PNG: a few hundred KB at most for a 1366x900 screen."""
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def shoot(base: str, ids: dict, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)

        def context(viewport=VIEWPORT):
            return browser.new_context(base_url=base, viewport=viewport, locale="vi-VN",
                                       timezone_id="Asia/Ho_Chi_Minh")

        def login(page, username):
            page.goto("/login")
            page.get_by_label("Tên đăng nhập").fill(username)
            page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_load_state()

        def snap(page, name, url=None):
            if url:
                page.goto(url)
            page.wait_for_load_state("networkidle")
            path = out / f"{len(written) + 1:02d}-{name}.png"
            page.screenshot(path=str(path))
            shrink(path)
            written.append(path)
            print("wrote", path.relative_to(ROOT), flush=True)

        public = context().new_page()
        snap(public, "public-registry", "/registry")
        if ids["token"]:
            snap(public, "verify-certificate", f"/verify/{ids['token']}")
        snap(public, "login", "/login")

        producer = context().new_page()
        login(producer, ids["owner"])
        snap(producer, "producer-home", "/")
        if ids["draft"]:
            producer.goto(f"/dossiers/{ids['draft']}/self-assessment")
            producer.locator(".sheet-item summary").first.click()  # the evidence drop zone
            snap(producer, "self-assessment")

        commune = context().new_page()
        login(commune, "xa.vandon")
        snap(commune, "commune-home", "/")

        province = context().new_page()
        login(province, "qn.ocop")
        snap(province, "province-home", "/")
        if ids["round"]:
            snap(province, "round", f"/councils/rounds/{ids['round']}")
        if ids["certificate"]:
            snap(province, "certificate", f"/certificates/{ids['certificate']}")

        member = context().new_page()
        login(member, "hd.thanhvien1")
        if ids["evaluation"]:
            member.goto(f"/councils/evaluations/{ids['evaluation']}/score")
            start = member.get_by_role("button", name="Bắt đầu chấm")
            if start.count():
                start.click()
                member.wait_for_load_state()
            snap(member, "scoring-sheet")
        else:
            snap(member, "member-home", "/")
        browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--keep", help="build the demo in this folder and keep it")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="ocop-screens-") as tmp:
        workdir = Path(args.keep) if args.keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        existing = workdir / "demo.sqlite3"
        url = f"sqlite:///{existing}" if args.keep and existing.exists() else build_demo(workdir)
        from ocop_rating import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": "127.0.0.1",
                          "MAIL_PORT": 1, "LOGIN_RATE_LIMIT": "1000 per minute",
                          "LOGIN_ACCOUNT_RATE_LIMIT": "1000 per minute"},
                         instance_path=str(workdir / "instance"))
        ids = targets(app)
        with Server(app) as server:
            written = shoot(server.url, ids, out)
    print(f"{len(written)} screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
