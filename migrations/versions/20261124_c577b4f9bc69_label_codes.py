"""Label codes: the signed codes issued for batches and their units

Batches registered before this revision have no code yet: no passphrase is at hand in a
migration, so their codes are issued when first needed (``ensure_batch_code``).

Revision ID: c577b4f9bc69
Revises: 0f3ecf4e411d
Create Date: 2026-11-24 04:30:46.208150
"""

import sqlalchemy as sa
from alembic import op

import trace.db

revision = 'c577b4f9bc69'
down_revision = '0f3ecf4e411d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('label_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=20), nullable=True),
    sa.Column('text', sa.String(length=512), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_label_codes_batch_id_batches'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['key_id'], ['issuing_keys.id'], name=op.f('fk_label_codes_key_id_issuing_keys'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_label_codes')),
    sa.UniqueConstraint('batch_id', 'serial', name=op.f('uq_label_codes_batch_id_serial')),
    sa.UniqueConstraint('text', name=op.f('uq_label_codes_text'))
    )
    with op.batch_alter_table('label_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_label_codes_issued_at'), ['issued_at'], unique=False)



def downgrade():
    with op.batch_alter_table('label_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_label_codes_issued_at'))

    op.drop_table('label_codes')
