from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import NumberRange

from ..forms import Form, chosen, date_field, length, optional, required


class CouncilForm(Form):
    level = SelectField(_l("Cấp hội đồng"), validators=[chosen()])
    province_code = SelectField(_l("Tỉnh/thành phố"), validators=[optional()],
                                validate_choice=False)
    name = StringField(_l("Tên hội đồng"), validators=[required(), length(max=255)])
    decision_number = StringField(_l("Số quyết định thành lập"),
                                  validators=[required(), length(max=64)])
    decision_date = date_field(_l("Ngày quyết định (dd/mm/yyyy)"), required())
    term_from = date_field(_l("Nhiệm kỳ từ ngày"), optional())
    term_to = date_field(_l("Nhiệm kỳ đến ngày"), optional())
    decision_mode = SelectField(_l("Hình thức làm việc"), validators=[chosen()])
    submit = SubmitField(_l("Lưu hội đồng"))


class RulesForm(Form):
    decision_mode = SelectField(_l("Hình thức làm việc"), validators=[chosen()])
    quorum_fraction = StringField(_l("Tỷ lệ có mặt tối thiểu (ví dụ 3/4)"),
                                  validators=[required(), length(max=10)])
    chair_required = BooleanField(_l("Bắt buộc có chủ tịch hội đồng"))
    spread_limit = DecimalField(_l("Chênh lệch điểm tối đa giữa các thành viên"), places=2,
                                validators=[required(), NumberRange(min=0, max=100)])
    trim_extremes = BooleanField(_l("Loại điểm cao nhất và thấp nhất"))
    trim_min_members = IntegerField(_l("Chỉ loại khi có ít nhất … thành viên chấm"),
                                    validators=[required(), NumberRange(min=3, max=99)])
    submit = SubmitField(_l("Lưu quy chế"))


class MemberForm(Form):
    username = StringField(_l("Tên đăng nhập của thành viên"),
                           validators=[required(), length(max=64)])
    role = SelectField(_l("Vai trò trong hội đồng"), validators=[chosen()])
    agency = StringField(_l("Cơ quan công tác"), validators=[optional(), length(max=255)])
    home_commune_code = SelectField(_l("Xã/phường nơi cư trú"), validators=[optional()],
                                    validate_choice=False)
    work_commune_code = SelectField(_l("Xã/phường nơi công tác"), validators=[optional()],
                                    validate_choice=False)
    relationship_note = TextAreaField(_l("Quan hệ với các chủ thể (nếu có)"),
                                      validators=[optional(), length(max=2000)])
    submit = SubmitField(_l("Thêm thành viên"))


class AdvisorForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[required(), length(max=64)])
    agency = StringField(_l("Cơ quan công tác"), validators=[optional(), length(max=255)])
    is_lead = BooleanField(_l("Tổ trưởng"))
    submit = SubmitField(_l("Thêm vào tổ tư vấn"))


class RoundForm(Form):
    name = StringField(_l("Tên đợt"), validators=[required(), length(max=255)])
    proposals_by = date_field(_l("Hạn đề xuất"), required())
    finish_by = date_field(_l("Hạn hoàn thành"), required())
    submit = SubmitField(_l("Thêm đợt bổ sung"))


class ReviewForm(Form):
    notes = TextAreaField(_l("Nhận xét của tổ tư vấn"), validators=[optional(),
                                                                   length(max=10000)])
    site_visit_on = date_field(_l("Ngày khảo sát thực tế"), optional())
    site_visit_notes = TextAreaField(_l("Kết quả khảo sát thực tế"),
                                     validators=[optional(), length(max=10000)])
    report = TextAreaField(_l("Báo cáo gửi hội đồng"), validators=[optional(),
                                                                  length(max=20000)])
    submit_report = BooleanField(_l("Gửi báo cáo cho hội đồng"))
    submit = SubmitField(_l("Lưu"))


class LabTestForm(Form):
    description = TextAreaField(_l("Chỉ tiêu cần kiểm nghiệm bổ sung"),
                                validators=[required(), length(max=2000)])
    submit = SubmitField(_l("Yêu cầu kiểm nghiệm"))


class LabResultForm(Form):
    result_text = TextAreaField(_l("Kết quả"), validators=[optional(), length(max=5000)])
    file = FileField(_l("Phiếu kết quả (PDF, ảnh)"))
    submit = SubmitField(_l("Ghi kết quả"))


class ReasonForm(Form):
    reason = TextAreaField(_l("Lý do"), validators=[required(), length(min=3, max=3000)])
    submit = SubmitField(_l("Gửi"))


class ConcludeForm(Form):
    proposal = TextAreaField(_l("Kết luận, đề xuất của hội đồng"),
                             validators=[required(), length(max=5000)])
    submit = SubmitField(_l("Kết luận"))
