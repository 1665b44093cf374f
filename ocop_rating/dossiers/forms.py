from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import NumberRange

from ..forms import Form, date_field, length, optional, required


class RegistrationForm(Form):
    """Form 01 fields beyond the producer and product facts, and the samples record."""

    production_address = StringField(_l("Địa chỉ cơ sở sản xuất"),
                                     validators=[required(), length(max=255)])
    annual_capacity = StringField(_l("Năng lực sản xuất / quy mô (sản lượng năm)"),
                                  validators=[required(), length(max=255)])
    main_markets = TextAreaField(_l("Thị trường tiêu thụ chính"),
                                 validators=[optional(), length(max=3000)])
    product_story = TextAreaField(_l("Câu chuyện sản phẩm"),
                                  validators=[optional(), length(max=5000)])
    changes_since_recognition = TextAreaField(
        _l("Những thay đổi kể từ khi được công nhận (đánh giá lại)"),
        validators=[optional(), length(max=5000)])
    samples_count = IntegerField(_l("Số mẫu sản phẩm đã giao cho xã"), default=0,
                                 validators=[optional(), NumberRange(
                                     min=0, max=50, message=_l("Từ 0 đến 50 mẫu."))])
    samples_handed_on = date_field(_l("Ngày giao mẫu (dd/mm/yyyy)"), optional())
    samples_received_by = StringField(_l("Người nhận mẫu"),
                                      validators=[optional(), length(max=120)])
    submit = SubmitField(_l("Lưu phiếu đăng ký"))


class EvidenceForm(Form):
    # Several files at once; each is checked by content and size in add_evidence_batch.
    file = MultipleFileField(_l("Tệp minh chứng (PDF, JPEG, PNG, DOCX, XLSX)"))
    item_code = HiddenField()
    document = HiddenField()  # a Form 01 paper (checklist code) instead of a criterion
    label = StringField(_l("Mô tả tệp"), validators=[optional(), length(max=255)])
    submit = SubmitField(_l("Tải lên"))


class ReasonForm(Form):
    reason = TextAreaField(_l("Lý do trả lại / nội dung cần bổ sung"),
                           validators=[required(), length(min=5, max=3000)])
    submit = SubmitField(_l("Trả lại hồ sơ"))
