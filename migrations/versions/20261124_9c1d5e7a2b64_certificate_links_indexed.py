"""Certificates found by product and by farming area through indexes: the public page and
the batch page looked them up by the second column of each link table's primary key, which
SQLite answered by reading the whole of certificate_products and building a temporary
index over certificate_farming_areas on every visit.

Revision ID: 9c1d5e7a2b64
Revises: f3a9d0c61b27
Create Date: 2026-11-24 16:15:00.000000
"""

from alembic import op

revision = '9c1d5e7a2b64'
down_revision = 'f3a9d0c61b27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_certificate_products_product_id', 'certificate_products', ['product_id']
    )
    op.create_index(
        'ix_certificate_farming_areas_farming_area_id', 'certificate_farming_areas',
        ['farming_area_id'],
    )


def downgrade():
    op.drop_index(
        'ix_certificate_farming_areas_farming_area_id', table_name='certificate_farming_areas'
    )
    op.drop_index('ix_certificate_products_product_id', table_name='certificate_products')
