"""Batches: events (EPCIS vocabulary), their photos, append-only audit records, product codes

Audit records refuse UPDATE and DELETE with a trigger on both databases, so history
cannot be rewritten even by hand-written SQL. Uploads gain the event-photo purpose.

Revision ID: 35812859d409
Revises: b4afad811fdb
Create Date: 2026-11-24 02:10:56.274255
"""

import sqlalchemy as sa
from alembic import op

import trace.db

OLD_PURPOSES = ('cooperative_logo', 'product_image', 'certificate_scan')
NEW_PURPOSES = (*OLD_PURPOSES, 'event_photo')
APPEND_ONLY_MESSAGE = 'audit records are append-only'

revision = '35812859d409'
down_revision = 'b4afad811fdb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.Enum('batch', 'event', name='audit_subject', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Enum('created', 'changed', 'recalled', 'imported', name='audit_action', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_audit_records_cooperative_id_cooperatives'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_records_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_records'))
    )
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_records_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_subject'), ['subject', 'subject_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.Enum('planting', 'input_applied', 'harvest', 'processing', 'packing', 'shipping', 'receiving', 'inspecting', 'recall', name='event_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('occurred_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('farming_area_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('input_kind', sa.Enum('fertiliser', 'pesticide', 'other', name='input_kind', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('input_name', sa.String(length=200), nullable=False),
    sa.Column('input_dose', sa.String(length=100), nullable=False),
    sa.Column('pre_harvest_interval_days', sa.Integer(), nullable=True),
    sa.Column('party_name', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=True),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("farming_area_id IS NOT NULL OR address <> ''", name=op.f('ck_events_has_place')),
    sa.CheckConstraint('pre_harvest_interval_days IS NULL OR pre_harvest_interval_days >= 0', name=op.f('ck_events_pre_harvest_interval')),
    sa.CheckConstraint('quantity IS NULL OR quantity > 0', name=op.f('ck_events_quantity_positive')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_events_cooperative_id_cooperatives'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['farming_area_id'], ['farming_areas.id'], name=op.f('fk_events_farming_area_id_farming_areas'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_events_recorded_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('event_photos',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_photos_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'], name=op.f('fk_event_photos_upload_id_uploads'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('event_id', 'upload_id', name=op.f('pk_event_photos'))
    )
    op.create_table('event_batches',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('subject', 'input', 'output', name='event_batch_role', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_event_batches_batch_id_batches'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_batches_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'batch_id', name=op.f('pk_event_batches'))
    )
    with op.batch_alter_table('event_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_batches_batch_id'), ['batch_id'], unique=False)

    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', trace.db.UTCDateTime(timezone=True), nullable=False, server_default=sa.func.current_timestamp()))

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=12), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_products_cooperative_id_code'), ['cooperative_id', 'code'])

    _set_upload_purposes(OLD_PURPOSES, NEW_PURPOSES)
    _make_audit_records_append_only()



def downgrade():
    _set_upload_purposes(NEW_PURPOSES, OLD_PURPOSES)
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_products_cooperative_id_code'), type_='unique')
        batch_op.drop_column('code')

    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_column('updated_at')

    with op.batch_alter_table('event_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_batches_batch_id'))

    op.drop_table('event_batches')
    op.drop_table('event_photos')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_cooperative_id'))

    op.drop_table('events')
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_records_subject'))
        batch_op.drop_index(batch_op.f('ix_audit_records_cooperative_id'))
        batch_op.drop_index(batch_op.f('ix_audit_records_batch_id'))

    op.drop_table('audit_records')
    if op.get_bind().dialect.name != 'sqlite':
        op.execute('DROP FUNCTION audit_records_refuse_rewrite()')


def _purpose_type(purposes):
    return sa.Enum(*purposes, name='upload_purpose', native_enum=False, create_constraint=True)


def _set_upload_purposes(old, new):
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot alter a CHECK: the table is rebuilt with the new type's constraint.
        with op.batch_alter_table('uploads', recreate='always') as batch_op:
            batch_op.alter_column('purpose', existing_type=_purpose_type(old), type_=_purpose_type(new))
        return
    op.drop_constraint(op.f('ck_uploads_upload_purpose'), 'uploads', type_='check')
    listed = ', '.join(f"'{purpose}'" for purpose in new)
    op.create_check_constraint('upload_purpose', 'uploads', f'purpose IN ({listed})')


def _make_audit_records_append_only():
    if op.get_bind().dialect.name == 'sqlite':
        for operation in ('UPDATE', 'DELETE'):
            op.execute(
                f'CREATE TRIGGER audit_records_refuse_{operation.lower()} '
                f'BEFORE {operation} ON audit_records '
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        return
    op.execute(
        'CREATE FUNCTION audit_records_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS '
        f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
    )
    op.execute(
        'CREATE TRIGGER audit_records_refuse_rewrite BEFORE UPDATE OR DELETE ON audit_records '
        'FOR EACH ROW EXECUTE FUNCTION audit_records_refuse_rewrite()'
    )
