"""Uploading through a form and downloading, on an application with a test-only blueprint
(the pattern a feature follows: check access, then ``send_stored_file``)."""
import io
import re
from urllib.parse import quote

import pytest
from flask import Blueprint, abort, redirect, render_template_string, request
from flask_login import current_user, login_required
from wtforms import SubmitField

from ocop_rating.accounts.roles import Role
from ocop_rating.db import db as _db
from ocop_rating.files import services as files
from ocop_rating.files.forms import UploadField
from ocop_rating.files.models import StoredFile
from ocop_rating.forms import Form
from tests.conftest import form_post, make_test_app
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.files.samples import HTML, docx_bytes, pdf_bytes, png_bytes

PAGE = """{% extends "_layouts/base.html" %}
{% from "_macros/forms.html" import error_summary, field %}
{% block content %}{{ error_summary(form) }}
<form method="post" enctype="multipart/form-data" novalidate>{{ form.hidden_tag() }}
{{ field(form.document) }}{{ field(form.submit) }}</form>{% endblock %}"""


class EvidenceForm(Form):
    document = UploadField("Tài liệu")
    submit = SubmitField("Tải lên")


def _test_blueprint() -> Blueprint:
    bp = Blueprint("t_files", __name__)

    @bp.route("/t/upload", methods=["GET", "POST"])
    @login_required
    def upload():
        form = EvidenceForm()
        if form.validate_on_submit():
            try:
                stored = files.store_upload(form.document.data, actor=current_user)
            except files.UploadRejected as e:
                form.document.errors.append(e.message)
            else:
                _db.session.commit()
                return redirect(f"/t/files/{stored.id}")
        status = 422 if request.method == "POST" else 200
        return render_template_string(PAGE, form=form), status

    @bp.get("/t/files/<int:file_id>")
    @login_required
    def download(file_id: int):
        stored = _db.get_or_404(StoredFile, file_id)
        if stored.uploaded_by_id != current_user.id:  # the caller's access check
            abort(403)
        return files.send_stored_file(stored, inline=request.args.get("inline") == "1")

    return bp


@pytest.fixture()
def upload_app(database_url, tmp_path, ctx):
    application = make_test_app(database_url, tmp_path)
    application.register_blueprint(_test_blueprint())
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture()
def browser(upload_app, db):
    """A logged-in client of the upload application; returns (client, user)."""
    user = make_user(Role.producer)
    db.session.commit()
    client = upload_app.test_client()
    response = form_post(client, "/login", {"username": user.username,
                                            "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client, user


def post_file(client, data: bytes, name: str):
    return form_post(client, "/t/upload", {"document": (io.BytesIO(data), name)},
                     content_type="multipart/form-data")


def test_upload_then_download_as_attachment_with_safe_headers(browser, upload_app, tmp_path):
    client, _ = browser
    data = pdf_bytes()
    name = "Giấy chứng nhận ATTP.pdf"
    response = post_file(client, data, name)
    assert response.status_code == 302
    assert (tmp_path / "uploads").is_dir()  # <instance>/uploads by default
    download = client.get(response.location)
    assert download.status_code == 200 and download.data == data
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "sandbox"
    # A private file is never kept by a shared or browser cache.
    assert "no-store" in download.headers["Cache-Control"]


def test_inline_only_for_pdf_and_images(browser):
    client, _ = browser
    pdf_url = post_file(client, pdf_bytes(), "a.pdf").location
    png_url = post_file(client, png_bytes(), "a.png").location
    docx_url = post_file(client, docx_bytes(), "a.docx").location
    assert client.get(pdf_url + "?inline=1").headers["Content-Disposition"].startswith("inline")
    assert client.get(png_url + "?inline=1").headers["Content-Disposition"].startswith("inline")
    docx = client.get(docx_url + "?inline=1")
    assert docx.headers["Content-Disposition"].startswith("attachment")
    assert docx.headers["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_named_jpg_is_served_as_a_pdf(browser):
    client, _ = browser
    download = client.get(post_file(client, pdf_bytes(), "scan.jpg").location)
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == \
        "attachment; filename=\"scan.jpg.pdf\"; filename*=UTF-8''scan.jpg.pdf"


def test_rejected_upload_shows_the_error_beside_the_field(browser, db):
    client, _ = browser
    response = post_file(client, HTML, "hồ sơ.pdf")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tệp “hồ sơ.pdf” không phải PDF, JPEG, PNG, DOCX hoặc XLSX." in text
    assert re.search(r'class="[^"]*is-invalid', text) and "invalid-feedback" in text
    assert db.session.scalar(db.select(db.func.count()).select_from(StoredFile)) == 0


def test_no_file_chosen(browser):
    client, _ = browser
    response = form_post(client, "/t/upload", {}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Vui lòng chọn một tệp." in response.get_data(as_text=True)


def test_the_field_hints_the_accepted_kinds_to_the_browser(browser):
    client, _ = browser
    text = client.get("/t/upload").get_data(as_text=True)
    assert 'type="file"' in text and 'accept=".pdf,application/pdf,.jfif,' in text


def test_access_is_the_callers_check(browser, upload_app, db):
    client, _ = browser
    url = post_file(client, pdf_bytes(), "của tôi.pdf").location
    stranger = make_user(Role.producer)
    db.session.commit()
    other = upload_app.test_client()
    form_post(other, "/login", {"username": stranger.username, "password": DEFAULT_PASSWORD})
    assert other.get(url).status_code == 403


def test_missing_blob_gives_a_clear_404(browser, upload_app):
    client, _ = browser
    url = post_file(client, png_bytes(), "mất.png").location
    with upload_app.app_context():
        stored = _db.session.get(StoredFile, int(url.rsplit("/", 1)[1]))
        files.blob_path(stored).unlink()
    response = client.get(url)
    assert response.status_code == 404
    assert "Không tìm thấy nội dung của tệp “mất.png”" in response.get_data(as_text=True)
