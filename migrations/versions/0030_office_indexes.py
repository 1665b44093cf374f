"""office pages at national scale (issue 13): the users' stored Vietnamese sort key; the
oversight index's per-evaluation sums

Revision ID: 0030_office_indexes
Revises: 0029_pipeline_indexes
Create Date: 2026-12-04 18:30:00

``users.name_sort`` holds ``text.vn_sort_string(full_name)`` (the list's order; the list
searches ``users.search_text`` of 0028_search_index), filled here for the rows there are and
on every write by the model's listener, so the list no longer loads every account to sort
them in Python.

``oversight_evaluations.sheets_sum`` and ``sheets_sq`` hold the sum and the sum of squares of
the members' totals (``oversight_sheets``) of each indexed evaluation, filled here from the
sheets and by ``oversight.services.index_rows`` for every seal indexed after: the statistics
no longer group every sheet of the nation in a subquery, four times a page. Two indexes serve
the rest of the oversight page: the national mean per product set and year, and each member's
totals read from the index alone. ``councils.level`` is indexed so that the ministry's home
page starts its central-council queries from the central council (SQLite scanned every
evaluation of the nation and looked up its council: 60-100 ms a query).
"""
from alembic import op
import sqlalchemy as sa

import ocop_rating.db


# revision identifiers, used by Alembic.
revision = '0030_office_indexes'
down_revision = '0029_pipeline_indexes'
branch_labels = None
depends_on = None


def upgrade():
    from ocop_rating.text import vn_sort_string

    # A plain ADD COLUMN (no table rebuild on SQLite); the empty default stays in the schema
    # and is never relied on: the model always writes the key.
    op.add_column('users', sa.Column('name_sort', ocop_rating.db.sort_key_column(),
                                     nullable=False, server_default=''))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                     sa.column('name_sort', sa.String))
    conn = op.get_bind()
    for user_id, name in conn.execute(sa.select(users.c.id, users.c.full_name)).all():
        conn.execute(users.update().where(users.c.id == user_id).values(
            name_sort=vn_sort_string(name)))
    op.create_index(op.f('ix_users_name_sort'), 'users', ['name_sort'])

    op.add_column('oversight_evaluations', sa.Column(
        'sheets_sum', sa.Numeric(precision=10, scale=2), nullable=False, server_default='0'))
    op.add_column('oversight_evaluations', sa.Column(
        'sheets_sq', sa.Numeric(precision=14, scale=4), nullable=False, server_default='0'))
    op.execute(
        "UPDATE oversight_evaluations SET "
        "sheets_sum = COALESCE((SELECT sum(s.total) FROM oversight_sheets s "
        "WHERE s.evaluation_id = oversight_evaluations.evaluation_id), 0), "
        "sheets_sq = COALESCE((SELECT sum(s.total * s.total) FROM oversight_sheets s "
        "WHERE s.evaluation_id = oversight_evaluations.evaluation_id), 0)")
    op.create_index('ix_oversight_evaluations_set_no_year', 'oversight_evaluations',
                    ['set_no', 'year'])
    op.create_index('ix_oversight_sheets_member_id_evaluation_id_total', 'oversight_sheets',
                    ['member_id', 'evaluation_id', 'total'])
    op.create_index(op.f('ix_councils_level'), 'councils', ['level'])


def downgrade():
    # Plain DROP COLUMNs (SQLite 3.35+), not a batch rebuild: rebuilding users would set
    # the audit trail's references and the database refuses any change to it.
    op.drop_index(op.f('ix_councils_level'), table_name='councils')
    op.drop_index('ix_oversight_sheets_member_id_evaluation_id_total',
                  table_name='oversight_sheets')
    op.drop_index('ix_oversight_evaluations_set_no_year', table_name='oversight_evaluations')
    op.drop_column('oversight_evaluations', 'sheets_sq')
    op.drop_column('oversight_evaluations', 'sheets_sum')
    op.drop_index(op.f('ix_users_name_sort'), table_name='users')
    op.drop_column('users', 'name_sort')
