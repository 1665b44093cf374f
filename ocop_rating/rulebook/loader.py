"""Find, parse and cache rulebook folders.

A rulebook is a folder holding ``rulebook.json`` and one ``set-NN.json`` per product set. Every
folder under ``ocop_rating/rulebook/data/`` is discovered, so a new legal version is added as
data alone (``data/<code>/``) with no code change. Folders are read once and cached.

Loading is *strict* by default: a rulebook in which :func:`check_rulebook` finds an error is
refused with :class:`RulebookInvalid` listing every error (warnings never block). Pass
``strict=False`` to load it anyway, e.g. to print the report (``flask ocop rulebook check``).
"""
from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import RulebookDataError, RulebookInvalid, RulebookNotFound
from .model import (
    Case,
    Correction,
    CriterionGroup,
    Item,
    ItemKind,
    KnockoutRule,
    Option,
    Part,
    PartSpec,
    ProductGroup,
    ProductSubgroup,
    Rulebook,
    Section,
    Sheet,
    SheetKnockout,
    StarBand,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

PathLike = str | os.PathLike


def _dec(value: Any, where: str) -> Decimal:
    # Files are read with parse_float=Decimal; a float (dict built in code) goes through its
    # shortest text form so 12.5 stays exactly 12.5.
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(repr(value))
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or (
            isinstance(value, Decimal) and not value.is_finite()):
        raise RulebookDataError(f"{where}: expected a number, got {value!r}")
    return Decimal(value)


def _req(data: dict, key: str, where: str) -> Any:
    try:
        return data[key]
    except (KeyError, TypeError):
        raise RulebookDataError(f"{where}: missing {key!r}") from None


def _str(data: dict, key: str, where: str) -> str:
    value = _req(data, key, where)
    if not isinstance(value, str):
        raise RulebookDataError(f"{where}: {key!r} must be a text, got {value!r}")
    return value.strip()


def _date(value: Any, where: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RulebookDataError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as e:
        raise RulebookDataError(f"{path}: cannot read ({e.strerror})") from None
    except json.JSONDecodeError as e:
        raise RulebookDataError(f"{path}: invalid JSON ({e})") from None


# --- parsing --------------------------------------------------------------------------------

def _options(raw: list, where: str) -> tuple[Option, ...]:
    out = []
    for i, o in enumerate(raw):
        w = f"{where} option {i}"
        index = _req(o, "index", w)
        if index != i:
            raise RulebookDataError(f"{w}: index {index!r} is not its position {i}")
        star = o.get("min_for_star")
        if star is not None and (isinstance(star, bool) or not isinstance(star, int)):
            raise RulebookDataError(f"{w}: min_for_star must be a star number or null")
        out.append(Option(index=i, label=_str(o, "label", w),
                          points=_dec(_req(o, "points", w), w), min_for_star=star))
    return tuple(out)


def _cases(raw: list, where: str) -> tuple[Case, ...]:
    return tuple(Case(key=str(_req(c, "key", where)), label=_str(c, "label", where),
                      options=_options(_req(c, "options", where), f"{where} case {c['key']}"))
                 for c in raw)


def _notes(data: dict, where: str) -> tuple[str, ...]:
    notes = data.get("notes") or []
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise RulebookDataError(f"{where}: notes must be a list of texts")
    return tuple(n.strip() for n in notes)


def _item(raw: dict, kind: ItemKind, part: str, section: str, where: str,
          parent: str | None = None, max_points: Decimal | None = None) -> Item:
    code = _str(raw, "code", where)
    w = f"{where} {code}"
    return Item(
        code=code, label=_str(raw, "label", w),
        max_points=max_points if max_points is not None else _dec(_req(raw, "max", w), w),
        kind=kind, part=part, section=section,
        options=_options(raw.get("options") or [], w), cases=_cases(raw.get("cases") or [], w),
        notes=_notes(raw, w), parent=parent,
    )


_ENTRY_KINDS = {"criterion": ItemKind.CRITERION, "yes_no": ItemKind.YES_NO}


def _section(raw: dict, part: str, where: str) -> Section:
    code = _str(raw, "code", where)
    w = f"{where} section {code}"
    max_points = _dec(_req(raw, "max", w), f"{w} max")
    label = _str(raw, "label", w)
    notes = _notes(raw, w)
    if raw.get("options") or raw.get("cases"):
        if raw.get("criteria"):
            raise RulebookDataError(f"{w}: has both criteria and options (counted twice)")
        # A section scored directly: one item keyed by the section code.
        item = Item(code=code, label=label, max_points=max_points,
                    kind=ItemKind.SECTION, part=part, section=code,
                    options=_options(raw.get("options") or [], w),
                    cases=_cases(raw.get("cases") or [], w), notes=notes)
        entries: tuple = (item,)
    else:
        out = []
        for c in _req(raw, "criteria", w):
            kind = _str(c, "kind", f"{w} criterion")
            if kind == "group":
                cw = f"{w} {c.get('code')}"
                children = tuple(_item(ch, ItemKind.SUB_CRITERION, part, code, cw,
                                       parent=c["code"]) for ch in _req(c, "children", cw))
                out.append(CriterionGroup(code=_str(c, "code", cw), label=_str(c, "label", cw),
                                          max_points=_dec(_req(c, "max", cw), cw),
                                          children=children, notes=_notes(c, cw)))
            elif kind in _ENTRY_KINDS:
                out.append(_item(c, _ENTRY_KINDS[kind], part, code, w))
            else:
                raise RulebookDataError(f"{w} {c.get('code')}: unknown kind {kind!r}")
        entries = tuple(out)
    return Section(code=code, label=label, max_points=max_points, part=part, entries=entries,
                   notes=notes)


def _bands(raw: list, where: str) -> tuple[StarBand, ...]:
    out = []
    for b in raw:
        w = f"{where} star band {b.get('star')}"
        inclusive = "max_inclusive" in b
        upper = b["max_inclusive"] if inclusive else _req(b, "max_exclusive", w)
        out.append(StarBand(star=_req(b, "star", w), min=_dec(_req(b, "min", w), w),
                            max=_dec(upper, w), max_inclusive=inclusive,
                            recognised=bool(_req(b, "recognised", w)),
                            authority=b.get("authority")))
    return tuple(sorted(out, key=lambda b: b.star))


def _sheet(raw: dict, rulebook_code: str, bands: tuple[StarBand, ...],
           minimum_stars: tuple[int, ...], where: str) -> Sheet:
    number = _req(raw, "number", where)
    if isinstance(number, bool) or not isinstance(number, int):
        raise RulebookDataError(f"{where}: number must be an integer")
    if raw.get("rulebook", rulebook_code) != rulebook_code:
        raise RulebookDataError(f"{where}: belongs to rulebook {raw['rulebook']!r}")
    parts = []
    for p in _req(raw, "parts", where):
        pc = _str(p, "code", where)
        pw = f"{where} part {pc}"
        parts.append(Part(code=pc, label=_str(p, "label", pw), max_points=_dec(p["max"], pw),
                          sections=tuple(_section(s, pc, pw) for s in _req(p, "sections", pw))))
    knockouts = tuple(
        SheetKnockout(code=_str(k, "code", where), source=_str(k, "source", where),
                      text=(k.get("text") or "").strip(),
                      suggest_when_zero=tuple(k.get("suggest_when_zero") or ()))
        for k in raw.get("knockouts") or []
    )
    return Sheet(rulebook_code=rulebook_code, number=number, title=_str(raw, "title", where),
                 group=_str(raw, "group", where), subgroup=_str(raw, "subgroup", where),
                 total_max=_dec(_req(raw, "total_max", where), where), parts=tuple(parts),
                 knockouts=knockouts, star_bands=bands, minimum_stars=minimum_stars,
                 dossier_rejection=raw.get("dossier_rejection"), legend=raw.get("legend"))


def parse_rulebook(data: dict, sheets: Iterable[dict], *, path: str = "") -> Rulebook:
    """Build a :class:`Rulebook` from the parsed ``rulebook.json`` and set dicts."""
    where = path or "rulebook"
    code = _str(data, "code", where)
    bands = _bands(_req(data, "star_bands", where), where)
    minimum_stars = tuple(data.get("minimum_stars") or (3, 4, 5))
    groups = []
    for g in data.get("classification") or []:
        gw = f"{where} group {g.get('code')}"
        subgroups = tuple(
            ProductSubgroup(code=_str(s, "code", gw), label=_str(s, "label", gw),
                            sets=tuple(_req(s, "sets", gw)), inferred=bool(s.get("inferred")))
            for s in _req(g, "subgroups", gw))
        groups.append(ProductGroup(code=_str(g, "code", gw), label=_str(g, "label", gw),
                                   subgroups=subgroups))
    knockouts = tuple(
        KnockoutRule(code=_str(k, "code", where), label=_str(k, "label", where),
                     kind=_str(k, "kind", where), stops_evaluation=bool(k.get("stops_evaluation")),
                     description=(k.get("description") or "").strip())
        for k in data.get("knockouts") or [])
    parsed_sheets = []
    for s in sheets:
        sheet = _sheet(s, code, bands, minimum_stars, f"{where} set {s.get('number')}")
        parsed_sheets.append(sheet)
    numbers = [s.number for s in parsed_sheets]
    if len(set(numbers)) != len(numbers):
        raise RulebookDataError(f"{where}: duplicate set numbers")
    effective_from = _date(_req(data, "effective_from", where), where)
    if effective_from is None:
        raise RulebookDataError(f"{where}: effective_from is required")
    return Rulebook(
        code=code, instrument=_str(data, "instrument", where),
        title=(data.get("title") or "").strip(),
        effective_from=effective_from, effective_to=_date(data.get("effective_to"), where),
        issued_on=_date(data.get("issued_on"), where),
        total_max=_dec(_req(data, "total_max", where), where),
        parts=tuple(PartSpec(code=_str(p, "code", where), label=_str(p, "label", where),
                             max_points=_dec(_req(p, "max", where), where))
                    for p in _req(data, "parts", where)),
        star_bands=bands, minimum_stars=minimum_stars, groups=tuple(groups),
        knockouts=knockouts, sheets=tuple(sorted(parsed_sheets, key=lambda s: s.number)),
        source=(data.get("source") or "").strip(), status=(data.get("status") or "").strip(),
        corrections=tuple(
            Correction(id=str(c.get("id")), sets=tuple(c.get("sets") or ()),
                       target=c.get("target", ""), change=c.get("change", ""),
                       reason=c.get("reason", ""))
            for c in data.get("corrections") or []),
        path=path,
    )


# --- discovery and caching ------------------------------------------------------------------

@functools.cache
def _load_dir(path: str) -> Rulebook:
    folder = Path(path)
    data = _read_json(folder / "rulebook.json")
    sheets = [_read_json(p) for p in sorted(folder.glob("set-*.json"))]
    return parse_rulebook(data, sheets, path=path)


def load_rulebook_dir(path: PathLike) -> Rulebook:
    """Load one rulebook folder (cached; not validated: see :func:`load_rulebooks`)."""
    return _load_dir(str(Path(path).resolve()))


def _discover(roots: tuple[str, ...]) -> tuple[str, ...]:
    found: list[str] = []
    for root in roots:
        folder = Path(root)
        if (folder / "rulebook.json").is_file():
            found.append(str(folder))
        elif folder.is_dir():
            found.extend(str(c) for c in sorted(folder.iterdir())
                         if c.is_dir() and (c / "rulebook.json").is_file())
        else:
            raise RulebookDataError(f"{folder}: no such rulebook folder")
    return tuple(dict.fromkeys(found))


@functools.cache
def _load_all(roots: tuple[str, ...]) -> tuple[tuple[Rulebook, ...], dict[str, tuple]]:
    from .validate import Severity, check_rulebook

    books: dict[str, Rulebook] = {}
    for folder in _discover(roots):
        book = _load_dir(folder)
        if book.code in books:
            raise RulebookDataError(
                f"rulebook {book.code!r} found twice: {books[book.code].path} and {folder}")
        books[book.code] = book
    ordered = tuple(sorted(books.values(), key=lambda b: (b.effective_from, b.code)))
    errors = {b.code: tuple(i for i in check_rulebook(b) if i.severity is Severity.ERROR)
              for b in ordered}
    return ordered, errors


def _roots(paths: Iterable[PathLike] | PathLike | None) -> tuple[str, ...]:
    if paths is None:
        paths = (DATA_DIR,)
    elif isinstance(paths, (str, os.PathLike)):
        paths = (paths,)
    return tuple(str(Path(p).resolve()) for p in paths)


def load_rulebooks(paths: Iterable[PathLike] | PathLike | None = None, *,
                   strict: bool = True) -> dict[str, Rulebook]:
    """Every rulebook found, by code, oldest first.

    ``paths``: folders to search (default: the shipped ``data/`` folder). Each path is either a
    rulebook folder (it holds ``rulebook.json``) or a folder of rulebook folders.
    With ``strict`` (default) a rulebook with validation errors raises :class:`RulebookInvalid`.
    """
    books, errors = _load_all(_roots(paths))
    if strict:
        for book in books:
            if errors[book.code]:
                listed = "; ".join(str(i) for i in errors[book.code][:10])
                raise RulebookInvalid(
                    f"Rulebook {book.code} ({book.path}) has {len(errors[book.code])} "
                    f"error(s): {listed}", errors[book.code])
    return {b.code: b for b in books}


def get_rulebook(code: str, *, paths: Iterable[PathLike] | PathLike | None = None) -> Rulebook:
    """The rulebook with that version code; raises :class:`RulebookNotFound`."""
    books = load_rulebooks(paths)
    try:
        return books[code]
    except KeyError:
        raise RulebookNotFound(
            f"No rulebook {code!r} (known: {', '.join(books) or 'none'})."
        ) from None


def rulebooks_in_force(on: date, *,
                       paths: Iterable[PathLike] | PathLike | None = None) -> list[Rulebook]:
    """Every rulebook in force on that date, newest first (versions can overlap)."""
    return sorted((b for b in load_rulebooks(paths).values() if b.is_in_force(on)),
                  key=lambda b: b.effective_from, reverse=True)


def rulebook_for_date(on: date, *,
                      paths: Iterable[PathLike] | PathLike | None = None) -> Rulebook:
    """The rulebook to score with on that date: the newest one in force.

    Versions may overlap (148/1489 stay in force 60 days after 26/2026 starts); new evaluations
    and re-evaluations are scored on the current (newest) one (DOMAIN §1).
    """
    books = rulebooks_in_force(on, paths=paths)
    if not books:
        raise RulebookNotFound(f"No rulebook in force on {on.isoformat()}.")
    return books[0]


def latest_rulebook(*, paths: Iterable[PathLike] | PathLike | None = None) -> Rulebook:
    """The rulebook with the latest ``effective_from``."""
    books = list(load_rulebooks(paths).values())
    if not books:
        raise RulebookNotFound("No rulebook found.")
    return books[-1]


def clear_cache() -> None:
    """Forget loaded rulebooks (tests that rewrite data folders)."""
    _load_dir.cache_clear()
    _load_all.cache_clear()
