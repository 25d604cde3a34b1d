"""Scans say whether they are a market inspector's check: buyers' scan counts and the
clone rules about buyers leave those out.

Checks made before this revision are found by their audit records (subject ``scan``,
action ``verified``: every check on the verify page is audited so).

Revision ID: f3a9d0c61b27
Revises: e81f0b7c2d45
Create Date: 2026-11-24 12:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'f3a9d0c61b27'
down_revision = 'e81f0b7c2d45'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'scans',
        sa.Column('is_inspection', sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.execute(
        "UPDATE scans SET is_inspection = true WHERE id IN (SELECT subject_id FROM audit_records"
        " WHERE subject = 'scan' AND action = 'verified')"
    )


def downgrade():
    op.drop_column('scans', 'is_inspection')
