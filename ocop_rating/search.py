"""Accent-insensitive word search over a folded text column (``text.fold``), indexed and ranked.

Every word typed must occur in the column, anywhere (a substring: "tra" finds "Trà", "Trang"
and "Khôtra"; ``%`` and ``_`` typed are taken literally). The rank scores each word by where it
was found: a whole word, then the start of a word, then the inside of one. For "tra",
"Trà xanh Tân Cương" comes before "Trang trại …", which comes before "Chè Khôtra".

The columns of ``INDEXED`` carry a trigram index, created by migration 0028_search_index:

- SQLite: an FTS5 table with the ``trigram`` tokenizer over the column (external content: it
  stores only the index, the text stays in the table), kept in step by three triggers. A word
  of 3 characters or more is looked up with ``MATCH '"word"'`` (a trigram phrase matches
  exactly the rows holding the word as a substring); shorter words fall back to ``LIKE``,
  which then only scans the rows the longer words left.
- PostgreSQL: ``pg_trgm`` and a GIN ``gin_trgm_ops`` index on the column, which serves
  ``LIKE '%word%'`` itself, so there the condition stays the plain LIKE.

Columns not in ``INDEXED`` (communes of one province, already few) are scanned with LIKE.
The API is the same for both: ``word_search(column, q) -> (condition, rank)``.
"""
from __future__ import annotations

from sqlalchemy import Integer, and_, case, literal, or_, select, table
from sqlalchemy import column as sql_column

from .text import fold

MAX_WORDS = 10
# A trigram index answers only words of at least three characters.
MIN_INDEXED = 3
# (table, column) pairs with a trigram index; the key column of each table is ``id``.
INDEXED = (("certificates", "search_text"), ("producers", "name_folded"))


def words_of(q: str | None) -> list[str]:
    """The folded words of a query; control characters dropped (PostgreSQL refuses NUL)."""
    clean = "".join(ch for ch in (q or "") if ch >= " " or ch == "\t")
    return fold(clean).split()[:MAX_WORDS]


def fts_table(table_name: str, column_name: str) -> str:
    """The SQLite FTS5 table indexing ``table_name.column_name``."""
    return f"{table_name}_{column_name}_fts"


def trgm_index(table_name: str, column_name: str) -> str:
    """The PostgreSQL GIN trigram index on ``table_name.column_name``."""
    return f"ix_{table_name}_{column_name}_trgm"


def match_string(words: list[str]) -> str:
    """An FTS5 query holding every word as a quoted phrase (AND): nothing in it is read as
    FTS5 syntax, a double quote is doubled."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def word_search(column, q: str | None):
    """(condition, rank) for ``q`` over ``column``: the condition holds when every word of
    ``q`` occurs in it; the rank (order by it descending, first) scores each word 3 found as
    a whole word, 2 as the start of a word, 1 inside a word. Both None when there are no
    words."""
    words = words_of(q)
    if not words:
        return None, None
    col = column.__clause_element__() if hasattr(column, "__clause_element__") else column
    return _condition(col, words), _rank(col, words)


def _condition(col, words: list[str]):
    long_words = [w for w in words if len(w) >= MIN_INDEXED]
    conditions = []
    if long_words and _dialect() == "sqlite" and (col.table.name, col.name) in INDEXED:
        fts_name = fts_table(col.table.name, col.name)
        fts = table(fts_name, sql_column("rowid"))
        conditions.append(col.table.c.id.in_(
            select(fts.c.rowid).where(sql_column(fts_name).op("MATCH")(
                match_string(long_words)))))
        words = [w for w in words if len(w) < MIN_INDEXED]
    conditions += [col.like(f"%{_escaped(w)}%", escape="/") for w in words]
    return and_(*conditions)


def _rank(col, words: list[str]):
    # Plain LIKEs on the column, no concatenation: padding the text with spaces (one LIKE per
    # test) allocates a string per row and test, and measured twice as slow at national size.
    rank = literal(0, Integer)
    for w in words:
        e = _escaped(w)
        whole = or_(col == w, *(col.like(p, escape="/")
                                for p in (f"{e} %", f"% {e} %", f"% {e}")))
        start = or_(*(col.like(p, escape="/") for p in (f"{e}%", f"% {e}%")))
        rank = rank + case((whole, 3), (start, 2), (col.like(f"%{e}%", escape="/"), 1),
                           else_=0)
    return rank


def _escaped(word: str) -> str:
    """``word`` for a LIKE pattern with ``/`` as the escape: ``%`` and ``_`` taken literally."""
    return word.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _dialect() -> str:
    from .db import db

    return db.session.get_bind().dialect.name


# -- the index (migration 0028_search_index) ---------------------------------------------------

def index_ddl(dialect: str, table_name: str, column_name: str) -> list[str]:
    """The statements creating the trigram index of ``table_name.column_name`` and filling it
    from the rows already there."""
    if dialect == "postgresql":
        return ["CREATE EXTENSION IF NOT EXISTS pg_trgm",
                (f"CREATE INDEX IF NOT EXISTS {trgm_index(table_name, column_name)} ON "
                 f"{table_name} USING gin ({column_name} gin_trgm_ops)")]
    if dialect != "sqlite":
        raise ValueError(f"no search index for {dialect}")
    fts, c = fts_table(table_name, column_name), column_name
    delete = f"INSERT INTO {fts}({fts}, rowid, {c}) VALUES ('delete', old.id, old.{c});"
    insert = f"INSERT INTO {fts}(rowid, {c}) VALUES (new.id, new.{c});"
    return [
        (f"CREATE VIRTUAL TABLE {fts} USING fts5({c}, content='{table_name}', "
         "content_rowid='id', tokenize='trigram')"),
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table_name} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table_name} BEGIN {delete} END",
        (f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {c} ON {table_name} "
         f"BEGIN {delete} {insert} END"),
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def drop_index_ddl(dialect: str, table_name: str, column_name: str) -> list[str]:
    """The statements removing what ``index_ddl`` created (the pg_trgm extension stays: other
    database objects may use it)."""
    if dialect == "postgresql":
        return [f"DROP INDEX IF EXISTS {trgm_index(table_name, column_name)}"]
    fts = fts_table(table_name, column_name)
    return [f"DROP TRIGGER IF EXISTS {fts}_{event}" for event in ("insert", "delete", "update")
            ] + [f"DROP TABLE IF EXISTS {fts}"]


def is_search_index(name: str | None, type_: str, parent_names=None) -> bool:
    """True for the objects ``index_ddl`` creates, which the models do not declare: Alembic's
    comparison (autogenerate, tests/core/test_migrations.py) leaves them out."""
    if not name:
        return False
    if type_ == "table":
        return any(name == fts_table(t, c) or name.startswith(fts_table(t, c) + "_")
                   for t, c in INDEXED)
    if type_ == "index":
        return any(name == trgm_index(t, c) for t, c in INDEXED)
    return False


def include_name(name, type_, parent_names) -> bool:
    """Alembic's ``include_name`` hook: every name but the search index's."""
    return not is_search_index(name, type_, parent_names)
