"""The dashboards: who sees which territory, figures that follow the records, charts drawn as
accessible SVG beside their tables, and each chart's CSV."""
from __future__ import annotations

import csv
import io
import re

from ocop_rating.accounts.roles import Role
from ocop_rating.certificates import services as certificates
from ocop_rating.certificates.models import RevocationGround
from ocop_rating.legaltime import legal_today
from tests.factories import (
    DI_LINH,
    HA_LONG,
    LAM_DONG,
    QUANG_NINH,
    VAN_DON,
    issued_certificate,
    make_producer,
    make_user,
)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def table(html: str, key: str) -> list[list[str]]:
    """The data table of chart ``key`` as text cells, header row first."""
    match = re.search(rf'<table[^>]*id="table-{key}">(.*?)</table>', html, re.DOTALL)
    assert match, f"no table for chart {key}"
    rows = re.findall(r"<tr>(.*?)</tr>", match.group(1), re.DOTALL)
    return [[re.sub(r"<[^>]+>", "", c).strip()
             for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.DOTALL)] for r in rows]


def row(html: str, key: str, label: str) -> list[str]:
    found = [r for r in table(html, key) if r and r[0] == label]
    assert found, f"no row {label!r} in chart {key}: {table(html, key)}"
    return found[0]


def test_who_may_see_which_territory(client, login_as, db):
    page(client, "/statistics/", 302)  # to the login page
    login_as(make_producer()[1])
    page(client, "/statistics/", 403)


def test_council_member_sees_nothing(client, login_as, db):
    login_as(make_user(Role.council_member))
    page(client, "/statistics/", 403)
    page(client, "/statistics/exports", 403)


def test_province_sees_its_own_and_never_another(client, login_as, db):
    issued_certificate(star=4)                      # Quảng Ninh, Vân Đồn
    login_as(make_user(Role.province, province_code=LAM_DONG))
    html = page(client, "/statistics/")
    assert "Lâm Đồng" in html
    assert row(html, "stars", "4 sao")[1] == "0"
    page(client, f"/statistics/?province={QUANG_NINH}", 403)
    page(client, f"/statistics/stars.csv?province={QUANG_NINH}", 403)
    page(client, f"/statistics/exports?province={QUANG_NINH}", 403)


def test_province_dashboard_counts_its_records_by_commune(client, login_as, db):
    cert, _office = issued_certificate(star=4)
    make_producer(commune_code=HA_LONG, representative_ethnicity="02",
                  representative_disabled=True)
    make_producer(commune_code=DI_LINH)  # Lâm Đồng: not Quảng Ninh's
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    html = page(client, "/statistics/")
    assert row(html, "stars", "4 sao")[1:] == ["1", "100,0"]
    assert row(html, "stars", "3 sao")[1] == "0"
    [head, *areas] = table(html, "areas")
    assert head[0] == "Xã/phường"
    assert [a[0] for a in areas] == [cert.commune.name]
    assert areas[0][1:] == ["0", "1", "0", "1"]
    assert row(html, "trend", str(cert.issued_on.year))[1:] == ["0", "1", "0", "1"]
    # producers: the certificate's (a woman, Kinh) and Hạ Long's (a woman, Tày, disabled)
    total = row(html, "producers", "Tổng")
    assert total[1:6] == ["2", "2", "1", "1", "2"]
    assert 'data-total="recognised">1<' in html


def test_charts_are_accessible_svg_beside_their_tables(client, login_as, db):
    issued_certificate(star=3)
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    html = page(client, "/statistics/")
    svg = re.search(r'<section[^>]*id="chart-stars".*?</section>', html, re.DOTALL).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "3 sao: 1" in svg  # the description says it in words
    assert 'id="table-stars"' in svg
    assert "style=" not in html and "<script>" not in html
    assert re.search(r'<rect class="chart-bar series-0"[^>]*width="330\.0"', svg)


