import time

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import selectinload

from ..db import db
from ..errors import OcopError
from ..forms import ConfirmForm, attach_error
from ..geo.forms import fill_unit_choices
from ..paging import read_paging
from ..security.ratelimit import client_address
from ..urls import safe_next
from markupsafe import Markup

from . import bp, services, throttle, two_factor
from .forms import (
    ChangePasswordForm,
    DisableTwoFactorForm,
    EnrolTwoFactorForm,
    LoginForm,
    SecondFactorForm,
    UserCreateForm,
    UserFilterForm,
)
from .models import User
from .permissions import (
    Permission,
    can_manage_user,
    manageable_roles,
    permission_required,
    user_scope_filter,
)
from .roles import NATIONAL_ROLES, Role


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data,
                                         address=client_address())
        except services.AuthError as e:
            db.session.commit()  # keep the record of a failed attempt
            form.password.errors.append(e.message)
        else:
            target = safe_next(request.args.get("next")) or url_for("home.index")
            if user.has_two_factor:
                # The password was right; the second factor decides. Nothing is logged in yet.
                db.session.commit()
                session[PENDING_2FA] = {"uid": user.id, "v": user.session_version,
                                        "remember": bool(form.remember.data), "next": target,
                                        "at": time.time()}
                return redirect(url_for("accounts.login_verify"))
            return _finish_login(user, remember=form.remember.data, target=target)
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


PENDING_2FA = "pending_2fa"
PENDING_2FA_SECONDS = 300


def _finish_login(user: User, *, remember: bool, target: str, how: str | None = None):
    if not user.locale and session.get("lang") in current_app.config["LANGUAGES"]:
        user.locale = session["lang"]  # chosen before signing in: their notifications' language
    services.record_login(user)
    db.session.commit()
    session.permanent = True
    login_user(user, remember=remember)
    if user.locale and "lang" not in session:
        session["lang"] = user.locale
    flash(_("Xin chào %(name)s!", name=user.full_name), "success")
    if how == "recovery":
        flash(_("Bạn đã dùng một mã khôi phục; còn %(n)d mã. Mỗi mã chỉ dùng được một lần.",
                n=two_factor.remaining_recovery_codes(user)), "warning")
    return redirect(target)


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get(PENDING_2FA) or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_2FA_SECONDS:
        return None, {}
    user = db.session.get(User, pending.get("uid"))
    if user is None or user.session_version != pending.get("v") or not user.has_two_factor:
        return None, {}
    return user, pending


