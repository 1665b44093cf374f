"""papers filed with Form 01 (issue 14 §4)

Revision ID: 0022_form01_documents
Revises: 0020_scale_indexes
Create Date: 2026-12-03 15:10:00

An evidence row may be one of the papers the commune checks in Form 03 (the business
registration, the food-safety certificate): ``evidence.document`` names its checklist code.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_form01_documents'
down_revision = '0020_scale_indexes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_column('document')
