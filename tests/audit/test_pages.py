"""History pages and the trail search (issue 11 §5)."""
from __future__ import annotations

import csv
import io

from ocop_rating import audit
from ocop_rating.accounts.roles import Role
from tests.factories import LAM_DONG, QUANG_NINH, VAN_DON, make_producer, make_user
from tests.public.helpers import quick_certificate, revoke


def test_certificate_history_lists_its_issue_and_revocation(client, db, login_as):
    certificate, office = quick_certificate(star=4)
    revoke(certificate, office)
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    response = client.get(f"/audit/certificate/{certificate.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    table = html.split('id="history"')[1]
    assert table.index("Ban hành / cấp") < table.index("Bị thu hồi")
    assert certificate.number in table and "mark_misuse" in table  # new value of revocation
    assert office.full_name in table


def test_history_in_english(client, db, login_as):
    certificate, office = quick_certificate(star=4)
    revoke(certificate, office)
    minister_office = make_user(Role.ministry)
    minister_office.locale = "en"
    login_as(minister_office)
    response = client.get(f"/audit/certificate/{certificate.id}")
    html = response.get_data(as_text=True)
    assert "Issued" in html and "Revoked" in html


def test_history_is_for_those_allowed_in_their_jurisdiction(client, db, login_as):
    producer, owner = make_producer(commune_code=VAN_DON)
    db.session.commit()
    url = f"/audit/producer/{producer.id}"
    assert client.get(url).status_code == 302  # to the login page
    login_as(make_user(Role.province, province_code=LAM_DONG))
    assert client.get(url).status_code == 403


def test_ministry_reads_any_history(client, db, login_as):
    producer, owner = make_producer(commune_code=VAN_DON)
    login_as(make_user(Role.ministry))
    assert client.get(f"/audit/producer/{producer.id}").status_code == 200
    assert client.get(f"/audit/user/{owner.id}").status_code == 200
    assert client.get("/audit/producer/999999").status_code == 404
    assert client.get("/audit/nothing/1").status_code == 404


def test_commune_officer_and_producer_cannot_read_the_trail(client, db, login_as):
    producer, owner = make_producer(commune_code=VAN_DON)
    login_as(owner)
    assert client.get(f"/audit/producer/{producer.id}").status_code == 403
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_province_searches_its_own_trail_only(client, db, login_as):
    mine, office = quick_certificate(star=4)
    other, _ = quick_certificate(star=3, commune_code="25000")  # Di Linh, Lâm Đồng
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    html = client.get("/audit/?object_type=certificates").get_data(as_text=True)
    trail = html.split('id="trail"')[1]
    assert f"/audit/certificate/{mine.id}" in trail
    assert f"/audit/certificate/{other.id}" not in trail
    html = client.get(f"/audit/?object_type=certificates&object_id={other.id}") \
        .get_data(as_text=True)
    assert "Không có dòng nào." in html


def test_ministry_searches_by_actor_action_and_date_and_pages(client, db, login_as):
    actor = make_user(Role.province, province_code=QUANG_NINH, username="qn.nhatky")
    for i in range(60):
        audit.record(actor, "password_reset", actor=actor, note=f"lần {i}")
    quick_certificate(star=4)
    login_as(make_user(Role.ministry))
    html = client.get("/audit/?actor=qn.nhatky&action=password_reset").get_data(as_text=True)
    assert "Tổng số: 60 dòng" in html
    assert html.count("lần ") == 50  # first page
    assert 'rel="next"' in html
    page2 = client.get("/audit/?actor=qn.nhatky&action=password_reset&page=2") \
        .get_data(as_text=True)
    assert page2.count("lần ") == 10 and "lần 0<" in page2  # oldest last
    assert "Tổng số: 0 dòng" in client.get(
        "/audit/?actor=qn.nhatky&date_to=2000-01-01").get_data(as_text=True)
    bad = client.get("/audit/?date_from=31-12-2026")
    assert bad.status_code == 200 and "Ngày không hợp lệ" in bad.get_data(as_text=True)


def test_csv_export_keeps_formulas_as_text(client, db, login_as):
    actor = make_user(Role.ministry, username="bo.csv")
    audit.record(actor, "password_reset", actor=actor, note="=HYPERLINK(\"http://x\")",
                 old="+1", new="@SUM(A1)")
    audit.record(actor, "password_reset", actor=actor, note="-2 Hạ Long")
    login_as(actor)
    response = client.get("/audit/export.csv?action=password_reset")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    assert rows[0]["note"] == "'-2 Hạ Long"
    assert rows[1]["note"] == "'=HYPERLINK(\"http://x\")"
    assert rows[1]["old"] == "'+1" and rows[1]["new"] == "'@SUM(A1)"
    assert rows[1]["username"] == "bo.csv" and len(rows[1]["row sha256"]) == 64
