"""the index the re-evaluation pipeline needs at national scale (issue 13)

Revision ID: 0029_pipeline_indexes
Revises: 0028_search_index
Create Date: 2026-12-04 18:10:00

A province's pipeline counts its sections and reads a page of them by expiry date: with the
province index alone SQLite read every certificate of the province and sorted them; with
(province_code, expires_on) it reads the window's range in order.

(Chained on 0027_list_indexes: 0028_search_index was not on main yet when this was written;
re-chain on it at merge.)
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0029_pipeline_indexes'
down_revision = '0028_search_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index("ix_certificates_province_expiry",
                              ["province_code", "expires_on"], unique=False)


def downgrade():
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("ix_certificates_province_expiry")
