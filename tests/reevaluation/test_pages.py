"""The re-evaluation pages with the clock moved: the expiry pipeline and its workbook, plans
and their load, post-recognition inspections and the revocations they propose; who may see
and do what."""
import io
import itertools
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from openpyxl import load_workbook

from ocop_rating.accounts.models import User
from ocop_rating.accounts.roles import Role
from ocop_rating.certificates import services as certificates
from ocop_rating.certificates.models import AuthorityLevel
from ocop_rating.councils import services as councils
from ocop_rating.demo import MINIMAL_PDF, fill_dossier
from ocop_rating.dossiers import services as dossiers
from ocop_rating.dossiers.models import DossierKind
from ocop_rating.geo.models import Commune
from ocop_rating.reevaluation.models import (
    Inspection,
    InspectionOutcome,
    NoticeKind,
    PlanEntry,
    ReevaluationNotice,
    ReevaluationPlan,
)
from tests.conftest import committed, form_post
from tests.factories import (
    DEFAULT_PASSWORD,
    DI_LINH,
    HA_LONG,
    LAM_DONG,
    QUANG_NINH,
    VAN_DON,
    make_council,
    make_producer,
    make_product,
    make_user,
)

TODAY = date(2029, 3, 20)
_seq = itertools.count(1)
ROW_RE = re.compile(r'data-certificate="([^"]+)"')


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 3, 0,
                                        tzinfo=UTC), tick=False)


def logged_in(app, user):
    client = app.test_client()
    assert form_post(client, "/login", {"username": user.username,
                                        "password": DEFAULT_PASSWORD}).status_code == 302
    return client


def shown(response) -> list[str]:
    """The certificate numbers listed on a page, in order."""
    assert response.status_code == 200, response.status_code
    return ROW_RE.findall(response.get_data(as_text=True))


def legacy(office, *, issued_on: date, commune_code: str = VAN_DON, star: int = 3,
           set_no: int = 1):
    """A certificate recorded from paper (cheap: no council, no scoring)."""
    producer, owner = make_producer(commune_code=commune_code)
    product = make_product(producer, owner, set_no=set_no)
    n = next(_seq)
    return certificates.record_legacy_certificate(
        product, star=star, number=f"GCN-{n:04d}/TEST", issued_on=issued_on,
        decision_number=f"{n}/QĐ-UBND", rulebook_code="qd148-2023",
        set_label=f"{set_no}. Bộ sản phẩm số {set_no}", signer_name="Lê Quang Minh",
        signer_title="PHÓ CHỦ TỊCH", level=AuthorityLevel.province, actor=office)


class World:
    """Certificates at every point of the pipeline on 20/03/2029."""


@pytest.fixture()
def world(db):
    w = World()
    w.office = make_user(Role.province, province_code=QUANG_NINH)
    w.ld_office = make_user(Role.province, province_code=LAM_DONG)
    w.late = legacy(w.office, issued_on=date(2026, 7, 15))            # 117 days left, no dossier
    w.window = legacy(w.office, issued_on=date(2026, 9, 1), star=4, set_no=2)  # 165 days
    w.halong = legacy(w.office, issued_on=date(2026, 8, 1), commune_code=HA_LONG)  # 134 days
    w.filed = legacy(w.office, issued_on=date(2026, 7, 10))           # 112 days, dossier filed
    w.lapsed = legacy(w.office, issued_on=date(2025, 12, 1))          # expired 01/12/2028
    w.later = legacy(w.office, issued_on=date(2027, 2, 10))           # expires 02/2030
    w.ld = legacy(w.ld_office, issued_on=date(2026, 7, 15), commune_code=DI_LINH)
    owner = db.session.scalar(db.select(User).filter_by(producer_id=w.filed.producer_id))
    with at(date(2029, 1, 20)):
        dossier = dossiers.create_dossier(w.filed.product, kind=DossierKind.reevaluation,
                                          actor=owner)
        fill_dossier(dossier, owner)
        dossiers.update_changes(dossier, text="Không thay đổi.", actor=owner)
        dossiers.submit(dossier, actor=owner)
    w.dossier = dossier
    for kind, day in ((NoticeKind.window_open, date(2029, 1, 16)),
                      (NoticeKind.reminder_150, date(2029, 2, 15))):
        db.session.add(ReevaluationNotice(
            certificate_id=w.late.id, kind=kind, due_on=day, channels=["in_app"],
            sent_at=datetime(day.year, day.month, day.day, 1, tzinfo=UTC)))
    db.session.commit()
    return w


