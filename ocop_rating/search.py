"""Accent-insensitive word search over a folded text column (``text.fold``), indexed and ranked.

Every word typed must occur in the column, anywhere (a substring: "tra" finds "Trà", "Trang"
and "Khôtra"; ``%`` and ``_`` typed are taken literally). The rank scores each word by where it
was found: a whole word, then the start of a word, then the inside of one. For "tra",
"Trà xanh Tân Cương" comes before "Trang trại …", which comes before "Chè Khôtra".

The columns of ``INDEXED`` carry a trigram index, created by migration 0028_search_index:

- SQLite: an FTS5 table with the ``trigram`` tokenizer over the column, with a space added at
  each end (contentless: it stores only the index, the text stays in the table; migration
  0032_search_words), kept in step by three triggers. A word of 3 characters or more is
  looked up with ``MATCH '"word"'`` (a trigram phrase matches exactly the rows holding the
  word as a substring); shorter words fall back to ``LIKE``, which then only scans the rows
  the longer words left. The padding makes whole words (``" word "``) and word starts
  (``" word"``) phrases too: ``ranked_page`` takes the rank classes from the index.
- PostgreSQL: ``pg_trgm`` and a GIN ``gin_trgm_ops`` index on the column, which serves
  ``LIKE '%word%'`` itself, so there the condition stays the plain LIKE.

Columns not in ``INDEXED`` (communes of one province, already few) are scanned with LIKE.
The API is the same for both: ``word_search(column, q) -> (condition, rank)``, and for the
lists, ``ranked_page`` (rows, total) and ``paginate`` (a pager), which rank only what a page
needs.
"""
from __future__ import annotations

from itertools import product

from flask_sqlalchemy.pagination import Pagination

from sqlalchemy import Integer, and_, case, func, literal, or_, select, table
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
    # SQLite: plain LIKEs on the column, no concatenation: padding the text with spaces (one
    # LIKE per test) allocates a string per row and test, and measured twice as slow at
    # national size. PostgreSQL: the other way round, strpos in the padded text ranks the
    # 4,229 rows holding "tra" in 5 ms where the six LIKEs took 9.
    if _dialect() == "postgresql":
        return _padded_rank(col, words)
    rank = literal(0, Integer)
    for w in words:
        e = _escaped(w)
        whole = or_(col == w, *(col.like(p, escape="/")
                                for p in (f"{e} %", f"% {e} %", f"% {e}")))
        start = or_(*(col.like(p, escape="/") for p in (f"{e}%", f"% {e}%")))
        rank = rank + case((whole, 3), (start, 2), (col.like(f"%{e}%", escape="/"), 1),
                           else_=0)
    return rank


def _padded_rank(col, words: list[str]):
    """``_rank`` with ``strpos`` (literal text, no pattern): ``" w "`` in the text padded
    with a space at both ends is a whole word, ``" w"`` the start of one."""
    padded, started = literal(" ") + col + literal(" "), literal(" ") + col
    rank = literal(0, Integer)
    for w in words:
        rank = rank + case((func.strpos(padded, f" {w} ") > 0, 3),
                           (func.strpos(started, f" {w}") > 0, 2),
                           (func.strpos(col, w) > 0, 1), else_=0)
    return rank


# -- a ranked page ------------------------------------------------------------------------------

# The rank classes come from the index for queries of at most this many words (3 ** words
# combinations of "whole / start / inside" at most); longer queries sort by the rank itself.
MAX_CLASS_WORDS = 3


def ranked_page(stmt, column, q: str | None, *, order, page: int, per_page: int,
                also=None) -> tuple[list, int]:
    """One page of ``stmt`` (``select(Model)`` with its filters and loader options) searched
    for ``q`` over ``column``, and the number of rows found: the rows holding every word,
    ordered by the rank of ``word_search`` (best first), then by ``order`` (ending with the
    key, so that the order is total). ``also`` is a condition that finds a row as well
    (its rank then counts the words it holds, as in ``word_search``).

    Only the page's ids are ranked and cut; the page's rows are then read by id. On SQLite,
    for a column of ``INDEXED`` and one to three words of three characters or more, the rows
    of each rank come from the index (``_rank_classes``), the best rank first: a page reads
    only what the ranks it shows hold, and a frequent word no longer costs a rank and a sort
    of every row holding it. (Unless ``also`` finds a row the words do not: such a row is
    ranked by ``word_search``'s rank, which then ranks every row, as on PostgreSQL.)

    The statements sent depend on the query's shape (engine, words, filters, ``also``), never
    on how many rows match: the classes' sizes in one statement, their page in another
    (``_class_page``), the count, the rows."""
    col = column.__clause_element__() if hasattr(column, "__clause_element__") else column
    key = col.table.c.id
    filters = stmt.whereclause
    offset = (page - 1) * per_page
    words = words_of(q)
    condition, rank = word_search(col, q)
    classes = _rank_classes(col, words)
    if classes is not None and also is not None:
        # ``also`` costs a scan (no index answers it): looked at alone, narrowly, once
        if db_session().scalar(select(key).where(
                *_listed(filters), also, ~condition).limit(1)) is None:
            also = None  # every row ``also`` finds holds the words: the words find them all
        else:
            classes = None  # a row found by ``also`` alone: ranked among the others
    if classes is not None:
        everywhere, sizes, rows = _class_sizes(col, match_string(words), classes)
        total = _found(col, match_string(words), filters, everywhere)
        ids = _class_page(col, classes, sizes, rows, filters, order, offset, per_page) \
            if total else []
    else:
        if also is not None:
            condition = also if condition is None else or_(condition, also)
        found = [c for c in (filters, condition) if c is not None]
        ranked = [rank.desc()] if rank is not None else []
        ids = list(db_session().scalars(select(key).where(*found).order_by(*ranked, *order)
                                        .limit(per_page).offset(offset)))
        total = db_session().scalar(select(func.count(key)).where(*found))
    if not ids:
        return [], total
    rows = {row.id: row for row in db_session().scalars(stmt.where(key.in_(ids)))}
    return [rows[i] for i in ids if i in rows], total


