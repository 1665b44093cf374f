"""Forms of the re-evaluation pages: input checks only; the rules live in services."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from ..files.forms import UploadField
from ..forms import Form, chosen, date_field, length, optional, required


class PlanForm(Form):
    # Shown to administrators only (a provincial office plans for its own province).
    province_code = SelectField(_l("Tỉnh/thành phố"), validators=[chosen()])
    name = StringField(_l("Tên kế hoạch"), validators=[required(), length(max=255)],
                       render_kw={"placeholder": "Kế hoạch đánh giá lại năm 2029"})
    period_from = date_field(_l("Giấy chứng nhận hết hiệu lực từ ngày (dd/mm/yyyy)"),
                             required())
    period_to = date_field(_l("Đến ngày (dd/mm/yyyy)"), required())
    note = TextAreaField(_l("Ghi chú"), validators=[optional(), length(max=2000)])
    submit = SubmitField(_l("Lập kế hoạch"))


class AssignForm(Form):
    """Put the plan entries ticked on the page (``entry_id``) in a council round; the empty
    choice takes them out of their round."""

    round_id = SelectField(_l("Đợt đánh giá"))
    submit = SubmitField(_l("Phân vào đợt"))


class InspectionForm(Form):
    certificate_number = StringField(_l("Số giấy chứng nhận"),
                                     validators=[required(), length(max=64)])
    kind = SelectField(_l("Hình thức kiểm tra"), validators=[chosen()])
    scheduled_on = date_field(_l("Ngày kiểm tra dự kiến (dd/mm/yyyy)"), required())
    inspector = StringField(_l("Người hoặc đoàn kiểm tra"),
                            validators=[required(), length(max=255)])
    submit = SubmitField(_l("Lên lịch kiểm tra"))


class FindingsForm(Form):
    done_on = date_field(_l("Ngày kiểm tra (dd/mm/yyyy)"), required())
    outcome = SelectField(_l("Kết luận"), validators=[chosen()])
    proposed_ground = SelectField(_l("Căn cứ đề xuất thu hồi (khi có vi phạm)"),
                                  validators=[optional()])
    concluded_on = date_field(_l("Ngày có kết luận của cơ quan có thẩm quyền, hoặc ngày xã xác "
                                 "nhận ngừng sản xuất (khi có vi phạm; dd/mm/yyyy)"),
                              optional())
    concluded_by = StringField(_l("Cơ quan kết luận / văn bản xác nhận (khi có vi phạm)"),
                               validators=[optional(), length(max=255)])
    findings = TextAreaField(_l("Kết quả kiểm tra"), validators=[required(),
                                                                 length(max=10000)])
    # Any kind files.services.store_upload accepts (PDF, images, DOCX, XLSX).
    evidence = UploadField(_l("Biên bản, hình ảnh minh chứng"), required=False)
    submit = SubmitField(_l("Ghi kết quả kiểm tra"))
