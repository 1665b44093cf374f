"""Code run in child processes (multiprocessing 'spawn'): each is a separate server process
with its own application, engine and connections."""
from __future__ import annotations


class Thing:
    """Any audited object: a table name and an id."""

    __tablename__ = "things"

    def __init__(self, id_: int):
        self.id = id_


def append_events(database_url: str, instance_path: str, barrier, results, worker: int,
                  count: int, serialize: bool, race_folder: str | None = None,
                  parties: int = 0) -> None:
    """Append ``count`` audit rows. With ``race_folder``, the first append of every worker
    waits at the head of the chain (tests/races/barrier.py) until all ``parties`` are there,
    so they all reach the read-and-lock of the head together."""
    from pathlib import Path

    from ocop_rating import audit
    from ocop_rating.audit import chain
    from ocop_rating.db import db
    from tests.conftest import make_test_app
    from tests.races.barrier import hold_first_call

    chain._serialize = serialize
    if race_folder is not None:
        hold_first_call("ocop_rating.audit.chain:_lock_head", Path(race_folder), parties)
    app = make_test_app(database_url, instance_path)
    errors = 0
    with app.app_context():
        db.session.execute(db.select(db.literal(1)))  # connect before the start
        db.session.rollback()
        barrier.wait(timeout=60)
        for i in range(count):
            try:
                audit.record(Thing(worker), "tick", actor=None, new=str(i))
                db.session.commit()
            except Exception:  # noqa: BLE001  (counted: the parent asserts on it)
                db.session.rollback()
                errors += 1
        db.engine.dispose()
    results.put((worker, errors))


def keep_writing(database_url: str, instance_path: str, upload_folder: str, started, stop,
                 results) -> None:
    """A server busy writing: audit rows and uploaded files, one commit after another,
    until told to stop."""
    from ocop_rating import audit
    from ocop_rating.db import db
    from ocop_rating.files.services import store_upload
    from tests.conftest import make_test_app
    from tests.factories import MINIMAL_PDF, pdf_upload

    app = make_test_app(database_url, instance_path, UPLOAD_FOLDER=upload_folder)
    done = 0
    with app.app_context():
        while not stop.is_set():
            stored = store_upload(pdf_upload(content=MINIMAL_PDF + f"%{done}\n".encode()),
                                  actor=None)
            audit.record(stored, "uploaded", actor=None, new=stored.sha256)
            audit.record(Thing(done), "tick", actor=None, new=str(done))
            db.session.commit()
            done += 1
            if done == 5:
                started.set()
        db.engine.dispose()
    results.put(done)