@bp.route("/login/verify", methods=["GET", "POST"])
def login_verify():
    """The second step of a login with two-factor sign-in: a TOTP or a recovery code."""
    user, pending = _pending_user()
    if user is None:
        session.pop(PENDING_2FA, None)
        flash(_("Vui lòng đăng nhập lại."), "warning")
        return redirect(url_for("accounts.login"))
    if throttle.second_factor_refused(user.id):
        session.pop(PENDING_2FA, None)
        flash(_("Nhập sai mã quá nhiều lần. Vui lòng đợi ít phút rồi đăng nhập lại."), "danger")
        return redirect(url_for("accounts.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        how = two_factor.verify(user, form.code.data)
        if how is None:
            throttle.record_second_factor_failure(user.id)
            db.session.commit()
            form.code.errors.append(_("Mã xác thực không đúng."))
        else:
            session.pop(PENDING_2FA, None)
            return _finish_login(user, remember=pending.get("remember", False),
                                 target=pending.get("next") or url_for("home.index"), how=how)
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/login_verify.html", form=form), status


@bp.get("/account")
@login_required
def account():
    """The user's own account: password and two-factor sign-in."""
    return render_template(
        "accounts/account.html", disable_form=DisableTwoFactorForm(),
        recovery_left=two_factor.remaining_recovery_codes(current_user)
        if current_user.has_two_factor else 0,
        required=two_factor.is_required(current_user))


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    """Enrol: scan the QR (or type the secret), confirm with a code, get recovery codes."""
    if current_user.has_two_factor:
        return redirect(url_for("accounts.account"))
    user = current_user._get_current_object()
    form = EnrolTwoFactorForm()
    secret = two_factor.start_enrolment(user)
    db.session.commit()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_enrolment(user, form.code.data, actor=user)
        except OcopError as e:
            db.session.rollback()
            form.code.errors.append(e.message)
        else:
            db.session.commit()
            response = make_response(render_template("accounts/recovery_codes.html",
                                                     codes=codes))
            response.headers["Cache-Control"] = "no-store"
            return response
    status = 422 if form.errors else 200
    response = make_response(render_template(
        "accounts/two_factor_setup.html", form=form, secret=secret,
        qr=Markup(two_factor.qr_svg(user)), required=two_factor.is_required(user)), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/two-factor/disable")
@login_required
def two_factor_disable():
    form = DisableTwoFactorForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if two_factor.is_required(user):
            flash(_("Vai trò của bạn bắt buộc xác thực hai bước; không thể tắt."), "danger")
            return redirect(url_for("accounts.account"))
        try:
            two_factor.disable(user, password=form.password.data, code=form.code.data,
                               actor=user)
        except OcopError as e:
            db.session.rollback()
            flash(e.message, "danger")
        else:
            db.session.commit()
            login_user(user)  # the session version changed: keep this session
            flash(_("Đã tắt xác thực hai bước."), "success")
    else:
        flash(_("Vui lòng nhập mật khẩu và mã xác thực."), "danger")
    return redirect(url_for("accounts.account"))


@bp.post("/logout")
@login_required
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current=form.current.data,
                                     new=form.new.data, actor=current_user)
        except OcopError as e:
            target = form.current if e.code == "wrong_current_password" else form.new
            target.errors.append(e.message)
        else:
            db.session.commit()
            # The session version changed: log this session in again with the new one.
            login_user(current_user._get_current_object())
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("home.index"))
    status = 422 if form.errors else 200
    return render_template("accounts/change_password.html", form=form), status


USER_ERROR_FIELDS = {
    "username_taken": "username", "password_too_short": "password",
    "password_is_username": "password", "password_common": "password",
    "commune_required": "commune_code",
    "unknown_commune": "commune_code", "commune_mismatch": "commune_code",
    "province_required": "province_code", "unknown_province": "province_code",
}


def _unit_choices(form: UserCreateForm) -> None:
    """Fill province/commune selects with what the current user may assign."""
    provinces = None if current_user.role in NATIONAL_ROLES else [current_user.province]
    communes = [current_user.commune] if current_user.role == Role.commune else None
    fill_unit_choices(form.province_code, form.commune_code, provinces=provinces,
                      communes=communes)
    form.role.choices = [(r.value, r.label) for r in manageable_roles(current_user)]


USERS_PER_PAGE = 50


@bp.get("/users")
@permission_required(Permission.view_users)
def users():
    """The accounts in the viewer's jurisdiction, a page at a time, in Vietnamese alphabetical
    order; filtered by role, province (national roles), active or locked, and a name search.
    Filters, order and paging run in SQL (the stored folded name and sort key)."""
    from ..geo.services import provinces_sorted
    from ..search import paginate, words_of

    form = UserFilterForm(request.args)
    roles = {r.value: r for r in Role}
    form.role.choices = [("", _("Tất cả vai trò"))] + [(r.value, r.label) for r in Role]
    form.active.choices = [("", _("Tất cả trạng thái")), ("1", _("Hoạt động")),
                           ("0", _("Đã khóa"))]
    national = current_user.role in NATIONAL_ROLES
    provinces = provinces_sorted() if national else []
    form.province.choices = [("", _("Tất cả tỉnh/thành phố"))] + [
        (p.code, p.name) for p in provinces]
    stmt = db.select(User).where(user_scope_filter(current_user, User))
    filters = {}
    if form.role.data in roles:
        stmt = stmt.where(User.role == roles[form.role.data])
        filters["role"] = form.role.data
    if national and form.province.data in {p.code for p in provinces}:
        stmt = stmt.where(User.province_code == form.province.data)
        filters["province"] = form.province.data
    if form.active.data in ("0", "1"):
        stmt = stmt.where(User.is_active_account.is_(form.active.data == "1"))
        filters["active"] = form.active.data
    query = (form.q.data or "").strip()[:100]
    if words_of(query):
        filters["q"] = query
    # every word in the folded name or login (search.py), whole words first; unit_name reads
    # the province and the commune: loaded with the page, not per row
    paging = read_paging(USERS_PER_PAGE)
    pager = paginate(
        stmt.options(selectinload(User.province), selectinload(User.commune)),
        User.search_text, query, order=[User.name_sort, User.id],
        page=paging.page, per_page=paging.per_page)
    manageable = {u.id for u in pager.items if can_manage_user(
        current_user, role=u.role, province_code=u.province_code, commune_code=u.commune_code)}
    return render_template("accounts/users.html", users=pager.items, pager=pager, form=form,
                           filters=filters, paging=paging, national=national,
                           manageable=manageable,
                           action_form=ConfirmForm(), can_create=bool(
                               manageable_roles(current_user)))


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required(Permission.manage_users)
def create_user():
    form = UserCreateForm()
    if current_user.role != Role.commune and not form.is_submitted() \
            and current_user.role not in NATIONAL_ROLES:
        form.province_code.data = current_user.province_code
    _unit_choices(form)
    if form.validate_on_submit():
        try:
            user = services.create_user(
                username=form.username.data, full_name=form.full_name.data,
                role=Role(form.role.data), password=form.password.data,
                email=form.email.data, province_code=form.province_code.data or (
                    current_user.province_code if current_user.role not in NATIONAL_ROLES
                    else None),
                commune_code=form.commune_code.data or (
                    current_user.commune_code if current_user.role == Role.commune else None),
                actor=current_user)
        except OcopError as e:
            db.session.rollback()
            attach_error(form, e, USER_ERROR_FIELDS)
        else:
            db.session.commit()
            flash(_("Đã tạo tài khoản %(u)s. Người dùng phải đổi mật khẩu ở lần đăng nhập đầu.",
                    u=user.username), "success")
            return redirect(url_for("accounts.users"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/user_form.html", form=form), status


def _managed_user(user_id: int) -> User:
    target = db.get_or_404(User, user_id)
    if not can_manage_user(current_user, role=target.role, province_code=target.province_code,
                           commune_code=target.commune_code):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return target


@bp.post("/users/<int:user_id>/deactivate")
@permission_required(Permission.manage_users)
def deactivate_user(user_id: int):
    target = _managed_user(user_id)
    try:
        services.set_active(target, False, actor=current_user)
    except OcopError as e:
        flash(e.message, "danger")
    else:
        db.session.commit()
        flash(_("Đã khóa tài khoản %(u)s.", u=target.username), "success")
    return redirect(url_for("accounts.users"))


@bp.post("/users/<int:user_id>/activate")
@permission_required(Permission.manage_users)
def activate_user(user_id: int):
    target = _managed_user(user_id)
    services.set_active(target, True, actor=current_user)
    db.session.commit()
    flash(_("Đã mở khóa tài khoản %(u)s.", u=target.username), "success")
    return redirect(url_for("accounts.users"))


@bp.post("/users/<int:user_id>/reset-password")
@permission_required(Permission.manage_users)
def reset_password(user_id: int):
    target = _managed_user(user_id)
    temporary = services.reset_password(target, actor=current_user)
    db.session.commit()
    return render_template("accounts/password_reset.html", target=target, temporary=temporary)


@bp.post("/users/<int:user_id>/clear-throttle")
@permission_required(Permission.manage_users)
def clear_throttle(user_id: int):
    """Let the account log in again from addresses that its failed logins throttled."""
    target = _managed_user(user_id)
    services.clear_throttle(target, actor=current_user)
    db.session.commit()
    flash(_("Đã xóa giới hạn đăng nhập sai của tài khoản %(u)s.", u=target.username), "success")
    return redirect(url_for("accounts.users"))
# -- personal access tokens for the API (issue 15) -------------------------------------------

@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """The person's own API tokens: create one (its secret is shown once), list, revoke."""
    from datetime import timedelta

    from ..api import tokens as api_tokens
    from ..legaltime import legal_today
    from .forms import TokenForm

    today = legal_today()
    form = TokenForm()
    form.scopes.choices = [(s, str(api_tokens.SCOPES[s]))
                           for s in api_tokens.scopes_for(current_user.role)]
    if request.method == "GET":
        form.expires_on.data = today + timedelta(days=90)
        form.scopes.data = ["read"]
    secret = None
    if form.validate_on_submit():
        try:
            _token, secret = api_tokens.create_token(
                current_user, name=form.name.data, scopes=form.scopes.data,
                expires_on=form.expires_on.data, today=today)
        except OcopError as e:
            db.session.rollback()
            form.expires_on.errors.append(str(e.message))
        else:
            db.session.commit()
    status = 422 if form.errors else (201 if secret else 200)
    return render_template("accounts/tokens.html", form=form, secret=secret, today=today,
                           tokens=api_tokens.tokens_of(current_user),
                           scope_labels=api_tokens.SCOPES), status


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    from ..api.tokens import ApiToken, revoke_token as revoke

    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    revoke(token, actor=current_user)
    db.session.commit()
    flash(_("Đã thu hồi khóa %(p)s.", p=token.prefix), "success")
    return redirect(url_for("accounts.tokens"))
