"""Evidence in batches (issue 14 §4): several files in one POST, each checked by content and
size on its own; JSON for evidence.js, a page beside the criterion without JavaScript; the
413 of a request over the limit keeps the dossier and states the limits; the Form 01 papers
the commune checks in Form 03."""
import io

import pytest

from ocop_rating.accounts.roles import Role
from ocop_rating.dossiers import services
from ocop_rating.dossiers.models import Dossier
from tests.conftest import committed, form_post
from tests.factories import (
    DEFAULT_PASSWORD,
    VAN_DON,
    complete_dossier,
    make_dossier,
    make_producer,
    make_product,
    make_user,
    pdf_upload,
)
from tests.files.samples import png_bytes

JSON = {"Accept": "application/json"}
HTML_BODY = b"<!doctype html><html><script>alert(1)</script></html>"


@pytest.fixture()
def dossier(db):
    producer, user = make_producer(commune_code=VAN_DON)
    d = make_dossier(make_product(producer, user), user)
    db.session.commit()
    return d, user


def _client_of(app, db, user):
    """A browser of its own for ``user``, logged in."""
    db.session.commit()
    client = app.test_client()
    form_post(client, "/login", {"username": user.username, "password": DEFAULT_PASSWORD})
    return client


def _pdf() -> bytes:
    return pdf_upload().stream.read()


def _post(client, d, files, *, headers=None, **fields):
    return form_post(client, f"/dossiers/{d.id}/evidence",
                     {"item_code": "1.1", **fields,
                      "file": [(io.BytesIO(data), name) for data, name in files]},
                     form_page=f"/dossiers/{d.id}/self-assessment",
                     content_type="multipart/form-data", headers=headers or {})


def _names(db, d, item="1.1"):
    committed(db)
    return sorted(e.file.original_name
                  for e in db.session.get(Dossier, d.id).evidence_by_code().get(item, []))


def test_several_files_in_one_post_are_kept_and_answered_as_json(client, db, login_as, dossier):
    d, user = dossier
    login_as(user)
    response = _post(client, d, [(_pdf(), "hop-dong.pdf"), (png_bytes(), "anh-vung.png")],
                     headers=JSON)
    assert response.status_code == 200
    body = response.get_json()
    assert [f["name"] for f in body["added"]] == ["hop-dong.pdf", "anh-vung.png"]
    assert body["rejected"] == [] and body["count"] == 2
    assert body["message"] == "Đã tải lên 2 minh chứng."
    assert body["added"][0]["url"].startswith(f"/dossiers/{d.id}/evidence/")
    assert _names(db, d) == ["anh-vung.png", "hop-dong.pdf"]
    # each file is one audited addition
    download = client.get(body["added"][1]["url"])
    assert download.status_code == 200 and download.mimetype == "image/png"


def test_a_bad_file_is_refused_with_its_reason_and_the_good_ones_are_kept(client, db, login_as,
                                                                          dossier, app):
    d, user = dossier
    login_as(user)
    app.config["UPLOAD_MAX_BYTES"] = 2048
    try:
        response = _post(client, d, [(_pdf(), "tot.pdf"), (HTML_BODY, "gia-mao.pdf"),
                                     (b"%PDF-" + b"0" * 5000, "lon.pdf")], headers=JSON)
    finally:
        app.config["UPLOAD_MAX_BYTES"] = 20 * 1024 * 1024
    assert response.status_code == 422
    body = response.get_json()
    assert [f["name"] for f in body["added"]] == ["tot.pdf"]
    assert [(r["name"], r["code"]) for r in body["rejected"]] == [
        ("gia-mao.pdf", "wrong_type"), ("lon.pdf", "too_large")]
    assert "không phải PDF, JPEG, PNG, DOCX hoặc XLSX" in body["rejected"][0]["message"]
    assert "tối đa 2 KB" in body["rejected"][1]["message"]
    assert _names(db, d) == ["tot.pdf"]


def test_without_javascript_the_reasons_stand_beside_the_criterion(client, db, login_as,
                                                                    dossier):
    d, user = dossier
    login_as(user)
    response = _post(client, d, [(_pdf(), "tot.pdf"), (HTML_BODY, "gia-mao.pdf")])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    card = html[html.index('id="item-1.1"'):html.index('id="item-1.2"')]
    assert "Tệp “gia-mao.pdf” không phải PDF" in card  # beside 1.1, not at the top only
    assert "tot.pdf" in card and "<details class=\"mt-2\" open>" in card
    assert _names(db, d) == ["tot.pdf"]
    # all good: back to the criterion (post, redirect, get)
    ok = _post(client, d, [(_pdf(), "a.pdf"), (_pdf(), "b.pdf")])
    assert ok.status_code == 302 and ok.location.endswith("/self-assessment#item-1.1")
    assert _names(db, d) == ["a.pdf", "b.pdf", "tot.pdf"]


def test_a_batch_for_a_criterion_that_does_not_exist_keeps_nothing(client, db, login_as,
                                                                    dossier):
    d, user = dossier
    login_as(user)
    response = _post(client, d, [(_pdf(), "a.pdf")], headers=JSON, item_code="99.9")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unknown_item"
    committed(db)
    assert db.session.get(Dossier, d.id).evidence == []


def test_no_file_chosen_is_refused(client, db, login_as, dossier):
    d, user = dossier
    login_as(user)
    response = _post(client, d, [(b"", "")], headers=JSON)
    assert response.status_code == 422
    assert response.get_json()["error"]["message"] == "Chưa chọn tệp nào."