def test_pipeline_sections_filters_and_jurisdiction(app, db, world):
    w = world
    ministry = make_user(Role.ministry)
    commune = make_user(Role.commune, commune_code=VAN_DON)
    producer = db.session.scalar(db.select(User).filter_by(producer_id=w.late.producer_id))
    member = make_user(Role.council_member, province_code=QUANG_NINH)
    db.session.commit()
    with at(TODAY):
        office = logged_in(app, w.office)
        page = office.get("/reevaluation/")
        assert set(shown(page)) == {w.late.number, w.window.number, w.halong.number,
                                    w.filed.number}
        text = page.get_data(as_text=True)
        assert 'href="/reevaluation/"' in text  # the nav entry
        assert 'data-month="07/2029">2<' in text and 'data-month="02/2030">1<' in text
        row = text[text.index(f'data-certificate="{w.late.number}"'):]
        row = row[:row.index("</tr>")]
        assert ">117<" in row and "Mở thời hạn (180 ngày) · 16/01/2029" in row
        assert "Nhắc (150 ngày) · 15/02/2029" in row and "Chưa nộp" in row
        row = text[text.index(f'data-certificate="{w.filed.number}"'):]
        row = row[:row.index("</tr>")]
        assert f"/dossiers/{w.dossier.id}" in row and "20/01/2029" in row

        assert shown(office.get("/reevaluation/?section=late")) == [w.late.number]
        assert shown(office.get("/reevaluation/?section=lapsed")) == [w.lapsed.number]
        assert shown(office.get("/reevaluation/?star=4")) == [w.window.number]
        assert shown(office.get("/reevaluation/?set=2")) == [w.window.number]
        assert shown(office.get(f"/reevaluation/?commune={HA_LONG}")) == [w.halong.number]
        bad = office.get("/reevaluation/?star=x&set=99999999999999999999999&section=nope"
                         "&commune=%00&province=zz")
        assert len(shown(bad)) == 4
        # Another province's office sees its own province only, whatever it asks for.
        stranger = logged_in(app, w.ld_office)
        assert shown(stranger.get("/reevaluation/")) == [w.ld.number]
        assert shown(stranger.get(f"/reevaluation/?province={QUANG_NINH}&section=late")) == [
            w.ld.number]

        national = logged_in(app, ministry)
        assert set(shown(national.get("/reevaluation/?section=late"))) == {w.late.number,
                                                                           w.ld.number}
        assert shown(national.get(f"/reevaluation/?section=late&province={LAM_DONG}")) == [
            w.ld.number]

        officer = logged_in(app, commune)
        assert set(shown(officer.get("/reevaluation/"))) == {w.late.number, w.window.number,
                                                             w.filed.number}
        # Another commune's certificate never shows, whatever the commune asks for.
        asked = shown(officer.get(f"/reevaluation/?commune={HA_LONG}"))
        assert w.halong.number not in asked
        assert set(asked) <= {w.late.number, w.window.number, w.filed.number}
        workbook = officer.get("/reevaluation/pipeline.xlsx")
        assert workbook.status_code == 200
        assert workbook.mimetype.endswith("spreadsheetml.sheet")
        ws = load_workbook(io.BytesIO(workbook.data)).active
        header = [c.value for c in ws[1]]
        assert header[0] == "Số giấy chứng nhận" and "Ngày hết hiệu lực" in header
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        assert sorted(r[0] for r in rows) == sorted([w.late.number, w.window.number,
                                                     w.filed.number])
        assert w.halong.number not in {r[0] for r in rows} and w.ld.number not in {
            r[0] for r in rows}
        van_don = db.session.get(Commune, VAN_DON)
        assert {r[header.index("Xã/phường")] for r in rows} == {van_don.name}
        assert {r[header.index("Tỉnh/thành phố")] for r in rows} == {van_don.province.name}
        asked = load_workbook(io.BytesIO(officer.get(
            f"/reevaluation/pipeline.xlsx?commune={HA_LONG}").data)).active
        assert w.halong.number not in {r[0] for r in asked.iter_rows(min_row=2,
                                                                      values_only=True)}
        for url in ("/reevaluation/plans/", "/reevaluation/plans/new",
                    "/reevaluation/inspections/", "/reevaluation/inspections/proposed"):
            assert officer.get(url).status_code == 403, url

        for user in (producer, member):
            client = logged_in(app, user)
            for url in ("/reevaluation/", "/reevaluation/pipeline.xlsx",
                        "/reevaluation/plans/", "/reevaluation/inspections/"):
                assert client.get(url).status_code == 403, (user.role, url)


