"""API: a product's links — listed, added, deleted — and in products' and batches' JSON."""

from __future__ import annotations

import pytest

from tests.api.registry_helpers import caller, count, field_errors
from tests.factories import make_batch, make_product, make_product_link
from trace.audit.models import AuditRecord, AuditSubject
from trace.registry.product_links import ProductLink

LINK = {
    "link_type": "gs1:hasRetailers",
    "href": "https://postmart.vn/gao-st25",
    "title_vi": "Gạo ST25 trên Postmart",
    "title_en": "ST25 rice on Postmart",
}


def links_url(product_id: int) -> str:
    return f"/api/v1/products/{product_id}/links"


def test_staff_add_list_and_delete_a_link(client, session, tenants):
    product = tenants.product_a
    staff = caller(client, session, tenants.staff_a)
    created = staff.post(links_url(product.id), json=LINK)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert {key: body[key] for key in LINK} == LINK
    assert (body["product_id"], body["batch_id"]) == (product.id, None)
    listed = staff.get(links_url(product.id)).get_json()
    assert [item["id"] for item in listed] == [body["id"]]
    deleted = client.delete(f"{links_url(product.id)}/{body['id']}", headers=staff.headers)
    assert deleted.status_code == 204
    assert count(session, ProductLink) == 0
    assert count(session, AuditRecord) >= 2
    subjects = {record.subject for record in session.query(AuditRecord).all()}
    assert AuditSubject.PRODUCT_LINK in subjects


def test_a_batchs_link_is_added_with_its_batch_id(client, session, tenants):
    batch = make_batch(session, tenants.product_a)
    staff = caller(client, session, tenants.staff_a)
    created = staff.post(links_url(tenants.product_a.id), json={**LINK, "batch_id": batch.id})
    assert created.status_code == 201
    assert created.get_json()["batch_id"] == batch.id
    other = make_batch(session, make_product(session, tenants.cooperative_a))
    refused = staff.post(links_url(tenants.product_a.id), json={**LINK, "batch_id": other.id})
    assert refused.status_code == 404


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("href", "http://postmart.vn/x"),
        ("href", "https://a:b@postmart.vn/x"),
        ("href", "https://10.0.0.1/x"),
        ("link_type", "gs1:defaultLink"),
        ("title_vi", "x" * 121),
        ("href", 12),
    ],
)
def test_bad_input_answers_422_naming_the_field(client, session, tenants, field, value):
    staff = caller(client, session, tenants.staff_a)
    response = staff.post(links_url(tenants.product_a.id), json={**LINK, field: value})
    assert response.status_code == 422
    assert field in field_errors(response)
    assert count(session, ProductLink) == 0


def test_unknown_fields_are_refused(client, session, tenants):
    staff = caller(client, session, tenants.staff_a)
    response = staff.post(links_url(tenants.product_a.id), json={**LINK, "position": 1})
    assert response.status_code == 422


@pytest.mark.parametrize("user", ["staff_b", "officer_b"])
def test_another_tenants_links_are_missing(client, session, tenants, user):
    link = make_product_link(session, tenants.product_a)
    other = caller(client, session, tenants.user(user))
    assert other.get(links_url(tenants.product_a.id)).status_code == 404
    # Officers may change no product: refused for their role before any look-up.
    refused = 404 if user == "staff_b" else 403
    assert other.post(links_url(tenants.product_a.id), json=LINK).status_code == refused
    # A bad body says nothing either: the product is looked up before the body is read.
    assert other.post(links_url(tenants.product_a.id), json={}).status_code == refused
    url = f"{links_url(tenants.product_a.id)}/{link.id}"
    assert client.delete(url, headers=other.headers).status_code == refused
    assert count(session, ProductLink) == 1


@pytest.mark.parametrize("user", ["inspector", "officer_a"])
def test_readers_list_but_may_not_change(client, session, tenants, user):
    link = make_product_link(session, tenants.product_a)
    reader = caller(client, session, tenants.user(user))
    assert reader.get(links_url(tenants.product_a.id)).status_code == 200
    assert reader.post(links_url(tenants.product_a.id), json=LINK).status_code == 403
    url = f"{links_url(tenants.product_a.id)}/{link.id}"
    assert client.delete(url, headers=reader.headers).status_code == 403
    assert count(session, ProductLink) == 1


def test_a_link_is_deleted_only_under_its_own_product(client, session, tenants):
    other_product = make_product(session, tenants.cooperative_a)
    link = make_product_link(session, other_product)
    staff = caller(client, session, tenants.staff_a)
    url = f"{links_url(tenants.product_a.id)}/{link.id}"
    assert client.delete(url, headers=staff.headers).status_code == 404
    assert count(session, ProductLink) == 1


def test_products_and_batches_show_their_links(client, session, tenants):
    product = tenants.product_a
    batch, other_batch = make_batch(session, product), make_batch(session, product)
    wide = make_product_link(session, product, position=2)
    own = make_product_link(session, product, batch_id=batch.id, position=1)
    other_own = make_product_link(session, product, batch_id=other_batch.id, position=3)
    session.commit()
    staff = caller(client, session, tenants.staff_a)
    shown = staff.get(f"/api/v1/products/{product.id}").get_json()["links"]
    assert [item["id"] for item in shown] == [wide.id]
    listed = staff.get("/api/v1/products").get_json()["items"][0]["links"]
    assert [item["id"] for item in listed] == [wide.id]
    of_batch = staff.get(f"/api/v1/batches/{batch.id}").get_json()["links"]
    assert [item["id"] for item in of_batch] == [own.id, wide.id]
    batches = {item["id"]: item for item in staff.get("/api/v1/batches").get_json()["items"]}
    assert [item["id"] for item in batches[other_batch.id]["links"]] == [wide.id, other_own.id]
