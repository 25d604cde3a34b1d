"""Product pages: list, add, show, change, archive; messages at the fields; who may do what."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.factories import make_certificate, make_product
from tests.registry.test_views_common import (
    OTHER_TENANT,
    READ_ONLY,
    assert_shows_error,
    control,
    selected_value,
    sign_in,
    submit,
    text_of,
)
from trace.registry.models import CertificateScheme, Product


def product_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Product))


# Reading


@pytest.mark.parametrize("caller", ["operator", "staff_a", "inspector", "officer_a"])
def test_list_and_page_render_for_every_role_that_may_read(client, tenants, caller):
    sign_in(client, tenants.user(caller))
    listing = client.get("/products?lang=en")
    assert listing.status_code == 200
    assert tenants.product_a.name in text_of(listing)
    detail = client.get(f"/products/{tenants.product_a.id}?lang=en")
    assert detail.status_code == 200
    assert tenants.cooperative_a.name in text_of(detail)
    assert ("Change" in text_of(detail)) is (caller in ("operator", "staff_a"))


@pytest.mark.parametrize("caller", ["staff_b", "officer_b"])
def test_other_tenants_neither_list_nor_open_the_product(client, tenants, caller):
    sign_in(client, tenants.user(caller))
    assert tenants.product_a.name not in text_of(client.get("/products"))
    assert client.get(f"/products/{tenants.product_a.id}").status_code == 404


def test_empty_list_offers_to_add_the_first_product(client, tenants):
    sign_in(client, tenants.staff_b)
    response = client.get("/products?lang=en")
    assert "No product is registered yet." in text_of(response)
    markup = response.get_data(as_text=True)
    assert 'href="/products/new"' in markup
    assert "Add the first product" in markup


def test_read_only_roles_are_not_offered_to_add(client, tenants):
    sign_in(client, tenants.inspector)
    assert 'href="/products/new' not in client.get("/products").get_data(as_text=True)


def test_search_archived_toggle_and_pages(client, session, tenants):
    for number in range(25):
        make_product(session, tenants.cooperative_a, name=f"Trà xanh {number:02d}")
    archived = make_product(session, tenants.cooperative_a, name="Trà cũ")
    sign_in(client, tenants.staff_a)
    archived.archived_at = archived.created_at
    session.flush()

    first = client.get("/products?q=tr%C3%A0&lang=en")
    assert "25 products" in text_of(first)
    assert "Page 1 of 2" in text_of(first)
    assert 'href="/products?q=tr%C3%A0&amp;lang=en&amp;page=2"' in first.get_data(as_text=True)
    second = client.get("/products?q=tr%C3%A0&page=2&lang=en")
    assert "Trà xanh 24" in text_of(second)
    assert "Trà cũ" not in text_of(first) + text_of(second)
    with_archived = client.get("/products?q=c%C5%A9&archived=1&lang=en")
    assert "Trà cũ" in text_of(with_archived)
    assert "Archived" in text_of(with_archived)
    nothing = client.get("/products?q=zzz&lang=en")
    assert "Nothing matches your search." in text_of(nothing)


def test_page_shows_every_field_in_plain_words(client, session, tenants):
    ocop = make_certificate(session, tenants.cooperative_a, scheme=CertificateScheme.OCOP)
    product = make_product(
        session,
        tenants.cooperative_a,
        name="Mật ong U Minh",
        category="Honey",
        unit="bottle",
        gtin="08931234567897",
        brand="U Minh",
        shelf_life_days=720,
        is_key_product=True,
        ocop_stars=4,
        ocop_certificate=ocop,
        description="Line one\nLine two",
    )
    sign_in(client, tenants.staff_a)
    text = text_of(client.get(f"/products/{product.id}?lang=en"))
    for expected in (
        "Honey",
        "bottle",
        "08931234567897",
        "720 days",
        "4-star OCOP",
        ocop.number,
        "Key product of the commune",
        "decision ",
        "QĐ-UBND",
        "Line one",
    ):
        assert expected in text


# Adding


def test_new_form_is_short_labelled_and_carries_a_csrf_token(client, tenants):
    sign_in(client, tenants.staff_a)
    response = client.get("/products/new?lang=en")
    markup = response.get_data(as_text=True)
    assert csrf_token_from(markup)
    assert control(response, "name")["aria-required"] == "true"
    assert control(response, "gtin")["inputmode"] == "numeric"
    assert control(response, "shelf_life_days")["inputmode"] == "numeric"
    assert control(response, "unit")["value"] == "kg"
    assert 'name="cooperative_id"' not in markup  # staff add to their own cooperative
    assert '<label class="field__label" for="name">Product name' in markup


def test_staff_add_a_product(client, session, tenants):
    sign_in(client, tenants.staff_a)
    response = submit(
        client,
        "/products/new?lang=en",
        {
            "name": "Gạo ST25 Trần Đề",
            "category": "Rice",
            "unit": "kg",
            "gtin": "8931234567897",
            "shelf_life_days": "365",
            "is_key_product": "y",  # the former tick: ignored, the commune decides
        },
    )
    assert response.status_code == 302
    product = session.scalar(select(Product).where(Product.name == "Gạo ST25 Trần Đề"))
    assert product is not None
    assert product.cooperative_id == tenants.cooperative_a.id
    assert product.gtin == "08931234567897"
    assert product.shelf_life_days == 365
    assert not product.is_key_product
    assert response.headers["Location"] == f"/products/{product.id}"
    shown = client.get(response.headers["Location"] + "?lang=en")
    assert "Product “Gạo ST25 Trần Đề” added." in text_of(shown)


def test_mistakes_are_shown_at_their_fields_and_nothing_is_saved(client, session, tenants):
    before = product_count(session)
    sign_in(client, tenants.staff_a)
    response = submit(
        client,
        "/products/new?lang=en",
        {"name": "", "gtin": "8931234567890", "shelf_life_days": "a year", "ocop_stars": "4"},
    )
    assert response.status_code == 422
    assert_shows_error(response, "name", "Enter the product's name.")
    assert_shows_error(response, "gtin", "This barcode number's check digit is wrong")
    assert_shows_error(response, "shelf_life_days", "Enter a number of days from 1 to 3650.")
    assert_shows_error(
        response, "ocop_certificate_id", "Choose the OCOP certificate that awarded the stars."
    )
    assert control(response, "shelf_life_days")["value"] == "a year"
    assert selected_value(response, "ocop_stars") == "4"
    assert 'class="more" open' in response.get_data(as_text=True)
    assert "Please check the form" in text_of(response)
    assert product_count(session) == before


def test_a_name_already_used_is_refused_at_the_name(client, tenants):
    sign_in(client, tenants.staff_a)
    response = submit(client, "/products/new?lang=en", {"name": tenants.product_a.name})
    assert response.status_code == 422
    assert_shows_error(response, "name", "Your cooperative already has a product with this name.")


def test_operator_chooses_the_cooperative(client, session, tenants):
    sign_in(client, tenants.operator)
    page = client.get(f"/products/new?cooperative={tenants.cooperative_b.id}")
    assert selected_value(page, "cooperative_id") == str(tenants.cooperative_b.id)
    response = submit(
        client, "/products/new", {"cooperative_id": str(tenants.cooperative_b.id), "name": "Chè"}
    )
    assert response.status_code == 302
    product = session.scalar(select(Product).where(Product.name == "Chè"))
    assert product.cooperative_id == tenants.cooperative_b.id


@pytest.mark.parametrize("chosen", ["", "999999", "abc"])
def test_operator_must_choose_a_real_cooperative(client, session, tenants, chosen):
    before = product_count(session)
    sign_in(client, tenants.operator)
    response = submit(client, "/products/new?lang=en", {"cooperative_id": chosen, "name": "Chè"})
    assert response.status_code == 422
    assert_shows_error(response, "cooperative_id", "Choose the cooperative.")
    assert product_count(session) == before


def test_without_a_csrf_token_nothing_is_saved(client, session, tenants):
    before = product_count(session)
    sign_in(client, tenants.staff_a)
    response = client.post("/products/new", data={"name": "Không có mã"})
    assert response.status_code == 400
    assert product_count(session) == before


def test_text_people_typed_is_escaped(client, session, tenants):
    product = make_product(
        session, tenants.cooperative_a, name='<script>alert("x")</script>', brand="<b>B</b>"
    )
    sign_in(client, tenants.staff_a)
    for path in ("/products", f"/products/{product.id}", f"/products/{product.id}/edit"):
        markup = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in markup, path
        assert "&lt;script&gt;alert(" in markup, path
    assert "<b>B</b>" not in client.get(f"/products/{product.id}").get_data(as_text=True)


# Changing and archiving


def test_edit_form_shows_what_is_stored_and_saves_changes(client, session, tenants):
    product = make_product(session, tenants.cooperative_a, name="Cam sành", shelf_life_days=30)
    sign_in(client, tenants.staff_a)
    page = client.get(f"/products/{product.id}/edit")
    assert control(page, "name")["value"] == "Cam sành"
    assert control(page, "shelf_life_days")["value"] == "30"
    response = submit(
        client,
        f"/products/{product.id}/edit?lang=en",
        {"name": "Cam sành Vĩnh Long", "unit": "kg", "shelf_life_days": "21"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/products/{product.id}"
    session.refresh(product)
    assert (product.name, product.shelf_life_days) == ("Cam sành Vĩnh Long", 21)


def test_edit_cannot_empty_the_name(client, session, tenants):
    sign_in(client, tenants.staff_a)
    path = f"/products/{tenants.product_a.id}/edit?lang=en"
    response = submit(client, path, {"name": "  ", "unit": "kg"})
    assert response.status_code == 422
    assert field_has_message(response, "name")
    session.refresh(tenants.product_a)
    assert tenants.product_a.name.strip()


def field_has_message(response, field_id: str) -> bool:
    return f'id="{field_id}-error"' in response.get_data(as_text=True)


def test_archive_asks_first_then_hides_the_product(client, session, tenants):
    sign_in(client, tenants.staff_a)
    path = f"/products/{tenants.product_a.id}/archive?lang=en"
    question = client.get(path)
    assert question.status_code == 200
    assert f"Archive “{tenants.product_a.name}”?" in text_of(question)
    response = submit(client, path, {})
    assert response.status_code == 302
    session.refresh(tenants.product_a)
    assert tenants.product_a.archived_at is not None
    detail = client.get(response.headers["Location"] + "?lang=en")
    assert "was archived." in text_of(detail)
    assert "Archived on" in text_of(detail)
    assert tenants.product_a.name not in text_of(client.get("/products"))
    assert "already archived" in text_of(client.get(path))


# Who may do what


@pytest.mark.parametrize("caller", READ_ONLY)
@pytest.mark.parametrize("path", ["/products/new", "/products/{id}/edit", "/products/{id}/archive"])
def test_read_only_roles_may_not_write(client, tenants, caller, path):
    sign_in(client, tenants.user(caller))
    url = path.format(id=tenants.product_a.id)
    assert client.get(url).status_code == 403
    assert client.post(url, data={"name": "x"}).status_code in (400, 403)


@pytest.mark.parametrize("caller", OTHER_TENANT)
@pytest.mark.parametrize(
    "path", ["/products/{id}", "/products/{id}/edit", "/products/{id}/archive"]
)
def test_another_cooperative_gets_not_found(client, session, tenants, caller, path):
    sign_in(client, tenants.user(caller))
    url = path.format(id=tenants.product_a.id)
    assert client.get(url).status_code == 404
    if path != "/products/{id}":
        token = csrf_token_from(client.get("/products/new").get_data(as_text=True))
        assert client.post(url, data={"csrf_token": token, "name": "x"}).status_code == 404
    session.refresh(tenants.product_a)
    assert tenants.product_a.name != "x"
    assert tenants.product_a.archived_at is None


def test_unknown_and_huge_ids_are_not_found(client, tenants):
    sign_in(client, tenants.operator)
    assert client.get("/products/2147483647").status_code == 404
    assert client.get("/products/99999999999").status_code == 404
