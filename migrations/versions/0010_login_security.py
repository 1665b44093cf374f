"""login security: throttle epoch, two-factor sign-in, recovery codes (issue 12)

Revision ID: 0010_login_security
Revises: 0009_audit_chain
Create Date: 2026-12-02 18:45:00

The login failure counters live in the rate-limit storage (memory or Redis), not here; the
users table only gets the number an administrator bumps to clear an account's throttle.
"""
from alembic import op
import sqlalchemy as sa

import ocop_rating.db


# revision identifiers, used by Alembic.
revision = '0010_login_security'
down_revision = '0009_audit_chain'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login_throttle_epoch', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', ocop_rating.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('login_throttle_epoch', server_default=None)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', ocop_rating.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', ocop_rating.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('login_throttle_epoch')
