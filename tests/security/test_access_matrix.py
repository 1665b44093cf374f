"""The access matrix as a test (issue 12, point 1).

Every URL rule of the application, asked by every kind of user (tests/security/world.py):
GET, and POST for the rules that take it (with a valid CSRF token), must give the answer the
table below decides:

* a kind the entry allows gets an answer of its own (2xx, a redirect elsewhere than the
  login page, or a 4xx other than 401/403/404/405 for a form or a state that refuses);
* anonymous, when not allowed, is sent to the login page (401 from the API);
* any other kind, when not allowed, gets 403 or 404.

No answer is ever 5xx. A rule without an entry fails the test by name: a new route cannot be
added without deciding who may use it. POSTs of the allowed kinds are sent last (after every
GET and every refused POST), with no form fields but the token, so that the few that act
(approve, issue …) cannot change what the other questions see.
"""
from __future__ import annotations

import os
import time
from collections import defaultdict
from datetime import timedelta

import pytest

from tests.security.world import KINDS, build_world, csrf_token, empty_world, logged_in_client

ALL = frozenset(KINDS)
USERS = ALL - {"anonymous"}


def kinds(names: str) -> frozenset[str]:
    out = frozenset(names.split())
    assert out <= ALL, out - ALL
    return out


# endpoint -> (who may GET, who may POST); None: the rule has no such method.
# Everything lives in province A (Quảng Ninh), commune Vân Đồn ("commune_in"), producer
# "owner"; council A runs the evaluation; the certificate and decision are province A's.
EXPECTED: dict[str, tuple[frozenset | str | None, frozenset | str | None]] = {
    "accounts.account": (USERS, None),
    "accounts.activate_user": (None, kinds("admin ministry")),
    "accounts.change_password": (USERS, USERS),
    "accounts.clear_throttle": (None, kinds("admin ministry")),
    "accounts.create_user": (kinds("admin ministry province_a province_b commune_in commune_out"), kinds("admin ministry province_a province_b commune_in commune_out")),
    "accounts.deactivate_user": (None, kinds("admin ministry")),
    "accounts.login": (ALL, ALL),
    # No sign-in waiting for its second factor: back to the login page, whoever asks.
    "accounts.login_verify": ("login", "login"),
    "accounts.logout": (None, "login"),  # signed out, to the login page
    "accounts.reset_password": (None, kinds("admin ministry")),
    "accounts.revoke_token": (None, kinds("province_a")),
    "accounts.tokens": (USERS, USERS),
    "accounts.two_factor_disable": (None, USERS),
    "accounts.two_factor_setup": (USERS, USERS),
    "accounts.users": (kinds("admin ministry province_a province_b commune_in commune_out"), None),
    "api.certificate": (ALL, None),
    "api.decision": (USERS, None),
    "api.decisions": (USERS, None),
    "api.dossier": (kinds("admin ministry province_a commune_in"), None),
    "api.dossiers": (kinds("admin ministry province_a province_b commune_in commune_out"), None),
    "api.openapi": (ALL, None),
    "api.producer": (kinds("admin ministry province_a commune_in"), None),
    "api.producers": (kinds("admin ministry province_a province_b commune_in commune_out"), None),
    "api.product": (kinds("admin ministry province_a commune_in"), None),
    "api.products": (kinds("admin ministry province_a province_b commune_in commune_out"), None),
    "api.registry": (ALL, None),
    "api.result": (kinds("admin ministry province_a member_assigned member_excluded member_conflicted advisor"), None),
    "api.results": (USERS, None),
    "api.round_": (kinds("admin ministry province_a member_assigned member_excluded member_conflicted advisor"), None),
    "api.rounds": (USERS, None),
    "api.save_sheet": (None, kinds("member_assigned")),
    "api.sheet": (kinds("member_assigned"), None),
    "api.sheets": (USERS, None),
    "audit.export": (kinds("admin ministry province_a province_b"), None),
    "audit.history": (kinds("admin ministry province_a"), None),
    "audit.search": (kinds("admin ministry province_a province_b"), None),
    "bootstrap.static": (ALL, None),
    "certificates.add_items": (None, kinds("admin ministry province_a")),
    "certificates.decision": (kinds("admin ministry province_a"), None),
    "certificates.decision_zip": (kinds("admin ministry province_a"), None),
    "certificates.decisions": (kinds("admin ministry province_a province_b commune_in commune_out"), None),
    "certificates.index": (kinds("admin ministry province_a province_b commune_in commune_out"), None),
    "certificates.issue": (None, kinds("admin ministry province_a")),
    "certificates.mine": (kinds("owner other_producer"), None),
    "certificates.new_decision": (kinds("admin ministry province_a province_b"), kinds("admin ministry province_a province_b")),
    "certificates.pdf": (kinds("admin ministry province_a commune_in owner"), None),
    "certificates.remove_item": (None, kinds("admin ministry province_a")),
    "certificates.revoke": (None, kinds("admin ministry province_a province_b commune_in commune_out")),
    "certificates.show": (kinds("admin ministry province_a commune_in owner"), None),
    "councils.add_advisor": (None, kinds("admin province_a")),
    "councils.add_dossier": (None, kinds("admin province_a")),
    "councils.add_member": (None, kinds("admin province_a")),
    "councils.assign": (None, kinds("admin ministry province_a member_assigned advisor")),
    "councils.conclude_round": (None, kinds("admin ministry province_a member_assigned member_excluded member_conflicted advisor")),
    "councils.create": (kinds("admin ministry province_a province_b"), kinds("admin ministry province_a province_b")),
    "councils.create_round": (None, kinds("admin province_a")),
    "councils.decide_conflict": (None, kinds("admin ministry province_a member_assigned advisor")),
    "councils.declare_conflict": (None, kinds("admin ministry province_a member_assigned advisor")),
    "councils.evidence_file": (kinds("admin ministry province_a member_assigned advisor"), None),
    "councils.index": (USERS, None),
    "councils.lab_file": (kinds("admin ministry province_a member_assigned advisor"), None),
    "councils.lab_result": (None, kinds("admin ministry province_a member_assigned advisor")),
    "councils.legal_rounds": (None, kinds("admin province_a")),
    "councils.move_round": (None, kinds("admin ministry province_a member_assigned member_excluded member_conflicted advisor")),
    "councils.remove_member": (None, kinds("admin province_a")),
    "councils.request_lab_test": (None, kinds("admin ministry province_a member_assigned advisor")),
    "councils.resume": (None, kinds("admin ministry province_a member_assigned advisor")),
    "councils.round_detail": (kinds("admin ministry province_a member_assigned member_excluded member_conflicted advisor"), None),
    "councils.save_review": (None, kinds("admin ministry province_a member_assigned advisor")),
    "councils.show": (kinds("admin ministry province_a member_assigned member_excluded member_conflicted advisor"), None),
    "councils.supplement": (None, kinds("admin ministry province_a member_assigned advisor")),
    "councils.update_rules": (None, kinds("admin province_a")),
    # Statistics: the offices, each within its territory (dashboards/scope.py); the official
    # exports are the province's and the nation's, not the commune's.
    "dashboards.chart_csv": (kinds("admin ministry province_a province_b commune_in commune_out"), None),
    "dashboards.download": (kinds("admin ministry province_a province_b"), None),
    "dashboards.exports": (kinds("admin ministry province_a province_b"), None),
    "dashboards.index": (kinds("admin ministry province_a province_b commune_in commune_out"), None),
    "dossiers.accept": (None, kinds("admin province_a")),
    "dossiers.add_evidence": (None, kinds("owner")),
    "dossiers.autosave": (None, kinds("owner")),
    "dossiers.commune_check": (kinds("commune_in"), kinds("commune_in")),
    "dossiers.create": (None, kinds("owner")),
    "dossiers.evidence_file": (kinds("admin ministry province_a commune_in owner"), None),
    "dossiers.form_pdf": (kinds("admin ministry province_a commune_in owner"), None),
    "dossiers.index": (kinds("admin ministry province_a province_b commune_in commune_out owner other_producer"), None),
    "dossiers.new": (kinds("owner"), None),
    "dossiers.registration": (kinds("owner"), kinds("owner")),
    "dossiers.remove_evidence": (None, kinds("owner")),
    "dossiers.return_dossier": (None, kinds("commune_in")),
    "dossiers.self_assessment": (kinds("owner"), kinds("owner")),
    "dossiers.show": (kinds("admin ministry province_a commune_in owner"), None),
    "dossiers.submit": (None, kinds("owner")),
    "evaluation.conclude": (None, kinds("admin ministry province_a member_assigned advisor")),
    # The ministry reads a provincial council's papers once the round is concluded (sealed,
    # official; docs/decisions.md); reading only.
    "evaluation.minutes_pdf": (kinds("admin ministry province_a member_assigned member_excluded member_conflicted"), None),
    "evaluation.my_work": (USERS, None),
    "evaluation.open_sheet": (None, kinds("admin ministry province_a member_assigned advisor")),
    "evaluation.remind": (None, kinds("admin ministry province_a member_assigned advisor")),
    "evaluation.reopen": (None, kinds("admin ministry province_a member_assigned advisor")),
    "evaluation.rescore": (None, kinds("admin ministry province_a member_assigned advisor")),
    "evaluation.save_score": (None, kinds("member_assigned")),
    "evaluation.score": (kinds("member_assigned"), None),
    "evaluation.score_table": (kinds("admin ministry province_a member_assigned member_excluded member_conflicted"), None),
    "evaluation.show": (kinds("admin ministry province_a member_assigned advisor"), None),
    "evaluation.submit_score": (None, kinds("member_assigned")),
    "geo.communes_json": (ALL, None),
    "home.index": (USERS, None),
    "i18n.set_language": (None, ALL),
    "i18n.choose_language": (ALL, None),
    # Imports are the provincial office's, into its own province; an uploaded file is read
    # back only by the office account that uploaded it (province_a here).
    # The ministry (and admin) record pre-system 5★ certificates; the other imports are the
    # provinces' (the world asks for the producers' template, upload and dry run).
    "imports.certificate": (kinds("admin ministry province_a province_b"), kinds("admin ministry province_a province_b")),
    "imports.check": (kinds("province_a"), kinds("province_a")),
    "imports.index": (kinds("admin ministry province_a province_b"), None),
    "imports.template": (kinds("province_a province_b"), None),
    "imports.upload": (None, kinds("province_a province_b")),
    "notifications.index": (USERS, None),
    "notifications.mark_all_read": (None, USERS),
    "notifications.mark_read": (None, kinds("owner")),
    "opendata.download": (ALL, None),
    "opendata.index": (ALL, None),
    # Oversight: the nation for the ministry and administrators, its own province for a
    # provincial office; only the ministry (and administrators) select and conclude reviews.
    "oversight.index": (kinds("admin ministry province_a province_b"), None),
    "oversight.member": (kinds("admin ministry province_a"), None),
    "oversight.review": (kinds("admin ministry province_a"), kinds("admin ministry")),
    "oversight.reviews": (kinds("admin ministry province_a province_b"), None),
    "oversight.select_review": (None, kinds("admin ministry")),
    "producers.approve": (None, kinds("admin province_a commune_in")),
    "producers.approve_change": (None, kinds("admin province_a commune_in")),
    "producers.edit": (kinds("admin province_a commune_in owner"), kinds("admin province_a commune_in owner")),
    "producers.index": (kinds("admin ministry province_a province_b commune_in commune_out"), None),
    "producers.mine": (kinds("owner other_producer"), None),
    "producers.reject": (None, kinds("admin province_a commune_in")),
    "producers.reject_change": (None, kinds("admin province_a commune_in")),
    "producers.show": (kinds("admin ministry province_a commune_in owner"), None),
    "producers.signup": (ALL, ALL),
    "products.add_photo": (None, kinds("owner")),
    "products.create": (kinds("owner other_producer"), kinds("owner other_producer")),
    "products.edit": (kinds("owner"), kinds("owner")),
    "products.photo": (kinds("admin ministry province_a commune_in owner"), None),
    "products.show": (kinds("admin ministry province_a commune_in owner"), None),
    "public.lookup": (ALL, None),
    "public.registry": (ALL, None),
    "public.verify": (ALL, None),
    "reevaluation.assign": (None, kinds("admin province_a")),
    "reevaluation.evidence": (kinds("admin ministry province_a"), None),
    "reevaluation.index": (kinds("admin ministry province_a province_b commune_in commune_out"), None),
    "reevaluation.inspection": (kinds("admin ministry province_a"), None),
    "reevaluation.inspections": (kinds("admin ministry province_a province_b"), None),
    "reevaluation.new_inspection": (kinds("admin ministry province_a province_b"), kinds("admin ministry province_a province_b")),
    "reevaluation.new_plan": (kinds("admin province_a province_b"), kinds("admin province_a province_b")),
    "reevaluation.pipeline_xlsx": (kinds("admin ministry province_a province_b commune_in commune_out"), None),
    "reevaluation.plan": (kinds("admin ministry province_a"), None),
    "reevaluation.plans": (kinds("admin ministry province_a province_b"), None),
    "reevaluation.proposed": (kinds("admin ministry province_a province_b"), None),
    "reevaluation.record_findings": (None, kinds("admin province_a")),
    "reevaluation.refresh_plan": (None, kinds("admin province_a")),
    "sheets.index": (ALL, None),
    "sheets.sheet": (ALL, None),
    "static": (ALL, None),
    # Market surveillance. The public reports, tracks and browses the showcase; a report, a
    # check in trade and a showcase entry are handled by the office of the authority that
    # recognised the product (province A's certificate: province_a; can_act_for); the lists
    # are every office's own; the producer keeps its product's points of sale.
    "surveillance.assign": (None, kinds("admin province_a")),
    "surveillance.catalogue": (ALL, None),
    "surveillance.check": (kinds("admin province_a"), None),
    "surveillance.check_photo": (kinds("admin province_a"), None),
    "surveillance.close": (None, kinds("admin province_a")),
    "surveillance.hidden": (kinds("admin ministry province_a province_b"), None),
    "surveillance.hide": (None, kinds("admin province_a")),
    "surveillance.index": (kinds("admin ministry province_a province_b"), None),
    "surveillance.inspect": (None, kinds("admin province_a")),
    "surveillance.new_check": (kinds("admin ministry province_a province_b"), kinds("admin ministry province_a province_b")),
    "surveillance.new_report": (ALL, ALL),
    "surveillance.remove_sales_point": (None, kinds("owner")),
    "surveillance.report": (kinds("admin province_a"), None),
    "surveillance.report_photo": (kinds("admin province_a"), None),
    "surveillance.sales_points": (kinds("owner"), kinds("owner")),
    "surveillance.showcase": (ALL, None),
    "surveillance.showcase_photo": (ALL, None),
    "surveillance.showcase_qr": (ALL, None),
    "surveillance.track": (ALL, None),
    "surveillance.track_lookup": (ALL, None),
    "surveillance.unhide": (None, kinds("admin province_a")),
}

