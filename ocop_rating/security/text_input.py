"""Text that no database can store: a NUL character (U+0000) in a form field or a JSON body
sent to change something. No person types one; PostgreSQL refuses it in text columns (SQLite
would store it and cut it short in places). Such a request is answered 400 with a message —
as a page or as the API's JSON error — before any view runs, so nothing is half-written.
Query arguments of GET pages are not concerned: their filters drop an unreadable value and
say so (the registry, the pipeline), and searches fold it away."""
from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _

from ..errors import OcopError


class InvalidCharacters(OcopError):
    status = 400


def _has_nul(data) -> bool:
    """Whether a MultiDict (every value of every key, and the keys) holds a NUL."""
    return any("\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values)
               for key, values in data.lists())


def refuse_nul_characters():
    found = False
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.is_json:
            found = b"\\u0000" in (request.get_data(cache=True) or b"")
        else:
            found = _has_nul(request.form) or any(
                "\x00" in (f.filename or "") for f in request.files.values())
    if found:
        raise InvalidCharacters(_("Dữ liệu gửi lên chứa ký tự không hợp lệ (ký tự NUL). "
                                  "Vui lòng nhập lại."), code="invalid_characters")


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
