"""gates and revocation: the finding a revocation proposal counts its 15 days from

Revision ID: 0008_gates_revocation
Revises: 0006_reevaluation
Create Date: 2026-12-02 10:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_gates_revocation'
down_revision = '0007_sealed_results'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('concluded_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('concluded_by', sa.String(length=255), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_column('concluded_by')
        batch_op.drop_column('concluded_on')
