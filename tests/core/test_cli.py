from ocop_rating.accounts.models import User
from ocop_rating.accounts.roles import Role
from ocop_rating.demo import DEMO_PASSWORD, DEMO_USERS
from tests.conftest import committed, form_post


def test_create_admin_creates_once(cli, db):
    result = cli("ocop", "create-admin", "--username", "root", "--password", "long-enough-1")
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    again = cli("ocop", "create-admin", "--username", "root", "--password", "long-enough-1")
    assert "already exists" in again.output
    committed(db)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)
                             .where(User.role == Role.admin)) == 1


def test_create_admin_refuses_a_short_password(cli):
    result = cli("ocop", "create-admin", "--password", "short")
    assert result.exit_code != 0
    assert "10" in result.output and "Traceback" not in result.output


def test_seed_demo_is_idempotent_and_every_demo_login_works(cli, client, db):
    from ocop_rating.demo import DEMO_PRODUCERS
    from ocop_rating.dossiers.models import Dossier
    from ocop_rating.dossiers.states import DossierStatus

    first = cli("ocop", "seed-demo")
    assert first.exit_code == 0, first.output
    assert " 0 records created" not in first.output
    second = cli("ocop", "seed-demo")
    assert "Demo data: 0 records created" in second.output
    logins = [u[0] for u in DEMO_USERS] + [p[0] for p in DEMO_PRODUCERS]
    for username in logins:
        assert username in second.output
        response = form_post(client, "/login", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200
        form_post(client, "/logout", form_page="/")
    committed(db)
    states = set(db.session.scalars(db.select(Dossier.status)))
    assert states == set(DossierStatus)
