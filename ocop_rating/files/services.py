"""Storing uploads and serving them back.

The type of an upload is decided by its CONTENT, never by its name or the browser's
Content-Type: a ".pdf" holding HTML is refused, a real PDF named "scan.jpg" is accepted as a PDF.
Blobs live outside the web root at ``<UPLOAD_FOLDER>/<sha[:2]>/<sha[2:4]>/<sha>`` (default
``<instance>/uploads``), named by their SHA-256: identical content is stored once, while each
upload gets its own ``StoredFile`` row (its own name, uploader and time).

Transactions: ``store_upload`` writes the blob during the request, before the caller commits.
If the request then rolls back, the blob stays on disk without a row. That is harmless: the
blob is addressed by its content, so a later upload of the same bytes reuses it, and nothing
can reach a blob without a row. A clean-up job may delete blobs no row references.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePath

import filetype
from flask import Response, current_app, send_file
from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import Image

from ..db import db
from ..errors import OcopError
from ..exports import content_disposition

# Re-exported: callers take the kinds from here with store_upload.
from .kinds import ALL_KINDS, DEFAULT_KINDS, DOCX, IMAGE_KINDS, JPEG, PDF, PNG, XLSX, FileKind  # noqa: F401
from .models import StoredFile

CHUNK_SIZE = 64 * 1024
HEAD_SIZE = 8192  # what filetype looks at
MAX_NAME_LENGTH = 255


class UploadRejected(OcopError):
    """An upload was refused: ``empty``, ``too_large`` or ``wrong_type``."""

    code = "upload_rejected"

    def __init__(self, message: str, *, code: str, file_name: str = ""):
        super().__init__(message, code=code)
        self.file_name = file_name


class BlobMissing(OcopError):
    """A row exists but its bytes are gone from the disk (restored backup without uploads?)."""

    code = "blob_missing"
    status = 404


# --- names and places -------------------------------------------------------------------

def clean_filename(name: str | None) -> str:
    """The name a person gave the file, safe to show and to offer as a download name.

    Keeps Vietnamese letters (NFC); drops any directory part (``C:\\x\\`` or ``../``),
    control and invisible formatting characters (a right-to-left override could disguise
    "exe.pdf"), and surplus spaces and dots. Never used to build a path on disk.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        suffix = PurePath(name).suffix
        if len(suffix) > 16:
            suffix = ""
        name = name[:MAX_NAME_LENGTH - len(suffix)].rstrip(" .") + suffix
    return name or "tệp"


