"""The upload field for feature forms.

It only checks that a file was chosen; the content (type, size) is checked by
``files.services.store_upload``, whose ``UploadRejected`` the view shows beside the field::

    try:
        stored = files.store_upload(form.evidence.data, actor=current_user)
    except UploadRejected as e:
        form.evidence.errors.append(e.message)
"""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms.validators import StopValidation

from .kinds import DEFAULT_KINDS, FileKind


class FileChosen:
    """Stop with a Vietnamese message unless a file was chosen (``required=False`` skips)."""

    field_flags = {"required": True}

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        data = field.data
        if not (isinstance(data, FileStorage) and data.filename):
            raise StopValidation(self.message or _l("Vui lòng chọn một tệp."))


def file_chosen(message=None) -> FileChosen:
    return FileChosen(message)


def accept_attribute(kinds: Iterable[FileKind]) -> str:
    """The ``accept`` hint for the browser's file picker: ".pdf,.jpg,.jpeg,…,application/pdf".
    Only a convenience for the person choosing; the server never relies on it."""
    values: list[str] = []
    for kind in kinds:
        values += [f".{ext}" for ext in sorted(kind.extensions)] + [kind.media_type]
    return ",".join(dict.fromkeys(values))


class UploadField(FileField):
    """A file input limited (in the picker) to ``kinds`` that requires a chosen file."""

    def __init__(self, label=None, validators=None, *, kinds: Iterable[FileKind] = DEFAULT_KINDS,
                 required: bool = True, render_kw: dict | None = None, **kwargs):
        kinds = tuple(kinds)
        validators = list(validators or [])
        if required:
            validators.insert(0, file_chosen())
        render_kw = {"accept": accept_attribute(kinds), **(render_kw or {})}
        super().__init__(label, validators=validators, render_kw=render_kw, **kwargs)
        self.kinds = kinds