def _options(text: str, name: str) -> list[str]:
    """The values a filter's <select name=...> offers (the empty "every" one left out)."""
    select = text[text.index(f'<select class="form-select" name="{name}"'):]
    return [v for v in re.findall(r'<option value="([^"]*)"', select[:select.index("</select>")])
            if v]


def test_the_filters_offer_every_set_and_commune_and_an_empty_one_shows_empty_sections(
        app, db, world):
    """The options cost the same whatever the certificates (0031_count_indexes): every
    product set of the rulebooks and every commune of the province, not those with live
    certificates; choosing one that has none keeps the filter and shows nothing."""
    from ocop_rating.public.reading import set_choices

    w = world
    communes = set(db.session.scalars(db.select(Commune.code).filter_by(
        province_code=QUANG_NINH)))
    empty_commune = min(communes - {VAN_DON, HA_LONG})
    with at(TODAY):
        office = logged_in(app, w.office)
        text = office.get("/reevaluation/").get_data(as_text=True)
        assert _options(text, "set") == [str(n) for n, _name in set_choices()]
        assert len(set_choices()) == 26 and "26. " in text
        assert set(_options(text, "commune")) == communes and len(communes) > 2
        for url in ("/reevaluation/?set=17", f"/reevaluation/?commune={empty_commune}"):
            page = office.get(url)
            assert shown(page) == [], url
            text = page.get_data(as_text=True)
            assert re.search(rf'<option value="(17|{empty_commune})" selected>', text), url
            assert not re.search(r'class="badge text-bg-[a-z]+">[1-9]', text), url
            for section in ("late", "lapsed", "extended"):
                assert shown(office.get(f"{url}&section={section}")) == [], (url, section)
        # the set filter still narrows: set 2 holds the window certificate only
        assert shown(office.get("/reevaluation/?set=2")) == [w.window.number]


def test_pipeline_workbook_has_one_row_per_certificate_of_the_view(app, db, world):
    w = world
    with at(TODAY):
        office = logged_in(app, w.office)
        response = office.get("/reevaluation/pipeline.xlsx?section=window")
        assert response.status_code == 200
        assert response.mimetype.endswith("spreadsheetml.sheet")
        assert office.get("/reevaluation/pipeline.xlsx?section=window").data == response.data
        ws = load_workbook(io.BytesIO(response.data)).active
        header = [c.value for c in ws[1]]
        assert header[0] == "Số giấy chứng nhận" and "Ngày hết hiệu lực" in header
        assert ws.freeze_panes == "A2"
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        assert len(rows) == 4
        assert {r[0] for r in rows} == {w.late.number, w.window.number, w.halong.number,
                                        w.filed.number}
        expiry = header.index("Ngày hết hiệu lực") + 1
        late_row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == w.late.number)
        cell = late_row[expiry - 1]
        assert isinstance(cell.value, datetime) and cell.value.date() == date(2029, 7, 15)
        assert cell.number_format == "dd/mm/yyyy"
        assert late_row[header.index("Số ngày còn lại")].value == 117
        assert "16/01/2029" in late_row[header.index("Thông báo đã gửi")].value

        filtered = office.get("/reevaluation/pipeline.xlsx?section=window&star=4")
        ws = load_workbook(io.BytesIO(filtered.data)).active
        assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [w.window.number]
        lapsed = office.get("/reevaluation/pipeline.xlsx?section=lapsed")
        ws = load_workbook(io.BytesIO(lapsed.data)).active
        assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [w.lapsed.number]


def _plan(db, name):
    committed(db)
    return db.session.scalar(db.select(ReevaluationPlan).filter_by(name=name))


