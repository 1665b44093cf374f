"""the users list paged and searched in SQL (issue 13): the users' folded name and stored
Vietnamese sort key

Revision ID: 0030_office_indexes
Revises: 0027_list_indexes
Create Date: 2026-12-04 18:30:00

``users.name_folded`` holds ``text.fold(full_name)`` (searched by ``search.word_search``) and
``users.name_sort`` holds ``text.vn_sort_string(full_name)`` (the list's order); both filled
here for the rows there are, and on every write by the model's listener, so the list no longer
loads every account to filter and sort them in Python.
"""
from alembic import op
import sqlalchemy as sa

import ocop_rating.db


# revision identifiers, used by Alembic.
revision = '0030_office_indexes'
down_revision = '0027_list_indexes'
branch_labels = None
depends_on = None


def upgrade():
    from ocop_rating.text import fold, vn_sort_string

    # Plain ADD COLUMNs (no table rebuild on SQLite); the empty defaults stay in the schema
    # and are never relied on: the model always writes both keys.
    op.add_column('users', sa.Column('name_folded', sa.String(length=120), nullable=False,
                                     server_default=''))
    op.add_column('users', sa.Column('name_sort', ocop_rating.db.sort_key_column(),
                                     nullable=False, server_default=''))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                     sa.column('name_folded', sa.String), sa.column('name_sort', sa.String))
    conn = op.get_bind()
    for user_id, name in conn.execute(sa.select(users.c.id, users.c.full_name)).all():
        conn.execute(users.update().where(users.c.id == user_id).values(
            name_folded=fold(name)[:120], name_sort=vn_sort_string(name)))
    op.create_index(op.f('ix_users_name_folded'), 'users', ['name_folded'])
    op.create_index(op.f('ix_users_name_sort'), 'users', ['name_sort'])


def downgrade():
    op.drop_index(op.f('ix_users_name_sort'), table_name='users')
    op.drop_index(op.f('ix_users_name_folded'), table_name='users')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('name_sort')
        batch_op.drop_column('name_folded')
