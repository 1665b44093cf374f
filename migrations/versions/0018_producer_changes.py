"""producer identity change requests (issue 12 §6)

Revision ID: 0018_producer_changes
Revises: 0013_tokens_imports
Create Date: 2026-12-02 18:45:00

Once a producer is approved, its own changes to identity facts (registration number, kind,
name, the representative and the facts of criterion 3.2) wait here for the commune.
"""
from alembic import op
import sqlalchemy as sa

import ocop_rating.db


# revision identifiers, used by Alembic.
revision = '0018_producer_changes'
down_revision = '0013_tokens_imports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('producer_change_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('producer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='changestatus',
                                native_enum=False, create_constraint=True, length=32),
              nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', ocop_rating.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', ocop_rating.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint("status = 'pending' OR decided_at IS NOT NULL",
                       name=op.f('ck_producer_change_requests_change_decision_has_time')),
    sa.ForeignKeyConstraint(['producer_id'], ['producers.id'],
                            name=op.f('fk_producer_change_requests_producer_id_producers')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], ondelete='SET NULL',
                            name=op.f('fk_producer_change_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ondelete='SET NULL',
                            name=op.f('fk_producer_change_requests_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_producer_change_requests'))
    )
    with op.batch_alter_table('producer_change_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_producer_change_requests_producer_id'),
                              ['producer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('producer_change_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_producer_change_requests_producer_id'))
    op.drop_table('producer_change_requests')
