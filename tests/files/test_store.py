"""Uploads are judged by their content, bounded in size and stored once per content."""
import hashlib

import pytest
from flask_babel import force_locale

from ocop_rating.accounts.roles import Role
from ocop_rating.files import services as files
from ocop_rating.files.models import StoredFile
from ocop_rating.files.services import UploadRejected
from tests.conftest import committed
from tests.factories import make_user
from tests.files.samples import (
    EXE,
    HTML,
    docx_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    xlsx_bytes,
    zip_bytes,
)

ALL_KINDS_TEXT = "PDF, JPEG, PNG, DOCX hoặc XLSX"


@pytest.fixture()
def uploads(app, ctx, tmp_path):
    """A fresh, empty upload folder for the test."""
    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    yield folder
    app.config.pop("UPLOAD_FOLDER")


def blobs(folder):
    """Every stored blob (temporary files excluded)."""
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and p.relative_to(folder).parts[0] != "tmp")


def leftovers(folder):
    tmp = folder / "tmp"
    return list(tmp.iterdir()) if tmp.exists() else []


@pytest.mark.parametrize("make,name,media_type,extension", [
    (pdf_bytes, "Giấy chứng nhận ATTP.pdf", "application/pdf", "pdf"),
    (jpeg_bytes, "ảnh sản phẩm.jpg", "image/jpeg", "jpg"),
    (png_bytes, "nhãn.png", "image/png", "png"),
    (docx_bytes, "thuyết minh.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    (xlsx_bytes, "bảng giá.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
])
def test_each_accepted_kind_is_recognised_by_content(db, uploads, make, name, media_type,
                                                      extension):
    user = make_user(Role.producer)
    data = make()
    stored = files.store_upload(upload(data, name), actor=user)
    db.session.commit()
    committed(db)
    row = db.session.get(StoredFile, stored.id)
    assert (row.media_type, row.extension, row.size) == (media_type, extension, len(data))
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.original_name == name and row.uploaded_by_id == user.id
    assert row.uploaded_at.tzinfo is not None
    path = files.blob_path(row)
    assert path == uploads / row.sha256[:2] / row.sha256[2:4] / row.sha256
    assert path.read_bytes() == data
    assert leftovers(uploads) == []


def test_html_named_pdf_is_rejected(db, uploads):
    with pytest.raises(UploadRejected) as e:
        files.store_upload(upload(HTML, "hồ sơ.pdf"), actor=None)
    assert e.value.code == "wrong_type"
    assert e.value.message == f"Tệp “hồ sơ.pdf” không phải {ALL_KINDS_TEXT}."
    assert blobs(uploads) == [] and leftovers(uploads) == []
    assert db.session.scalar(db.select(db.func.count()).select_from(StoredFile)) == 0


def test_executable_is_rejected_naming_the_file_and_the_allowed_kinds(db, uploads):
    with pytest.raises(UploadRejected) as e:
        files.store_upload(upload(EXE, "x.exe"), actor=None)
    assert e.value.message == "Tệp “x.exe” không phải PDF, JPEG, PNG, DOCX hoặc XLSX."


def test_real_pdf_named_jpg_is_accepted_as_pdf(db, uploads):
    stored = files.store_upload(upload(pdf_bytes(), "scan.jpg"), actor=None)
    assert stored.media_type == "application/pdf" and stored.extension == "pdf"
    assert stored.original_name == "scan.jpg"
    assert stored.download_name == "scan.jpg.pdf"  # opens as what it really is


def test_jpeg_named_jpeg_keeps_its_name(db, uploads):
    stored = files.store_upload(upload(jpeg_bytes(), "anh.JPEG"), actor=None)
    assert stored.download_name == "anh.JPEG"


def test_allowed_kinds_are_the_callers_choice(db, uploads):
    with pytest.raises(UploadRejected) as e:
        files.store_upload(upload(pdf_bytes(), "ảnh.pdf"), actor=None, kinds=files.IMAGE_KINDS)
    assert e.value.code == "wrong_type"
    assert e.value.message == "Tệp “ảnh.pdf” không phải JPEG hoặc PNG."
    stored = files.store_upload(upload(png_bytes(), "ảnh.png"), actor=None,
                                kinds=files.IMAGE_KINDS)
    assert stored.media_type == "image/png"


@pytest.mark.parametrize("data,name", [
    (png_bytes()[:40], "cut.png"),                              # PNG header, body cut off
    (jpeg_bytes()[:200] + b"\x00" * 50, "cut.jpg"),            # JPEG header, garbage body
    (b"\x89PNG\r\n\x1a\n" + b"<script>x</script>" * 10, "fake.png"),
    (zip_bytes({"a.txt": "hello"}), "archive.docx"),            # a ZIP, not a document
    (zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>",
                "word/vbaProject.bin": "macro"}), "macro.docx"),
    (b"%PDX-1.4 not a pdf" * 10, "fake.pdf"),
    (b"\xff\xfe" + "hồ sơ".encode("utf-16-le") * 20, "text.pdf"),
])
def test_files_that_only_look_like_an_accepted_kind_are_rejected(db, uploads, data, name):
    with pytest.raises(UploadRejected) as e:
        files.store_upload(upload(data, name), actor=None)
    assert e.value.code == "wrong_type"
    assert blobs(uploads) == [] and leftovers(uploads) == []


