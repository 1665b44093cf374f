"""Dossier pages: who sees what by URL, uploads by content, messages and kept input."""
import io

import pytest

from ocop_rating.accounts.roles import Role
from ocop_rating.dossiers import services
from ocop_rating.dossiers.models import Dossier
from ocop_rating.dossiers.states import DossierStatus
from tests.conftest import committed, form_post
from tests.factories import (
    DEFAULT_PASSWORD,
    HA_LONG,
    LAM_DONG,
    QUANG_NINH,
    VAN_DON,
    complete_dossier,
    make_dossier,
    make_producer,
    make_product,
    make_user,
    pdf_upload,
)


@pytest.fixture()
def two_producers(db):
    a, user_a = make_producer(commune_code=VAN_DON)
    b, user_b = make_producer(commune_code=HA_LONG)
    da = complete_dossier(make_dossier(make_product(a, user_a), user_a), user_a)
    db_ = make_dossier(make_product(b, user_b), user_b)
    db.session.commit()
    return dict(a=user_a, b=user_b, da=da, db=db_)


def test_producer_cannot_see_another_producers_dossier_or_files(client, login_as, two_producers):
    login_as(two_producers["b"])
    da = two_producers["da"]
    evidence = da.evidence[0]
    for url in [f"/dossiers/{da.id}", f"/dossiers/{da.id}/self-assessment",
                f"/dossiers/{da.id}/registration", f"/dossiers/{da.id}/evidence/{evidence.id}"]:
        assert client.get(url).status_code == 403, url
    own = two_producers["db"]
    # and cannot fetch A's file through its own dossier's URL either
    assert client.get(f"/dossiers/{own.id}/evidence/{evidence.id}").status_code == 404


def test_drafts_are_private_and_officers_see_their_units_only(app, client, db, login_as,
                                                              two_producers):
    da = two_producers["da"]
    login_as(make_user(Role.commune, commune_code=VAN_DON))
    assert client.get(f"/dossiers/{da.id}").status_code == 403  # still a draft
    services.submit(db.session.get(Dossier, da.id), actor=two_producers["a"])
    db.session.commit()
    assert client.get(f"/dossiers/{da.id}").status_code == 200
    assert client.get(f"/dossiers/{da.id}/evidence/{da.evidence[0].id}").status_code == 200
    others = [make_user(Role.commune, commune_code=HA_LONG),
              make_user(Role.province, province_code=LAM_DONG)]
    db.session.commit()
    for officer in others:
        c = app.test_client()
        form_post(c, "/login", {"username": officer.username, "password": DEFAULT_PASSWORD})
        assert c.get(f"/dossiers/{da.id}").status_code == 403
        assert da.product.name not in c.get("/dossiers/").get_data(as_text=True)


def test_evidence_upload_checks_content_and_reports_clearly(app, client, db, login_as,
                                                            two_producers):
    d = two_producers["db"]
    login_as(two_producers["b"])
    page = f"/dossiers/{d.id}/self-assessment"
    html = io.BytesIO(b"<html><script>alert(1)</script></html>")
    response = form_post(client, f"/dossiers/{d.id}/evidence",
                         {"item_code": "1.1", "file": (html, "giay-phep.pdf")}, form_page=page,
                         content_type="multipart/form-data", follow_redirects=True)
    assert "không phải PDF" in response.get_data(as_text=True) or \
        "PDF, JPEG, PNG" in response.get_data(as_text=True)
    app.config["UPLOAD_MAX_BYTES"] = 100
    try:
        response = form_post(client, f"/dossiers/{d.id}/evidence",
                             {"item_code": "1.1", "file": (io.BytesIO(b"%PDF-" + b"0" * 500),
                                                           "lon.pdf")},
                             form_page=page, content_type="multipart/form-data",
                             follow_redirects=True)
    finally:
        app.config["UPLOAD_MAX_BYTES"] = 20 * 1024 * 1024
    assert "lon.pdf" in response.get_data(as_text=True)
    committed(db)
    assert db.session.get(Dossier, d.id).evidence == []
    ok = form_post(client, f"/dossiers/{d.id}/evidence",
                   {"item_code": "1.1", "label": "Hợp đồng", "file": (io.BytesIO(
                       pdf_upload().stream.read()), "hop-dong.pdf")},
                   form_page=page, content_type="multipart/form-data")
    assert ok.status_code == 302
    committed(db)
    evidence = db.session.get(Dossier, d.id).evidence
    assert [(e.item_code, e.label) for e in evidence] == [("1.1", "Hợp đồng")]
    download = client.get(f"/dossiers/{d.id}/evidence/{evidence[0].id}")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("application/pdf")
    assert "attachment" in download.headers["Content-Disposition"]


