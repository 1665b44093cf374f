from ocop_rating import create_app


def test_precedence_defaults_instance_env_test(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        "ITEMS_PER_PAGE = 11\nMAIL_PORT = 2525\nPASSWORD_MIN_LENGTH = 9\n")
    monkeypatch.setenv("OCOP_MAIL_PORT", "2626")
    monkeypatch.setenv("OCOP_PASSWORD_MIN_LENGTH", "10")
    app = create_app({"PASSWORD_MIN_LENGTH": 12}, instance_path=str(tmp_path))
    assert app.config["BABEL_DEFAULT_LOCALE"] == "vi"        # default
    assert app.config["ITEMS_PER_PAGE"] == 11                # instance/config.py
    assert app.config["MAIL_PORT"] == 2626                   # environment beats instance
    assert app.config["PASSWORD_MIN_LENGTH"] == 12           # test dict beats environment


def test_database_defaults_to_sqlite_in_instance_and_env_selects_another(tmp_path, monkeypatch):
    monkeypatch.delenv("OCOP_DATABASE_URL", raising=False)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/ocop.sqlite3"
    monkeypatch.setenv("OCOP_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:5432/ocop")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("OCOP_SECRET_KEY", raising=False)
    first = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    second = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    assert first == second and len(first) >= 32


def test_sqlite_commits_are_synced_by_default_and_normal_is_a_setting(tmp_path, monkeypatch):
    import pytest
    from sqlalchemy import text

    from ocop_rating.db import db

    monkeypatch.delenv("OCOP_SQLITE_SYNCHRONOUS", raising=False)
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    for settings, synchronous, busy in (({}, 2, 5000),  # FULL: an acknowledged save is on disk
                                        ({"SQLITE_SYNCHRONOUS": "normal",
                                          "SQLITE_BUSY_TIMEOUT_MS": 1234}, 1, 1234)):
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, **settings},
                         instance_path=str(tmp_path))
        with app.app_context():
            with db.engine.connect() as con:
                assert con.execute(text("PRAGMA synchronous")).scalar() == synchronous
                assert con.execute(text("PRAGMA busy_timeout")).scalar() == busy
                assert con.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            db.engine.dispose()
    with pytest.raises(ValueError, match="SQLITE_SYNCHRONOUS"):
        create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLITE_SYNCHRONOUS": "OFF"},
                   instance_path=str(tmp_path))
