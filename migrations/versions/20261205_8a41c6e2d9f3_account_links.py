"""One-time account links (an invitation or a password reset, kept as a SHA-256), and
audit records of people's accounts: subject 'user', actions 'invited', 'disabled',
'enabled', 'link_issued' and 'password_set'.

Both enums are CHECK constraints: on SQLite the audit table is rebuilt, which drops its
append-only triggers, so they are created again; on PostgreSQL the action column grows to
the longest action. The downgrade deletes these records.

Revision ID: 8a41c6e2d9f3
Revises: 329109d45c79
Create Date: 2026-12-05 00:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

OLD_SUBJECTS = ('batch', 'event', 'key', 'inspection', 'scan', 'report', 'cooperative')
NEW_SUBJECTS = (*OLD_SUBJECTS, 'user')
OLD_ACTIONS = ('created', 'changed', 'recalled', 'imported', 'verified')
NEW_ACTIONS = (*OLD_ACTIONS, 'invited', 'disabled', 'enabled', 'link_issued', 'password_set')
APPEND_ONLY_MESSAGE = 'audit records are append-only'

revision = '8a41c6e2d9f3'
down_revision = '329109d45c79'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'account_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.Enum('invite', 'reset', name='account_link_purpose', native_enum=False, create_constraint=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_links_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_account_links_created_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_account_links_token_hash')),
    )
    with op.batch_alter_table('account_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_links_user_id'), ['user_id'], unique=False)
    _set_choices(OLD_SUBJECTS, NEW_SUBJECTS, OLD_ACTIONS, NEW_ACTIONS)


def downgrade():
    _set_append_only(False)
    op.execute(
        "DELETE FROM audit_records WHERE subject = 'user' OR action IN "
        "('invited', 'disabled', 'enabled', 'link_issued', 'password_set')"
    )
    _set_append_only(True)
    _set_choices(NEW_SUBJECTS, OLD_SUBJECTS, NEW_ACTIONS, OLD_ACTIONS)
    with op.batch_alter_table('account_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_links_user_id'))
    op.drop_table('account_links')


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
    for name, column, old_choices, choices in (
        ('audit_subject', 'subject', old_subjects, new_subjects),
        ('audit_action', 'action', old_actions, new_actions),
    ):
        op.drop_constraint(op.f(f'ck_audit_records_{name}'), 'audit_records', type_='check')
        op.alter_column(
            'audit_records', column,
            existing_type=sa.String(max(len(choice) for choice in old_choices)),
            type_=sa.String(max(len(choice) for choice in choices)), existing_nullable=False,
        )
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
