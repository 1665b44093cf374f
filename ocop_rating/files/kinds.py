"""The kinds of file the system accepts, told apart by content, never by the file's name."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    label: str                 # what a person calls it: "PDF", "JPEG" …
    media_type: str            # served with this Content-Type
    extension: str             # the canonical extension, without the dot
    extensions: frozenset[str]  # extensions a person may already have given it
    inline_safe: bool = False  # a browser may show it in a tab (never active content)


PDF = FileKind("PDF", "application/pdf", "pdf", frozenset({"pdf"}), inline_safe=True)
JPEG = FileKind("JPEG", "image/jpeg", "jpg", frozenset({"jpg", "jpeg", "jpe", "jfif"}),
                inline_safe=True)
PNG = FileKind("PNG", "image/png", "png", frozenset({"png"}), inline_safe=True)
DOCX = FileKind("DOCX",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "docx", frozenset({"docx"}))
XLSX = FileKind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx", frozenset({"xlsx"}))

ALL_KINDS: tuple[FileKind, ...] = (PDF, JPEG, PNG, DOCX, XLSX)
# Evidence in a dossier: scanned papers, photos, and the two office formats offices use.
DEFAULT_KINDS: tuple[FileKind, ...] = ALL_KINDS
IMAGE_KINDS: tuple[FileKind, ...] = (JPEG, PNG)

_BY_MEDIA_TYPE = {kind.media_type: kind for kind in ALL_KINDS}


def kind_of(media_type: str) -> FileKind | None:
    return _BY_MEDIA_TYPE.get(media_type)