class RankedPagination(Pagination):
    """``db.paginate`` for a searched list (``ranked_page``): the same pager, the page and the
    count computed together."""

    def _query_items(self) -> list:
        a = self._query_args
        items, self._found = ranked_page(a["select"], a["column"], a["q"], order=a["order"],
                                         also=a["also"], page=self.page,
                                         per_page=self.per_page)
        return items

    def _query_count(self) -> int:
        return self._found


def paginate(stmt, column, q: str | None, *, order, page, per_page: int,
             also=None) -> RankedPagination:
    """A pager over ``ranked_page``; ``page`` as ``db.paginate`` takes it (None: the
    request's, a bad one: the first)."""
    return RankedPagination(page=page, per_page=per_page, max_per_page=None, error_out=False,
                            select=stmt, column=column, q=q, order=list(order), also=also)


def _rank_classes(col, words: list[str]) -> list[str] | None:
    """The FTS5 queries of the rows ranked ``3 * len(words)``, then one less, ... down to
    ``len(words)`` (every word found, each inside a word): for each word, ``" w "`` is a whole
    word of the padded text (3 points), ``" w"`` the start of one (2), ``"w"`` anywhere (1).
    None when the index cannot answer (another engine, a column without the index, a word
    shorter than three characters, too many words)."""
    if (not words or len(words) > MAX_CLASS_WORDS or min(map(len, words)) < MIN_INDEXED
            or (col.table.name, col.name) not in INDEXED or _dialect() != "sqlite"):
        return None
    exactly = []
    for w in words:
        whole, start, inside = (match_string([p]) for p in (f" {w} ", f" {w}", w))
        exactly.append({3: whole, 2: f"({start} NOT {whole})", 1: f"({inside} NOT {start})"})
    classes = []
    for total in range(3 * len(words), len(words) - 1, -1):
        combos = [" AND ".join(e[p] for e, p in zip(exactly, points))
                  for points in product((3, 2, 1), repeat=len(words)) if sum(points) == total]
        classes.append(" OR ".join(f"({c})" for c in combos))
    return classes


def _in_index(col, query: str):
    """The ids of the rows of ``col``'s table whose padded text matches the FTS5 ``query``."""
    fts_name = fts_table(col.table.name, col.name)
    return select(table(fts_name, sql_column("rowid")).c.rowid).where(
        sql_column(fts_name).op("MATCH")(query))


def _indexed(col, query: str):
    """SQL: how many rows match the FTS5 ``query``, from the index alone."""
    fts_name = fts_table(col.table.name, col.name)
    return select(func.count()).select_from(table(fts_name)).where(
        sql_column(fts_name).op("MATCH")(query)).scalar_subquery()


def _class_sizes(col, query: str, classes: list[str]) -> tuple[int, list[int], int]:
    """In one statement, from the index: how many rows hold the words, how many each rank
    class holds, and the table's largest key (about its number of rows)."""
    key = col.table.c.id
    values = db_session().execute(select(
        _indexed(col, query), *(_indexed(col, c) for c in classes),
        select(func.max(key)).scalar_subquery())).one()
    return values[0], list(values[1:-1]), values[-1] or 1


def _found(col, query: str, filters, size: int) -> int:
    """How many rows ``filters`` keep of the ``size`` rows matching ``query``: ``size`` when
    nothing else filters, else counted."""
    if filters is None or not size:
        return size
    key = col.table.c.id
    return db_session().scalar(select(func.count(key)).where(
        filters, key.in_(_in_index(col, query))))