def test_plan_pulls_the_period_shows_stages_and_load_and_assigns_rounds(app, db, world):
    w = world
    council, _office, _members = make_council(province_code=QUANG_NINH, members=2,
                                              office=w.office)
    round_ = councils.create_round(council, name="Đánh giá lại đợt 2/2029",
                                   proposals_by=date(2029, 4, 30),
                                   finish_by=date(2029, 6, 30), is_extra=True, actor=w.office)
    ld_council, _, _ = make_council(province_code=LAM_DONG, members=2, office=w.ld_office)
    ld_round = councils.create_round(ld_council, name="Đợt Lâm Đồng",
                                     proposals_by=date(2029, 4, 30),
                                     finish_by=date(2029, 6, 30), is_extra=True,
                                     actor=w.ld_office)
    ministry = make_user(Role.ministry)
    db.session.commit()
    with at(TODAY):
        office = logged_in(app, w.office)
        bad = form_post(office, "/reevaluation/plans/new", {
            "name": "Kế hoạch quý III/2029", "period_from": "30/09/2029",
            "period_to": "01/07/2029"})
        text = bad.get_data(as_text=True)
        assert bad.status_code == 422 and "Ngày kết thúc phải sau ngày bắt đầu." in text
        assert 'value="Kế hoạch quý III/2029"' in text
        bad = form_post(office, "/reevaluation/plans/new", {
            "name": "", "period_from": "31/02/2029", "period_to": "30/09/2029"})
        text = bad.get_data(as_text=True)
        assert bad.status_code == 422 and "Ngày không hợp lệ (dd/mm/yyyy)." in text
        assert "Vui lòng nhập thông tin này." in text

        created = form_post(office, "/reevaluation/plans/new", {
            "name": "Kế hoạch quý III/2029", "period_from": "01/07/2029",
            "period_to": "30/09/2029", "note": "Ưu tiên sản phẩm 4 sao"})
        assert created.status_code == 302
        plan = _plan(db, "Kế hoạch quý III/2029")
        assert plan.province_code == QUANG_NINH
        assert {e.certificate_id for e in plan.entries} == {
            w.late.id, w.window.id, w.halong.id, w.filed.id}
        assert created.headers["Location"].endswith(f"/reevaluation/plans/{plan.id}")
        url = f"/reevaluation/plans/{plan.id}"
        entry = {e.certificate_id: e.id for e in plan.entries}

        text = office.get(url).get_data(as_text=True)
        assert 'data-stage="filed"' in text and text.count('data-stage="waiting"') == 3
        assert "Đã nộp hồ sơ" in text and "Chưa nộp hồ sơ" in text
        assert re.search(r'data-set="1">.*?<td class="text-end">3</td>', text)
        assert re.search(r'data-set="2">.*?<td class="text-end">1</td>', text)
        assert re.search(r'data-round="none">.*?<td class="text-end">4</td>', text)
        assert ld_round.name not in text and round_.name in text  # the province's rounds only

        assigned = form_post(office, f"{url}/assign", {
            "entry_id": [str(entry[w.late.id]), str(entry[w.halong.id])],
            "round_id": str(round_.id)}, form_page=url)
        assert assigned.status_code == 302
        committed(db)
        rounds = {e.certificate_id: e.round_id for e in db.session.scalars(
            db.select(PlanEntry).filter_by(plan_id=plan.id))}
        assert rounds == {w.late.id: round_.id, w.halong.id: round_.id, w.window.id: None,
                          w.filed.id: None}
        text = office.get(url).get_data(as_text=True)
        assert re.search(rf'data-round="{round_.id}">.*?<td class="text-end">2</td>', text)
        assert re.search(r'data-round="none">.*?<td class="text-end">2</td>', text)

        refused = form_post(office, f"{url}/assign", {
            "entry_id": str(entry[w.window.id]), "round_id": str(ld_round.id)}, form_page=url)
        assert refused.status_code == 422
        assert "Giá trị đã chọn không hợp lệ." in refused.get_data(as_text=True)
        nothing = form_post(office, f"{url}/assign", {"round_id": str(round_.id)},
                            form_page=url)
        assert nothing.status_code == 422
        assert "Vui lòng chọn ít nhất một sản phẩm" in nothing.get_data(as_text=True)
        committed(db)
        assert db.session.get(PlanEntry, entry[w.window.id]).round_id is None

        newcomer = legacy(w.office, issued_on=date(2026, 8, 20))
        db.session.commit()
        assert form_post(office, f"{url}/refresh", form_page=url).status_code == 302
        committed(db)
        plan = db.session.get(ReevaluationPlan, plan.id)
        assert newcomer.id in {e.certificate_id for e in plan.entries}
        assert len(plan.entries) == 5

        stranger = logged_in(app, w.ld_office)
        assert stranger.get(url).status_code == 403
        assert "Kế hoạch quý III/2029" not in stranger.get(
            "/reevaluation/plans/").get_data(as_text=True)
        assert stranger.post(f"{url}/refresh", data={
            "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', stranger.get(
                "/reevaluation/plans/").get_data(as_text=True)).group(1)}).status_code == 403

        national = logged_in(app, ministry)
        page = national.get(url)
        assert page.status_code == 200 and 'name="entry_id"' not in page.get_data(as_text=True)
        assert "Kế hoạch quý III/2029" in national.get(
            f"/reevaluation/plans/?province={QUANG_NINH}").get_data(as_text=True)
        assert "Kế hoạch quý III/2029" not in national.get(
            f"/reevaluation/plans/?province={LAM_DONG}").get_data(as_text=True)
        assert national.get("/reevaluation/plans/new").status_code == 403