def test_chart_csv_matches_its_table(client, login_as, db):
    issued_certificate(star=4)
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    html = page(client, "/statistics/")
    response = client.get("/statistics/areas.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == table(html, "areas")
    page(client, "/statistics/nothing.csv", 404)


def test_ministry_sees_the_nation_by_province_and_drills_into_one(client, login_as, db):
    issued_certificate(star=4)
    login_as(make_user(Role.ministry))
    html = page(client, "/statistics/")
    assert row(html, "areas", "Quảng Ninh")[1:] == ["0", "1", "0", "1"]
    assert f'href="/statistics/?province={QUANG_NINH}"' in html
    html = page(client, f"/statistics/?province={QUANG_NINH}")
    assert table(html, "areas")[0][0] == "Xã/phường"
    html = page(client, f"/statistics/?province={LAM_DONG}")
    assert row(html, "stars", "4 sao")[1] == "0"
    page(client, "/statistics/?province=99", 404)


def test_commune_officer_sees_only_its_commune(client, login_as, db):
    issued_certificate(star=4, commune_code=VAN_DON)
    login_as(make_user(Role.commune, commune_code=HA_LONG))
    html = page(client, "/statistics/")
    assert row(html, "stars", "4 sao")[1] == "0"
    assert 'id="table-areas"' not in html
    page(client, "/statistics/exports", 403)
    page(client, f"/statistics/?province={LAM_DONG}", 403)


def test_revocations_by_ground_and_outcomes(client, login_as, db):
    cert, office = issued_certificate(star=4)
    certificates.revoke([cert], ground=RevocationGround.mark_misuse, number="99/QĐ-UBND",
                        decided_on=legal_today(), signer_name="Nguyễn Văn Công",
                        signer_title="PHÓ CHỦ TỊCH", actor=office)
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    html = page(client, "/statistics/")
    assert row(html, "revocations", "Sử dụng sai mục đích biểu trưng OCOP")[1] == "1"
    assert row(html, "revocations", "Chủ thể ngừng sản xuất")[1] == "0"
    assert row(html, "stars", "4 sao")[1] == "0"  # a revoked product is no longer recognised
    # revoked is not a re-evaluation outcome
    assert table(html, "outcomes")[1:] == [["Chưa có số liệu."]]


def test_a_certificate_past_expiry_without_re_evaluation_has_lapsed(client, login_as, db):
    from datetime import date

    old, _office = issued_certificate(star=3, decided_on=date(2023, 3, 1))
    assert old.expires_on == date(2026, 3, 1) < legal_today()
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    html = page(client, "/statistics/")
    assert row(html, "outcomes", "2026")[1:] == ["0", "0", "0", "1", "1"]
    assert row(html, "stars", "3 sao")[1] == "0"
    assert row(html, "trend", "2023")[1:] == ["1", "0", "0", "1"]


def test_home_page_links_the_statistics(client, login_as, db):
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    html = page(client, "/")
    assert 'href="/statistics/"' in html and 'href="/statistics/exports"' in html


def test_dossiers_against_the_communes_clock(client, login_as, db):
    from ocop_rating.dossiers import services as dossiers
    from tests.factories import complete_dossier, make_dossier, make_product

    producer, owner = make_producer(commune_code=HA_LONG)
    dossier = complete_dossier(make_dossier(make_product(producer, owner), owner), owner)
    dossiers.submit(dossier, actor=owner)
    assert dossier.commune_deadline > legal_today()
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    html = page(client, "/statistics/")
    # total, under 30 days, 30–90, over 90, due soon, overdue
    assert row(html, "dossiers", "Đã nộp cấp xã")[1:] == ["1", "1", "0", "0", "0", "0"]
    assert row(html, "dossiers", "Đã chuyển cấp tỉnh")[1] == "0"
    dossier.commune_deadline = legal_today().replace(year=legal_today().year - 1)
    db.session.commit()
    html = page(client, "/statistics/")
    assert row(html, "dossiers", "Đã nộp cấp xã")[1:] == ["1", "1", "0", "0", "0", "1"]
    assert 'data-total="dossiers">1<' in html
