"""Inspections: what an inspector found when checking a batch or one unit, with photos

Each inspection names its batch, the unit when a unit's code was scanned, and the batch's
cooperative (for scoping); its photos are uploads, through ``inspection_photos``. Audit
records gain the subject ``inspection``. On SQLite the audit table is rebuilt for that,
which drops its append-only triggers: they are created again. The downgrade deletes the
inspections' audit records first (the inspections go too).

Revision ID: cf3e539f373e
Revises: 2b3bf5e96880
Create Date: 2026-11-24 20:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import trace.db

OLD_SUBJECTS = ('batch', 'event', 'key')
NEW_SUBJECTS = (*OLD_SUBJECTS, 'inspection')
APPEND_ONLY_MESSAGE = 'audit records are append-only'

revision = 'cf3e539f373e'
down_revision = '2b3bf5e96880'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('label_code_id', sa.Integer(), nullable=True),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('inspected_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('outcome', sa.Enum('conforming', 'non_conforming', 'suspected_counterfeit', name='inspection_outcome', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('code_text', sa.String(length=512), nullable=False),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("place <> ''", name=op.f('ck_inspections_has_place')),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_inspections_batch_id_batches'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_inspections_cooperative_id_cooperatives'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['inspector_id'], ['users.id'], name=op.f('fk_inspections_inspector_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['label_code_id'], ['label_codes.id'], name=op.f('fk_inspections_label_code_id_label_codes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections'))
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_inspected_at'), ['inspected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_inspector_id'), ['inspector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspections_label_code_id'), ['label_code_id'], unique=False)

    op.create_table('inspection_photos',
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_photos_inspection_id_inspections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['upload_id'], ['uploads.id'], name=op.f('fk_inspection_photos_upload_id_uploads'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('inspection_id', 'upload_id', name=op.f('pk_inspection_photos'))
    )
    _set_audit_subjects(OLD_SUBJECTS, NEW_SUBJECTS)


def downgrade():
    _set_append_only(False)
    op.execute("DELETE FROM audit_records WHERE subject = 'inspection'")
    _set_append_only(True)
    _set_audit_subjects(NEW_SUBJECTS, OLD_SUBJECTS)
    op.drop_table('inspection_photos')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_label_code_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_inspector_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_inspected_at'))
        batch_op.drop_index(batch_op.f('ix_inspections_cooperative_id'))
        batch_op.drop_index(batch_op.f('ix_inspections_batch_id'))

    op.drop_table('inspections')


def _subject_type(subjects):
    return sa.Enum(*subjects, name='audit_subject', native_enum=False, create_constraint=True)


def _subject_column(subjects):
    return sa.String(length=max(len(subject) for subject in subjects))


def _set_audit_subjects(old, new):
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot alter a CHECK: the table is rebuilt, and its triggers go with the
        # old table.
        with op.batch_alter_table('audit_records', recreate='always') as batch_op:
            batch_op.alter_column('subject', existing_type=_subject_type(old), type_=_subject_type(new))
        _set_append_only(True)
        return
    op.drop_constraint(op.f('ck_audit_records_audit_subject'), 'audit_records', type_='check')
    # The column is as long as the longest subject ('inspection' is the longest yet).
    op.alter_column('audit_records', 'subject', existing_type=_subject_column(old), type_=_subject_column(new))
    listed = ', '.join(f"'{subject}'" for subject in new)
    op.create_check_constraint('audit_subject', 'audit_records', f'subject IN ({listed})')


def _set_append_only(is_append_only):
    """Create (or drop) the triggers that refuse UPDATE and DELETE on audit records."""
    if op.get_bind().dialect.name != 'sqlite':
        switch = 'ENABLE' if is_append_only else 'DISABLE'
        op.execute(f'ALTER TABLE audit_records {switch} TRIGGER audit_records_refuse_rewrite')
        return
    for operation in ('UPDATE', 'DELETE'):
        name = f'audit_records_refuse_{operation.lower()}'
        if not is_append_only:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
            continue
        op.execute(
            f'CREATE TRIGGER IF NOT EXISTS {name} BEFORE {operation} ON audit_records '
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )
