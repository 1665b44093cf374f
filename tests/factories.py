"""Factory functions: each creates a valid record through the services and flushes."""
from __future__ import annotations

import itertools

from ocop_rating.accounts import services as accounts
from ocop_rating.accounts.roles import Role

DEFAULT_PASSWORD = "correct-horse-42"
_seq = itertools.count(1)

# Real units (Decision 19/2025 codes): Quảng Ninh with two of its communes, and Lâm Đồng.
QUANG_NINH, LAM_DONG = "22", "68"
VAN_DON, HA_LONG, DI_LINH = "06994", "06688", "25000"


def make_user(role: Role = Role.admin, *, username: str | None = None,
              province_code: str | None = None, commune_code: str | None = None,
              full_name: str | None = None, password: str = DEFAULT_PASSWORD,
              actor=None, must_change_password: bool = False):
    n = next(_seq)
    if role == Role.province and province_code is None:
        province_code = QUANG_NINH
    if role == Role.commune and commune_code is None:
        commune_code = VAN_DON
    return accounts.create_user(
        username=username or f"{role.value}{n}", full_name=full_name or f"Người dùng {n}",
        role=role, password=password, email=f"user{n}@example.vn",
        province_code=province_code, commune_code=commune_code, actor=actor,
        must_change_password=must_change_password)


# -- producers, products, dossiers ----------------------------------------------------------

from ocop_rating.demo import MINIMAL_PDF, fill_dossier  # noqa: E402


def pdf_upload(name: str = "minh-chung.pdf", content: bytes | None = None):
    """A real (tiny) PDF as the browser would send it."""
    import io

    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=io.BytesIO(content or MINIMAL_PDF), filename=name,
                       content_type="application/pdf")


def make_producer(*, commune_code: str = VAN_DON, province_code: str | None = None,
                  approved: bool = True, name: str | None = None, kind=None,
                  registration_number: str | None = None, approver=None, **facts):
    """A producer entity with its account (username returned on the user)."""
    from ocop_rating.geo.models import Commune
    from ocop_rating.db import db
    from ocop_rating.producers import services as producers
    from ocop_rating.producers.models import Gender, ProducerKind

    n = next(_seq)
    province_code = province_code or db.session.get(Commune, commune_code).province_code
    values = dict(
        kind=kind or ProducerKind.cooperative, name=name or f"Hợp tác xã Nông sản số {n}",
        registration_number=registration_number or f"{5700000000 + n}",
        province_code=province_code, commune_code=commune_code, address=f"Thôn {n}",
        phone="0203 3856 123", email=f"htx{n}@example.vn",
        representative_name="Nguyễn Thị Hoa", representative_position="Giám đốc",
        representative_gender=Gender.female, representative_ethnicity="01",
        representative_disabled=False, username=f"chuthe{n}", password=DEFAULT_PASSWORD,
        full_name=f"Chủ thể {n}")
    values.update(facts)
    producer, user = producers.sign_up(**values)
    if approved:
        approver = approver or make_user(Role.commune, commune_code=commune_code)
        producers.approve(producer, actor=approver)
    return producer, user


def make_product(producer, user, *, set_no: int = 1, name: str | None = None):
    from ocop_rating.products import services as products

    return products.create_product(producer, name=name or f"Sản phẩm {next(_seq)}",
                                   set_no=set_no, description="", actor=user)


def make_dossier(product, user, *, kind=None):
    from ocop_rating.dossiers import services as dossiers
    from ocop_rating.dossiers.models import DossierKind

    return dossiers.create_dossier(product, kind=kind or DossierKind.first, actor=user)


def complete_dossier(dossier, user, *, choose=None):
    """A dossier ready to submit: Form 01 filled, every item claimed (the best option by
    default), one evidence file on each claimed item worth points."""
    kwargs = {"choose": choose} if choose else {}
    return fill_dossier(dossier, user, **kwargs)
