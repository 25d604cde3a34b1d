"""The pages of product links: list and add (a product's and a batch's), change, move,
delete after asking; messages at the fields; who may do what."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.factories import make_batch, make_product_link
from tests.registry.test_views_common import (
    OTHER_TENANT,
    READ_ONLY,
    assert_shows_error,
    control,
    sign_in,
    submit,
    text_of,
)
from trace.audit.models import AuditRecord, AuditSubject
from trace.registry.product_links import ProductLink

GOOD = {
    "link_type": "gs1:hasRetailers",
    "href": "https://postmart.vn/gao-st25",
    "title_vi": "Gạo ST25 trên Postmart",
    "title_en": "ST25 rice on Postmart",
}


def link_count(session) -> int:
    return session.scalar(select(func.count()).select_from(ProductLink))


def post_with_token(client, page_path: str, action: str, data: dict[str, str]):
    token = csrf_token_from(client.get(page_path).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data})


def test_staff_add_a_link_from_the_products_page(client, session, tenants):
    product = tenants.product_a
    sign_in(client, tenants.staff_a)
    detail = client.get(f"/products/{product.id}?lang=en")
    assert f'href="/products/{product.id}/links"' in detail.get_data(as_text=True)
    response = submit(client, f"/products/{product.id}/links?lang=en", GOOD)
    assert response.status_code == 302
    (link,) = session.scalars(select(ProductLink)).all()
    assert (link.product_id, link.batch_id, link.href) == (product.id, None, GOOD["href"])
    page = text_of(client.get(f"/products/{product.id}/links?lang=en"))
    assert "The link was added." in page
    assert "Where to buy: shop or marketplace listing" in page
    assert "Gạo ST25 trên Postmart" in page
    assert "Gạo ST25 trên Postmart" in text_of(client.get(f"/products/{product.id}"))


def test_bad_input_is_shown_at_its_field_and_saves_nothing(client, session, tenants):
    path = f"/products/{tenants.product_a.id}/links?lang=en"
    sign_in(client, tenants.staff_a)
    response = submit(
        client, path, {**GOOD, "href": "https://user:pw@postmart.vn/x", "link_type": "x"}
    )
    assert response.status_code == 422
    assert_shows_error(response, "href", "Remove the user name and password from the address.")
    assert_shows_error(response, "link_type", "Choose the kind of link from the list.")
    assert control(response, "href")["value"] == "https://user:pw@postmart.vn/x"
    assert link_count(session) == 0
    response = submit(client, path, {**GOOD, "href": "http://postmart.vn/x"})
    assert_shows_error(response, "href", "Only addresses starting with https:// are accepted.")
    assert link_count(session) == 0


def test_a_known_marketplace_names_the_link_when_no_title_is_given(client, session, tenants):
    sign_in(client, tenants.staff_a)
    values = {**GOOD, "href": "https://tiki.vn/gao", "title_vi": "", "title_en": ""}
    response = submit(client, f"/products/{tenants.product_a.id}/links", values)
    assert response.status_code == 302
    link = session.scalars(select(ProductLink)).one()
    assert (link.title_vi, link.title_en) == ("Tiki", "Tiki")


def test_a_batch_keeps_its_own_links_and_shows_the_products(client, session, tenants):
    batch = make_batch(session, tenants.product_a)
    make_product_link(session, tenants.product_a, title_vi="Cửa hàng HTX")
    sign_in(client, tenants.staff_a)
    assert f'href="/batches/{batch.id}/links"' in client.get(f"/batches/{batch.id}").get_data(
        as_text=True
    )
    response = submit(client, f"/batches/{batch.id}/links", GOOD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/batches/{batch.id}/links")
    own = session.scalars(select(ProductLink).where(ProductLink.batch_id == batch.id)).one()
    page = text_of(client.get(f"/batches/{batch.id}/links?lang=en"))
    assert GOOD["title_vi"] in page
    assert "Links of the product, shown too" in page
    assert "Cửa hàng HTX" in page
    detail = text_of(client.get(f"/batches/{batch.id}"))
    assert "Cửa hàng HTX" in detail
    assert GOOD["title_vi"] in detail
    assert "Đã thêm liên kết" in detail  # its history
    # Changing the batch's link goes back to the batch's links.
    edit = f"/product-links/{own.id}/edit"
    changed = submit(client, edit, {**GOOD, "title_vi": "Postmart Sóc Trăng"})
    assert changed.headers["Location"].endswith(f"/batches/{batch.id}/links")
    session.refresh(own)
    assert own.title_vi == "Postmart Sóc Trăng"


def test_a_link_is_changed_and_a_bad_change_keeps_it(client, session, tenants):
    link = make_product_link(session, tenants.product_a, href="https://voso.vn/gao")
    sign_in(client, tenants.staff_a)
    form = client.get(f"/product-links/{link.id}/edit?lang=en")
    assert control(form, "href")["value"] == "https://voso.vn/gao"
    refused = submit(client, f"/product-links/{link.id}/edit?lang=en", {**GOOD, "href": "x"})
    assert refused.status_code == 422
    session.refresh(link)
    assert link.href == "https://voso.vn/gao"
    saved = submit(client, f"/product-links/{link.id}/edit", GOOD)
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/products/{tenants.product_a.id}/links")
    session.refresh(link)
    assert link.href == GOOD["href"]


def test_links_move_up_and_down(client, session, tenants):
    product = tenants.product_a
    first = make_product_link(session, product, title_vi="Một", position=1)
    second = make_product_link(session, product, title_vi="Hai", position=2)
    sign_in(client, tenants.staff_a)
    page_path = f"/products/{product.id}/links"
    markup = client.get(page_path).get_data(as_text=True)
    # The first offers only "down", the last only "up".
    forms = re.findall(
        r'<form method="post" action="/product-links/(\d+)/move".*?</form>', markup, re.S
    )
    assert forms == [str(first.id), str(second.id)]
    assert markup.count('value="up"') == markup.count('value="down"') == 1
    response = post_with_token(
        client, page_path, f"/product-links/{second.id}/move", {"direction": "up"}
    )
    assert response.status_code == 302
    session.refresh(first)
    session.refresh(second)
    assert (second.position, first.position) == (1, 2)
    post_with_token(
        client, page_path, f"/product-links/{second.id}/move", {"direction": "sideways"}
    )
    session.refresh(second)
    assert second.position == 1


def test_deleting_asks_first_then_deletes_and_audits(client, session, tenants):
    link = make_product_link(session, tenants.product_a, title_vi="<b>Shop</b>")
    link_id = link.id
    sign_in(client, tenants.staff_a)
    confirm = client.get(f"/product-links/{link_id}/delete?lang=en")
    assert confirm.status_code == 200
    assert "&lt;b&gt;Shop&lt;/b&gt;" in confirm.get_data(as_text=True)
    assert link_count(session) == 1
    response = submit(client, f"/product-links/{link_id}/delete", {})
    assert response.status_code == 302
    assert link_count(session) == 0
    records = session.scalars(
        select(AuditRecord).where(AuditRecord.subject == AuditSubject.PRODUCT_LINK)
    ).all()
    assert [record.subject_id for record in records] == [link_id]


@pytest.mark.parametrize("caller", READ_ONLY)
def test_readers_see_the_links_but_no_form(client, session, tenants, caller):
    make_product_link(session, tenants.product_a, title_vi="Cửa hàng HTX")
    sign_in(client, tenants.user(caller))
    page = client.get(f"/products/{tenants.product_a.id}/links")
    assert page.status_code == 200
    assert "Cửa hàng HTX" in text_of(page)
    assert 'name="href"' not in page.get_data(as_text=True)
    assert "/move" not in page.get_data(as_text=True)


@pytest.mark.parametrize("caller", OTHER_TENANT)
def test_another_tenant_finds_no_link_page(client, session, tenants, caller):
    link = make_product_link(session, tenants.product_a)
    batch = make_batch(session, tenants.product_a)
    sign_in(client, tenants.user(caller))
    for path in (
        f"/products/{tenants.product_a.id}/links",
        f"/batches/{batch.id}/links",
        f"/product-links/{link.id}/edit",
        f"/product-links/{link.id}/delete",
    ):
        assert client.get(path).status_code == 404, path
    app_config_token = csrf_token_from(client.get("/products").get_data(as_text=True))
    for path in (
        f"/products/{tenants.product_a.id}/links",
        f"/batches/{batch.id}/links",
        f"/product-links/{link.id}/move",
        f"/product-links/{link.id}/delete",
    ):
        response = client.post(path, data={"csrf_token": app_config_token, **GOOD})
        assert response.status_code == 404, path
    assert link_count(session) == 1
