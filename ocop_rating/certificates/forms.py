from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from ..forms import Form, chosen, date_field, length, optional, required


class DecisionForm(Form):
    number = StringField(_l("Số quyết định"), validators=[required(), length(max=64)],
                         render_kw={"placeholder": "125/QĐ-UBND"})
    decided_on = date_field(_l("Ngày quyết định (dd/mm/yyyy)"), required())
    signer_name = StringField(_l("Người ký"), validators=[required(), length(max=120)])
    signer_title = StringField(_l("Chức vụ người ký"), validators=[required(), length(max=255)],
                               render_kw={"placeholder": "KT. CHỦ TỊCH - PHÓ CHỦ TỊCH"})
    round_id = SelectField(_l("Lấy sản phẩm từ đợt đánh giá"), validators=[optional()],
                           validate_choice=False)
    submit = SubmitField(_l("Lập dự thảo quyết định"))


class RevokeForm(Form):
    ground = SelectField(_l("Căn cứ thu hồi"), validators=[chosen()])
    number = StringField(_l("Số quyết định thu hồi"), validators=[required(), length(max=64)])
    decided_on = date_field(_l("Ngày quyết định (dd/mm/yyyy)"), required())
    signer_name = StringField(_l("Người ký"), validators=[required(), length(max=120)])
    signer_title = StringField(_l("Chức vụ người ký"), validators=[required(), length(max=255)])
    note = TextAreaField(_l("Ghi chú"), validators=[optional(), length(max=2000)])
    submit = SubmitField(_l("Thu hồi các giấy chứng nhận đã chọn"))
