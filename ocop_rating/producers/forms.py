from flask_babel import lazy_gettext as _l
from wtforms import (
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from ..forms import Form, chosen, email, equal_to, length, optional, regexp, required
from .ethnicities import ETHNICITIES
from .models import GENDER_LABELS, KIND_LABELS, Gender, ProducerKind


class ProducerFieldsMixin:
    """The entity's facts, shared by sign-up and profile editing."""

    kind = SelectField(_l("Loại hình chủ thể"), validators=[chosen()],
                       choices=[(k.value, KIND_LABELS[k]) for k in ProducerKind])  # lazy
    name = StringField(_l("Tên chủ thể"), validators=[required(), length(max=255)])
    registration_number = StringField(
        _l("Mã số doanh nghiệp / HTX / hộ kinh doanh"),
        validators=[required(), length(max=32)],
        description=_l("10 chữ số (thêm -001 nếu là chi nhánh), hoặc số đăng ký hộ kinh doanh "
                       "dạng 22A8001234."))
    province_code = SelectField(_l("Tỉnh/thành phố"), validators=[chosen()],
                                validate_choice=False)
    commune_code = SelectField(_l("Xã/phường"), validators=[chosen()], validate_choice=False)
    address = StringField(_l("Địa chỉ (số nhà, thôn, ấp)"), validators=[required(),
                                                                       length(max=255)])
    phone = StringField(_l("Điện thoại"), validators=[
        required(), length(max=32),
        regexp(r"^[0-9+().\s-]{8,20}$", _l("Số điện thoại không hợp lệ."))])
    email = StringField(_l("E-mail"), validators=[optional(), email(), length(max=255)])
    representative_name = StringField(_l("Người đại diện theo pháp luật"),
                                      validators=[required(), length(max=120)])
    representative_position = StringField(_l("Chức vụ"), validators=[optional(),
                                                                     length(max=120)])
    # Criterion 3.2 scores these facts: nothing is preselected, each is a required choice.
    representative_gender = SelectField(_l("Giới tính người đại diện"), validators=[chosen()],
                                        choices=[("", _l("— Chọn —"))]
                                        + [(g.value, GENDER_LABELS[g]) for g in Gender], default="")
    representative_ethnicity = SelectField(_l("Dân tộc người đại diện"), validators=[chosen()],
                                           choices=[("", _l("— Chọn —"))] + list(ETHNICITIES),
                                           default="")
    representative_disabled = RadioField(_l("Người đại diện là người khuyết tật"),
                                         validators=[chosen()],
                                         choices=[("yes", _l("Có")), ("no", _l("Không"))])

class SignUpForm(ProducerFieldsMixin, Form):
    full_name = StringField(_l("Họ và tên người dùng tài khoản"),
                            validators=[required(), length(max=120)])
    username = StringField(_l("Tên đăng nhập"), validators=[
        required(), length(min=3, max=64),
        regexp(r"^[A-Za-z0-9._-]+$", _l("Chỉ dùng chữ không dấu, chữ số và các ký tự . _ -"))])
    password = PasswordField(_l("Mật khẩu"), validators=[required(), length(max=256)])
    confirm = PasswordField(_l("Nhập lại mật khẩu"), validators=[required(),
                                                                 equal_to("password")])
    submit = SubmitField(_l("Đăng ký"))


class ProfileForm(ProducerFieldsMixin, Form):
    submit = SubmitField(_l("Lưu thông tin"))


class RejectForm(Form):
    reason = TextAreaField(_l("Lý do từ chối"), validators=[required(), length(max=2000)])
    submit = SubmitField(_l("Từ chối"))
