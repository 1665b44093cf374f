"""national scale (issue 13 §3): the producers' stored Vietnamese sort key, and the indexes
the paged lists' filters and sorts need

Revision ID: 0020_scale_indexes
Revises: 0018_producer_changes
Create Date: 2026-12-03 15:40:00

``producers.name_sort`` holds ``text.vn_sort_string(name)`` (filled here for the rows there
are, and on every write by the model's listener) so the producers list sorts in SQL.
"""
from alembic import op
import sqlalchemy as sa

import ocop_rating.db


# revision identifiers, used by Alembic.
revision = '0020_scale_indexes'
down_revision = '0018_producer_changes'
branch_labels = None
depends_on = None


def upgrade():
    from ocop_rating.text import vn_sort_string

    # A plain ADD COLUMN (no table rebuild on SQLite); the empty default stays in the schema
    # and is never relied on: the model always writes the key.
    op.add_column('producers', sa.Column('name_sort', ocop_rating.db.sort_key_column(),
                                         nullable=False, server_default=''))
    producers = sa.table('producers', sa.column('id', sa.Integer),
                         sa.column('name', sa.String), sa.column('name_sort', sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(producers.c.id, producers.c.name)).all()
    for producer_id, name in rows:
        conn.execute(producers.update().where(producers.c.id == producer_id)
                     .values(name_sort=vn_sort_string(name)))
    op.create_index(op.f('ix_producers_name_sort'), 'producers', ['name_sort'])
    op.create_index(op.f('ix_producers_status'), 'producers', ['status'])
    op.create_index(op.f('ix_certificates_issued_on'), 'certificates', ['issued_on'])
    op.create_index(op.f('ix_decisions_decided_on'), 'decisions', ['decided_on'])
    op.create_index(op.f('ix_decisions_status'), 'decisions', ['status'])


def downgrade():
    op.drop_index(op.f('ix_decisions_status'), table_name='decisions')
    op.drop_index(op.f('ix_decisions_decided_on'), table_name='decisions')
    op.drop_index(op.f('ix_certificates_issued_on'), table_name='certificates')
    op.drop_index(op.f('ix_producers_status'), table_name='producers')
    op.drop_index(op.f('ix_producers_name_sort'), table_name='producers')
    with op.batch_alter_table('producers') as batch_op:
        batch_op.drop_column('name_sort')
