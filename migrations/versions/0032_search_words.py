"""the SQLite search index holds each text with a space at both ends (issue 13)

Revision ID: 0032_search_words
Revises: 0030_office_indexes
Create Date: 2026-12-06 22:20:00

A frequent word ("tra" is in a quarter of the certificates) was ranked by six LIKEs on every
row holding it, then sorted, before the first page could be cut: the cost grew with the
data. The FTS5 trigram tables of 0028_search_index now index ``' ' || text || ' '``
(contentless: they keep the index only, the text stays in its table), so that "whole word"
(``" tra "``) and "start of a word" (``" tra"``) are phrases the index answers like the
substring: ``search.ranked_page`` takes the rank classes from the index, the best first,
and reads only the rows a page shows. PostgreSQL is unchanged (its GIN trigram index serves
the LIKEs of the rank).
"""
from alembic import op

from ocop_rating.search import drop_index_ddl, index_ddl

# revision identifiers, used by Alembic.
revision = '0032_search_words'
down_revision = '0031_count_indexes'
branch_labels = None
depends_on = None

COLUMNS = [("certificates", "search_text"), ("producers", "name_folded")]


def _rebuild(padded: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, column in COLUMNS:
        for sql in drop_index_ddl("sqlite", table, column):
            op.execute(sql)
        for sql in index_ddl("sqlite", table, column, padded=padded):
            op.execute(sql)


def upgrade():
    _rebuild(padded=True)


def downgrade():
    _rebuild(padded=False)
