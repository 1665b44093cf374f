"""Look-ups the import kinds share: the office's own communes and producers."""
from __future__ import annotations

from flask_babel import gettext as _

from ..accounts.roles import NATIONAL_ROLES
from ..db import db
from ..geo.models import Commune
from ..producers.models import Producer
from ..producers.services import normalize_registration
from .sheet import Column, Plan, Row


def is_national(user) -> bool:
    """The ministry's OCOP office (and the administrator) import nationally: only the
    pre-system 5-star certificates the ministry recognised, for a product of any province."""
    return getattr(user, "role", None) in NATIONAL_ROLES


def own_commune(plan: Plan, row: Row, column: Column, province_code: str) -> Commune | None:
    """The commune a row names, if it is one of the office's own (province B never writes
    into province A's communes)."""
    code = row.get(column.key)
    if code.isdigit() and len(code) < 5:  # typed as a number, its leading zeros lost
        code = code.zfill(5)
    commune = db.session.get(Commune, code) if code.isdigit() and len(code) == 5 else None
    if commune is None:
        plan.error(row, column, _("Mã xã/phường “%(c)s” không có trong danh mục (5 chữ số, "
                                  "Quyết định 19/2025/QĐ-TTg).", c=code))
        return None
    if commune.province_code != province_code:
        plan.error(row, column, _("Xã/phường %(c)s (%(n)s) không thuộc tỉnh của bạn.",
                                  c=code, n=commune.name))
        return None
    return commune


def own_producer(plan: Plan, row: Row, column: Column, province_code: str | None,
                 pending: dict[str, object] | None = None):
    """The producer a row names by registration number, in the office's province (any
    province when ``province_code`` is None: the ministry's national import); or a
    producer the same file creates (``pending``, keyed by number)."""
    number = normalize_registration(row.get(column.key))
    if pending and number in pending:
        return pending[number]
    producer = db.session.scalar(db.select(Producer).filter_by(registration_number=number))
    if producer is None:
        plan.error(row, column, _("Chưa có chủ thể mã số %(n)s trong hệ thống: nhập danh sách "
                                  "chủ thể trước.", n=number))
        return None
    if province_code is not None and producer.province_code != province_code:
        plan.error(row, column, _("Chủ thể mã số %(n)s không thuộc tỉnh của bạn.", n=number))
        return None
    return producer


def check_text(plan: Plan, row: Row, column: Column, max_length: int) -> str:
    value = row.get(column.key)
    if column.required and not value:
        plan.error(row, column, _("Bắt buộc nhập."))
    elif len(value) > max_length:
        plan.error(row, column, _("Tối đa %(n)d ký tự.", n=max_length))
    return value