def test_inspection_scheduled_recorded_and_proposed_for_revocation(app, db, world):
    w = world
    producer = db.session.scalar(db.select(User).filter_by(producer_id=w.late.producer_id))
    db.session.commit()
    with at(TODAY):
        office = logged_in(app, w.office)
        new = "/reevaluation/inspections/new"
        form = office.get(f"{new}?certificate={w.late.number}").get_data(as_text=True)
        assert f'value="{w.late.number}"' in form
        for number in (w.ld.number, "KHONG-CO/2029"):
            refused = form_post(office, new, {
                "certificate_number": number, "kind": "periodic", "scheduled_on": "05/04/2029",
                "inspector": "Đoàn kiểm tra liên ngành"})
            assert refused.status_code == 422
            assert "Không tìm thấy giấy chứng nhận số này" in refused.get_data(as_text=True)
        bad = form_post(office, new, {"certificate_number": w.late.number, "kind": "",
                                      "scheduled_on": "5/4/29x", "inspector": "Đoàn A"})
        text = bad.get_data(as_text=True)
        assert bad.status_code == 422 and "Ngày không hợp lệ (dd/mm/yyyy)." in text
        assert "Vui lòng chọn một giá trị." in text and 'value="Đoàn A"' in text

        scheduled = form_post(office, new, {
            "certificate_number": w.late.number, "kind": "adhoc", "scheduled_on": "05/04/2029",
            "inspector": "Đoàn kiểm tra liên ngành"})
        assert scheduled.status_code == 302
        committed(db)
        inspection = db.session.scalar(db.select(Inspection).filter_by(
            certificate_id=w.late.id))
        assert inspection.scheduled_on == date(2029, 4, 5) and inspection.done_on is None
        assert scheduled.headers["Location"].endswith(
            f"/reevaluation/inspections/{inspection.id}")
        assert form_post(office, new, {
            "certificate_number": w.window.number, "kind": "periodic",
            "scheduled_on": "10/04/2029", "inspector": "Chi cục QLCL"}).status_code == 302

        url = f"/reevaluation/inspections/{inspection.id}"
        # The date input is pre-filled in ISO, the only value <input type=date> takes.
        assert 'value="2029-04-05"' in office.get(url).get_data(as_text=True)
        no_ground = form_post(office, f"{url}/findings", {
            "done_on": "06/04/2029", "outcome": "violation", "proposed_ground": "",
            "findings": "Nhãn không đúng với hồ sơ."}, form_page=url)
        text = no_ground.get_data(as_text=True)
        assert no_ground.status_code == 422
        assert "Vui lòng chọn căn cứ đề xuất thu hồi." in text
        assert "Nhãn không đúng với hồ sơ." in text
        fake = form_post(office, f"{url}/findings", {
            "done_on": "06/04/2029", "outcome": "violation", "proposed_ground": "mark_misuse",
            "findings": "Nhãn không đúng với hồ sơ.", "concluded_on": "20/03/2029",
            "concluded_by": "Đoàn kiểm tra liên ngành",
            "evidence": (io.BytesIO(b"<html><script>x</script></html>"), "bien-ban.pdf")},
            form_page=url, content_type="multipart/form-data")
        assert fake.status_code == 422 and "bien-ban.pdf" in fake.get_data(as_text=True)
        committed(db)
        assert db.session.get(Inspection, inspection.id).done_on is None

        recorded = form_post(office, f"{url}/findings", {
            "done_on": "06/04/2029", "outcome": "violation", "proposed_ground": "mark_misuse",
            "findings": "Dùng biểu trưng OCOP 4 sao cho sản phẩm 3 sao.",
            "concluded_on": "20/03/2029", "concluded_by": "Đoàn kiểm tra liên ngành",
            "evidence": (io.BytesIO(MINIMAL_PDF), "bien-ban-kiem-tra.pdf")},
            form_page=url, content_type="multipart/form-data")
        assert recorded.status_code == 302
        committed(db)
        inspection = db.session.get(Inspection, inspection.id)
        assert inspection.outcome == InspectionOutcome.violation
        assert inspection.proposed_ground == "mark_misuse"
        assert inspection.done_on == date(2029, 4, 6) and inspection.evidence_file_id
        evidence = office.get(f"{url}/evidence")
        assert evidence.status_code == 200 and evidence.data.startswith(b"%PDF")

        listing = office.get("/reevaluation/inspections/").get_data(as_text=True)
        ids = re.findall(r'data-inspection="(\d+)"', listing)
        assert ids[0] == str(inspection.id) and len(ids) == 2  # violations first
        proposed = office.get("/reevaluation/inspections/proposed")
        assert shown(proposed) == [w.late.number]
        text = proposed.get_data(as_text=True)
        assert "Sử dụng sai mục đích biểu trưng OCOP" in text
        assert "/certificates/?q=" in text and "04/04/2029" in text  # 15 days from the conclusion

        stranger = logged_in(app, w.ld_office)
        assert stranger.get(url).status_code == 403
        assert stranger.get(f"{url}/evidence").status_code == 403
        assert shown(stranger.get("/reevaluation/inspections/proposed")) == []
        assert 'data-inspection' not in stranger.get(
            "/reevaluation/inspections/").get_data(as_text=True)
        owner = logged_in(app, producer)
        assert owner.get(url).status_code == 403
        assert owner.get("/reevaluation/inspections/proposed").status_code == 403


