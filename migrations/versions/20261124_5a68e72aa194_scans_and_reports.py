"""Scans and reports: each opening of a label URL, and consumers' reports of suspect labels

Scans keep the visitor's network (IPv4 /24, IPv6 /48), never the address, and a position
only when the visitor shares it, to 0.01 degree. A report's scan may be purged later
without losing the report (``ON DELETE SET NULL``).

Revision ID: 5a68e72aa194
Revises: c577b4f9bc69
Create Date: 2026-11-24 05:27:51.676719
"""

import sqlalchemy as sa
from alembic import op

import trace.db

revision = '5a68e72aa194'
down_revision = 'c577b4f9bc69'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scanned_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('label_code_id', sa.Integer(), nullable=True),
    sa.Column('code_text', sa.String(length=512), nullable=False),
    sa.Column('verdict', sa.Enum('valid', 'malformed code', 'unknown key', 'bad signature', 'revoked key', 'unknown batch', 'recalled batch', name='scan_verdict', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('is_signature_valid', sa.Boolean(), nullable=False),
    sa.Column('network', sa.String(length=43), nullable=False),
    sa.Column('latitude', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('longitude', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('positioned_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('user_agent_family', sa.String(length=40), nullable=False),
    sa.CheckConstraint('(latitude IS NULL) = (positioned_at IS NULL) AND (longitude IS NULL) = (positioned_at IS NULL)', name=op.f('ck_scans_position_complete')),
    sa.CheckConstraint('latitude BETWEEN -90 AND 90', name=op.f('ck_scans_latitude_range')),
    sa.CheckConstraint('longitude BETWEEN -180 AND 180', name=op.f('ck_scans_longitude_range')),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_scans_batch_id_batches'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['label_code_id'], ['label_codes.id'], name=op.f('fk_scans_label_code_id_label_codes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scans'))
    )
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scans_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scans_label_code_id'), ['label_code_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scans_scanned_at'), ['scanned_at'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('code_text', sa.String(length=512), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('scan_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('new', 'seen', 'closed', name='report_status', native_enum=False, create_constraint=True), nullable=False),
    sa.CheckConstraint('length(message) BETWEEN 1 AND 2000', name=op.f('ck_reports_message_length')),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_reports_batch_id_batches'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['scan_id'], ['scans.id'], name=op.f('fk_reports_scan_id_scans'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_created_at'), ['created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_created_at'))
        batch_op.drop_index(batch_op.f('ix_reports_batch_id'))

    op.drop_table('reports')
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scans_scanned_at'))
        batch_op.drop_index(batch_op.f('ix_scans_label_code_id'))
        batch_op.drop_index(batch_op.f('ix_scans_batch_id'))

    op.drop_table('scans')
