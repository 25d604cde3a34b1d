"""Links a cooperative keeps per product (or per batch): GS1 link type, https address,
titles in Vietnamese and English, position; audit subject 'product_link'.

The audit subject is a CHECK constraint: on SQLite the audit table is rebuilt, which drops
its append-only triggers, so they are created again. The downgrade deletes the links' audit
records and the table.

Revision ID: e5a1c7d3b920
Revises: 5d2e8b41c7a9
Create Date: 2026-12-05 02:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

import trace.db

revision = 'e5a1c7d3b920'
down_revision = '5d2e8b41c7a9'
branch_labels = None
depends_on = None

OLD_SUBJECTS = (
    'batch', 'event', 'key', 'inspection', 'scan', 'report', 'cooperative', 'user',
    'key_product', 'key_product_proposal',
)
NEW_SUBJECTS = (*OLD_SUBJECTS, 'product_link')
APPEND_ONLY_MESSAGE = 'audit records are append-only'


def upgrade():
    op.create_table('product_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('link_type', sa.String(length=60), nullable=False),
    sa.Column('href', sa.String(length=1000), nullable=False),
    sa.Column('title_vi', sa.String(length=120), nullable=False),
    sa.Column('title_en', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_links_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_product_links_batch_id_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_links'))
    )
    with op.batch_alter_table('product_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_links_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_links_batch_id'), ['batch_id'], unique=False)
    _set_subjects(OLD_SUBJECTS, NEW_SUBJECTS)


def downgrade():
    _set_append_only(False)
    op.execute("DELETE FROM audit_records WHERE subject = 'product_link'")
    _set_append_only(True)
    _set_subjects(NEW_SUBJECTS, OLD_SUBJECTS)
    op.drop_table('product_links')


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
    op.alter_column(
        'audit_records', 'subject',
        existing_type=sa.String(max(len(choice) for choice in old_subjects)),
        type_=sa.String(max(len(choice) for choice in new_subjects)), existing_nullable=False,
    )
    listed = ', '.join(f"'{choice}'" for choice in new_subjects)
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
