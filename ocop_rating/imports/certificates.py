"""Import certificates issued on paper before the system, with their decisions (issue 15,
point 5), so that every live certificate of a province is in the public registry with its
true status ("not found" must mean "not certified").

Each row goes through ``certificates.services.record_legacy_certificate`` (the one way a
paper certificate is entered). A certificate is known by its printed number: a second run
finds every number already recorded for the same product and decision and adds nothing; a
number recorded for anything else is an error. The product is found under its producer by
name, or created on the set given. The status is derived, never imported: valid, expiring,
expired from the dates; superseded when the same product has a later certificate."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..certificates import services as certificates
from ..certificates.instruments import HISTORIC, historic_code
from ..certificates.models import AuthorityLevel, Certificate, Decision
from ..db import db
from ..errors import OcopError
from ..legaltime import legal_today
from ..products import services as products
from ..text import fold
from .common import check_text, is_national, own_producer
from .products import find_product
from .sheet import Column, Plan, Row, parse_date, parse_int

COLUMNS = (
    Column("number", "Số giấy chứng nhận", help=_l("Số in trên giấy chứng nhận."),
           example="125/GCN-UBND"),
    Column("decision_number", "Số quyết định", help=_l("Số quyết định công nhận."),
           example="3456/QĐ-UBND"),
    Column("decided_on", "Ngày quyết định", help=_l("dd/mm/yyyy"), example="15/09/2023"),
    Column("issued_on", "Ngày cấp", required=False, help=_l(
        "dd/mm/yyyy; để trống nếu cùng ngày quyết định."), example=""),
    Column("authority", "Cơ quan công nhận", required=False, help=_l(
        "Như in trên quyết định (ví dụ Ủy ban nhân dân huyện Vân Đồn); để trống là Ủy ban "
        "nhân dân tỉnh (5 sao: Bộ Nông nghiệp và Môi trường)."), example="Ủy ban nhân dân tỉnh Quảng Ninh"),
    Column("signer_name", "Người ký", example="Nguyễn Văn Hùng"),
    Column("signer_title", "Chức vụ người ký", example="Phó Chủ tịch"),
    Column("star", "Hạng sao", help=_l(
        "Văn phòng tỉnh: 3 hoặc 4. Văn phòng OCOP Bộ: 5 (5 sao do Bộ công nhận)."), example="4"),
    Column("instrument", "Bộ tiêu chí", help=_l(
        "1048/2019, 148/2023 hoặc 148+1489/2025: văn bản mà sản phẩm được đánh giá theo."),
        example="148/2023"),
    Column("registration_number", "Mã số đăng ký chủ thể", help=_l(
        "Mã số của chủ thể đã có trong hệ thống (nhập danh sách chủ thể trước)."),
        example="5701234567"),
    Column("product_name", "Tên sản phẩm", help=_l(
        "Như trên giấy chứng nhận; sản phẩm chưa có sẽ được tạo."), example="Chả mực Vân Đồn"),
    Column("set_no", "Bộ sản phẩm", help=_l(
        "Số bộ sản phẩm (1–26) theo Quyết định 26/2026/QĐ-TTg, dùng khi đánh giá lại."),
        example="7"),
    Column("expires_on", "Có giá trị đến", required=False, help=_l(
        "dd/mm/yyyy, nếu ghi thì phải đúng 36 tháng kể từ ngày cấp."), example=""),
)
C = {c.key: c for c in COLUMNS}


def check_row(row: Row, plan: Plan, *, actor) -> dict | None:
    """One certificate's row checked (errors added to ``plan``): its values, or None."""
    before = len(plan.errors)
    national = is_national(actor)
    today = legal_today()
    number = check_text(plan, row, C["number"], 64)
    decision_number = check_text(plan, row, C["decision_number"], 64)
    decided_on = parse_date(row.get("decided_on"))
    if decided_on is None:
        plan.error(row, C["decided_on"], _("Ngày không hợp lệ (dd/mm/yyyy)."))
    issued_on = parse_date(row.get("issued_on")) if row.get("issued_on") else decided_on
    if issued_on is None:
        plan.error(row, C["issued_on"], _("Ngày không hợp lệ (dd/mm/yyyy)."))
    authority = check_text(plan, row, C["authority"], 255)
    signer_name = check_text(plan, row, C["signer_name"], 120)
    signer_title = check_text(plan, row, C["signer_title"], 255)
    star = parse_int(row.get("star"))
    if national:
        if star != 5:
            plan.error(row, C["star"], _(
                "Bộ chỉ ghi nhận giấy chứng nhận 5 sao: giấy chứng nhận 3 và 4 sao do Ủy ban "
                "nhân dân tỉnh công nhận, Văn phòng OCOP tỉnh ghi nhận."))
    elif star == 5:
        plan.error(row, C["star"], _("Giấy chứng nhận 5 sao do Bộ Nông nghiệp và Môi trường "
                                     "công nhận: Văn phòng tỉnh không ghi nhận được."))
    elif star not in (3, 4):
        plan.error(row, C["star"], _("Hạng sao phải là 3 hoặc 4."))
    code = historic_code(row.get("instrument"))
    if code is None:
        plan.error(row, C["instrument"], _("Ghi 1048/2019, 148/2023 hoặc 148+1489/2025."))
    # Nationally (the ministry's 5-star certificates) a producer of any province.
    producer = own_producer(plan, row, C["registration_number"],
                            None if national else actor.province_code)
    product_name = check_text(plan, row, C["product_name"], 255)
    if national and producer is not None and product_name \
            and find_product(producer, product_name) is None:
        # A province's product list is its office's: the ministry names a product the
        # province has entered (usually with its 4-star certificate), never creates one.
        plan.error(row, C["product_name"], _(
            "Chủ thể %(n)s chưa có sản phẩm “%(p)s” trong hệ thống: Văn phòng OCOP tỉnh "
            "nhập sản phẩm (hoặc giấy chứng nhận 4 sao của sản phẩm) trước.",
            n=producer.registration_number, p=product_name))
    set_no = parse_int(row.get("set_no"))
    if set_no is None:
        plan.error(row, C["set_no"], _("Ghi số của bộ sản phẩm (1–26)."))
    elif producer is not None:
        try:
            products.check_set(set_no, producer, products.current_rulebook_code())
        except OcopError as e:
            plan.error(row, C["set_no"], e.message)
    if issued_on is not None and decided_on is not None:
        if issued_on > today or decided_on > today:
            plan.error(row, C["decided_on"], _("Ngày không thể sau hôm nay."))
        elif issued_on < decided_on:
            plan.error(row, C["issued_on"], _("Ngày cấp trước ngày quyết định."))
        elif code is not None and issued_on < HISTORIC[code].in_force_from:
            plan.error(row, C["instrument"], _(
                "%(i)s có hiệu lực từ %(d)s, sau ngày cấp.", i=HISTORIC[code].label,
                d=HISTORIC[code].in_force_from.strftime("%d/%m/%Y")))
        expires = row.get("expires_on")
        if expires and issued_on <= today:
            given = parse_date(expires)
            due = Certificate.expiry_for(issued_on)
            if given is None:
                plan.error(row, C["expires_on"], _("Ngày không hợp lệ (dd/mm/yyyy)."))
            elif given != due:
                plan.error(row, C["expires_on"], _(
                    "Giấy chứng nhận có giá trị 36 tháng: cấp ngày %(i)s thì có giá trị đến "
                    "%(d)s.", i=issued_on.strftime("%d/%m/%Y"), d=due.strftime("%d/%m/%Y")))
    if len(plan.errors) > before:
        return None
    return dict(number=number, decision_number=decision_number, decided_on=decided_on,
                issued_on=issued_on, authority=authority, signer_name=signer_name,
                signer_title=signer_title, star=star, rulebook_code=code,
                producer_id=producer.id, product_name=product_name, set_no=set_no)