def test_posts_need_the_csrf_token(app, db, world):
    client = logged_in(app, world.office)
    response = client.post("/reevaluation/plans/new", data={
        "name": "X", "period_from": "01/07/2029", "period_to": "30/09/2029"})
    assert response.status_code == 400
    committed(db)
    assert db.session.scalar(db.select(ReevaluationPlan)) is None


def test_certificates_kept_valid_by_the_transition_rule_have_their_own_section(app, db,
                                                                             world):
    from ocop_rating.reevaluation import services as reevaluation

    w = world
    with at(date(2029, 7, 20)):  # the filed one expired on 10/07/2029, its dossier pending
        assert reevaluation.apply_transition_rule(date.today()) == 1
        db.session.commit()
        office = logged_in(app, w.office)
        page = office.get("/reevaluation/?section=extended")
        assert shown(page) == [w.filed.number]
        assert "kéo dài đến 06/01/2030" in page.get_data(as_text=True)
        assert w.filed.number not in shown(office.get("/reevaluation/?section=lapsed"))
        # counted apart from the expiry range (a subquery on the extensions' index), with
        # the filters: the badge shows it, a star the certificate does not hold does not
        bounds = reevaluation.PipelineBounds.on(date.today())
        counts = reevaluation.section_counts(
            reevaluation.PipelineFilter(province_code=QUANG_NINH), bounds)
        assert counts["extended"] == 1
        assert reevaluation.section_counts(reevaluation.PipelineFilter(
            province_code=QUANG_NINH, star=5), bounds)["extended"] == 0
        assert reevaluation.section_counts(reevaluation.PipelineFilter(
            province_code=LAM_DONG), bounds)["extended"] == 0
        assert counts["window"] == len(shown(office.get("/reevaluation/")))
        assert re.search(r'Đang kéo dài chờ quyết định <span class="badge [^"]+">1<',
                         page.get_data(as_text=True))
