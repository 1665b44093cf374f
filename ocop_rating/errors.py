"""Domain errors and the HTTP error pages.

Services raise ``OcopError`` subclasses carrying a stable ``code`` and a message a person can
act on; views turn them into a flashed message or a form error. Unhandled errors never show a
stack trace: HTML requests get a page in the person's language, API requests a JSON body.
"""
from __future__ import annotations

import sqlite3

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException


class OcopError(Exception):
    """A rule of the domain refused an action."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None):
        # str(): a lazy string (``_l``) would break ``flash`` and "; ".join later.
        message = str(message)
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotAllowed(OcopError):
    code = "not_allowed"
    status = 403


class InvalidTransition(OcopError):
    code = "invalid_transition"
    status = 409

    def __init__(self, current, target):
        super().__init__(
            _("Không thể chuyển từ trạng thái “%(a)s” sang “%(b)s”.",
              a=getattr(current, "value", current), b=getattr(target, "value", target))
        )
        self.current, self.target = current, target


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


wants_json = _wants_json  # for views answering both a form post and fetch/XHR


# Driver messages meaning "another transaction holds the database": retry later (503).
BUSY_WORDS = ("locked", "database is busy", "deadlock", "could not obtain lock",
              "could not serialize access", "lock timeout")

_TITLES = {
    401: lambda: _("Chưa xác thực"),
    400: lambda: _("Yêu cầu không hợp lệ"),
    403: lambda: _("Không có quyền truy cập"),
    404: lambda: _("Không tìm thấy trang"),
    405: lambda: _("Phương thức không được hỗ trợ"),
    409: lambda: _("Xung đột dữ liệu"),
    413: lambda: _("Tệp quá lớn"),
    429: lambda: _("Quá nhiều yêu cầu"),
    503: lambda: _("Hệ thống đang bận"),
    500: lambda: _("Lỗi hệ thống"),
}

_MESSAGES = {
    401: lambda: _("Thiếu khóa truy cập, hoặc khóa không hợp lệ, đã hết hạn hay đã bị thu hồi."),
    400: lambda: _("Yêu cầu không hợp lệ. Vui lòng kiểm tra lại và thử lại."),
    403: lambda: _("Bạn không có quyền xem hoặc thực hiện thao tác này."),
    404: lambda: _("Trang hoặc bản ghi bạn tìm không tồn tại."),
    405: lambda: _("Thao tác này không được hỗ trợ tại địa chỉ này."),
    409: lambda: _("Thao tác xung đột với trạng thái hiện tại của dữ liệu."),
    413: lambda: _("Tệp tải lên vượt quá dung lượng cho phép."),
    429: lambda: _("Bạn đã thử quá nhiều lần. Vui lòng đợi một lát rồi thử lại."),
    500: lambda: _("Đã có lỗi xảy ra phía máy chủ. Dữ liệu của bạn không bị thay đổi; "
                   "vui lòng thử lại sau."),
}


# Stable machine-readable codes of the HTTP errors (API answers carry one).
_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media",
          422: "unprocessable", 429: "rate_limited", 500: "server_error", 503: "busy"}


def _render(status: int, message: str | None = None, *, code: str | None = None,
            headers: dict | None = None):
    title = _TITLES.get(status, _TITLES[400])()
    message = message or _MESSAGES.get(status, _MESSAGES[400])()
    if _wants_json():
        body = {"status": status, "code": code or _CODES.get(status, "error"), "title": title,
                "message": message}
        return jsonify(error=body), status, headers or {}
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/generic.html"
    return (render_template(template, status=status, title=title, message=message), status,
            headers or {})


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _render(400, _("Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ (CSRF). "
                              "Vui lòng tải lại trang và gửi lại."))

    @app.errorhandler(OcopError)
    def domain_error(e: OcopError):
        return _render(e.status, e.message, code=e.code)

    @app.errorhandler(OperationalError)
    @app.errorhandler(sqlite3.OperationalError)
    def database_busy(e):
        from .db import db

        db.session.rollback()
        # SQLAlchemy wraps the driver's error; BEGIN IMMEDIATE on the raw SQLite connection
        # (db.begin_write) raises sqlite3's own, which used to escape as a 500.
        text = str(getattr(e, "orig", None) or e).lower()
        if any(word in text for word in BUSY_WORDS):
            # Another request held the database a moment too long: nothing was written.
            return _render(503, _("Hệ thống đang bận, thay đổi của bạn chưa được lưu. "
                                  "Vui lòng thử lại."),
                           headers={"Retry-After": str(app.config.get("BUSY_RETRY_AFTER_S", 2))})
        app.logger.exception("Database error on %s %s", request.method, request.path)
        return _render(500)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        headers = {}
        allow = e.get_headers() if e.code == 405 else ()
        for name, value in allow:
            if name.lower() == "allow":
                headers["Allow"] = value
        if e.code == 429 and getattr(e, "retry_after", None):
            headers["Retry-After"] = str(e.retry_after)
        if e.code == 413:  # say what the limits are (a dossier's uploads have their own page)
            from .files.services import upload_limits

            return _render(413, f"{_MESSAGES[413]()} {upload_limits()['text']}")
        return _render(e.code or 500, headers=headers)

    @app.errorhandler(Exception)
    def unhandled(e: Exception):
        # Roll back whatever the request half-wrote; never show the trace to the person.
        from .db import db

        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _render(500)
