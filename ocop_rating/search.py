"""Accent-insensitive word search over a folded text column (``text.fold``), ranked.

Every word typed must occur in the column (``LIKE '%word%'``, with ``%`` and ``_`` typed taken
literally); the rank counts the words found as whole words, so sorting by it first puts
"Trà xanh" before "Trang trại …" for "tra". Plain SQL on both engines: the lists it serves
are paged and filtered by province or status first, which keeps the scan small."""
from __future__ import annotations

from sqlalchemy import Integer, case, literal

from .text import fold

MAX_WORDS = 10


def words_of(q: str | None) -> list[str]:
    """The folded words of a query; control characters dropped (PostgreSQL refuses NUL)."""
    clean = "".join(ch for ch in (q or "") if ch >= " " or ch == "\t")
    return fold(clean).split()[:MAX_WORDS]


def word_search(column, q: str | None):
    """(condition, rank) for ``q`` over ``column``: the condition holds when every word of
    ``q`` occurs in it; the rank (order by it descending, first) counts the words found as
    whole words. Both None when there are no words."""
    from sqlalchemy import and_

    words = words_of(q)
    if not words:
        return None, None
    padded = literal(" ") + column + literal(" ")
    rank = literal(0, Integer)
    for word in words:
        rank = rank + case((padded.contains(f" {word} ", autoescape=True), 1), else_=0)
    return and_(*(column.contains(word, autoescape=True) for word in words)), rank
