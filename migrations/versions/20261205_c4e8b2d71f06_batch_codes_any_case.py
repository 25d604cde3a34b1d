"""Batch codes and lots found in any case: indexes on their upper-case spelling

The public page and the code box look a batch code or lot up upper-cased when the exact
spelling misses (a code typed in lower case); these expression indexes keep that look-up
from reading the whole batches table. SQLite (3.9+) and PostgreSQL both index expressions.

Revision ID: c4e8b2d71f06
Revises: a7c3e1f05b92
Create Date: 2026-12-05 00:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'c4e8b2d71f06'
down_revision = 'a7c3e1f05b92'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_batches_upper_code', 'batches', [sa.text('upper(code)')])
    op.create_index('ix_batches_upper_lot', 'batches', [sa.text('upper(lot)')])


def downgrade():
    op.drop_index('ix_batches_upper_lot', table_name='batches')
    op.drop_index('ix_batches_upper_code', table_name='batches')