def _already(values: dict, plan: Plan, row: Row) -> bool:
    """True when the certificate is recorded already, as this row says (a re-run)."""
    existing = certificates.find_by_number(values["number"])
    if existing is None:
        return False
    same = (existing.producer_id == values["producer_id"]
            and fold(existing.product_name) == fold(values["product_name"])
            and existing.decision.number == values["decision_number"])
    if not same:
        plan.error(row, C["number"], _("Số giấy chứng nhận %(n)s đã được ghi nhận cho một "
                                       "sản phẩm hoặc quyết định khác.", n=values["number"]))
    return True


def _level(actor) -> AuthorityLevel:
    """The authority of the certificates ``actor`` records: the ministry nationally."""
    return AuthorityLevel.ministry if is_national(actor) else AuthorityLevel.province


def _decision_conflict(values: dict, actor) -> str | None:
    level = _level(actor)
    decision = db.session.scalar(db.select(Decision).filter_by(
        authority_level=level,
        province_code=None if level == AuthorityLevel.ministry else actor.province_code,
        number=values["decision_number"]))
    if decision is None:
        return None
    if decision.decided_on != values["decided_on"]:
        return _("Quyết định %(n)s đã có trong hệ thống với ngày %(d)s.",
                 n=decision.number, d=decision.decided_on.strftime("%d/%m/%Y"))
    if values["authority"] and fold(values["authority"]) != fold(decision.authority_name):
        return _("Quyết định %(n)s đã có trong hệ thống, do %(a)s ban hành.",
                 n=decision.number, a=decision.authority_name)
    return None


