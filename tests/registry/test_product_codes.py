"""Product codes: the short code (ST25) that starts generated lots and names a product."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from tests.conftest import csrf_token_from, log_in
from tests.factories import make_product
from trace.errors import InvalidInput
from trace.registry.models import Product
from trace.registry.services import products


def test_a_code_is_stored_upper_case_and_trimmed(session, tenants):
    product = products.create_product(
        session, tenants.staff_a, {"name": "Gạo ST25 túi 5 kg", "code": " st25 "}
    )
    assert product.code == "ST25"


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_an_empty_code_means_none(session, tenants, empty):
    product = products.create_product(session, tenants.staff_a, {"name": "Gạo", "code": empty})
    assert product.code is None


@pytest.mark.parametrize("bad", ["ST-25", "GẠO", "ST 25", "A" * 13, "ST25\x00", 25])
def test_a_code_with_other_characters_is_refused_naming_the_field(session, tenants, bad):
    with force_locale("en"), pytest.raises(InvalidInput) as refused:
        products.create_product(session, tenants.staff_a, {"name": "Gạo", "code": bad})
    assert set(refused.value.errors) == {"code"}


def test_a_code_is_unique_within_a_cooperative(session, tenants):
    make_product(session, tenants.cooperative_a, code="ST25")
    with force_locale("en"), pytest.raises(InvalidInput) as refused:
        products.create_product(session, tenants.staff_a, {"name": "Gạo mới", "code": "st25"})
    assert refused.value.errors["code"] == [
        "Your cooperative already has a product with this code."
    ]


def test_another_cooperative_may_use_the_same_code(session, tenants):
    make_product(session, tenants.cooperative_a, code="ST25")
    product = products.create_product(session, tenants.staff_b, {"name": "Gạo", "code": "ST25"})
    assert product.code == "ST25"


def test_a_product_keeps_its_own_code_and_can_drop_it(session, tenants):
    product = make_product(session, tenants.cooperative_a, code="ST25")
    products.update_product(session, tenants.staff_a, product.id, {"code": "ST25"})
    assert product.code == "ST25"
    products.update_product(session, tenants.staff_a, product.id, {"code": ""})
    assert product.code is None


def test_the_product_form_takes_the_code_and_the_pages_show_it(client, session, tenants):
    log_in(client, tenants.staff_a.email)
    page = client.get("/products/new?lang=en").get_data(as_text=True)
    assert 'name="code"' in page
    response = client.post(
        "/products/new?lang=en",
        data={
            "name": "Gạo ST25 túi 5 kg",
            "unit": "kg",
            "code": "st25",
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    product = session.query(Product).filter_by(name="Gạo ST25 túi 5 kg").one()
    assert product.code == "ST25"
    assert "ST25" in client.get(f"/products/{product.id}?lang=en").get_data(as_text=True)
    assert "ST25" in client.get("/products?lang=en").get_data(as_text=True)


def test_the_product_form_shows_a_bad_code_at_its_field(client, session, tenants):
    make_product(session, tenants.cooperative_a, code="ST25")
    log_in(client, tenants.staff_a.email)
    page = client.get("/products/new?lang=en").get_data(as_text=True)
    response = client.post(
        "/products/new?lang=en",
        data={"name": "Gạo mới", "unit": "kg", "code": "st25", "csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 422
    assert "already has a product with this code" in response.get_data(as_text=True)
