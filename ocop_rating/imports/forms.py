"""Forms of the imports: an upload per kind, and one pre-system certificate by hand."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField

from ..files.forms import UploadField
from ..files.kinds import XLSX
from ..forms import Form, length, optional, required
from .certificates import COLUMNS as CERTIFICATE_COLUMNS


class UploadForm(Form):
    file = UploadField(_l("Tệp XLSX theo mẫu"), kinds=(XLSX,))
    council = SelectField(_l("Hội đồng"), coerce=str, validators=[optional()],
                          validate_choice=False)
    submit = SubmitField(_l("Tải lên và chạy thử"))


def _certificate_form():
    """One text field per column of the certificates import, so the one form and the file
    are checked by the same rules (imports/certificates.check_row)."""
    attrs = {}
    for column in CERTIFICATE_COLUMNS:
        checks = [required()] if column.required else [optional()]
        attrs[column.key] = StringField(column.header, description=column.help,
                                        validators=checks + [length(max=255)])
    attrs["submit"] = SubmitField(_l("Ghi nhận giấy chứng nhận"))
    return type("LegacyCertificateForm", (Form,), attrs)


LegacyCertificateForm = _certificate_form()
