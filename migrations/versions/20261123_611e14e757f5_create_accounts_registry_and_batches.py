"""create accounts registry and batches

Revision ID: 611e14e757f5
Revises: 
Create Date: 2026-11-23 23:55:11.710657
"""

import sqlalchemy as sa
from alembic import op

import trace.db

revision = '611e14e757f5'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cooperatives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('tax_code', sa.String(length=14), nullable=False),
    sa.Column('code_prefix', sa.String(length=8), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('street_address', sa.String(length=300), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperatives')),
    sa.UniqueConstraint('code_prefix', name=op.f('uq_cooperatives_code_prefix')),
    sa.UniqueConstraint('tax_code', name=op.f('uq_cooperatives_tax_code'))
    )
    with op.batch_alter_table('cooperatives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperatives_commune_code'), ['commune_code'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.Enum('vietgap', 'globalgap', 'organic', 'ocop', 'food_safety', 'other', name='certificate_scheme', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('number', sa.String(length=80), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('revoked_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valid_to >= valid_from', name=op.f('ck_certificates_validity_order')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_certificates_cooperative_id_cooperatives'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('scheme', 'number', name=op.f('uq_certificates_scheme_number'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('farming_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('crop', 'aquaculture', 'livestock', name='farming_area_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=False),
    sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=False),
    sa.Column('polygon', sa.JSON(), nullable=True),
    sa.Column('area_hectares', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('crops', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('active', 'suspended', 'withdrawn', name='farming_area_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('area_hectares IS NULL OR area_hectares > 0', name=op.f('ck_farming_areas_area_positive')),
    sa.CheckConstraint('latitude BETWEEN 8.0 AND 23.5', name=op.f('ck_farming_areas_latitude_in_vietnam')),
    sa.CheckConstraint('longitude BETWEEN 102.0 AND 117.9', name=op.f('ck_farming_areas_longitude_in_vietnam')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_farming_areas_cooperative_id_cooperatives'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_farming_areas')),
    sa.UniqueConstraint('code', name=op.f('uq_farming_areas_code'))
    )
    with op.batch_alter_table('farming_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_farming_areas_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_farming_areas_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('gtin', sa.String(length=14), nullable=True),
    sa.Column('brand', sa.String(length=120), nullable=False),
    sa.Column('ocop_stars', sa.Integer(), nullable=True),
    sa.Column('shelf_life_days', sa.Integer(), nullable=True),
    sa.Column('is_key_product', sa.Boolean(), nullable=False),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ocop_stars IS NULL OR ocop_stars BETWEEN 3 AND 5', name=op.f('ck_products_ocop_stars')),
    sa.CheckConstraint('shelf_life_days IS NULL OR shelf_life_days > 0', name=op.f('ck_products_shelf_life')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_products_cooperative_id_cooperatives'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('cooperative_id', 'name', name=op.f('uq_products_cooperative_id_name')),
    sa.UniqueConstraint('gtin', name=op.f('uq_products_gtin'))
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_products_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('operator', 'cooperative', 'inspector', 'commune_officer', name='user_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=True),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(role = 'commune_officer') = (commune_code IS NOT NULL)", name=op.f('ck_users_commune_binding')),
    sa.CheckConstraint("(role = 'cooperative') = (cooperative_id IS NOT NULL)", name=op.f('ck_users_cooperative_binding')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_users_cooperative_id_cooperatives'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_prefix'), ['prefix'], unique=False)
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('lot', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('harvested_on', sa.Date(), nullable=True),
    sa.Column('packed_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=True),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('status', sa.Enum('active', 'recalled', name='batch_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('recall_reason', sa.String(length=500), nullable=False),
    sa.Column('recalled_at', trace.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', trace.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'recalled') = (recalled_at IS NOT NULL)", name=op.f('ck_batches_recall_consistent')),
    sa.CheckConstraint('quantity IS NULL OR quantity > 0', name=op.f('ck_batches_quantity_positive')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperatives.id'], name=op.f('fk_batches_cooperative_id_cooperatives'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_batches_product_id_products'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batches')),
    sa.UniqueConstraint('code', name=op.f('uq_batches_code')),
    sa.UniqueConstraint('product_id', 'lot', name=op.f('uq_batches_product_id_lot'))
    )
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batches_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('certificate_farming_areas',
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('farming_area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_farming_areas_certificate_id_certificates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['farming_area_id'], ['farming_areas.id'], name=op.f('fk_certificate_farming_areas_farming_area_id_farming_areas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('certificate_id', 'farming_area_id', name=op.f('pk_certificate_farming_areas'))
    )
    op.create_table('certificate_products',
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_products_certificate_id_certificates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_certificate_products_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('certificate_id', 'product_id', name=op.f('pk_certificate_products'))
    )
    op.create_table('batch_farming_areas',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('farming_area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_batch_farming_areas_batch_id_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['farming_area_id'], ['farming_areas.id'], name=op.f('fk_batch_farming_areas_farming_area_id_farming_areas'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('batch_id', 'farming_area_id', name=op.f('pk_batch_farming_areas'))
    )


def downgrade():
    op.drop_table('batch_farming_areas')
    op.drop_table('certificate_products')
    op.drop_table('certificate_farming_areas')
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batches_cooperative_id'))

    op.drop_table('batches')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
        batch_op.drop_index(batch_op.f('ix_api_tokens_prefix'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_cooperative_id'))

    op.drop_table('users')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_products_cooperative_id'))

    op.drop_table('products')
    with op.batch_alter_table('farming_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_farming_areas_cooperative_id'))
        batch_op.drop_index(batch_op.f('ix_farming_areas_commune_code'))

    op.drop_table('farming_areas')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_cooperative_id'))

    op.drop_table('certificates')
    with op.batch_alter_table('cooperatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperatives_commune_code'))

    op.drop_table('cooperatives')
