"""A commune's key products, decided by the commune: its list (with the decision's number
and date, removals kept) and the cooperatives' proposals; audit subjects 'key_product' and
'key_product_proposal', actions 'removed', 'proposed', 'confirmed', 'declined',
'token_created' and 'token_revoked'.

The products' own "key product" tick goes. Each live product that had it is carried over to
its cooperative's commune list as an entry with no decision date: the indicator keeps
counting it, and the commune's page asks the officer to record the decision. The downgrade
ticks again every product still listed and deletes the new audit records.

Revision ID: 5d2e8b41c7a9
Revises: c4e8b2d71f06
Create Date: 2026-12-05 00:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

import trace.db

revision = '5d2e8b41c7a9'
down_revision = 'c4e8b2d71f06'
branch_labels = None
depends_on = None

OLD_SUBJECTS = ('batch', 'event', 'key', 'inspection', 'scan', 'report', 'cooperative', 'user')
NEW_SUBJECTS = (*OLD_SUBJECTS, 'key_product', 'key_product_proposal')
OLD_ACTIONS = (
    'created', 'changed', 'recalled', 'imported', 'verified',
    'invited', 'disabled', 'enabled', 'link_issued', 'password_set',
)
ADDED_ACTIONS = ('token_created', 'token_revoked', 'removed', 'proposed', 'confirmed', 'declined')
NEW_ACTIONS = (*OLD_ACTIONS, *ADDED_ACTIONS)
STATES = ('pending', 'confirmed', 'declined')
APPEND_ONLY_MESSAGE = 'audit records are append-only'


def upgrade():
    op.create_table('key_products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('decision_number', sa.String(length=60), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('removed_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.Column('removal_reason', sa.String(length=300), nullable=False),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_key_products_product_id_products'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_key_products_added_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], name=op.f('fk_key_products_removed_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_products'))
    )
    with op.batch_alter_table('key_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_products_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_products_product_id'), ['product_id'], unique=False)
        batch_op.create_index('uq_key_products_listed', ['commune_code', 'product_id'], unique=True, sqlite_where=sa.text('removed_at IS NULL'), postgresql_where=sa.text('removed_at IS NULL'))

    op.create_table('key_product_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum(*STATES, name='key_product_proposal_state', native_enum=False, create_constraint=True, length=9), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.String(length=300), nullable=False),
    sa.Column('key_product_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_key_product_proposals_product_id_products'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_key_product_proposals_proposed_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_key_product_proposals_answered_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['key_product_id'], ['key_products.id'], name=op.f('fk_key_product_proposals_key_product_id_key_products'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_product_proposals'))
    )
    with op.batch_alter_table('key_product_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_product_proposals_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_product_proposals_product_id'), ['product_id'], unique=False)
        batch_op.create_index('uq_key_product_proposals_pending', ['product_id'], unique=True, sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))

    # The former tick, carried over to the cooperative's commune, waiting for a decision.
    op.execute(
        "INSERT INTO key_products (commune_code, product_id, decision_number, note, added_at, removal_reason) "
        "SELECT cooperatives.commune_code, products.id, '', '', CURRENT_TIMESTAMP, '' "
        "FROM products JOIN cooperatives ON cooperatives.id = products.cooperative_id "
        "WHERE products.is_key_product AND products.archived_at IS NULL"
    )
    # Dropped in place (SQLite 3.35+): rebuilding products would break the foreign keys of
    # the batches and key products that already point at it.
    op.drop_column('products', 'is_key_product')
    _set_choices(OLD_SUBJECTS, NEW_SUBJECTS, OLD_ACTIONS, NEW_ACTIONS)


def downgrade():
    _set_append_only(False)
    listed_subjects = "('key_product', 'key_product_proposal')"
    listed_actions = ', '.join(f"'{action}'" for action in ADDED_ACTIONS)
    op.execute(
        f"DELETE FROM audit_records WHERE subject IN {listed_subjects} "
        f"OR action IN ({listed_actions})"
    )
    _set_append_only(True)
    _set_choices(NEW_SUBJECTS, OLD_SUBJECTS, NEW_ACTIONS, OLD_ACTIONS)
    # Added in place, its default kept: rebuilding products would break its foreign keys.
    op.add_column('products', sa.Column('is_key_product', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE products SET is_key_product = TRUE WHERE id IN "
        "(SELECT product_id FROM key_products WHERE removed_at IS NULL)"
    )
    op.drop_table('key_product_proposals')
    op.drop_table('key_products')


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
