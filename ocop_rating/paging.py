"""Rows per page on the paged lists: one reading of ``page`` and ``per_page``.

Every office list keeps its own default page size; a reader may ask for another one
(``?per_page=25``, the "Số dòng mỗi trang" select of the list's filter form) up to
``MAX_PER_PAGE``, the bound of the public registry and of the API as well. A value that is not
a whole number, or is below 1, means "not given" (the list's default); one above the bound is
the bound. Never an error: a hand-edited address still shows the list.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import request

from .security.ids import db_id

MAX_PER_PAGE = 100
# What the select offers (with the list's default and the size in force, if they differ).
CHOICES = (25, 50, 100)


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int
    default: int

    def args(self) -> dict[str, int]:
        """The query argument that keeps this page size in links (none for the default)."""
        return {} if self.per_page == self.default else {"per_page": self.per_page}

    def keep(self, filters: dict) -> dict:
        """``filters`` with the page size in force: the arguments of the pager's links."""
        return {**filters, **self.args()}

    @property
    def choices(self) -> list[int]:
        return sorted({*CHOICES, self.default, self.per_page})


def per_page_of(raw, default: int) -> int:
    """``raw`` (a query-string value) as a page size: 1 … ``MAX_PER_PAGE``, else ``default``."""
    text = str(raw if raw is not None else "").strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > 9:
        return default
    number = int(text)
    return default if number < 1 else min(number, MAX_PER_PAGE)


def read_paging(default: int, args=None) -> Paging:
    """The page (1 … 2³¹−1, else 1) and the page size asked for by ``args`` (the request's
    query string unless given), the list's ``default`` size where none is readable."""
    args = request.args if args is None else args
    return Paging(page=args.get("page", 1, type=db_id),
                  per_page=per_page_of(args.get("per_page"), default), default=default)
