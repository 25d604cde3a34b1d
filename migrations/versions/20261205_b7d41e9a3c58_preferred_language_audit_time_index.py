"""Each user's preferred language ('vi' or 'en'), chosen on My account and put in force
when they sign in; null until chosen, when the browser and the language switch decide.
And an index on the audit records' time, which their browser lists newest first.

Revision ID: b7d41e9a3c58
Revises: 8a41c6e2d9f3
Create Date: 2026-12-05 00:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'b7d41e9a3c58'
down_revision = '8a41c6e2d9f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_language', sa.String(length=2), nullable=True))
    # A plain CREATE INDEX on SQLite too: rebuilding the table would drop its append-only triggers.
    op.create_index(op.f('ix_audit_records_recorded_at'), 'audit_records', ['recorded_at'])


def downgrade():
    op.drop_index(op.f('ix_audit_records_recorded_at'), table_name='audit_records')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('preferred_language')
