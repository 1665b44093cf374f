"""sealed results, pinned round rules, the re-scoring loop

Revision ID: 0007_sealed_results
Revises: 0006_reevaluation
Create Date: 2026-12-02 10:30:00

"""
from alembic import op
import sqlalchemy as sa

import ocop_rating.db


# revision identifiers, used by Alembic.
revision = '0007_sealed_results'
down_revision = '0006_reevaluation'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pinned_rules', sa.JSON(), nullable=True))

    op.create_table('rescores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('member_ids', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('previous', sa.JSON(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', ocop_rating.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', ocop_rating.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_rescores_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'], name=op.f('fk_rescores_evaluation_id_evaluations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rescores')),
    sa.UniqueConstraint('evaluation_id', 'seq', name='one_seq_per_evaluation')
    )
    with op.batch_alter_table('rescores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rescores_evaluation_id'), ['evaluation_id'], unique=False)

    op.create_table('sealed_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('rulebook_code', sa.String(length=32), nullable=False),
    sa.Column('set_no', sa.Integer(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('mean_total', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('star', sa.Integer(), nullable=True),
    sa.Column('recognised', sa.Boolean(), nullable=False),
    sa.Column('sealed_at', ocop_rating.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sealed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(content_hash) = 64', name=op.f('ck_sealed_results_hash_is_sha256')),
    sa.CheckConstraint('NOT recognised OR star >= 3', name=op.f('ck_sealed_results_recognised_has_star')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'], name=op.f('fk_sealed_results_evaluation_id_evaluations')),
    sa.ForeignKeyConstraint(['sealed_by_id'], ['users.id'], name=op.f('fk_sealed_results_sealed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sealed_results')),
    sa.UniqueConstraint('evaluation_id', name=op.f('uq_sealed_results_evaluation_id'))
    )


def downgrade():
    op.drop_table('sealed_results')
    with op.batch_alter_table('rescores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rescores_evaluation_id'))
    op.drop_table('rescores')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('pinned_rules')
