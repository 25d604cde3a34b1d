"""Pre-printed rolls: the rolls and their codes; scans may hold the verdict 'not activated'.

A roll's codes are printed before packing and belong to no batch until a clerk activates
them (``roll_codes.batch_id``). A scan of a code not activated yet is recorded with the new
verdict, and a job may draw a roll's PDF (job kind 'roll_labels'). SQLite cannot alter a
CHECK, so ``scans`` and ``jobs`` are rebuilt there: dropping the old ``scans`` runs the
``ON DELETE SET NULL`` of alerts and consumer reports that point at a scan, so those links
are read first and written back after.

Revision ID: 907eacb14174
Revises: e5a1c7d3b920
Create Date: 2026-12-05 02:12:19.048611
"""

import sqlalchemy as sa
from alembic import op

import trace.db

OLD_VERDICTS = (
    'valid', 'malformed code', 'unknown key', 'bad signature', 'revoked key', 'unknown batch',
    'recalled batch',
)
NEW_VERDICTS = (*OLD_VERDICTS, 'not activated')
SCAN_LINKS = ('alerts', 'reports')
OLD_JOB_KINDS = ('import', 'labels')
NEW_JOB_KINDS = (*OLD_JOB_KINDS, 'roll_labels')

revision = '907eacb14174'
down_revision = 'e5a1c7d3b920'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rolls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('gtin', sa.String(length=14), nullable=True),
    sa.Column('prefix', sa.String(length=8), nullable=True),
    sa.Column('scope', sa.String(length=17), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_rolls_cooperative_id_cooperatives'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_rolls_created_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_rolls_product_id_products'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rolls')),
    sa.UniqueConstraint('scope', 'number', name=op.f('uq_rolls_scope_number'))
    )
    with op.batch_alter_table('rolls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rolls_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rolls_product_id'), ['product_id'], unique=False)

    op.create_table('roll_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roll_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(length=512), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('activated_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('activated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activated_by_id'], ['users.id'], name=op.f('fk_roll_codes_activated_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_roll_codes_batch_id_batches'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['key_id'], ['issuing_keys.id'], name=op.f('fk_roll_codes_key_id_issuing_keys'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['roll_id'], ['rolls.id'], name=op.f('fk_roll_codes_roll_id_rolls'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roll_codes')),
    sa.UniqueConstraint('roll_id', 'sequence', name=op.f('uq_roll_codes_roll_id_sequence')),
    sa.UniqueConstraint('text', name=op.f('uq_roll_codes_text'))
    )
    with op.batch_alter_table('roll_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roll_codes_batch_id'), ['batch_id'], unique=False)

    _set_verdicts(OLD_VERDICTS, NEW_VERDICTS)
    _set_job_kinds(OLD_JOB_KINDS, NEW_JOB_KINDS)


def downgrade():
    op.execute("DELETE FROM jobs WHERE kind = 'roll_labels'")
    _set_job_kinds(NEW_JOB_KINDS, OLD_JOB_KINDS)
    op.execute("DELETE FROM scans WHERE verdict = 'not activated'")
    _set_verdicts(NEW_VERDICTS, OLD_VERDICTS)
    with op.batch_alter_table('roll_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roll_codes_batch_id'))

    op.drop_table('roll_codes')
    with op.batch_alter_table('rolls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rolls_product_id'))
        batch_op.drop_index(batch_op.f('ix_rolls_cooperative_id'))

    op.drop_table('rolls')


def _verdict_type(choices):
    return sa.Enum(*choices, name='scan_verdict', native_enum=False, create_constraint=True, length=14)


def _job_kind_type(choices):
    length = max(len(choice) for choice in choices)
    return sa.Enum(*choices, name='job_kind', native_enum=False, create_constraint=True, length=length)


def _set_job_kinds(old, new):
    """Jobs may draw a roll's PDF; nothing points at a job, so SQLite simply rebuilds it."""
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('jobs', recreate='always') as batch_op:
            batch_op.alter_column('kind', existing_type=_job_kind_type(old), type_=_job_kind_type(new), existing_nullable=False)
        return
    op.drop_constraint(op.f('ck_jobs_job_kind'), 'jobs', type_='check')
    op.alter_column(
        'jobs', 'kind', existing_type=sa.String(max(len(kind) for kind in old)),
        type_=sa.String(max(len(kind) for kind in new)), existing_nullable=False,
    )
    listed = ', '.join(f"'{kind}'" for kind in new)
    op.create_check_constraint('job_kind', 'jobs', f'kind IN ({listed})')


def _set_verdicts(old, new):
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_scans_scan_verdict'), 'scans', type_='check')
        listed = ', '.join(f"'{choice}'" for choice in new)
        op.create_check_constraint('scan_verdict', 'scans', f'verdict IN ({listed})')
        return
    links = {
        table: bind.execute(sa.text(f'SELECT id, scan_id FROM {table} WHERE scan_id IS NOT NULL')).all()
        for table in SCAN_LINKS
    }
    with op.batch_alter_table('scans', recreate='always') as batch_op:
        batch_op.alter_column('verdict', existing_type=_verdict_type(old), type_=_verdict_type(new), existing_nullable=False)
    for table, rows in links.items():
        for row_id, scan_id in rows:
            bind.execute(sa.text(f'UPDATE {table} SET scan_id = :scan_id WHERE id = :id'), {'scan_id': scan_id, 'id': row_id})
