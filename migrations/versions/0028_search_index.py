"""trigram search index on the folded columns the lists search (issue 13)

Revision ID: 0028_search_index
Revises: 0027_list_indexes
Create Date: 2026-12-04 18:10:00

``LIKE '%word%'`` over ``certificates.search_text`` and ``producers.name_folded`` read every
row. SQLite gets an FTS5 table with the trigram tokenizer per column (external content, kept
in step by insert/update/delete triggers, filled here from the rows already there);
PostgreSQL gets pg_trgm and a GIN trigram index, which serves the LIKE as written
(ocop_rating/search.py).

``users.search_text`` (new) holds ``text.fold`` of the full name and the login, filled here for
the accounts already there: the users list and the audit trail's actor filter search it
accent-insensitively with the same search (a scan: accounts are few).
"""
import sqlalchemy as sa
from alembic import op

from ocop_rating.search import drop_index_ddl, index_ddl

# revision identifiers, used by Alembic.
revision = '0028_search_index'
down_revision = '0027_list_indexes'
branch_labels = None
depends_on = None

COLUMNS = [("certificates", "search_text"), ("producers", "name_folded")]


def upgrade():
    from ocop_rating.text import fold

    dialect = op.get_bind().dialect.name
    for table, column in COLUMNS:
        for sql in index_ddl(dialect, table, column, padded=False):
            op.execute(sql)
    # A plain ADD COLUMN (no table rebuild on SQLite); the model always writes the text.
    op.add_column('users', sa.Column('search_text', sa.String(length=200), nullable=False,
                                     server_default=''))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('username', sa.String),
                     sa.column('full_name', sa.String), sa.column('search_text', sa.String))
    conn = op.get_bind()
    for user_id, username, full_name in conn.execute(
            sa.select(users.c.id, users.c.username, users.c.full_name)).all():
        conn.execute(users.update().where(users.c.id == user_id)
                     .values(search_text=fold(f"{full_name or ''} {username or ''}")))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('search_text')
    dialect = op.get_bind().dialect.name
    for table, column in reversed(COLUMNS):
        for sql in drop_index_ddl(dialect, table, column):
            op.execute(sql)