# POSTs that, with nothing but the token, do their action and leave the record in a state
# where the next allowed kind is refused for the state, not for who they are.
ACTS_ONCE = {"dossiers.accept"}

# The observed answers when OCOP_MATRIX_DUMP names a file (writing the table, not a check).
DUMP = os.environ.get("OCOP_MATRIX_DUMP")


def _url_values(world, app) -> dict[str, dict]:
    """endpoint -> the values of its URL arguments, from the world."""
    from ocop_rating.opendata import build
    from ocop_rating.products.services import current_rulebook_code

    ids = world.ids
    common = {k: v for k, v in ids.items()}
    overrides = {
        "audit.history": {"kind": "dossier", "object_id": ids["dossier_id"]},
        "geo.communes_json": {"code": "22"},
        "sheets.sheet": {"code": current_rulebook_code(), "number": 1},
        "opendata.download": {"name": build.FILES[0]},
        "public.verify": {"token": ids["verify_token"]},
        "api.certificate": {"number": ids["certificate_number"]},
        "static": {"filename": "app.css"},
        "bootstrap.static": {"filename": "css/bootstrap.min.css"},
        "evaluation.score_table": {"fmt": "xlsx"},
        "councils.assign": {"action": "exclude"},
        "councils.evidence_file": {"evidence_id": ids["scored_evidence_id"]},
        "dossiers.form_pdf": {"number": 1},
        # The owner edits a draft; the province accepts what the commune sent on.
        **{e: {"dossier_id": ids["draft_id"]} for e in (
            "dossiers.registration", "dossiers.self_assessment", "dossiers.autosave",
            "dossiers.submit", "dossiers.add_evidence")},
        "dossiers.remove_evidence": {"dossier_id": ids["draft_id"],
                                     "evidence_id": ids["draft_evidence_id"]},
        "dossiers.accept": {"dossier_id": ids["forwarded_id"]},
        # Results, minutes and score tables exist once a round is closed.
        "api.result": {"evaluation_id": ids["concluded_id"]},
        "evaluation.minutes_pdf": {"round_id": ids["concluded_round_id"]},
        "evaluation.score_table": {"round_id": ids["concluded_round_id"], "fmt": "xlsx"},
        "dashboards.chart_csv": {"key": "stars"},
        "dashboards.download": {"kind": "producers", "fmt": "xlsx"},
        "i18n.choose_language": {"lang": "en"},
        **{e: {"code": "producers"} for e in ("imports.template", "imports.upload")},
        "imports.check": {"code": "producers", "file_id": ids["import_file_id"]},
        "surveillance.track": {"code": ids["track_code"]},
        "surveillance.report_photo": {"photo_id": ids["report_photo_id"]},
        "surveillance.check_photo": {"photo_id": ids["check_photo_id"]},
        # The showcase lists the product of the world's certificate (in force).
        **{e: {"product_id": ids["shown_product_id"]} for e in (
            "surveillance.showcase", "surveillance.showcase_qr", "surveillance.sales_points",
            "surveillance.remove_sales_point", "surveillance.hide", "surveillance.unhide")},
        "surveillance.showcase_photo": {"product_id": ids["shown_product_id"],
                                        "photo_id": ids["shown_photo_id"]},
    }
    values = {}
    for rule in app.url_map.iter_rules():
        given = dict(common, **overrides.get(rule.endpoint, {}))
        missing = [a for a in rule.arguments if a not in given]
        assert not missing, f"{rule.endpoint}: no world value for {missing}"
        values[rule.endpoint] = {a: given[a] for a in rule.arguments}
    return values