def upload_root() -> Path:
    configured = current_app.config.get("UPLOAD_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def blob_path(stored_or_sha: StoredFile | str) -> Path:
    """Where the bytes of a stored file (or of a SHA-256) live on disk."""
    sha = stored_or_sha if isinstance(stored_or_sha, str) else stored_or_sha.sha256
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise ValueError(f"not a SHA-256 hex digest: {sha!r}")
    return upload_root() / sha[:2] / sha[2:4] / sha


# --- messages ---------------------------------------------------------------------------

def format_size(n: int) -> str:
    """20971520 -> "20 MB"; 1536 -> "1,5 KB" in Vietnamese ("1.5 KB" in English)."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= factor:
            return f"{format_decimal(n / factor, format='#,##0.#')} {unit}"
    return f"{n} byte"


def kinds_text(kinds: Iterable[FileKind]) -> str:
    """("PDF", "JPEG", "PNG") -> "PDF, JPEG hoặc PNG"."""
    labels = [kind.label for kind in kinds]
    if len(labels) <= 1:
        return "".join(labels)
    conjunction = _("hoặc")
    return f"{', '.join(labels[:-1])} {conjunction} {labels[-1]}"


def upload_limits() -> dict:
    """The limits a person is told before uploading: per file (``UPLOAD_MAX_BYTES``) and per
    request (``MAX_CONTENT_LENGTH``, several files sent together), in bytes and in words."""
    per_file = int(current_app.config["UPLOAD_MAX_BYTES"])
    per_request = int(current_app.config.get("MAX_CONTENT_LENGTH") or per_file)
    return {"file": per_file, "request": per_request,
            "text": _("Tối đa %(file)s mỗi tệp, %(request)s mỗi lần gửi.",
                      file=format_size(per_file), request=format_size(per_request))}


# --- detection --------------------------------------------------------------------------

def _is_image(path: Path, pillow_format: str) -> bool:
    try:
        with Image.open(path, formats=[pillow_format]) as image:
            image.verify()
        if pillow_format == "JPEG":
            # verify() checks little for JPEG: decode at 1/8 scale (cheap) to catch a
            # truncated or garbage body behind a valid header.
            with Image.open(path, formats=["JPEG"]) as image:
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
        return True
    except Exception:  # Pillow raises many types for bad data (and for decompression bombs)
        return False


def _office_kind(path: Path) -> FileKind | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None  # macro-enabled (docm/xlsm) dressed as docx/xlsx
    is_word = any(name.startswith("word/") for name in names)
    is_excel = any(name.startswith("xl/") for name in names)
    if is_word and not is_excel:
        return DOCX
    if is_excel and not is_word:
        return XLSX
    return None


def detect_kind(path: Path, head: bytes) -> FileKind | None:
    """The kind of the file at ``path`` judged by its bytes alone, or None."""
    guess = filetype.guess(head)
    mime = guess.mime if guess else ""
    if mime == PDF.media_type:
        return PDF if head.startswith(b"%PDF-") else None
    if mime == JPEG.media_type:
        return JPEG if _is_image(path, "JPEG") else None
    if mime == PNG.media_type:
        return PNG if _is_image(path, "PNG") else None
    # filetype names an Office file only when its first entry says so; any ZIP is opened.
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(path)
    return None


# --- storing ----------------------------------------------------------------------------

def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def store_upload(file_storage, *, actor, kinds: Iterable[FileKind] = DEFAULT_KINDS
                 ) -> StoredFile:
    """Check an uploaded file by its content, keep its bytes and add a ``StoredFile`` row.

    ``file_storage`` is a werkzeug ``FileStorage`` (anything with ``.filename`` and
    ``.stream``). The stream is read in chunks and cut off past ``UPLOAD_MAX_BYTES``: the
    declared Content-Length is never trusted. Raises ``UploadRejected`` (``empty``,
    ``too_large``, ``wrong_type``) with a message naming the file; the view shows it beside
    the field. The blob is written atomically (temporary file, then rename) before the
    caller's commit; see the module docstring for why an orphan blob is harmless.
    """
    kinds = tuple(kinds)
    given_name = getattr(file_storage, "filename", None)
    name = clean_filename(given_name)
    stream = getattr(file_storage, "stream", None)
    if stream is None:
        raise UploadRejected(_("Chưa chọn tệp nào."), code="empty")
    limit = int(current_app.config["UPLOAD_MAX_BYTES"])

    root = upload_root()
    tmp_dir = root / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        size = 0
        head = b""
        with os.fdopen(fd, "wb") as out:
            while True:
                chunk = stream.read(CHUNK_SIZE)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise UploadRejected(
                        _("Tệp “%(name)s” vượt quá dung lượng cho phép (tối đa %(limit)s).",
                          name=name, limit=format_size(limit)),
                        code="too_large", file_name=name)
                if len(head) < HEAD_SIZE:
                    head += chunk[:HEAD_SIZE - len(head)]
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0 and not given_name:  # the browser's "no file chosen"
            raise UploadRejected(_("Chưa chọn tệp nào."), code="empty")
        if size == 0:
            raise UploadRejected(_("Tệp “%(name)s” không có nội dung.", name=name),
                                 code="empty", file_name=name)
        kind = detect_kind(tmp, head)
        if kind is None or kind not in kinds:
            raise UploadRejected(_("Tệp “%(name)s” không phải %(kinds)s.",
                                   name=name, kinds=kinds_text(kinds)),
                                 code="wrong_type", file_name=name)

        sha = digest.hexdigest()
        final = blob_path(sha)
        if final.is_file() and final.stat().st_size == size:
            tmp.unlink()  # the same bytes are already stored
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp.chmod(0o640)
            os.replace(tmp, final)  # atomic: a reader sees no blob or the whole blob
            _fsync_dir(final.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

    stored = StoredFile(sha256=sha, size=size, media_type=kind.media_type,
                        extension=kind.extension, original_name=name,
                        uploaded_by_id=getattr(actor, "id", None))
    db.session.add(stored)
    db.session.flush()
    return stored


# --- serving ----------------------------------------------------------------------------

def send_stored_file(stored: StoredFile, *, inline: bool = False, audit_of=None) -> Response:
    """A response carrying the stored bytes, safe to serve whatever they contain.

    ACCESS CONTROL IS THE CALLER'S JOB: call this only after checking that the current user
    may see the object the file belongs to (``dossier.can_view(current_user)`` …).

    Served with the media type found at upload, ``X-Content-Type-Options: nosniff`` and
    ``Content-Security-Policy: sandbox``, privately cached. As an attachment (the name in
    RFC 5987 ``filename*`` form, so Vietnamese names survive) unless ``inline`` is asked
    for a PDF, JPEG or PNG; other kinds are always attachments.

    ``audit_of``: the record an evidence file belongs to (a dossier, an evaluation, an
    inspection); the read is written to the audit trail, in that record's history.
    """
    path = blob_path(stored)
    if not path.is_file():
        current_app.logger.error("Blob of stored file %s missing at %s", stored.id, path)
        raise BlobMissing(_("Không tìm thấy nội dung của tệp “%(name)s” trên máy chủ. "
                            "Vui lòng báo văn phòng OCOP.", name=stored.original_name))
    if audit_of is not None:
        from .. import audit

        audit.record_read(audit_of, "evidence_read", data={"file": stored.id,
                                                           "name": stored.original_name})
    kind = stored.kind
    show_inline = bool(inline and kind is not None and kind.inline_safe)
    response = send_file(path.resolve(), mimetype=stored.media_type,
                         as_attachment=not show_inline, download_name=stored.download_name,
                         etag=stored.sha256, conditional=True, max_age=None)
    response.headers["Content-Disposition"] = content_disposition(stored.download_name,
                                                                  inline=show_inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response