def _class_page(col, classes: list[str], sizes: list[int], rows: int, filters, order,
                offset: int, limit: int) -> list:
    """The ids of a page filled from the rank classes in turn, in one statement: each class
    (of those holding any row) gives its first ``offset + limit`` rows in ``order``, and the
    page is cut from them ranked by class, then by ``order`` (a class shorter than that gives
    all its rows, so what comes before the page is all there). A class's rows are read along
    the order's index, probing the class's ids, when the class is dense enough for its rows
    to come early (a frequent word); else looked up by id and sorted."""
    from sqlalchemy import union_all

    key = col.table.c.id
    walk = _leads_an_index(col.table, order)
    terms = [_direction(term) for term in order]
    wanted = offset + limit
    arms = []
    for rank_class, (query, size) in enumerate(zip(classes, sizes)):
        if not size:
            continue
        # ``id + 0``: SQLite then walks the order's index and stops at the page, instead of
        # looking up every id of the class and sorting them all
        probe = key + 0 if walk and _walks(size, wanted, rows) else key
        arm = select(key.label("id"), literal(rank_class, Integer).label("rank_class"),
                     *(expr.label(f"o{i}") for i, (expr, _desc) in enumerate(terms))) \
            .where(*_listed(filters), probe.in_(_in_index(col, query))) \
            .order_by(*order).limit(wanted).subquery()
        arms.append(select(*arm.c))
    if not arms:
        return []
    page = union_all(*arms).subquery()
    by = [page.c.rank_class] + [page.c[f"o{i}"].desc() if desc else page.c[f"o{i}"]
                                for i, (_expr, desc) in enumerate(terms)]
    return list(db_session().scalars(select(page.c.id).order_by(*by).limit(limit)
                                     .offset(offset)))


def _direction(term) -> tuple:
    """(expression, descending) of an ORDER BY term (``x`` or ``x.desc()``)."""
    from sqlalchemy.sql import operators

    element = term.__clause_element__() if hasattr(term, "__clause_element__") else term
    modifier = getattr(element, "modifier", None)
    if modifier in (operators.desc_op, operators.asc_op):
        return element.element, modifier is operators.desc_op
    return element, False


def _escaped(word: str) -> str:
    """``word`` for a LIKE pattern with ``/`` as the escape: ``%`` and ``_`` taken literally."""
    return word.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _dialect() -> str:
    return db_session().get_bind().dialect.name


def db_session():
    from .db import db

    return db.session


def _walks(size: int, wanted: int, rows: int) -> bool:
    """Whether to read a class of ``size`` rows (of about ``rows``) along the order's index:
    about ``wanted * rows / size`` index entries, against ``size`` rows looked up and sorted."""
    return size * size > wanted * rows


def _listed(condition) -> list:
    return [] if condition is None else [condition]


def _leads_an_index(sql_table, order) -> bool:
    """Whether the first term of ``order`` is a column of ``sql_table`` that an index starts
    with (ascending or descending): then SQLite can read the rows in that order."""
    first = order[0] if order else None
    element = first.__clause_element__() if hasattr(first, "__clause_element__") else first
    element = getattr(element, "element", element)  # the column under .desc()
    name, of = getattr(element, "name", None), getattr(element, "table", None)
    if name is None or getattr(of, "name", None) != sql_table.name:
        return False
    return any(list(index.columns)[0].name == name for index in sql_table.indexes)


# -- the index (migration 0028_search_index) ---------------------------------------------------

def index_ddl(dialect: str, table_name: str, column_name: str, *,
              padded: bool = True) -> list[str]:
    """The statements creating the trigram index of ``table_name.column_name`` and filling it
    from the rows already there.

    On SQLite the index is contentless (``content=''``) and holds the text with a space at
    each end (migration 0032_search_words): "whole word" and "start of a word" are then
    phrases too (``" tra "``, ``" tra"``), answered from the index like the substring itself.
    ``padded=False`` gives the index of 0028_search_index (external content, the text as it
    is), kept for that migration and for going back to it."""
    if dialect == "postgresql":
        return ["CREATE EXTENSION IF NOT EXISTS pg_trgm",
                (f"CREATE INDEX IF NOT EXISTS {trgm_index(table_name, column_name)} ON "
                 f"{table_name} USING gin ({column_name} gin_trgm_ops)")]
    if dialect != "sqlite":
        raise ValueError(f"no search index for {dialect}")
    fts, c = fts_table(table_name, column_name), column_name
    if padded:
        old, new = (f"' ' || coalesce({row}.{c}, '') || ' '" for row in ("old", "new"))
        content, fill = "''", (f"INSERT INTO {fts}(rowid, {c}) SELECT id, ' ' || "
                               f"coalesce({c}, '') || ' ' FROM {table_name}")
    else:
        old, new = f"old.{c}", f"new.{c}"
        content, fill = f"'{table_name}', content_rowid='id'", (
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    delete = f"INSERT INTO {fts}({fts}, rowid, {c}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {fts}(rowid, {c}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({c}, content={content}, tokenize='trigram')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table_name} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table_name} BEGIN {delete} END",
        (f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {c} ON {table_name} "
         f"BEGIN {delete} {insert} END"),
        fill,
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