@pytest.fixture(scope="module")
def matrix_world(app):
    with app.app_context():
        world = build_world()
        urls = {}
        values = _url_values(world, app)
        with app.test_request_context():
            from flask import url_for

            for endpoint, args in values.items():
                urls[endpoint] = url_for(endpoint, **args)
        clients = {kind: logged_in_client(app, world.users.get(kind)) for kind in KINDS}
        tokens = {kind: csrf_token(client) for kind, client in clients.items()}
        bearers = {kind: {"Authorization": f"Bearer {secret}"}
                   for kind, secret in api_tokens(world).items()}
        yield world, urls, clients, tokens, bearers
        empty_world(app)


def api_tokens(world) -> dict[str, str]:
    """A personal access token of every kind of user, with all the scopes its role may hold:
    the API is asked with these (it takes no session cookie)."""
    from ocop_rating.api import tokens
    from ocop_rating.db import db
    from ocop_rating.legaltime import legal_today

    today = legal_today()
    secrets = {}
    for kind, user in world.users.items():
        _token, secrets[kind] = tokens.create_token(
            user, name="Ma trận", scopes=tokens.scopes_for(user.role),
            expires_on=today + timedelta(days=30), today=today)
    db.session.commit()
    return secrets


def outcome(response) -> str:
    """The class of an answer: login, denied, 405, error, ok."""
    code = response.status_code
    if code >= 500:
        return f"error {code}"
    if code == 401 or (code in (301, 302, 303) and "/login" in
                       response.headers.get("Location", "").split("?")[0]):
        return "login"
    if code in (403, 404):
        return "denied"
    if code == 405:
        return "405"
    return "ok"


