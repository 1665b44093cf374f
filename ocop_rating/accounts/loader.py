"""Flask-Login wiring: sessions carry the account's session version."""
from flask import Flask, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user

from ..db import db


def init_login(app: Flask, login_manager: LoginManager) -> None:
    from .models import User

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục. "
                                     "Nếu bạn vừa đăng nhập, phiên làm việc có thể đã hết hạn.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str):
        # "id:version": a password change, reset or deactivation bumps the version and
        # thereby ends every session opened before it.
        try:
            user_id, version = (int(x) for x in token.split(":", 1))
        except (ValueError, AttributeError):
            return None
        user = db.session.get(User, user_id)
        if user is None or user.session_version != version:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            from flask import jsonify

            return jsonify(error={"status": 401, "message": str(login_manager.login_message)}), 401
        flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def force_password_change():
        allowed = {"accounts.change_password", "accounts.logout", "static", "bootstrap.static",
                   "i18n.set_language"}
        if (current_user.is_authenticated and current_user.must_change_password
                and request.endpoint not in allowed):
            flash(_("Vui lòng đổi mật khẩu tạm thời trước khi tiếp tục."), "warning")
            return redirect(url_for("accounts.change_password"))

    @app.before_request
    def force_two_factor_enrolment():
        # REQUIRE_2FA_ROLES: these accounts enrol before anything else (after a forced
        # password change).
        allowed = {"accounts.two_factor_setup", "accounts.account", "accounts.change_password",
                   "accounts.logout", "static", "bootstrap.static", "i18n.set_language"}
        if (not app.config.get("REQUIRE_2FA_ROLES") or not current_user.is_authenticated
                or request.endpoint in allowed or current_user.has_two_factor):
            return None
        from .two_factor import is_required

        if is_required(current_user):
            flash(_("Vai trò của bạn bắt buộc xác thực hai bước. Vui lòng bật trước khi "
                     "tiếp tục."), "warning")
            return redirect(url_for("accounts.two_factor_setup"))
        return None
