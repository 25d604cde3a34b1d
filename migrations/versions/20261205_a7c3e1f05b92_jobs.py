"""Jobs: long work done in the background (imports, large label runs), as users see it

One row a job, named in URLs by a random public id; the queue holds the work itself.
The downgrade drops the table (the jobs' files are left for `jobs purge` to remove).

Revision ID: a7c3e1f05b92
Revises: b7d41e9a3c58
Create Date: 2026-12-05 00:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import trace.db

revision = 'a7c3e1f05b92'
down_revision = 'b7d41e9a3c58'
branch_labels = None
depends_on = None

KINDS = ('import', 'labels')
STATES = ('queued', 'running', 'done', 'failed')


def upgrade():
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.Enum(*KINDS, name='job_kind', native_enum=False, create_constraint=True, length=6), nullable=False),
    sa.Column('state', sa.Enum(*STATES, name='job_state', native_enum=False, create_constraint=True, length=7), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('input_name', sa.String(length=200), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=True),
    sa.Column('message', sa.String(length=2000), nullable=True),
    sa.Column('result_name', sa.String(length=200), nullable=True),
    sa.Column('result_media_type', sa.String(length=100), nullable=True),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('result_deleted_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_jobs_cooperative_id_cooperatives'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_jobs_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    sa.UniqueConstraint('public_id', name=op.f('uq_jobs_public_id'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_state'), ['state'], unique=False)


def downgrade():
    op.drop_table('jobs')
