from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    widgets,
)

from ..forms import Form, chosen, date_field, email, equal_to, length, optional, regexp, required


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LoginForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[required(), length(max=64)])
    password = PasswordField(_l("Mật khẩu"), validators=[required(), length(max=256)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên máy này"))
    submit = SubmitField(_l("Đăng nhập"))


class ChangePasswordForm(Form):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[required()])
    new = PasswordField(_l("Mật khẩu mới"), validators=[required(), length(max=256)],
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[required(), equal_to("new")],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Đổi mật khẩu"))


class UserCreateForm(Form):
    username = StringField(
        _l("Tên đăng nhập"),
        validators=[required(), length(min=3, max=64),
                    regexp(r"^[A-Za-z0-9._-]+$",
                           _l("Chỉ dùng chữ không dấu, chữ số và các ký tự . _ -"))],
    )
    full_name = StringField(_l("Họ và tên"), validators=[required(), length(max=120)])
    email = StringField(_l("E-mail"), validators=[optional(), email(), length(max=255)])
    role = SelectField(_l("Vai trò"), validators=[chosen()])
    province_code = SelectField(_l("Tỉnh/thành phố"), validators=[optional()],
                                validate_choice=False)
    commune_code = SelectField(_l("Xã/phường"), validators=[optional()], validate_choice=False)
    password = PasswordField(_l("Mật khẩu tạm thời"),
                             validators=[required(), length(max=256)],
                             render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Tạo tài khoản"))


class UserFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Tìm theo tên"), validators=[optional(), length(max=100)])
    role = SelectField(_l("Vai trò"), validators=[optional()], validate_choice=False)
    province = SelectField(_l("Tỉnh/thành phố"), validators=[optional()], validate_choice=False)
    active = SelectField(_l("Trạng thái"), validators=[optional()], validate_choice=False)


class SecondFactorForm(Form):
    code = StringField(_l("Mã xác thực hoặc mã khôi phục"),
                       validators=[required(), length(max=32)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                                  "autofocus": True})
    submit = SubmitField(_l("Xác nhận"))


class EnrolTwoFactorForm(Form):
    code = StringField(_l("Mã 6 chữ số trên ứng dụng"), validators=[required(), length(max=32)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Bật xác thực hai bước"))


class DisableTwoFactorForm(Form):
    password = PasswordField(_l("Mật khẩu"), validators=[required(), length(max=256)],
                             render_kw={"autocomplete": "current-password"})
    code = StringField(_l("Mã xác thực hoặc mã khôi phục"),
                       validators=[required(), length(max=32)],
                       render_kw={"autocomplete": "one-time-code"})
    submit = SubmitField(_l("Tắt xác thực hai bước"))
class TokenForm(Form):
    """A personal access token for the API (api/tokens.py)."""

    name = StringField(_l("Tên khóa (để nhận ra nơi dùng)"),
                       validators=[required(), length(max=120)])
    expires_on = date_field(_l("Hết hạn ngày (tối đa một năm)"), required())
    scopes = MultiCheckboxField(_l("Phạm vi quyền"), validators=[required()])
    submit = SubmitField(_l("Tạo khóa truy cập"))