def expected_outcome(kind: str, allowed: frozenset | str) -> str:
    if isinstance(allowed, str):
        return allowed
    if kind in allowed:
        return "ok"
    return "login" if kind == "anonymous" else "denied"


def _methods(rule) -> set[str]:
    return set(rule.methods) - {"HEAD", "OPTIONS"}


def _writes(rule) -> bool:
    return bool(_methods(rule) & {"POST", "PUT", "PATCH"})


def test_every_rule_has_an_entry_and_every_answer_matches(app, matrix_world):
    _world, urls, clients, tokens, bearers = matrix_world
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint)
    failures: list[str] = []
    observed: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    missing = sorted({r.endpoint for r in rules} - set(EXPECTED))
    stale = sorted(set(EXPECTED) - {r.endpoint for r in rules})
    if not DUMP:
        assert not missing, f"rules without an entry in the access matrix: {missing}"
        assert not stale, f"entries for rules that no longer exist: {stale}"

    timings: dict[str, float] = defaultdict(float)

    def check(method, rule, kind, allowed, **extra):
        client = clients[kind]
        url = urls[rule.endpoint]
        if rule.endpoint.startswith("api."):
            extra["headers"] = bearers.get(kind, {})
        started = time.perf_counter()
        if method == "GET":
            response = client.get(url, **extra)
        elif "POST" in _methods(rule) or method == "405":
            response = client.post(url, data={"csrf_token": tokens[kind]}, **extra)
        else:  # the API's PUT/PATCH stand in the POST column
            response = client.put(url, json={}, **extra)
        timings[rule.endpoint] += time.perf_counter() - started
        got = outcome(response)
        observed[rule.endpoint][method][kind] = f"{got} {response.status_code}"
        want = expected_outcome(kind, allowed) if allowed is not None else "405"
        if got != want and not DUMP:
            failures.append(f"{method} {url} ({rule.endpoint}) as {kind}: "
                            f"{response.status_code} ({got}), expected {want}")

    def entry(rule):
        return EXPECTED.get(rule.endpoint, (frozenset(), frozenset()))

    # 1. Every GET, by everybody.
    for rule in rules:
        get_allowed, _post = entry(rule)
        if "GET" in _methods(rule):
            for kind in KINDS:
                check("GET", rule, kind, get_allowed)
    # 2. The POSTs that must be refused; a POST to a rule without POST answers 405.
    rules.sort(key=lambda r: r.endpoint == "accounts.logout")  # signing out last
    posted_urls = {r.rule for r in rules if _writes(r)}
    for rule in rules:
        _get, post_allowed = entry(rule)
        if not _writes(rule):
            if not rule.endpoint.startswith("api.") and rule.rule not in posted_urls:
                check("405", rule, "anonymous", None)
            continue
        for kind in KINDS:
            if isinstance(post_allowed, str) and rule.endpoint != "accounts.logout":
                check("POST", rule, kind, post_allowed)
            elif not isinstance(post_allowed, str) and kind not in post_allowed:
                check("POST", rule, kind, post_allowed)
    # 3. The POSTs of the allowed kinds, signing out last. The kinds nearest the record go
    # first (the province before the administrator): where the action changes the record's
    # state (accept), only the first is asked, as a second would meet another state.
    for rule in rules:
        _get, post_allowed = entry(rule)
        if rule.endpoint == "accounts.logout":
            for kind in KINDS:
                check("POST", rule, kind, post_allowed)
        elif _writes(rule) and not isinstance(post_allowed, str):
            allowed_kinds = [k for k in reversed(KINDS) if k in post_allowed]
            if rule.endpoint in ACTS_ONCE:
                allowed_kinds = allowed_kinds[:1]
            for kind in allowed_kinds:
                check("POST", rule, kind, post_allowed)

    if DUMP:
        _dump(observed)
        with open(DUMP + ".times", "w") as out:
            for endpoint, spent in sorted(timings.items(), key=lambda x: -x[1]):
                out.write(f"{spent:7.2f} {endpoint}\n")
    assert not failures, f"{len(failures)} answers differ from the matrix:\n" + \
        "\n".join(failures)


def _dump(observed) -> None:
    with open(DUMP, "w") as out:
        for endpoint in sorted(observed):
            for method, answers in observed[endpoint].items():
                oks = sorted(k for k, v in answers.items() if v.startswith("ok"))
                rest = {k: v for k, v in answers.items() if not v.startswith("ok")}
                out.write(f"{endpoint} {method} ok={oks}\n    {rest}\n")
