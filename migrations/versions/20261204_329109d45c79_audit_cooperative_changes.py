"""Audit records of cooperatives: each one registered and each change to its details (the
commune, tax code and label prefix among them, which only operators may change).

The subject is a CHECK constraint and the column is as long as the longest subject, now
'cooperative': on SQLite the audit table is rebuilt, which drops its append-only triggers,
so they are created again. The downgrade deletes these records.

Revision ID: 329109d45c79
Revises: 4e7b2c9d1a36
Create Date: 2026-12-04 22:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

OLD_SUBJECTS = ('batch', 'event', 'key', 'inspection', 'scan', 'report')
NEW_SUBJECTS = (*OLD_SUBJECTS, 'cooperative')
APPEND_ONLY_MESSAGE = 'audit records are append-only'

revision = '329109d45c79'
down_revision = '4e7b2c9d1a36'
branch_labels = None
depends_on = None


def upgrade():
    _set_subjects(OLD_SUBJECTS, NEW_SUBJECTS)


def downgrade():
    _set_append_only(False)
    op.execute("DELETE FROM audit_records WHERE subject = 'cooperative'")
    _set_append_only(True)
    _set_subjects(NEW_SUBJECTS, OLD_SUBJECTS)


def _enum(choices):
    return sa.Enum(*choices, name='audit_subject', native_enum=False, create_constraint=True)


def _set_subjects(old_subjects, new_subjects):
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot alter a CHECK: the table is rebuilt, its triggers go with the old one.
        with op.batch_alter_table('audit_records', recreate='always') as batch_op:
            batch_op.alter_column('subject', existing_type=_enum(old_subjects), type_=_enum(new_subjects))
        _set_append_only(True)
        return
    op.drop_constraint(op.f('ck_audit_records_audit_subject'), 'audit_records', type_='check')
    length = max(len(subject) for subject in new_subjects)
    op.alter_column(
        'audit_records', 'subject',
        existing_type=sa.String(max(len(subject) for subject in old_subjects)),
        type_=sa.String(length), existing_nullable=False,
    )
    listed = ', '.join(f"'{subject}'" for subject in new_subjects)
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
