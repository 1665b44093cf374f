"""Schemathesis against the app's own OpenAPI document, in-process (WSGI): every documented
operation, with a valid token of the right role, a bounded number of generated cases, and
every check schemathesis has (no server error, status codes, content types and bodies as
documented). Zero failures."""
from datetime import date

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocop_rating.accounts.roles import Role
from ocop_rating.councils import services as councils
from ocop_rating.councils.models import RoundState
from ocop_rating.evaluation import services as scoring
from tests.factories import accepted_dossier, issued_certificate, make_council, make_user

from .helpers import bearer, make_token

EXAMPLES = 12


def _data():
    """Some of every record, so generated ids and filters hit real rows too."""
    issued_certificate(star=4)
    council, office, members = make_council(members=3)
    round_ = councils.create_round(council, name="Đợt 1", proposals_by=date(2026, 4, 30),
                                   finish_by=date(2026, 6, 30), is_extra=True, actor=office)
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, accepted_dossier(), actor=office)
    councils.move_round(round_, RoundState.scoring, actor=office)
    scoring.open_sheet(evaluation, actor=members[0].user)
    _t, office_secret = make_token(make_user(Role.ministry), scopes=["read", "office:read"])
    _t, member_secret = make_token(members[0].user, scopes=["read", "score:write"])
    return office_secret, member_secret


def test_schemathesis_finds_no_failure(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per minute")
    office_secret, member_secret = _data()
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    failures = []
    for operation in operations:
        writes = operation.method.upper() in ("PUT", "PATCH")
        headers = bearer(member_secret if writes else office_secret)

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(), _n=st.just(0))
        def run(case, _n):
            case.call_and_validate(headers=headers)

        try:
            run()
        except Exception as e:  # collect every operation's failure, not only the first
            failures.append(f"{operation.method.upper()} {operation.path}: {e}")
    assert not failures, "\n\n".join(failures)