def test_the_limit_is_stated_before_upload(client, login_as, dossier):
    d, user = dossier
    login_as(user)
    html = client.get(f"/dossiers/{d.id}/self-assessment").get_data(as_text=True)
    assert "Tối đa 20 MB mỗi tệp, 25 MB mỗi lần gửi." in html
    assert 'data-max-file="20971520"' in html and "multiple" in html


def test_an_oversized_request_keeps_the_dossier_and_gives_the_limit(client, db, login_as,
                                                                    dossier, app):
    d, user = dossier
    login_as(user)
    page = client.get(f"/dossiers/{d.id}/self-assessment")
    assert page.status_code == 200
    app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        big = [(b"%PDF-" + b"0" * 8000, "qua-lon.pdf")]
        response = _post(client, d, big)
        json_response = _post(client, d, big, headers=JSON)
        url = f"/dossiers/{d.id}/evidence?slot=item-1.1"
        via_query = form_post(client, url, {"file": (io.BytesIO(b"0" * 8000), "x.pdf")},
                              form_page=f"/dossiers/{d.id}/self-assessment",
                              content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Tối đa 20 MB mỗi tệp, 4 KB mỗi lần gửi." in html
    assert f"Quay lại hồ sơ #{d.id}" in html
    assert via_query.status_code == 413
    assert f'href="/dossiers/{d.id}/self-assessment#item-1.1"' in via_query.get_data(as_text=True)
    assert json_response.status_code == 413
    error = json_response.get_json()["error"]
    assert error["code"] == "too_large" and error["limits"]["request"] == 4096
    assert "4 KB mỗi lần gửi" in error["message"]
    committed(db)
    assert db.session.get(Dossier, d.id).evidence == []


def test_someone_elses_dossier_takes_no_files(app, db, dossier):
    d, _user = dossier
    _other, stranger = make_producer(commune_code=VAN_DON)
    for user in (make_user(Role.commune, commune_code=VAN_DON), stranger):
        client = _client_of(app, db, user)
        response = form_post(client, f"/dossiers/{d.id}/evidence",
                             {"item_code": "1.1", "file": [(io.BytesIO(_pdf()), "x.pdf")]},
                             form_page="/", content_type="multipart/form-data", headers=JSON)
        assert response.status_code == 403, user.role
    committed(db)
    assert db.session.get(Dossier, d.id).evidence == []


def test_form01_papers_are_uploaded_and_shown_in_the_commune_check(app, client, db, login_as,
                                                                   dossier):
    d, user = dossier
    login_as(user)
    page = client.get(f"/dossiers/{d.id}/registration").get_data(as_text=True)
    assert "Giấy đăng ký kinh doanh / đăng ký hợp tác xã (bản sao)" in page
    assert "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm" in page  # set 1: food
    response = form_post(client, f"/dossiers/{d.id}/evidence",
                         {"document": "registration",
                          "file": [(io.BytesIO(_pdf()), "dkkd.pdf")]},
                         form_page=f"/dossiers/{d.id}/registration",
                         content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.location.endswith(f"/dossiers/{d.id}/registration#doc-registration")
    refused = form_post(client, f"/dossiers/{d.id}/evidence",
                        {"document": "registration",
                         "file": [(io.BytesIO(HTML_BODY), "attp.pdf")]},
                        form_page=f"/dossiers/{d.id}/registration",
                        content_type="multipart/form-data")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    section = html[html.index('id="doc-registration"'):html.index('id="doc-food_safety"')]
    assert "Tệp “attp.pdf” không phải PDF" in section and "dkkd.pdf" in section
    unknown = form_post(client, f"/dossiers/{d.id}/evidence",
                        {"document": "tourism_plan", "file": [(io.BytesIO(_pdf()), "x.pdf")]},
                        form_page=f"/dossiers/{d.id}/registration",
                        content_type="multipart/form-data", headers=JSON)
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["code"] == "unknown_document"
    committed(db)
    dossier_ = db.session.get(Dossier, d.id)
    assert [e.file.original_name for e in dossier_.documents_by_code()["registration"]] == \
        ["dkkd.pdf"]
    assert dossier_.evidence_by_code() == {}  # a paper is not evidence of a criterion
    # the commune finds it beside the checklist line of Form 03
    complete_dossier(dossier_, user)
    services.submit(dossier_, actor=user)
    officer = _client_of(app, db, make_user(Role.commune, commune_code=VAN_DON))
    check = officer.get(f"/dossiers/{d.id}/commune-check").get_data(as_text=True)
    line = check[check.index('id="check-registration"'):check.index('id="check-food_safety"')]
    assert "dkkd.pdf" in line
    assert "Chủ thể chưa tải lên bản điện tử." in \
        check[check.index('id="check-food_safety"'):check.index('id="check-declaration"')]


def test_an_oversized_request_elsewhere_gives_the_limits_too(client, db, login_as, dossier, app):
    _d, user = dossier
    login_as(user)
    app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        response = form_post(client, "/products/new", {"name": "x" * 8000}, form_page="/")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024
    assert response.status_code == 413
    assert "Tệp tải lên vượt quá dung lượng cho phép. Tối đa 20 MB mỗi tệp, 4 KB mỗi lần gửi." \
        in response.get_data(as_text=True)