def test_too_large_is_cut_off_whatever_content_length_claims(app, db, uploads):
    app.config["UPLOAD_MAX_BYTES"] = 4096
    try:
        data = pdf_bytes()
        data = data + b"\n%" + b"x" * (4096 - len(data) - 2)
        assert len(data) == 4096
        assert files.store_upload(upload(data, "vừa đủ.pdf"), actor=None).size == 4096
        with pytest.raises(UploadRejected) as e:
            files.store_upload(upload(data + b"x", "quá lớn.pdf", content_length=10),
                               actor=None)
    finally:
        app.config["UPLOAD_MAX_BYTES"] = 20 * 1024 * 1024
    assert e.value.code == "too_large"
    assert e.value.message == "Tệp “quá lớn.pdf” vượt quá dung lượng cho phép (tối đa 4 KB)."
    assert len(blobs(uploads)) == 1 and leftovers(uploads) == []


def test_the_default_limit_reads_as_20_mb(app):
    with app.test_request_context():
        assert files.format_size(app.config["UPLOAD_MAX_BYTES"]) == "20 MB"
        assert files.format_size(1536) == "1,5 KB"
        with force_locale("en"):
            assert files.format_size(1536) == "1.5 KB"


def test_empty_file_and_no_file_are_rejected(db, uploads):
    with pytest.raises(UploadRejected) as e:
        files.store_upload(upload(b"", "trống.pdf"), actor=None)
    assert (e.value.code, e.value.message) == ("empty", "Tệp “trống.pdf” không có nội dung.")
    with pytest.raises(UploadRejected) as e:
        files.store_upload(upload(b"", ""), actor=None)  # what a browser sends for no file
    assert (e.value.code, e.value.message) == ("empty", "Chưa chọn tệp nào.")
    assert leftovers(uploads) == []


def test_same_content_is_stored_once_with_a_row_per_upload(db, uploads):
    data = pdf_bytes()
    first = files.store_upload(upload(data, "bản 1.pdf"), actor=None)
    second = files.store_upload(upload(data, "bản 2.pdf"), actor=None)
    other = files.store_upload(upload(png_bytes(), "khác.png"), actor=None)
    assert first.id != second.id and first.sha256 == second.sha256
    assert (first.original_name, second.original_name) == ("bản 1.pdf", "bản 2.pdf")
    assert blobs(uploads) == sorted([files.blob_path(first), files.blob_path(other)])


def test_a_blob_orphaned_by_a_rollback_is_reused(db, uploads):
    data = png_bytes()
    files.store_upload(upload(data, "a.png"), actor=None)
    db.session.rollback()
    assert len(blobs(uploads)) == 1  # left behind, harmless
    stored = files.store_upload(upload(data, "a.png"), actor=None)
    db.session.commit()
    assert blobs(uploads) == [files.blob_path(stored)]


@pytest.mark.parametrize("given,expected", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\Lan\\Hồ sơ OCOP.pdf", "Hồ sơ OCOP.pdf"),
    ("Ho\u0302\u0300 so\u031b.pdf", "Hồ sơ.pdf"),                 # decomposed -> NFC
    ("bill\u202efdp.exe", "billfdp.exe"),                    # right-to-left override removed
    ("  nhiều    khoảng   trắng .pdf ", "nhiều khoảng trắng .pdf"),
    ("tab\tand\nnewline.pdf", "tabandnewline.pdf"),
    ("...", "tệp"),
    (None, "tệp"),
    ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
])
def test_file_names_are_sanitised(given, expected):
    assert files.clean_filename(given) == expected


def test_allowed_kinds_read_in_english(app):
    with app.test_request_context(), force_locale("en"):
        assert files.kinds_text(files.DEFAULT_KINDS) == "PDF, JPEG, PNG, DOCX or XLSX"
