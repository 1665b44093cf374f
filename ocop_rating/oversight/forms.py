"""Forms of the oversight pages: input checks only; the rules live in services."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField

from ..forms import Form, chosen, length, required


class SelectReviewForm(Form):
    evaluation_id = HiddenField()
    reason = TextAreaField(_l("Lý do chọn thẩm định"),
                           validators=[required(), length(min=10, max=2000)],
                           render_kw={"rows": 2})
    submit = SubmitField(_l("Chọn thẩm định"))


class CompleteReviewForm(Form):
    outcome = SelectField(_l("Kết luận thẩm định"), validators=[chosen()])
    findings = TextAreaField(_l("Nhận xét, thiếu sót, kiến nghị"),
                             validators=[length(max=5000)], render_kw={"rows": 4})
    submit = SubmitField(_l("Ghi kết luận thẩm định"))
