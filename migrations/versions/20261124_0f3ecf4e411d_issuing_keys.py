"""Issuing keys: Ed25519 keys that sign label codes, and audit records that name them

A partial unique index lets at most one key be current. Audit records gain the subject
``key`` and lose the NOT NULL on ``cooperative_id``, since keys belong to the platform.
On SQLite the audit table is rebuilt for that, which drops its append-only triggers: they
are created again. The downgrade deletes the key audit records first (the keys go too).

Revision ID: 0f3ecf4e411d
Revises: 35812859d409
Create Date: 2026-11-24 03:07:06.527115
"""

import sqlalchemy as sa
from alembic import op

import trace.db

OLD_SUBJECTS = ('batch', 'event')
NEW_SUBJECTS = (*OLD_SUBJECTS, 'key')
APPEND_ONLY_MESSAGE = 'audit records are append-only'

revision = '0f3ecf4e411d'
down_revision = '35812859d409'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issuing_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kid', sa.String(length=11), nullable=False),
    sa.Column('public_key', sa.String(length=43), nullable=False),
    sa.Column('private_key_pem', sa.Text(), nullable=False),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('activated_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revocation_reason', sa.String(length=500), nullable=True),
    sa.CheckConstraint('(revoked_at IS NULL) = (revocation_reason IS NULL)', name=op.f('ck_issuing_keys_revocation_has_reason')),
    sa.CheckConstraint('NOT (is_current AND revoked_at IS NOT NULL)', name=op.f('ck_issuing_keys_revoked_never_signs')),
    sa.CheckConstraint('NOT is_current OR activated_at IS NOT NULL', name=op.f('ck_issuing_keys_current_was_activated')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issuing_keys')),
    sa.UniqueConstraint('kid', name=op.f('uq_issuing_keys_kid')),
    sa.UniqueConstraint('public_key', name=op.f('uq_issuing_keys_public_key'))
    )
    with op.batch_alter_table('issuing_keys', schema=None) as batch_op:
        batch_op.create_index('ix_issuing_keys_one_current', ['is_current'], unique=True, sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))

    _change_audit_records(OLD_SUBJECTS, NEW_SUBJECTS, cooperative_required=False)


def downgrade():
    _set_append_only(False)
    op.execute("DELETE FROM audit_records WHERE subject = 'key'")
    _set_append_only(True)
    _change_audit_records(NEW_SUBJECTS, OLD_SUBJECTS, cooperative_required=True)
    with op.batch_alter_table('issuing_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_issuing_keys_one_current', sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))

    op.drop_table('issuing_keys')


def _subject_type(subjects):
    return sa.Enum(*subjects, name='audit_subject', native_enum=False, create_constraint=True)


def _change_audit_records(old, new, cooperative_required):
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot alter a CHECK or a NOT NULL: the table is rebuilt, and its triggers
        # go with the old table.
        with op.batch_alter_table('audit_records', recreate='always') as batch_op:
            batch_op.alter_column('subject', existing_type=_subject_type(old), type_=_subject_type(new))
            batch_op.alter_column('cooperative_id', existing_type=sa.Integer(), nullable=not cooperative_required)
        _set_append_only(True)
        return
    op.alter_column('audit_records', 'cooperative_id', existing_type=sa.Integer(), nullable=not cooperative_required)
    op.drop_constraint(op.f('ck_audit_records_audit_subject'), 'audit_records', type_='check')
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
