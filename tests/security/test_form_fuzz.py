"""Property-based fuzz of every form (issue 12, point 7).

The forms are found as a person finds them: every page of the access matrix's world
(tests/security/world.py) is opened by a kind of user the matrix lets post there, and every
``<form method="post">`` on it with a field besides the CSRF token is a form to fuzz. Each is
posted, with the session's valid CSRF token, generated input in its fields: Vietnamese text,
huge strings, NUL and control characters, negative and huge numbers, several values for one
field, fields left out. Whatever the input:

* the answer is never 5xx and never shows a traceback;
* an answer that refuses (a re-rendered form 200, or 400/409/422) leaves every table's row
  count as it was: nothing half-written.
"""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.test_access_matrix import EXPECTED
from tests.security.world import KINDS, build_world, csrf_token, empty_world, logged_in_client

# Forms posting here are left alone: signing out ends the session the fuzz runs in.
SKIPPED_ACTIONS = {"accounts.logout"}
# Attempts are recorded by design (a failed login is audited): the audit tables grow on a
# refusal, nothing else may.
ATTEMPT_LOGS = {"audit_events", "audit_chain_head", "audit_anchors"}
TRACEBACK_MARKS = ("Traceback (most recent call last)", "sqlalchemy.exc", "File \"/")

VIETNAMESE = "ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐƯ"
texts = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(VIETNAMESE),
                max_size=40)
values = st.one_of(
    texts,
    st.sampled_from(["", " ", "\x00", "a\x00b", "Hợp tác xã\x00", "../../etc/passwd",
                     "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "%_%",
                     "2147483648", "99999999999999999999", "-1", "0", "1e308", "NaN",
                     "31/02/2026", "2026-13-45", "９", "true", "[]", "{}"]),
    st.integers(min_value=-2**70, max_value=2**70).map(str),
    st.just("Ệ" * 20_000),
    st.lists(texts, min_size=2, max_size=3),  # a list where one value is expected
)


class _Forms(HTMLParser):
    """The POST forms of a page: (action, field names)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, list[str]]] = []
        self._current: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = (attrs.get("action") or "", [])
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea", "button") and self._current is not None:
            name = attrs.get("name")
            if name and name != "csrf_token" and name not in self._current[1]:
                self._current[1].append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _first_allowed(allowed) -> str | None:
    if not allowed or isinstance(allowed, str):
        return None
    for kind in reversed(KINDS):  # the kinds nearest the record first
        if kind in allowed:
            return kind
    return None


@pytest.fixture(scope="module")
def fuzz_world(app):
    with app.app_context():
        world = build_world()
        clients = {kind: logged_in_client(app, world.users.get(kind)) for kind in KINDS}
        tokens = {kind: csrf_token(client) for kind, client in clients.items()}
        forms = _discover(app, world, clients)
        yield clients, tokens, forms
        empty_world(app)


def _discover(app, world, clients) -> dict[str, tuple[str, str, list[str]]]:
    """action endpoint -> (kind, action path, field names), from the world's pages."""
    from flask import url_for

    from tests.security.test_access_matrix import _url_values

    values = _url_values(world, app)
    adapter = app.url_map.bind("localhost")
    found = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if "GET" not in rule.methods or rule.endpoint.startswith(("api.", "static",
                                                                   "bootstrap.")):
            continue
        allowed = EXPECTED[rule.endpoint][0]
        first = _first_allowed(allowed)
        if first is None:
            continue
        with app.test_request_context():
            page_url = url_for(rule.endpoint, **values[rule.endpoint])
        # The kind nearest the record, and the province office that runs most forms.
        for kind in dict.fromkeys([first] + [k for k in ("province_a",) if k in allowed]):
            page = clients[kind].get(page_url)
            if page.status_code != 200 or "html" not in page.content_type:
                continue
            parser = _Forms()
            parser.feed(page.get_data(as_text=True))
            for action, fields in parser.forms:
                path = urlsplit(action).path or page_url
                try:
                    endpoint, _args = adapter.match(path, method="POST")
                except Exception:
                    continue
                post_allowed = EXPECTED[endpoint][1]
                if fields and endpoint not in SKIPPED_ACTIONS and endpoint not in found \
                        and not isinstance(post_allowed, str) and kind in post_allowed:
                    found[endpoint] = (kind, path, fields)
    return found


def _row_counts(app) -> dict[str, int]:
    from sqlalchemy import func, select

    from ocop_rating.db import db

    tables = [t for t in db.metadata.sorted_tables if t.name not in ATTEMPT_LOGS]
    with app.app_context():
        row = db.session.execute(select(*[
            select(func.count()).select_from(t).scalar_subquery().label(t.name)
            for t in tables])).one()
        db.session.rollback()
    return dict(row._mapping)


def test_forms_were_found(fuzz_world):
    """The discovery reaches the forms of every part of the application."""
    _clients, _tokens, forms = fuzz_world
    for endpoint in ("accounts.login", "producers.signup", "accounts.change_password",
                     "accounts.create_user", "producers.edit", "products.create",
                     "dossiers.registration", "councils.create", "certificates.new_decision",
                     "reevaluation.new_plan", "dossiers.commune_check", "councils.add_member",
                     "councils.create_round", "reevaluation.record_findings"):
        assert endpoint in forms, sorted(forms)
    assert len(forms) >= 30, sorted(forms)


def test_generated_input_never_breaks_a_form(app, fuzz_world):
    clients, tokens, forms = fuzz_world
    failures: list[str] = []

    for endpoint, (kind, path, fields) in sorted(forms.items()):
        client, token = clients[kind], tokens[kind]

        @settings(max_examples=6, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(st.fixed_dictionaries({}, optional={f: values for f in fields}))
        def post_anything(data):
            before = _row_counts(app)
            response = client.post(path, data={**data, "csrf_token": token})
            body = response.get_data(as_text=True)
            assert response.status_code < 500, (response.status_code, data, body[:500])
            assert not any(mark in body for mark in TRACEBACK_MARKS), body[:2000]
            if response.status_code in (200, 400, 409, 422):
                after = _row_counts(app)
                changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
                assert not changed, (response.status_code, changed, data)

        try:
            post_anything()
        except AssertionError as e:  # hypothesis re-raises the shrunk failing example
            failures.append(f"{endpoint} ({path}) as {kind}: {str(e)[:1500]}")
    assert not failures, "\n".join(failures)
