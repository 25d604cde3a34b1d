"""Registry: uploads (logos, images, scans), archiving, the OCOP certificate of a product

Revision ID: b4afad811fdb
Revises: 611e14e757f5
Create Date: 2026-11-24 00:41:53.751865
"""

import sqlalchemy as sa
from alembic import op

import trace.db

revision = 'b4afad811fdb'
down_revision = '611e14e757f5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('cooperative_logo', 'product_image', 'certificate_scan', name='upload_purpose', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('original_filename', sa.String(length=200), nullable=False),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_uploads_cooperative_id_cooperatives'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_uploads')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_uploads_storage_key'))
    )
    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_uploads_cooperative_id'), ['cooperative_id'], unique=False)

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revocation_reason', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('scan_upload_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('archived_at', trace.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_certificates_scan_upload_id_uploads'), 'uploads', ['scan_upload_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('cooperatives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logo_upload_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('archived_at', trace.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cooperatives_logo_upload_id_uploads'), 'uploads', ['logo_upload_id'], ['id'], ondelete='SET NULL', use_alter=True)

    with op.batch_alter_table('farming_areas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', trace.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ocop_certificate_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('image_upload_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('archived_at', trace.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_products_ocop_certificate_id_certificates'), 'certificates', ['ocop_certificate_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_foreign_key(batch_op.f('fk_products_image_upload_id_uploads'), 'uploads', ['image_upload_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_products_image_upload_id_uploads'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_products_ocop_certificate_id_certificates'), type_='foreignkey')
        batch_op.drop_column('archived_at')
        batch_op.drop_column('image_upload_id')
        batch_op.drop_column('ocop_certificate_id')

    with op.batch_alter_table('farming_areas', schema=None) as batch_op:
        batch_op.drop_column('archived_at')

    with op.batch_alter_table('cooperatives', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cooperatives_logo_upload_id_uploads'), type_='foreignkey')
        batch_op.drop_column('archived_at')
        batch_op.drop_column('logo_upload_id')

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificates_scan_upload_id_uploads'), type_='foreignkey')
        batch_op.drop_column('archived_at')
        batch_op.drop_column('scan_upload_id')
        batch_op.drop_column('revocation_reason')

    with op.batch_alter_table('uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_uploads_cooperative_id'))

    op.drop_table('uploads')
