"""Loading and querying the administrative units."""
from __future__ import annotations

from dataclasses import dataclass

from ..db import db
from ..text import fold, vn_sort_key
from .models import Commune, Province


@dataclass
class ImportSummary:
    provinces_added: int = 0
    provinces_updated: int = 0
    communes_added: int = 0
    communes_updated: int = 0


def province_code(value) -> str:
    return f"{int(value):02d}"


def commune_code(value) -> str:
    return f"{int(value):05d}"


def import_units() -> ImportSummary:
    """Load the 34 provinces and 3,321 communes from the ``vietnam-provinces`` package.

    Idempotent: existing units are updated in place (names can change by decision), new ones
    added; nothing is deleted, because old records may still point at a unit.
    """
    from vietnam_provinces import Province as VnProvince
    from vietnam_provinces import Ward as VnWard

    summary = ImportSummary()
    existing_p = {p.code: p for p in db.session.scalars(db.select(Province))}
    for src in VnProvince.iter_all():
        code = province_code(src.code)
        values = dict(name=src.name, division_type=src.division_type.value,
                      codename=src.codename, name_folded=fold(src.name))
        row = existing_p.get(code)
        if row is None:
            db.session.add(Province(code=code, **values))
            summary.provinces_added += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            summary.provinces_updated += 1
    db.session.flush()

    existing_c = {c.code: c for c in db.session.scalars(db.select(Commune))}
    new_rows = []
    for src in VnWard.iter_all():
        code = commune_code(src.code)
        values = dict(name=src.name, division_type=src.division_type.value,
                      codename=src.codename, name_folded=fold(src.name),
                      province_code=province_code(src.province_code))
        row = existing_c.get(code)
        if row is None:
            new_rows.append(dict(code=code, **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            summary.communes_updated += 1
    if new_rows:
        db.session.execute(db.insert(Commune), new_rows)
        summary.communes_added = len(new_rows)
    db.session.flush()
    return summary


def provinces_sorted() -> list[Province]:
    """All provinces in Vietnamese alphabetical order."""
    return sorted(db.session.scalars(db.select(Province)), key=lambda p: vn_sort_key(p.name))


def communes_of(province_code: str, query: str | None = None) -> list[Commune]:
    """The communes of a province, in Vietnamese alphabetical order; with ``query``, those
    holding every word of it (``search.word_search``, accent-insensitive), whole-word matches
    first. A province has a few hundred communes: no index needed."""
    from ..search import word_search

    stmt = db.select(Commune).filter_by(province_code=province_code)
    condition, rank = word_search(Commune.name_folded, query)
    if condition is None:
        return sorted(db.session.scalars(stmt), key=lambda c: vn_sort_key(c.name))
    rows = db.session.execute(stmt.add_columns(rank).where(condition)).all()
    return [c for c, _r in sorted(rows, key=lambda r: (-r[1], vn_sort_key(r[0].name)))]