def test_autosave_saves_one_choice_and_answers_the_projection(client, db, login_as,
                                                              two_producers):
    d = two_producers["db"]
    login_as(two_producers["b"])
    page = f"/dossiers/{d.id}/self-assessment"
    response = form_post(client, f"/dossiers/{d.id}/self-assessment/autosave",
                         {"item-1.1": "2"}, form_page=page)
    assert response.status_code == 200 and response.json["saved"]
    assert response.json["projection"]["parts"][0]["points"] != "0"
    bad = form_post(client, f"/dossiers/{d.id}/self-assessment/autosave",
                    {"item-1.1": "99"}, form_page=page)
    assert bad.status_code == 422 and bad.is_json
    assert "lựa chọn không hợp lệ" in bad.json["error"]["message"]
    committed(db)
    assert db.session.get(Dossier, d.id).claims_by_code()["1.1"].option_index == 2
    reload = client.get(page).get_data(as_text=True)
    assert 'name="item-1.1" value="2"' in reload and "checked" in reload


def test_registration_form_keeps_input_on_error(client, db, login_as, two_producers):
    d = two_producers["db"]
    login_as(two_producers["b"])
    response = form_post(client, f"/dossiers/{d.id}/registration", {
        "production_address": "", "annual_capacity": "Năm mươi tấn",
        "samples_count": "-3", "samples_handed_on": "31/02/2026"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Năm mươi tấn"' in text
    assert "Vui lòng nhập thông tin này." in text
    assert "Từ 0 đến 50 mẫu." in text


def test_full_flow_through_the_pages(app, client, db, login_as, two_producers):
    d = two_producers["da"]
    login_as(two_producers["a"])
    assert form_post(client, f"/dossiers/{d.id}/submit",
                     form_page=f"/dossiers/{d.id}").status_code == 302
    committed(db)
    assert db.session.get(Dossier, d.id).status == DossierStatus.submitted
    commune = make_user(Role.commune, commune_code=VAN_DON)
    province = make_user(Role.province, province_code=QUANG_NINH)
    db.session.commit()
    c = app.test_client()
    form_post(c, "/login", {"username": commune.username, "password": DEFAULT_PASSWORD})
    from ocop_rating.dossiers.checklist import LOCAL_ITEMS, checklist_for

    data = {f"check-{i.code}": "on" for i in checklist_for(d.set_no)}
    data.update({field: "Nguyên liệu tại địa phương" for field, _ in LOCAL_ITEMS})
    data.update(proposal="Đề nghị đánh giá", action="forward")
    response = form_post(c, f"/dossiers/{d.id}/commune-check", data)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    p = app.test_client()
    form_post(p, "/login", {"username": province.username, "password": DEFAULT_PASSWORD})
    assert d.product.name in p.get("/dossiers/?status=forwarded").get_data(as_text=True)
    assert form_post(p, f"/dossiers/{d.id}/accept",
                     form_page=f"/dossiers/{d.id}").status_code == 302
    committed(db)
    assert db.session.get(Dossier, d.id).status == DossierStatus.accepted


def test_forms_01_02_03_download_as_pdf_with_vietnamese_text(app, client, db, login_as,
                                                           two_producers, tmp_path):
    import subprocess

    from ocop_rating.dossiers.checklist import LOCAL_ITEMS, checklist_for

    d = two_producers["da"]
    services.submit(d, actor=two_producers["a"])
    officer = make_user(Role.commune, commune_code=VAN_DON)
    services.save_commune_check(
        d, actor=officer, checklist={i.code: True for i in checklist_for(d.set_no)},
        assessments={f: "Nguyên liệu tại địa phương" for f, _ in LOCAL_ITEMS},
        proposal="Đề nghị Hội đồng tỉnh đánh giá")
    db.session.commit()
    login_as(two_producers["a"])
    texts = {}
    for number in (1, 2, 3):
        response = client.get(f"/dossiers/{d.id}/form-{number}.pdf")
        assert response.status_code == 200, number
        assert response.data.startswith(b"%PDF")
        path = tmp_path / f"f{number}.pdf"
        path.write_bytes(response.data)
        texts[number] = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                       text=True, check=True).stdout
    assert d.producer.name in texts[1] and d.product.code in texts[1]
    assert "Nguyễn Thị Hoa" in texts[2]
    assert "Đề nghị Hội đồng tỉnh đánh giá" in texts[3]
    other = app.test_client()
    form_post(other, "/login", {"username": two_producers["b"].username,
                                "password": DEFAULT_PASSWORD})
    assert other.get(f"/dossiers/{d.id}/form-2.pdf").status_code == 403


def test_the_plain_save_button_saves_the_whole_sheet_without_javascript(client, db, login_as,
                                                                          two_producers):
    d = two_producers["db"]
    login_as(two_producers["b"])
    page = f"/dossiers/{d.id}/self-assessment"
    response = form_post(client, page, {"item-1.1": "1", "item-1.2": "2",
                                        "note-1.1": "Hợp đồng thu mua"}, follow_redirects=True)
    assert "2 mục thay đổi" in response.get_data(as_text=True)
    committed(db)
    claims = db.session.get(Dossier, d.id).claims_by_code()
    assert (claims["1.1"].option_index, claims["1.2"].option_index) == (1, 2)
    assert claims["1.1"].note == "Hợp đồng thu mua"
    bad = form_post(client, page, {"item-1.1": "x"}, follow_redirects=True)
    assert "lựa chọn không hợp lệ" in bad.get_data(as_text=True)
    committed(db)
    assert db.session.get(Dossier, d.id).claims_by_code()["1.1"].option_index == 1


def test_dossier_list_is_paged_and_keeps_filters(client, db, login_as):
    producer, owner = make_producer()
    for n in range(52):
        make_dossier(make_product(producer, owner, name=f"Sản phẩm {n:02d}"), owner)
    login_as(owner)
    first = client.get("/dossiers/?status=draft").get_data(as_text=True)
    assert first.count('href="/dossiers/') >= 50 and "Tổng số: 52 hồ sơ" in first
    assert "/dossiers/?page=2&amp;status=draft" in first or \
        "/dossiers/?status=draft&amp;page=2" in first
    second = client.get("/dossiers/?status=draft&page=2").get_data(as_text=True)
    assert "Sản phẩm 01" in second and "Sản phẩm 51" not in second
    assert client.get("/dossiers/?page=abc").status_code == 200


def test_the_ministry_filters_dossiers_by_province_then_by_its_communes(client, db, login_as):
    """A national list offers the provinces first: every commune of the nation would
    outweigh the page. Once a province is chosen, its communes only, and the list follows."""
    from tests.factories import DI_LINH

    made = {}
    for code, province in ((VAN_DON, QUANG_NINH), (HA_LONG, QUANG_NINH), (DI_LINH, LAM_DONG)):
        producer, owner = make_producer(commune_code=code, province_code=province)
        dossier = complete_dossier(make_dossier(make_product(
            producer, owner, name=f"Sản phẩm {code}"), owner), owner)
        services.submit(dossier, actor=owner)
        made[code] = dossier
    db.session.commit()
    login_as(make_user(Role.ministry))
    page = client.get("/dossiers/").get_data(as_text=True)
    assert 'name="province"' in page and 'name="commune"' not in page
    assert all(f"Sản phẩm {code}" in page for code in made)
    chosen = client.get(f"/dossiers/?province={QUANG_NINH}").get_data(as_text=True)
    assert 'name="commune"' in chosen
    assert f'<option value="{DI_LINH}"' not in chosen and f'<option value="{VAN_DON}"' in chosen
    assert f"Sản phẩm {VAN_DON}" in chosen and f"Sản phẩm {DI_LINH}" not in chosen
    one = client.get(f"/dossiers/?province={QUANG_NINH}&commune={HA_LONG}").get_data(
        as_text=True)
    assert f"Sản phẩm {HA_LONG}" in one and f"Sản phẩm {VAN_DON}" not in one
    # a commune without its province, or an unknown province, filters nothing away
    loose = client.get(f"/dossiers/?commune={HA_LONG}&province=99").get_data(as_text=True)
    assert all(f"Sản phẩm {code}" in loose for code in made)
