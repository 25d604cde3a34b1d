"""Clone alerts: the clone rules' alerts, the marks on units they read, and a watermark

Units can be marked sold or inspected (later scans of them are suspect). Each alert is one
rule that fired on one scan (unique per rule and scan) with the facts of its reason as
JSON; like a report, it outlives its scan (``ON DELETE SET NULL``). ``alert_watermarks``
holds one row: how far the scans have been evaluated.

Revision ID: 2b3bf5e96880
Revises: 5a68e72aa194
Create Date: 2026-11-24 18:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import trace.db

revision = '2b3bf5e96880'
down_revision = '5a68e72aa194'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alert_watermarks',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_scan_id', sa.Integer(), nullable=False),
    sa.Column('last_positioned_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('positions_checked_from', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('refreshed_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_alert_watermarks_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_watermarks'))
    )
    # The single row refresh_alerts reads: nothing evaluated yet, so the first refresh
    # reads every scan already recorded.
    watermarks = sa.table(
        'alert_watermarks', sa.column('id', sa.Integer()), sa.column('last_scan_id', sa.Integer())
    )
    op.bulk_insert(watermarks, [{'id': 1, 'last_scan_id': 0}])
    op.create_table('unit_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label_code_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('sold', 'inspected', name='unit_mark_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('marked_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['label_code_id'], ['label_codes.id'], name=op.f('fk_unit_marks_label_code_id_label_codes'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_unit_marks_marked_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_marks'))
    )
    with op.batch_alter_table('unit_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_marks_label_code_id'), ['label_code_id'], unique=False)

    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fired_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rule', sa.Enum('impossible_travel', 'scanned_after_mark', 'batch_overscanned', 'unknown_batch', name='alert_rule', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reason_params', sa.JSON(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=True),
    sa.Column('label_code_id', sa.Integer(), nullable=True),
    sa.Column('code_text', sa.String(length=512), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('cooperative_id', sa.Integer(), nullable=True),
    sa.Column('province_code', sa.String(length=2), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_alerts_batch_id_batches'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_alerts_cooperative_id_cooperatives'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['label_code_id'], ['label_codes.id'], name=op.f('fk_alerts_label_code_id_label_codes'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['scan_id'], ['scans.id'], name=op.f('fk_alerts_scan_id_scans'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts')),
    sa.UniqueConstraint('rule', 'scan_id', name=op.f('uq_alerts_rule_scan_id'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_fired_at'), ['fired_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_label_code_id'), ['label_code_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_province_code'), ['province_code'], unique=False)


def downgrade():
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alerts_province_code'))
        batch_op.drop_index(batch_op.f('ix_alerts_label_code_id'))
        batch_op.drop_index(batch_op.f('ix_alerts_fired_at'))
        batch_op.drop_index(batch_op.f('ix_alerts_cooperative_id'))
        batch_op.drop_index(batch_op.f('ix_alerts_batch_id'))

    op.drop_table('alerts')
    with op.batch_alter_table('unit_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_marks_label_code_id'))

    op.drop_table('unit_marks')
    op.drop_table('alert_watermarks')
