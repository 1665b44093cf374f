"""trigram search index on the folded columns the lists search (issue 13)

Revision ID: 0028_search_index
Revises: 0027_list_indexes
Create Date: 2026-12-04 18:10:00

``LIKE '%word%'`` over ``certificates.search_text`` and ``producers.name_folded`` read every
row. SQLite gets an FTS5 table with the trigram tokenizer per column (external content, kept
in step by insert/update/delete triggers, filled here from the rows already there);
PostgreSQL gets pg_trgm and a GIN trigram index, which serves the LIKE as written
(ocop_rating/search.py).
"""
from alembic import op

from ocop_rating.search import drop_index_ddl, index_ddl

# revision identifiers, used by Alembic.
revision = '0028_search_index'
down_revision = '0027_list_indexes'
branch_labels = None
depends_on = None

COLUMNS = [("certificates", "search_text"), ("producers", "name_folded")]


def upgrade():
    dialect = op.get_bind().dialect.name
    for table, column in COLUMNS:
        for sql in index_ddl(dialect, table, column):
            op.execute(sql)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table, column in reversed(COLUMNS):
        for sql in drop_index_ddl(dialect, table, column):
            op.execute(sql)
