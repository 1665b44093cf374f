"""Integer ids that fit the database.

A primary key is a 32-bit ``INTEGER`` on PostgreSQL and a 64-bit one on SQLite; a number
beyond either made the query itself fail (``NumericValueOutOfRange`` on PostgreSQL,
``OverflowError`` on SQLite) and answered 500. Every ``<int:…>`` URL rule therefore only
matches 1 … 2³¹−1, so anything else is a plain 404, and ``db_id`` is the ``type=`` for ids
(and other counters) read from forms and query strings: out of range means "not given".
"""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:x>`` limited to 1 … 2³¹−1 unless the rule asks for other bounds."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
        # An id is at most 10 digits: refuse a longer run of digits before converting it.
        self.regex = r"\d{1,10}"


def db_id(value) -> int:
    """``type=`` for ids read from a request: a whole number 1 … 2³¹−1, else ValueError
    (which ``request.form.get(..., type=db_id)`` turns into the default)."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        raise ValueError(f"not an id: {value!r}")
    number = int(text)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"id out of range: {value!r}")
    return number


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
