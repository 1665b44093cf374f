"""audit chain, anchors and immutability triggers (issue 11)

Revision ID: 0009_audit_chain
Revises: 0006_reevaluation
Create Date: 2026-12-02 10:30:00

Existing audit rows are chained in id order; the chain head row is created; then the triggers
refusing changes of audit rows and of the legal fields of issued records are created
(ocop_rating/immutability.py, the same DDL for PostgreSQL and SQLite).
"""
from alembic import op
import sqlalchemy as sa

import ocop_rating.db
from ocop_rating import immutability
from ocop_rating.audit.chain import GENESIS, content_hash


# revision identifiers, used by Alembic.
revision = '0009_audit_chain'
down_revision = '0008_gates_revocation'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('province_code', sa.String(length=2), nullable=True))
        batch_op.create_index('ix_audit_events_at', ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_province_code'), ['province_code'],
                              unique=False)

    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('row_hash', sa.String(length=64), nullable=False),
    sa.Column('updated_at', ocop_rating.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    op.create_table('audit_anchors',
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('row_hash', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', ocop_rating.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('on', name=op.f('pk_audit_anchors'))
    )

    # The province of the rows written before this migration (for the provinces' search).
    bind = op.get_bind()
    via = {
        'users': 'SELECT t.province_code FROM users t WHERE {id}',
        'producers': 'SELECT t.province_code FROM producers t WHERE {id}',
        'dossiers': 'SELECT t.province_code FROM dossiers t WHERE {id}',
        'certificates': 'SELECT t.province_code FROM certificates t WHERE {id}',
        'decisions': 'SELECT t.province_code FROM decisions t WHERE {id}',
        'councils': 'SELECT t.province_code FROM councils t WHERE {id}',
        'reevaluation_plans': 'SELECT t.province_code FROM reevaluation_plans t WHERE {id}',
        'products': 'SELECT p.province_code FROM products t JOIN producers p '
                    'ON p.id = t.producer_id WHERE {id}',
        'evaluations': 'SELECT d.province_code FROM evaluations t JOIN dossiers d '
                       'ON d.id = t.dossier_id WHERE {id}',
        'rounds': 'SELECT c.province_code FROM rounds t JOIN councils c '
                  'ON c.id = t.council_id WHERE {id}',
        'score_sheets': 'SELECT d.province_code FROM score_sheets t JOIN evaluations e '
                        'ON e.id = t.evaluation_id JOIN dossiers d ON d.id = e.dossier_id '
                        'WHERE {id}',
        'inspections': 'SELECT c.province_code FROM inspections t JOIN certificates c '
                       'ON c.id = t.certificate_id WHERE {id}',
    }
    same = 'CAST(t.id AS VARCHAR(64)) = audit_events.object_id'
    for object_type, query in via.items():
        bind.execute(sa.text(f"UPDATE audit_events SET province_code = ({query.format(id=same)}) "
                             "WHERE object_type = :t"), {'t': object_type})

    # Chain the rows written before this migration, oldest first.
    events = sa.table('audit_events', sa.column('id', sa.Integer()),
                      sa.column('at', ocop_rating.db.UTCDateTime(timezone=True)),
                      sa.column('actor_id', sa.Integer()), sa.column('object_type', sa.String()),
                      sa.column('object_id', sa.String()), sa.column('action', sa.String()),
                      sa.column('old', sa.String()), sa.column('new', sa.String()),
                      sa.column('note', sa.Text()), sa.column('data', sa.JSON()),
                      sa.column('province_code', sa.String()),
                      sa.column('seq', sa.Integer()), sa.column('prev_hash', sa.String()),
                      sa.column('row_hash', sa.String()))
    seq, prev = 0, GENESIS
    for row in bind.execute(sa.select(events).order_by(events.c.id)).mappings().all():
        seq += 1
        row_hash = content_hash(seq=seq, prev_hash=prev, at=row['at'],
                                actor_id=row['actor_id'], object_type=row['object_type'],
                                object_id=row['object_id'], action=row['action'],
                                old=row['old'], new=row['new'], note=row['note'],
                                data=row['data'], province_code=row['province_code'])
        bind.execute(events.update().where(events.c.id == row['id'])
                     .values(seq=seq, prev_hash=prev, row_hash=row_hash))
        prev = row_hash
    head = sa.table('audit_chain_head', sa.column('id', sa.Integer()),
                    sa.column('seq', sa.Integer()), sa.column('row_hash', sa.String()),
                    sa.column('updated_at', ocop_rating.db.UTCDateTime(timezone=True)))
    bind.execute(head.insert().values(id=1, seq=seq, row_hash=prev,
                                      updated_at=ocop_rating.db.utcnow()))

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('row_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_seq'), ['seq'])

    immutability.create_legal_triggers(bind.exec_driver_sql, bind.dialect.name)


def downgrade():
    bind = op.get_bind()
    immutability.drop_legal_triggers(bind.exec_driver_sql, bind.dialect.name)
    op.drop_table('audit_anchors')
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_seq'), type_='unique')
        batch_op.drop_index('ix_audit_events_at')
        batch_op.drop_index(batch_op.f('ix_audit_events_province_code'))
        batch_op.drop_column('province_code')
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
