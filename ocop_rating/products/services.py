"""Products and their codes."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from .. import audit
from ..db import db
from ..errors import NotAllowed, OcopError
from ..legaltime import legal_today
from ..producers.models import Producer, ProducerStatus
from ..rulebook import RulebookError, get_rulebook, rulebook_for_date
from ..text import fold
from .models import Product, ProductCodeCounter, ProductPhoto

TOURISM_SET = 26


class ProductError(OcopError):
    pass


def current_rulebook_code() -> str:
    """New products and dossiers use the newest rulebook in force today (DOMAIN.md §1)."""
    return rulebook_for_date(legal_today()).code


def set_choices(rulebook_code: str | None = None) -> list[tuple[int, str, str, str]]:
    """(set number, set name, group label, subgroup label) for every product set, in legal
    order (the legal Vietnamese texts; views translate them through i18n.legal_text)."""
    rulebook = get_rulebook(rulebook_code or current_rulebook_code())
    out = []
    for group in rulebook.groups:
        for sub in group.subgroups:
            for number in sub.sets:
                out.append((number, rulebook.sheet(number).name, group.label, sub.label))
    return sorted(out)


def check_set(set_no: int, producer: Producer, rulebook_code: str) -> None:
    try:
        get_rulebook(rulebook_code).sheet(set_no)
    except RulebookError:
        raise ProductError(_("Bộ sản phẩm không tồn tại."), code="unknown_set") from None
    if producer.kind.tourism_only and set_no != TOURISM_SET:
        raise ProductError(_("Hội và đơn vị kinh doanh du lịch chỉ đăng ký sản phẩm dịch vụ du "
                             "lịch cộng đồng (bộ 26)."), code="set_not_for_kind")


def create_product(producer: Producer, *, name: str, set_no: int, description: str,
                   actor) -> Product:
    if not producer.is_member(actor):
        raise NotAllowed(_("Chỉ chủ thể mới tạo được sản phẩm của mình."))
    if producer.status != ProducerStatus.approved:
        raise ProductError(_("Chủ thể chưa được phê duyệt."), code="producer_not_approved")
    rulebook_code = current_rulebook_code()
    check_set(set_no, producer, rulebook_code)
    product = Product(producer_id=producer.id, name=name.strip(), name_folded=fold(name),
                      set_no=set_no, rulebook_code=rulebook_code,
                      description=(description or "").strip())
    db.session.add(product)
    db.session.flush()
    audit.record(product, "created", actor=actor)
    return product


def record_product(producer: Producer, *, name: str, set_no: int, description: str = "",
                   actor) -> Product:
    """A product entered by the producer's office from its own lists (imports): the same
    record as ``create_product``, on the rulebook in force."""
    if not producer.can_decide(actor):
        raise NotAllowed(_("Bạn không thể ghi nhận sản phẩm của chủ thể này."))
    rulebook_code = current_rulebook_code()
    check_set(set_no, producer, rulebook_code)
    product = Product(producer_id=producer.id, name=name.strip(), name_folded=fold(name),
                      set_no=set_no, rulebook_code=rulebook_code,
                      description=(description or "").strip())
    db.session.add(product)
    db.session.flush()
    audit.record(product, "created", actor=actor, note="import")
    return product


def update_product(product: Product, *, name: str, set_no: int, description: str,
                   actor) -> None:
    """Name and set can change only while the product has no code (nothing filed yet)."""
    if not product.can_edit(actor):
        raise NotAllowed(_("Bạn không thể sửa sản phẩm này."))
    if product.code and (name.strip() != product.name or set_no != product.set_no):
        raise ProductError(_("Sản phẩm đã có mã, không đổi được tên hoặc bộ sản phẩm."),
                           code="product_coded")
    check_set(set_no, product.producer, product.rulebook_code)
    product.name, product.name_folded = name.strip(), fold(name)
    product.set_no = set_no
    product.description = (description or "").strip()
    audit.record(product, "updated", actor=actor)
    db.session.flush()


def assign_code(product: Product, *, commune_code: str, province_code: str, on: date,
                actor) -> str:
    """Give ``product`` its code "province-commune-serial-year" from the commune's counter.

    The counter row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers),
    so two submissions at once never get the same serial, and serials are never reused.
    """
    if product.code:
        return product.code
    counter = db.session.scalar(
        db.select(ProductCodeCounter).filter_by(commune_code=commune_code).with_for_update())
    if counter is None:
        counter = ProductCodeCounter(commune_code=commune_code, last_serial=0)
        db.session.add(counter)
    counter.last_serial += 1
    product.code = f"{province_code}-{commune_code}-{counter.last_serial:03d}-{on.year}"
    audit.record(product, "code_assigned", actor=actor, new=product.code)
    db.session.flush()
    return product.code


def add_photo(product: Product, file_storage, *, actor) -> ProductPhoto:
    from ..files.services import IMAGE_KINDS, store_upload

    if not product.can_edit(actor):
        raise NotAllowed(_("Bạn không thể sửa sản phẩm này."))
    stored = store_upload(file_storage, actor=actor, kinds=IMAGE_KINDS)
    photo = ProductPhoto(product_id=product.id, file_id=stored.id)
    db.session.add(photo)
    db.session.flush()
    audit.record(product, "photo_added", actor=actor)
    return photo


def products_of(producer: Producer) -> list[Product]:
    from ..text import vn_sort_key

    rows = db.session.scalars(db.select(Product).filter_by(producer_id=producer.id))
    return sorted(rows, key=lambda p: vn_sort_key(p.name))
