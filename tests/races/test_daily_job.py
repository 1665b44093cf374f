"""The daily job's once-only guarantees, with the race forced: two `flask ocop daily`
processes are released together at the write that decides who sends (tests/races/barrier.py),
so both have read "nothing sent yet" before either inserts. Only the unique constraint on
(certificate, kind) then keeps the producer from being told twice; without it this test
fails (see docs/testing.md, "Races forced")."""
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from ocop_rating.reevaluation.models import NoticeKind, ReevaluationNotice
from tests.conftest import committed
from tests.factories import issued_certificate

ROOT = Path(__file__).resolve().parents[2]


def test_two_daily_jobs_released_together_send_each_notice_once(app, db, smtp_server,
                                                                 database_url, tmp_path):
    certificate, _office = issued_certificate(star=4, decided_on=date(2026, 7, 15))
    db.session.commit()
    barrier = tmp_path / "barrier"
    env = dict(os.environ, OCOP_DATABASE_URL=database_url, OCOP_SECRET_KEY="x",
               OCOP_MAIL_SERVER="127.0.0.1", OCOP_MAIL_PORT=str(app.config["MAIL_PORT"]),
               OCOP_RACE_BARRIER=str(barrier), OCOP_RACE_PARTIES="2")
    command = [sys.executable, "-m", "tests.races.barrier",
               "ocop_rating.reevaluation.services:send_notice", "--",
               "--app", "ocop_rating", "ocop", "daily", "--date", "2029-01-16"]
    procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    # Both processes reached the write: the race really happened.
    assert len(list(barrier.iterdir())) == 2
    sent = [int(out.split("Notices sent: ")[1].split()[0]) for out, _err in outputs]
    assert sorted(sent) == [0, 1], outputs
    committed(db)
    rows = db.session.scalars(db.select(ReevaluationNotice).filter_by(
        certificate_id=certificate.id)).all()
    assert [r.kind for r in rows] == [NoticeKind.window_open]

    subject = "[OCOP] " + str(NoticeKind.window_open.label)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any(
            m["Subject"] == subject for m in smtp_server.messages):
        time.sleep(0.1)
    time.sleep(1)  # give a duplicate, if any, the time to arrive
    assert [m["Subject"] for m in smtp_server.messages].count(subject) == 1