def check(rows: list[Row], plan: Plan, *, actor) -> None:
    numbers: dict[str, int] = {}
    decisions: dict[str, tuple[date, str, int]] = {}
    for row in rows:
        values = check_row(row, plan, actor=actor)
        if values is None:
            continue
        key = fold(values["number"])
        if key in numbers:
            plan.error(row, C["number"], _("Số giấy chứng nhận đã có ở dòng %(r)d.",
                                           r=numbers[key]))
            continue
        numbers[key] = row.number
        seen = decisions.setdefault(values["decision_number"],
                                    (values["decided_on"], fold(values["authority"]),
                                     row.number))
        if seen[:2] != (values["decided_on"], fold(values["authority"])):
            plan.error(row, C["decided_on"], _(
                "Quyết định %(n)s ở dòng %(r)d có ngày hoặc cơ quan khác.",
                n=values["decision_number"], r=seen[2]))
            continue
        if _already(values, plan, row):
            if plan.errors and plan.errors[-1].row == row.number:
                continue
            plan.present += 1
            continue
        conflict = _decision_conflict(values, actor)
        if conflict:
            plan.error(row, C["decision_number"], conflict)
            continue
        plan.todo.append(values)


def record(values: dict, *, actor, products_made: dict | None = None) -> Certificate:
    """Record one checked row (the import and the single form)."""
    from ..producers.models import Producer

    producer = db.session.get(Producer, values["producer_id"])
    key = (producer.id, fold(values["product_name"]))
    product = (products_made or {}).get(key) or find_product(producer, values["product_name"])
    if product is None:
        product = products.record_product(producer, name=values["product_name"],
                                          set_no=values["set_no"], actor=actor)
    if products_made is not None:
        products_made[key] = product
    return certificates.record_legacy_certificate(
        product, star=values["star"], number=values["number"], issued_on=values["issued_on"],
        decision_number=values["decision_number"], rulebook_code=values["rulebook_code"],
        set_label=certificates.set_name(products.current_rulebook_code(), product.set_no),
        signer_name=values["signer_name"], signer_title=values["signer_title"],
        level=_level(actor), actor=actor, decided_on=values["decided_on"],
        authority=values["authority"] or None)


def apply(plan: Plan, *, actor) -> int:
    made: dict = {}
    # Oldest first, so a product's later certificate supersedes its earlier one.
    for values in sorted(plan.todo, key=lambda v: (v["issued_on"], v["number"])):
        record(values, actor=actor, products_made=made)
    return len(plan.todo)
