from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from ..forms import Form, chosen, length, optional, required


class ProductForm(Form):
    name = StringField(_l("Tên sản phẩm"), validators=[required(), length(max=255)])
    set_no = SelectField(_l("Bộ sản phẩm"), validators=[chosen()], coerce=int,
                         description=_l("Mỗi bộ sản phẩm có phiếu đánh giá riêng."))
    description = TextAreaField(_l("Mô tả sản phẩm"), validators=[optional(),
                                                                  length(max=5000)])
    submit = SubmitField(_l("Lưu sản phẩm"))


class PhotoForm(Form):
    photo = FileField(_l("Ảnh sản phẩm (JPEG, PNG)"), validators=[required()])
    submit = SubmitField(_l("Tải ảnh lên"))
