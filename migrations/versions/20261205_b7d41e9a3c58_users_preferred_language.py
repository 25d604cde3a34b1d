"""Each user's preferred language ('vi' or 'en'), chosen on My account and put in force
when they sign in; null until chosen, when the browser and the language switch decide.

Revision ID: b7d41e9a3c58
Revises: 329109d45c79
Create Date: 2026-12-05 00:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'b7d41e9a3c58'
down_revision = '329109d45c79'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_language', sa.String(length=2), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('preferred_language')
