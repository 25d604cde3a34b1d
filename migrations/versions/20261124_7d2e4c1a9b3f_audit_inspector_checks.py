"""Audit records of what inspectors do besides inspections: each label they check (a scan,
action ``verified``) and each consumer report they mark seen or closed (a report).

Both enums are CHECK constraints: on SQLite the audit table is rebuilt, which drops its
append-only triggers, so they are created again. The downgrade deletes these records.

Revision ID: 7d2e4c1a9b3f
Revises: cf3e539f373e
Create Date: 2026-11-24 21:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

OLD_SUBJECTS = ('batch', 'event', 'key', 'inspection')
NEW_SUBJECTS = (*OLD_SUBJECTS, 'scan', 'report')
OLD_ACTIONS = ('created', 'changed', 'recalled', 'imported')
NEW_ACTIONS = (*OLD_ACTIONS, 'verified')
APPEND_ONLY_MESSAGE = 'audit records are append-only'

revision = '7d2e4c1a9b3f'
down_revision = 'cf3e539f373e'
branch_labels = None
depends_on = None


def upgrade():
    _set_choices(OLD_SUBJECTS, NEW_SUBJECTS, OLD_ACTIONS, NEW_ACTIONS)


def downgrade():
    _set_append_only(False)
    op.execute("DELETE FROM audit_records WHERE subject IN ('scan', 'report') OR action = 'verified'")
    _set_append_only(True)
    _set_choices(NEW_SUBJECTS, OLD_SUBJECTS, NEW_ACTIONS, OLD_ACTIONS)


def _enum(name, choices):
    return sa.Enum(*choices, name=name, native_enum=False, create_constraint=True)


def _set_choices(old_subjects, new_subjects, old_actions, new_actions):
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot alter a CHECK: the table is rebuilt, its triggers go with the old one.
        with op.batch_alter_table('audit_records', recreate='always') as batch_op:
            batch_op.alter_column('subject', existing_type=_enum('audit_subject', old_subjects), type_=_enum('audit_subject', new_subjects))
            batch_op.alter_column('action', existing_type=_enum('audit_action', old_actions), type_=_enum('audit_action', new_actions))
        _set_append_only(True)
        return
    for name, column, choices in (('audit_subject', 'subject', new_subjects), ('audit_action', 'action', new_actions)):
        op.drop_constraint(op.f(f'ck_audit_records_{name}'), 'audit_records', type_='check')
        # The columns are already as long as the longest value ('inspection', 'verified').
        listed = ', '.join(f"'{choice}'" for choice in choices)
        op.create_check_constraint(name, 'audit_records', f'{column} IN ({listed})')


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
