"""Import the producers of a province from its spreadsheets (issue 15, point 5). The office
vouches for the rows it imports: each producer is recorded and approved by the office, as if
it had signed up and been approved (same services, same audit rows)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..db import db
from ..producers import services as producers
from ..producers.ethnicities import ETHNICITY_NAMES
from ..producers.models import KIND_LABELS, Gender, Producer, ProducerKind
from ..text import fold
from .common import check_text, own_commune
from .sheet import Column, Plan, Row, parse_yes

COLUMNS = (
    Column("registration_number", "Mã số đăng ký", help=_l(
        "Mã số thuế/mã số doanh nghiệp (10 chữ số, có thể thêm -001) hoặc số đăng ký hộ kinh "
        "doanh (ví dụ 22A8001234)."), example="5701234567"),
    Column("name", "Tên chủ thể", help=_l("Tên đầy đủ như trên giấy đăng ký."),
           example="Hợp tác xã Nông sản Vân Đồn"),
    Column("kind", "Loại hình", help=_l(
        "Một trong: Hợp tác xã; Tổ hợp tác; Doanh nghiệp nhỏ và vừa; Trang trại; Hộ kinh "
        "doanh có đăng ký; Hội, hiệp hội (du lịch cộng đồng); Đơn vị kinh doanh du lịch."),
        example="Hợp tác xã"),
    Column("commune_code", "Mã xã/phường", help=_l(
        "Mã 5 chữ số của xã/phường trong tỉnh (Quyết định 19/2025/QĐ-TTg)."), example="06994"),
    Column("address", "Địa chỉ", help=_l("Số nhà, thôn/ấp (không ghi xã, tỉnh)."),
           example="Thôn 5"),
    Column("phone", "Điện thoại", required=False, example="0912345678"),
    Column("email", "E-mail", required=False, example="htx@example.vn"),
    Column("representative_name", "Người đại diện", example="Nguyễn Thị Lan"),
    Column("representative_position", "Chức vụ", required=False, example="Giám đốc"),
    Column("representative_gender", "Giới tính", help=_l("Nam hoặc Nữ."), example="Nữ"),
    Column("representative_ethnicity", "Dân tộc", help=_l(
        "Tên dân tộc trong danh mục 54 dân tộc (ví dụ Kinh, Tày, Dao)."), example="Kinh"),
    Column("representative_disabled", "Người khuyết tật", required=False, help=_l(
        "Có nếu người đại diện là người khuyết tật; để trống là không."), example=""),
)
C = {c.key: c for c in COLUMNS}

_KINDS = {fold(str(label)): kind for kind, label in KIND_LABELS.items()}
_KINDS.update({kind.value: kind for kind in ProducerKind})
_ETHNICITIES = {fold(name): code for code, name in ETHNICITY_NAMES.items()}
_GENDERS = {"nam": Gender.male, "nu": Gender.female}


def check(rows: list[Row], plan: Plan, *, actor) -> None:
    province_code = actor.province_code
    seen: dict[str, int] = {}
    for row in rows:
        before = len(plan.errors)
        number = producers.normalize_registration(row.get("registration_number"))
        if not producers.REGISTRATION_RE.match(number):
            plan.error(row, C["registration_number"], _(
                "Mã số “%(n)s” không đúng định dạng (10 chữ số, có thể thêm -001; hoặc số đăng "
                "ký hộ kinh doanh dạng 22A8001234).", n=row.get("registration_number")))
        elif number in seen:
            plan.error(row, C["registration_number"], _(
                "Mã số %(n)s đã có ở dòng %(r)d.", n=number, r=seen[number]))
        seen.setdefault(number, row.number)
        name = check_text(plan, row, C["name"], 255)
        kind = _KINDS.get(fold(row.get("kind")))
        if kind is None:
            plan.error(row, C["kind"], _("Loại hình “%(k)s” không có trong danh mục.",
                                         k=row.get("kind")))
        commune = own_commune(plan, row, C["commune_code"], province_code)
        address = check_text(plan, row, C["address"], 255)
        phone = check_text(plan, row, C["phone"], 32)
        email = check_text(plan, row, C["email"], 255)
        if email and "@" not in email:
            plan.error(row, C["email"], _("Địa chỉ e-mail không hợp lệ."))
        representative = check_text(plan, row, C["representative_name"], 120)
        position = check_text(plan, row, C["representative_position"], 120)
        gender = _GENDERS.get(fold(row.get("representative_gender")))
        if gender is None:
            plan.error(row, C["representative_gender"], _("Ghi Nam hoặc Nữ."))
        ethnicity = _ETHNICITIES.get(fold(row.get("representative_ethnicity")))
        if ethnicity is None:
            plan.error(row, C["representative_ethnicity"], _(
                "Dân tộc “%(e)s” không có trong danh mục 54 dân tộc.",
                e=row.get("representative_ethnicity")))
        disabled = parse_yes(row.get("representative_disabled"))
        if disabled is None:
            plan.error(row, C["representative_disabled"], _("Ghi Có hoặc để trống."))
        if len(plan.errors) > before:
            continue
        existing = db.session.scalar(db.select(Producer).filter_by(registration_number=number))
        if existing is not None:
            if existing.province_code != province_code:
                plan.error(row, C["registration_number"], _(
                    "Mã số %(n)s đã được một chủ thể ở tỉnh khác đăng ký.", n=number))
            else:
                plan.present += 1  # imported before (or signed up): nothing to change
            continue
        plan.todo.append(dict(
            kind=kind, name=name, registration_number=number, province_code=province_code,
            commune_code=commune.code, address=address, phone=phone, email=email or None,
            representative_name=representative, representative_position=position,
            representative_gender=gender, representative_ethnicity=ethnicity,
            representative_disabled=disabled))


def apply(plan: Plan, *, actor) -> int:
    for facts in plan.todo:
        producer = producers.register_producer(actor=actor, **facts)
        producers.approve(producer, actor=actor)
    return len(plan.todo)
