"""Import the products of a province's producers (issue 15, point 5): a product is known by
its producer and its name (accents and case aside), so a second run finds it and adds
nothing."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..db import db
from ..errors import OcopError
from ..products import services as products
from ..products.models import Product
from ..text import fold
from .common import check_text, own_producer
from .sheet import Column, Plan, Row, parse_int

COLUMNS = (
    Column("registration_number", "Mã số đăng ký chủ thể", help=_l(
        "Mã số của chủ thể đã có trong hệ thống (nhập danh sách chủ thể trước)."),
        example="5701234567"),
    Column("name", "Tên sản phẩm", example="Chả mực Vân Đồn"),
    Column("set_no", "Bộ sản phẩm", help=_l(
        "Số của bộ sản phẩm (1–26) theo Quyết định 26/2026/QĐ-TTg."), example="7"),
    Column("description", "Mô tả", required=False, example=""),
)
C = {c.key: c for c in COLUMNS}


def find_product(producer, name: str) -> Product | None:
    return db.session.scalar(db.select(Product).filter_by(
        producer_id=producer.id, name_folded=fold(name)).order_by(Product.id).limit(1))


def check(rows: list[Row], plan: Plan, *, actor) -> None:
    seen: dict[tuple[int, str], int] = {}
    for row in rows:
        before = len(plan.errors)
        producer = own_producer(plan, row, C["registration_number"], actor.province_code)
        name = check_text(plan, row, C["name"], 255)
        set_no = parse_int(row.get("set_no"))
        if set_no is None:
            plan.error(row, C["set_no"], _("Ghi số của bộ sản phẩm (1–26)."))
        elif producer is not None:
            try:
                products.check_set(set_no, producer, products.current_rulebook_code())
            except OcopError as e:
                plan.error(row, C["set_no"], e.message)
        description = check_text(plan, row, C["description"], 5000)
        if len(plan.errors) > before:
            continue
        key = (producer.id, fold(name))
        if key in seen:
            plan.error(row, C["name"], _("Sản phẩm này đã có ở dòng %(r)d.", r=seen[key]))
            continue
        seen[key] = row.number
        if find_product(producer, name) is not None:
            plan.present += 1
            continue
        plan.todo.append(dict(producer_id=producer.id, name=name, set_no=set_no,
                              description=description))


def apply(plan: Plan, *, actor) -> int:
    from ..producers.models import Producer

    for item in plan.todo:
        producer = db.session.get(Producer, item["producer_id"])
        products.record_product(producer, name=item["name"], set_no=item["set_no"],
                                description=item["description"], actor=actor)
    return len(plan.todo)
