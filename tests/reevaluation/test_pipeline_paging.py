"""The expiry pipeline read in SQL (issue 13): the page shows the right rows in the right order
on every page, the badges count whole sections, the workbook holds every row of the section
(not the page) with the right cells, each office sees its own province's rows only, and a
re-evaluation dossier counts as filed from the Vietnam day the certificate was issued."""
import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from ocop_rating.accounts.roles import Role
from ocop_rating.dossiers.models import Dossier
from ocop_rating.reevaluation import services, views
from tests.conftest import committed
from tests.factories import LAM_DONG, QUANG_NINH, make_user
from tests.reevaluation.test_pages import TODAY, at, logged_in, shown


def _sheet(response):
    assert response.status_code == 200, response.status_code
    ws = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in ws[1]]
    return header, list(ws.iter_rows(min_row=2, values_only=True))


def test_the_window_is_paged_in_expiry_order_and_counted_whole(app, db, world, monkeypatch):
    w = world
    monkeypatch.setattr(views, "PER_PAGE", 2)
    # In the window on 20/03/2029, soonest expiry first: filed (10/07), late (15/07),
    # Hạ Long (01/08), window (01/09).
    order = [w.filed.number, w.late.number, w.halong.number, w.window.number]
    with at(TODAY):
        office = logged_in(app, w.office)
        first = office.get("/reevaluation/")
        assert shown(first) == order[:2]
        text = first.get_data(as_text=True)
        assert 'href="/reevaluation/?page=2&amp;section=window"' in text
        # The badge counts the whole section, not the page.
        tab = text[text.index('href="/reevaluation/?section=window"'):]
        assert '<span class="badge text-bg-secondary">4</span>' in tab[:tab.index("</a>")]
        assert shown(office.get("/reevaluation/?page=2")) == order[2:]
        # Past the last page: the last page.
        assert shown(office.get("/reevaluation/?page=9")) == order[2:]
        assert shown(office.get("/reevaluation/?page=2&star=4")) == [w.window.number]
        assert shown(office.get("/reevaluation/?section=late&page=2")) == [w.late.number]

        # The workbook holds the whole section, in the same order, whatever the page.
        header, rows = _sheet(office.get("/reevaluation/pipeline.xlsx?page=2"))
        assert [r[0] for r in rows] == order
        col = {name: header.index(name) for name in header}
        late = rows[1]
        assert late[col["Sản phẩm"]] == w.late.product_name
        assert (late[col["Mã sản phẩm"]] or "") == w.late.product_code  # legacy: no code
        assert late[col["Chủ thể"]] == w.late.producer_name
        assert late[col["Xã/phường"]] == w.late.commune.name
        assert late[col["Tỉnh/thành phố"]] == w.late.province.name
        assert late[col["Hạng sao"]] == 3
        assert late[col["Ngày cấp"]] == datetime(2026, 7, 15)
        assert late[col["Ngày hết hiệu lực"]] == datetime(2029, 7, 15)
        assert late[col["Số ngày còn lại"]] == 117
        assert late[col["Thông báo đã gửi"]] == (
            "Mở thời hạn nộp hồ sơ đánh giá lại (trước 180 ngày) (16/01/2029); "
            "Nhắc nộp hồ sơ (trước 150 ngày) (15/02/2029)")
        assert late[col["Hồ sơ đánh giá lại"]] == "Chưa nộp"
        filed = rows[0][col["Hồ sơ đánh giá lại"]]
        assert filed.startswith(f"Hồ sơ #{w.dossier.id}, nộp ngày 20/01/2029 — ")
        assert rows[3][col["Hạng sao"]] == 4 and rows[2][col["Số ngày còn lại"]] == 134


def test_each_office_pages_and_exports_its_own_province_only(app, db, world, monkeypatch):
    w = world
    monkeypatch.setattr(views, "PER_PAGE", 1)
    ministry = make_user(Role.ministry)
    db.session.commit()
    with at(TODAY):
        stranger = logged_in(app, w.ld_office)
        assert shown(stranger.get("/reevaluation/")) == [w.ld.number]
        assert shown(stranger.get("/reevaluation/?page=2")) == [w.ld.number]
        _header, rows = _sheet(stranger.get(
            f"/reevaluation/pipeline.xlsx?province={QUANG_NINH}"))
        assert [r[0] for r in rows] == [w.ld.number]

        national = logged_in(app, ministry)
        # The nation's window, one a page: Quảng Ninh's four and Lâm Đồng's one, by expiry
        # (Lâm Đồng's expires on 15/07/2029 like the late one: the older id first).
        pages = [shown(national.get(f"/reevaluation/?page={n}")) for n in range(1, 6)]
        assert [p[0] for p in pages] == [w.filed.number, w.late.number, w.ld.number,
                                         w.halong.number, w.window.number]
        _header, rows = _sheet(national.get("/reevaluation/pipeline.xlsx"))
        assert [r[0] for r in rows] == [p[0] for p in pages]
        _header, rows = _sheet(national.get(f"/reevaluation/pipeline.xlsx?province={LAM_DONG}"))
        assert [r[0] for r in rows] == [w.ld.number]
        assert shown(national.get(f"/reevaluation/?province={LAM_DONG}&page=1")) == [
            w.ld.number]


def test_a_dossier_counts_as_filed_from_the_vietnam_day_of_issue(app, db, world):
    """The SQL reading of "filed since issue" (``legal_day_start``) agrees with
    ``filed_dossiers`` at the edge of the day, on both engines: 00:30 in Vietnam on the day
    of issue is 17:30 UTC the day before."""
    w = world
    where = services.PipelineFilter(QUANG_NINH)
    bounds = services.PipelineBounds.on(TODAY)
    issued = w.filed.issued_on  # 10/07/2026
    cases = ((datetime(issued.year, issued.month, issued.day - 1, 17, 30, tzinfo=UTC), True),
             (datetime(issued.year, issued.month, issued.day - 1, 16, 59, tzinfo=UTC), False),
             (datetime(2029, 1, 20, 3, tzinfo=UTC), True))
    for submitted_at, filed in cases:
        db.session.get(Dossier, w.dossier.id).submitted_at = submitted_at
        db.session.commit()
        committed(db)
        certificate = db.session.get(type(w.filed), w.filed.id)
        assert (certificate.id in services.filed_dossiers([certificate])) is filed
        late = [c.id for c in db.session.scalars(
            services.section_statement(where, bounds, "late"))]
        assert (w.filed.id not in late) is filed, submitted_at
        assert services.section_counts(where, bounds)["late"] == (1 if filed else 2)
        lines = {line.number: line for line in services.section_lines(where, bounds, "window")}
        assert (lines[w.filed.number].dossier is not None) is filed
    assert date(2029, 3, 20) == bounds.today
