"""Who sees which statistics (role and jurisdiction, decided here once).

* The ministry and administrators: the nation, broken down by province, and any province on
  request (``?province=``), broken down by its communes.
* A provincial office: its own province only, by commune; asking for another province is 403.
* A commune officer: the dashboard of its own commune (no breakdown below it), and no official
  exports: the lists sent upward are the province's (docs/decisions.md, "Statistics").
* Producers and council members: nothing here.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request
from flask_babel import gettext as _

from ..accounts.roles import NATIONAL_ROLES, Role
from ..db import db

EXPORT_ROLES = frozenset({Role.admin, Role.ministry, Role.province})
DASHBOARD_ROLES = EXPORT_ROLES | {Role.commune}


def may_see_dashboards(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and \
        getattr(user, "role", None) in DASHBOARD_ROLES


def may_export(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and \
        getattr(user, "role", None) in EXPORT_ROLES


@dataclass(frozen=True)
class Scope:
    """The territory looked at: the nation (both codes None), a province, or a commune."""

    province_code: str | None
    commune_code: str | None
    label: str
    provinces: tuple = ()  # the province filter's options (national roles only)
    province_name: str = ""

    @property
    def is_national(self) -> bool:
        return self.province_code is None

    @property
    def can_choose_province(self) -> bool:
        return bool(self.provinces)

    @property
    def level(self) -> str:
        if self.commune_code:
            return "commune"
        return "province" if self.province_code else "national"

    def args(self) -> dict:
        """The query arguments that keep this scope on a link."""
        return {"province": self.province_code} \
            if self.can_choose_province and self.province_code else {}

    def slug(self) -> str:
        return self.commune_code or self.province_code or "toan-quoc"


def scope_for(user, *, exports: bool = False) -> Scope:
    """The scope ``user`` asked for with ``?province=``, or 403 when it is not theirs."""
    from ..geo.models import Commune, Province
    from ..geo.services import provinces_sorted

    allowed = may_export(user) if exports else may_see_dashboards(user)
    if not allowed:
        abort(403)
    wanted = (request.args.get("province") or "").strip() or None
    if user.role in NATIONAL_ROLES:
        provinces = tuple(provinces_sorted())
        if wanted is None:
            return Scope(None, None, _("Toàn quốc"), provinces)
        chosen = next((p for p in provinces if p.code == wanted), None)
        if chosen is None:
            abort(404)
        return Scope(chosen.code, None, chosen.name, provinces, chosen.name)
    if user.role == Role.province and user.province_code:
        if wanted is not None and wanted != user.province_code:
            abort(403)
        province = db.session.get(Province, user.province_code)
        name = province.name if province else user.province_code
        return Scope(user.province_code, None, name, province_name=name)
    if user.role == Role.commune and user.commune_code:
        commune = db.session.get(Commune, user.commune_code)
        if commune is None or (wanted is not None and wanted != commune.province_code):
            abort(403)
        return Scope(commune.province_code, commune.code,
                     f"{commune.name}, {commune.province.name}",
                     province_name=commune.province.name)
    abort(403)
