"""An index on the text of scans of codes never issued (``label_code_id`` is null): an
inspector's history of such a code is found by its exact text, which read every scan.

Partial, so the scans of issued codes (nearly all) cost the index nothing.

Revision ID: e81f0b7c2d45
Revises: 7d2e4c1a9b3f
Create Date: 2026-11-24 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'e81f0b7c2d45'
down_revision = '7d2e4c1a9b3f'
branch_labels = None
depends_on = None

UNISSUED = sa.text('label_code_id IS NULL')


def upgrade():
    op.create_index(
        'ix_scans_unissued_code_text', 'scans', ['code_text'],
        sqlite_where=UNISSUED, postgresql_where=UNISSUED,
    )


def downgrade():
    op.drop_index('ix_scans_unissued_code_text', table_name='scans')
