"""The record's own page links to its history (issue 11 §5) for those who may read it, and
only for them: the link and the history route ask the same question
(``audit.trail.may_read_history``)."""
import re

import pytest

from ocop_rating.accounts.models import User
from ocop_rating.accounts.roles import Role
from ocop_rating.audit import trail
from tests.factories import DI_LINH, HA_LONG, LAM_DONG, QUANG_NINH, concluded_evaluation, make_user
from tests.public.helpers import quick_certificate, revoke

LINK = re.compile(r'<a class="history-link[^"]*" href="(/audit/[a-z]+/\d+)">Lịch sử thay đổi</a>')


def links(html: str) -> list[str]:
    return LINK.findall(html)


def owner_of(producer_id):
    from ocop_rating.db import db

    return db.session.scalar(db.select(User).filter_by(producer_id=producer_id))


@pytest.fixture()
def records(db):
    """A revoked certificate and a concluded evaluation (dossier, producer) in Quảng Ninh."""
    certificate, office = quick_certificate(star=4)
    revoke(certificate, office)
    evaluation, _office = concluded_evaluation(star=4)
    db.session.commit()
    dossier = evaluation.dossier
    return {"certificate": (f"/certificates/{certificate.id}", certificate),
            "evaluation": (f"/councils/evaluations/{evaluation.id}", evaluation),
            "dossier": (f"/dossiers/{dossier.id}", dossier),
            "producer": (f"/producers/{dossier.producer_id}", dossier.producer)}


@pytest.mark.parametrize("role", [Role.province, Role.ministry])
def test_offices_see_the_link_on_every_record_and_it_opens(client, db, login_as, records,
                                                           role):
    login_as(make_user(role, province_code=QUANG_NINH if role == Role.province else None))
    for kind, (page, obj) in records.items():
        response = client.get(page)
        assert response.status_code == 200, (kind, response.status_code)
        assert links(response.get_data(as_text=True)) == [f"/audit/{kind}/{obj.id}"], kind
        history = client.get(f"/audit/{kind}/{obj.id}")
        assert history.status_code == 200, kind
        assert 'id="history"' in history.get_data(as_text=True)


def test_the_certificates_history_lists_its_issue_and_revocation(client, db, login_as,
                                                                  records):
    page, certificate = records["certificate"]
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    [url] = links(client.get(page).get_data(as_text=True))
    table = client.get(url).get_data(as_text=True).split('id="history"')[1]
    assert table.index("Ban hành / cấp") < table.index("Bị thu hồi")
    assert certificate.number in table


def test_the_users_list_links_each_account_in_the_jurisdiction(client, db, login_as):
    office = make_user(Role.province, province_code=QUANG_NINH)
    colleague = make_user(Role.commune, province_code=QUANG_NINH, commune_code=HA_LONG)
    login_as(office)
    found = links(client.get("/users").get_data(as_text=True))
    assert f"/audit/user/{colleague.id}" in found
    assert client.get(f"/audit/user/{colleague.id}").status_code == 200


def test_a_producer_sees_no_link_and_cannot_open_the_history(client, db, login_as, records):
    _page, certificate = records["certificate"]
    login_as(owner_of(certificate.producer_id))
    page = client.get(f"/producers/{certificate.producer_id}")
    assert page.status_code == 200
    assert links(page.get_data(as_text=True)) == []
    for kind, (_url, obj) in records.items():
        assert client.get(f"/audit/{kind}/{obj.id}").status_code == 403, kind


def test_another_provinces_producer_gets_403(client, db, login_as, records):
    other_cert, _office = quick_certificate(star=3, commune_code=DI_LINH)  # Lâm Đồng
    db.session.commit()
    login_as(owner_of(other_cert.producer_id))
    for kind, (_url, obj) in records.items():
        assert client.get(f"/audit/{kind}/{obj.id}").status_code == 403, kind


def test_another_provinces_office_sees_no_link_and_gets_403(client, db, login_as, records):
    lam_dong = login_as(make_user(Role.province, province_code=LAM_DONG))
    assert not trail.may_read_history(lam_dong, records["certificate"][1])
    for kind, (page, obj) in records.items():
        assert links(client.get(page).get_data(as_text=True)) == [], kind
        assert client.get(f"/audit/{kind}/{obj.id}").status_code == 403, kind


def test_anonymous_sees_no_history(client, db, records):
    for kind, (page, obj) in records.items():
        response = client.get(f"/audit/{kind}/{obj.id}")
        assert response.status_code == 302 and "/login" in response.headers["Location"], kind
        assert links(client.get(page).get_data(as_text=True)) == []
