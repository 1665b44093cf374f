"""Forms of market surveillance: input checks only; the rules live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms import validators as v

from ..files.forms import accept_attribute
from ..files.kinds import IMAGE_KINDS
from ..forms import Form, chosen, date_field, length, optional, required


def photos_field(label):
    return MultipleFileField(label, validators=[optional()],
                             render_kw={"accept": accept_attribute(IMAGE_KINDS),
                                        "capture": "environment"})


class ReportForm(Form):
    """The public's report. ``certificate`` carries the token of the certificate the person
    came from (verification page, registry, showcase); without it, the person names the
    product and the province where it was seen."""

    certificate = HiddenField()
    started = HiddenField()   # signed time the form was shown (spam guard)
    website = StringField(_l("Trang web"), validators=[optional(), length(max=200)],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})  # honeypot
    kind = SelectField(_l("Bạn muốn phản ánh điều gì?"), validators=[chosen()])
    product_text = StringField(_l("Tên sản phẩm, chủ thể ghi trên bao bì"),
                               validators=[optional(), length(max=255)])
    province_code = SelectField(_l("Tỉnh/thành phố nơi bạn thấy sản phẩm"),
                                validators=[optional()])
    description = TextAreaField(_l("Bạn đã thấy gì?"), validators=[required(),
                                                                   length(max=5000)])
    place = StringField(_l("Ở đâu (tên cửa hàng, địa chỉ hoặc đường dẫn trang bán hàng)"),
                        validators=[required(), length(max=500)])
    seen_on = date_field(_l("Ngày phát hiện (dd/mm/yyyy)"), required())
    photos = photos_field(_l("Ảnh chụp (JPEG hoặc PNG, tối đa 5 ảnh)"))
    contact = StringField(_l("Số điện thoại hoặc e-mail để cơ quan liên hệ (không bắt buộc, "
                             "không công khai)"), validators=[optional(), length(max=255)])
    submit = SubmitField(_l("Gửi phản ánh"))


class TrackForm(Form):
    class Meta:
        csrf = False  # a GET lookup: nothing changes

    code = StringField(_l("Mã theo dõi"), validators=[required(), length(max=40)],
                       render_kw={"placeholder": "BC-XXXX-XXXX-XXXX", "autocomplete": "off"})


class AssignForm(Form):
    assignee_id = SelectField(_l("Cán bộ xử lý"), validators=[chosen()])
    submit = SubmitField(_l("Phân công"))


class OpenInspectionForm(Form):
    scheduled_on = date_field(_l("Ngày kiểm tra dự kiến (dd/mm/yyyy)"), required())
    inspector = StringField(_l("Người hoặc đoàn kiểm tra"),
                            validators=[required(), length(max=255)])
    submit = SubmitField(_l("Mở hậu kiểm"))


class CloseForm(Form):
    outcome = SelectField(_l("Kết quả xử lý"), validators=[chosen()])
    public_summary = TextAreaField(_l("Trả lời công khai cho người phản ánh (không ghi thông tin "
                                      "cá nhân)"), validators=[required(), length(max=5000)])
    submit = SubmitField(_l("Kết thúc xử lý"))


class TradeCheckForm(Form):
    certificate_number = StringField(_l("Số giấy chứng nhận"),
                                     validators=[required(), length(max=64)])
    report_id = HiddenField()
    done_on = date_field(_l("Ngày kiểm tra (dd/mm/yyyy)"), required())
    inspector = StringField(_l("Người hoặc đoàn kiểm tra"),
                            validators=[required(), length(max=255)])
    outlet_kind = SelectField(_l("Loại nơi bán"), validators=[chosen()])
    outlet_name = StringField(_l("Tên nơi bán"), validators=[required(), length(max=255)])
    outlet_address = StringField(_l("Địa chỉ hoặc đường dẫn"),
                                 validators=[required(), length(max=500)])
    stamp_use = SelectField(_l("Tem OCOP trên bao bì"), validators=[chosen()])
    mark_use = SelectField(_l("Biểu trưng OCOP, hạng sao"), validators=[chosen()])
    price_vnd = IntegerField(_l("Giá bán (đồng)"),
                             validators=[optional(), v.NumberRange(min=0, max=10**12)])
    outcome = SelectField(_l("Kết luận"), validators=[chosen()])
    proposed_ground = SelectField(_l("Căn cứ đề xuất thu hồi (khi có vi phạm)"),
                                  validators=[optional()])
    concluded_on = date_field(_l("Ngày có kết luận của cơ quan có thẩm quyền (khi có vi phạm; "
                                 "dd/mm/yyyy)"), optional())
    concluded_by = StringField(_l("Cơ quan kết luận / văn bản (khi có vi phạm)"),
                               validators=[optional(), length(max=255)])
    findings = TextAreaField(_l("Kết quả kiểm tra"), validators=[required(),
                                                                 length(max=10000)])
    photos = photos_field(_l("Ảnh chụp (JPEG hoặc PNG, tối đa 5 ảnh)"))
    submit = SubmitField(_l("Ghi kết quả kiểm tra"))


class SalesPointForm(Form):
    kind = SelectField(_l("Loại"), validators=[chosen()])
    name = StringField(_l("Tên nơi bán"), validators=[required(), length(max=255)])
    address = StringField(_l("Địa chỉ"), validators=[optional(), length(max=500)])
    url = StringField(_l("Đường dẫn (trang bán hàng trực tuyến)"),
                      validators=[optional(), length(max=500)])
    submit = SubmitField(_l("Thêm nơi bán"))


class HideForm(Form):
    reason = TextAreaField(_l("Lý do ẩn khỏi danh mục"), validators=[required(),
                                                                      length(max=2000)])
    submit = SubmitField(_l("Ẩn khỏi danh mục"))
