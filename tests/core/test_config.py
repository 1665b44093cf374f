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
