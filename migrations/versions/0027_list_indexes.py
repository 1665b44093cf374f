"""indexes the office lists and dashboards need at national scale (issue 13)

Revision ID: 0027_list_indexes
Revises: 0026_oversight
Create Date: 2026-12-03 19:45:00

Foreign keys the home inbox, the statistics, the decisions and the re-evaluation pages filter
or anti-join on ("not yet in a decision", "not yet escalated", "the certificate a dossier
follows", a plan's entries, a report's inspection). Without them each such test scanned the
whole table per row: the ministry's home page took 45 s on the national dataset.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0027_list_indexes'
down_revision = '0026_oversight'
branch_labels = None
depends_on = None

INDEXES = [
    ("evaluations", "escalated_from_id"),
    ("decision_items", "evaluation_id"),
    ("decision_items", "certificate_id"),
    ("decisions", "round_id"),
    ("dossiers", "previous_certificate_id"),
    ("plan_entries", "certificate_id"),
    ("plan_entries", "round_id"),
    ("market_reports", "inspection_id"),
]


def upgrade():
    for table, column in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def downgrade():
    for table, column in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
