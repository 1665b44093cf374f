"""Validators with Vietnamese messages (WTForms ships no Vietnamese catalogue) and small
shared forms. Feature forms live in each feature's forms.py."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import validators as v


def required():
    return v.InputRequired(message=_l("Vui lòng nhập thông tin này."))


def chosen():
    return v.InputRequired(message=_l("Vui lòng chọn một giá trị."))


def length(min: int = -1, max: int = -1):
    if min > 0 and max > 0:
        message = _l("Độ dài phải từ %(min)d đến %(max)d ký tự.")
    elif max > 0:
        message = _l("Tối đa %(max)d ký tự.")
    else:
        message = _l("Tối thiểu %(min)d ký tự.")
    return v.Length(min=min, max=max, message=message)


def email():
    return v.Email(message=_l("Địa chỉ e-mail không hợp lệ."), check_deliverability=False)


def optional():
    return v.Optional()


def equal_to(field: str):
    return v.EqualTo(field, message=_l("Hai mật khẩu không khớp nhau."))


def regexp(pattern: str, message):
    return v.Regexp(pattern, message=message)


def errors_text(form) -> str:
    """Every error of ``form`` as one plain string, for ``flash`` after a redirect: field
    label, then message. The messages are lazy strings (``_l``); ``"; ".join`` of them raised
    TypeError and a lazy string in the session is not JSON, so both answered 500."""
    parts = []
    for name, errors in form.errors.items():
        field = form._fields.get(name)
        label = str(field.label.text) if field is not None and field.label else ""
        for error in errors if isinstance(errors, (list, tuple)) else [errors]:
            text = str(error) if not isinstance(error, dict) else "; ".join(
                str(x) for xs in error.values() for x in xs)
            parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)




# WTForms' own messages ("Not a valid choice." …) in Vietnamese: WTForms ships no Vietnamese
# catalogue, so forms use these through Meta.get_translations.
WTFORMS_VI = {
    "This field is required.": "Vui lòng nhập thông tin này.",
    "Not a valid choice.": "Giá trị đã chọn không hợp lệ.",
    "'%(value)s' is not a valid choice for this field.": "“%(value)s” không phải lựa chọn hợp lệ.",
    "Not a valid integer value.": "Vui lòng nhập một số nguyên.",
    "Not a valid decimal value.": "Vui lòng nhập một số.",
    "Not a valid float value.": "Vui lòng nhập một số.",
    "Not a valid date value.": "Ngày không hợp lệ (dd/mm/yyyy).",
    "Not a valid datetime value.": "Thời điểm không hợp lệ.",
    "Invalid email address.": "Địa chỉ e-mail không hợp lệ.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Invalid value, must be one of: %(values)s.": "Giá trị phải là một trong: %(values)s.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số phải không quá %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "The CSRF token is missing.": "Thiếu mã bảo vệ biểu mẫu (CSRF). Vui lòng tải lại trang.",
    "The CSRF token has expired.": "Biểu mẫu đã hết hạn. Vui lòng tải lại trang.",
    "The CSRF token is invalid.": "Mã bảo vệ biểu mẫu không hợp lệ. Vui lòng tải lại trang.",
}


class _WTFormsTranslations:
    def gettext(self, string):
        from flask_babel import get_locale

        if str(get_locale() or "vi") == "vi":
            return WTFORMS_VI.get(string, string)
        return string

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    """Base of every form: CSRF from Flask-WTF, WTForms' messages in the person's language."""

    class Meta:
        def get_translations(self, form):
            return _WTFormsTranslations()


class ConfirmForm(Form):
    """A CSRF-only form for buttons that change state (deactivate, log out …)."""


def attach_error(form, error, fields: dict[str, str]) -> None:
    """Show a service error (an OcopError) beside the field its code maps to in ``fields``,
    or above the form when it concerns no single field."""
    name = fields.get(getattr(error, "code", ""))
    if name and name in form:
        form[name].errors = list(form[name].errors) + [error.message]
    else:
        form.form_errors.append(error.message)


DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class DayField(DateField):
    """A date typed dd/mm/yyyy or picked in the browser's date input (which sends ISO). A
    known date is written back as ISO: the only value ``<input type="date">`` accepts (it
    shows it in the person's locale, dd/mm/yyyy in Vietnamese), so a pre-filled or
    re-rendered date is never lost."""

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.isoformat() if self.data else ""


def date_field(label, *validators):
    return DayField(label, format=DATE_FORMATS, validators=list(validators),
                    render_kw={"placeholder": "dd/mm/yyyy"})
