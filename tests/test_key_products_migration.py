"""5d2e8b41c7a9: the products' former "key product" tick is carried over to the commune's
list as entries waiting for a decision; the downgrade ticks again what is still listed."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from tests.conftest import base_config
from trace import create_app
from trace.db import db

BEFORE = "a7c3e1f05b92"
KEY_PRODUCTS = "5d2e8b41c7a9"


def test_ticked_products_are_carried_over_and_ticked_again_on_downgrade(tmp_path):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'key_products.db'}"))
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        command.upgrade(config, BEFORE)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO cooperatives (id, name, tax_code, code_prefix, commune_code,"
                    " street_address, phone, email, created_at, updated_at) VALUES (1, 'HTX',"
                    " '2200784316', 'TRANDE', '31673', '', '', '', '2026-01-01', '2026-01-01')"
                )
            )
            for product_id, ticked, archived in ((1, 1, None), (2, 0, None), (3, 1, "2026-02-01")):
                connection.execute(
                    text(
                        "INSERT INTO products (id, cooperative_id, name, category, unit,"
                        " description, brand, is_key_product, created_at, archived_at) VALUES"
                        " (:id, 1, :name, '', 'kg', '', '', :ticked, '2026-01-01', :archived)"
                    ),
                    {
                        "id": product_id,
                        "name": f"P{product_id}",
                        "ticked": ticked,
                        "archived": archived,
                    },
                )
        command.upgrade(config, KEY_PRODUCTS)
        with db.engine.begin() as connection:
            entries = connection.execute(
                text(
                    "SELECT commune_code, product_id, decision_number, decided_on, removed_at"
                    " FROM key_products"
                )
            ).all()
            connection.execute(
                text(
                    "INSERT INTO audit_records (recorded_at, actor, subject, subject_id, action,"
                    " changes) VALUES ('2026-12-05 08:00:00', 'command line', 'key_product', 1,"
                    " 'removed', '{}')"
                )
            )
        command.downgrade(config, BEFORE)
        with db.engine.connect() as connection:
            ticked = (
                connection.execute(text("SELECT id FROM products WHERE is_key_product ORDER BY id"))
                .scalars()
                .all()
            )
            audit = connection.execute(text("SELECT count(*) FROM audit_records")).scalar()
        db.engine.dispose()

    assert entries == [("31673", 1, "", None, None)]
    assert ticked == [1]
    assert audit == 0
