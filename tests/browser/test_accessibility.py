"""Accessibility (issue 14 §11): axe-core on every main page — public registry, verification,
login, sign-up, each role's home, the dossier forms, the scoring sheet, the round page, the
certificate page — finds no serious or critical violation; every field has a label; keyboard
focus is visible."""
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from ocop_rating.accounts.roles import Role
from ocop_rating.councils import services as councils
from ocop_rating.councils.models import RoundState
from tests.browser.a11y import assert_accessible, violations
from tests.browser.conftest import login
from tests.factories import (
    QUANG_NINH,
    VAN_DON,
    accepted_dossier,
    issued_certificate,
    make_council,
    make_dossier,
    make_producer,
    make_product,
    make_user,
)

pytestmark = pytest.mark.browser


@pytest.fixture()
def world(db):
    """An issued certificate, a round in scoring with a council of three, a draft dossier."""
    certificate, office = issued_certificate(star=4)
    council, _office, (chair, _secretary, member) = make_council(members=3)
    round_ = councils.create_legal_rounds(council, 2026, actor=office)[0]
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, accepted_dossier(), actor=office)
    councils.move_round(round_, RoundState.scoring, actor=office)
    producer, owner = make_producer(commune_code=VAN_DON)
    draft = make_dossier(make_product(producer, owner), owner)
    people = SimpleNamespace(
        admin=make_user(Role.admin), ministry=make_user(Role.ministry), province=office,
        commune=make_user(Role.commune, commune_code=VAN_DON), producer=owner,
        member=member.user, chair=chair.user)
    db.session.commit()
    return SimpleNamespace(certificate=certificate, round_id=round_.id, draft=draft,
                           evaluation_id=evaluation.id, people=people)


def test_public_pages_have_no_serious_violation(page, world):
    pages = {"registry": "/registry", "lookup": "/lookup", "login": "/login",
             "sign-up": "/producers/signup",
             "verify": f"/verify/{world.certificate.token}"}
    found = []
    for name, url in pages.items():
        page.goto(url)
        page.wait_for_load_state()
        found += [f"{name}: {v}" for v in violations(page)]
    assert found == [], "\n".join(found)


def test_every_role_home_and_work_page_has_no_serious_violation(new_page, world):
    p = world.people
    visits = [
        (p.admin, ["/"]),
        (p.ministry, ["/"]),
        (p.province, ["/", f"/councils/rounds/{world.round_id}",
                      f"/certificates/{world.certificate.id}"]),
        (p.commune, ["/"]),
        (p.producer, ["/", f"/dossiers/{world.draft.id}",
                      f"/dossiers/{world.draft.id}/registration",
                      f"/dossiers/{world.draft.id}/self-assessment"]),
        (p.member, ["/", "/councils/my"]),
    ]
    found = []
    for user, urls in visits:
        page = new_page()
        login(page, user)
        for url in urls:
            page.goto(url)
            page.wait_for_load_state()
            found += [f"{user.role.value} {url}: {v}" for v in violations(page)]
        page.close()
    assert found == [], "\n".join(found)


def test_scoring_sheet_on_a_tablet_has_no_serious_violation(new_page, world):
    from tests.browser.conftest import TABLET
    from tests.browser.test_scoring import goto_sheet

    page = new_page(viewport=TABLET, has_touch=True)
    login(page, world.people.member)
    goto_sheet(page, f"/councils/evaluations/{world.evaluation_id}/score")
    assert_accessible(page, "scoring sheet")


def test_every_field_is_labelled_and_focus_is_visible(page, world):
    login(page, world.people.producer)
    for url in (f"/dossiers/{world.draft.id}/registration",
                f"/dossiers/{world.draft.id}/self-assessment", "/account/password"):
        page.goto(url)
        unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll(
            'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea')).filter(el =>
            !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
            && !el.getAttribute('aria-labelledby')).map(el => el.name || el.id)""")
        assert unlabelled == [], (url, unlabelled)
    # Tab to the first field of the page: its outline is drawn.
    page.goto(f"/dossiers/{world.draft.id}/registration")
    field = page.get_by_label("Địa chỉ cơ sở sản xuất")
    field.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(field).to_be_focused()
    style = field.evaluate("el => [getComputedStyle(el).outlineStyle, getComputedStyle(el).boxShadow]")
    assert style[0] not in ("", "none") or style[1] != "none", style
    link = page.get_by_role("link").first
    link.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    outline = link.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline not in ("", "none")


def test_the_check_fails_on_a_real_violation(page, world):
    """The helper is not a rubber stamp: an unlabelled field and an empty button fail it."""
    page.goto("/login")
    page.evaluate("""() => { const i = document.createElement('input');
        document.querySelector('main').appendChild(i);
        const b = document.createElement('button'); document.querySelector('main').appendChild(b); }""")
    found = violations(page)
    assert any(v.startswith("label ") for v in found), found
    assert any(v.startswith("button-name ") for v in found), found
