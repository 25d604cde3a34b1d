"""A version number on each user, held by their signed-in sessions: raising it (sign-out,
a new password, disabling) ends every session begun before, wherever its cookie went.

Revision ID: 4e7b2c9d1a36
Revises: 9c1d5e7a2b64
Create Date: 2026-12-04 22:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '4e7b2c9d1a36'
down_revision = '9c1d5e7a2b64'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
