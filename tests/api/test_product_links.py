"""API: a product's links — listed, added, changed, reordered, deleted — and in products'
and batches' JSON."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.api.registry_helpers import caller, count, field_errors
from tests.factories import make_batch, make_product, make_product_link
from trace.audit.models import AuditAction, AuditRecord, AuditSubject
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


def order_url(product_id: int) -> str:
    return f"{links_url(product_id)}/order"


def audits_of(session, link_id: int) -> list[AuditRecord]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditRecord)
            .where(
                AuditRecord.subject == AuditSubject.PRODUCT_LINK, AuditRecord.subject_id == link_id
            )
            .order_by(AuditRecord.id)
        )
    )


def stored(session, link: ProductLink) -> dict[str, Any]:
    session.refresh(link)
    return {name: getattr(link, name) for name in (*LINK, "position", "batch_id")}


def test_a_change_keeps_the_fields_not_given(client, session, tenants):
    link = make_product_link(session, tenants.product_a, href="https://example.vn/recipe")
    before = stored(session, link)
    staff = caller(client, session, tenants.staff_a)
    url = f"{links_url(tenants.product_a.id)}/{link.id}"
    response = staff.patch(url, json={"link_type": "gs1:recipeInfo", "title_en": "Recipe"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["id"] == link.id
    changed = {"link_type": "gs1:recipeInfo", "title_en": "Recipe"}
    assert stored(session, link) == {**before, **changed}
    assert {key: response.get_json()[key] for key in LINK} == {
        key: stored(session, link)[key] for key in LINK
    }
    [record] = audits_of(session, link.id)
    assert record.action is AuditAction.CHANGED
    assert record.changes == {
        "link_type": ["gs1:hasRetailers", "gs1:recipeInfo"],
        "title_en": ["Shopee", "Recipe"],
    }


def test_a_change_is_checked_as_a_new_link_is(client, session, tenants):
    link = make_product_link(session, tenants.product_a)
    staff = caller(client, session, tenants.staff_a)
    url = f"{links_url(tenants.product_a.id)}/{link.id}"
    # An address off the marketplaces leaves the stored title (Shopee) as it was.
    moved = staff.patch(url, json={"href": "https://postmart.vn/gao"})
    assert moved.status_code == 200
    assert moved.get_json()["title_vi"] == "Shopee"
    # A page on a known marketplace with no title of its own is named after it.
    named = staff.patch(url, json={"title_vi": "", "title_en": ""})
    assert named.status_code == 200
    assert (named.get_json()["title_vi"], named.get_json()["title_en"]) == ("Postmart",) * 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("href", "http://postmart.vn/x"),
        ("href", "https://10.0.0.1/x"),
        ("link_type", "gs1:defaultLink"),
        ("title_vi", "x" * 121),
        ("title_en", None),
        ("href", 12),
        ("position", 1),
        ("batch_id", None),
    ],
)
def test_a_bad_change_answers_422_and_changes_nothing(client, session, tenants, field, value):
    link = make_product_link(session, tenants.product_a)
    before = stored(session, link)
    staff = caller(client, session, tenants.staff_a)
    url = f"{links_url(tenants.product_a.id)}/{link.id}"
    response = staff.patch(url, json={"title_vi": "Chợ", field: value})
    assert field in field_errors(response)
    assert stored(session, link) == before
    assert audits_of(session, link.id) == []


def test_an_untitled_link_off_the_marketplaces_is_refused(client, session, tenants):
    link = make_product_link(session, tenants.product_a, href="https://example.vn/recipe")
    staff = caller(client, session, tenants.staff_a)
    url = f"{links_url(tenants.product_a.id)}/{link.id}"
    assert "title_vi" in field_errors(staff.patch(url, json={"title_vi": " "}))
    assert stored(session, link)["title_vi"] == "Shopee"


def test_a_link_is_changed_only_under_its_own_product(client, session, tenants):
    link = make_product_link(session, make_product(session, tenants.cooperative_a))
    staff = caller(client, session, tenants.staff_a)
    url = f"{links_url(tenants.product_a.id)}/{link.id}"
    # The link is looked up before the body is read: a bad body says nothing either.
    for body in ({"title_vi": "Khác"}, {"href": "http://x"}):
        assert staff.patch(url, json=body).status_code == 404
    assert staff.patch(f"{links_url(tenants.product_a.id)}/999999", json={}).status_code == 404
    assert stored(session, link)["title_vi"] == "Shopee"


@pytest.mark.parametrize(
    ("user", "refused"),
    [("staff_b", 404), ("officer_b", 403), ("inspector", 403), ("officer_a", 403)],
)
def test_others_may_not_change_or_reorder(client, session, tenants, user, refused):
    first, second = (make_product_link(session, tenants.product_a) for _ in range(2))
    before = stored(session, first)
    other = caller(client, session, tenants.user(user))
    url = f"{links_url(tenants.product_a.id)}/{first.id}"
    assert other.patch(url, json={"title_vi": "Khác"}).status_code == refused
    assert other.patch(url, json={"href": "bad"}).status_code == refused
    order = {"ids": [second.id, first.id]}
    assert put(client, other, order_url(tenants.product_a.id), order).status_code == refused
    assert put(client, other, order_url(tenants.product_a.id), {}).status_code == refused
    assert stored(session, first) == before
    assert audits_of(session, first.id) == []


def put(client, who, url: str, body: Any) -> Any:
    return client.put(url, json=body, headers=who.headers)


def test_the_product_wide_links_are_reordered(client, session, tenants):
    product = tenants.product_a
    batch = make_batch(session, product)
    first = make_product_link(session, product, position=1)
    own = make_product_link(session, product, batch_id=batch.id, position=2)
    second = make_product_link(session, product, position=3)
    third = make_product_link(session, product, position=4)
    staff = caller(client, session, tenants.staff_a)
    new_order = [third.id, first.id, second.id]
    response = put(client, staff, order_url(product.id), {"ids": new_order})
    assert response.status_code == 200, response.get_json()
    assert [item["id"] for item in response.get_json()] == new_order
    positions = {link.id: stored(session, link)["position"] for link in (first, own, second, third)}
    # The level keeps its positions, dealt out anew; the batch's own link keeps its own.
    assert positions == {third.id: 1, first.id: 3, second.id: 4, own.id: 2}
    listed = staff.get(links_url(product.id)).get_json()
    assert [item["id"] for item in listed] == [third.id, own.id, first.id, second.id]
    for link in (first, second, third):
        [record] = audits_of(session, link.id)
        assert record.action is AuditAction.CHANGED
        assert list(record.changes) == ["position"]
    assert audits_of(session, own.id) == []


def test_a_batchs_own_links_are_reordered_with_its_id(client, session, tenants):
    product = tenants.product_a
    batch = make_batch(session, product)
    wide = make_product_link(session, product)
    first, second = (make_product_link(session, product, batch_id=batch.id) for _ in range(2))
    staff = caller(client, session, tenants.staff_a)
    body = {"ids": [second.id, first.id], "batch_id": batch.id}
    response = put(client, staff, order_url(product.id), body)
    assert response.status_code == 200, response.get_json()
    assert [item["id"] for item in response.get_json()] == [second.id, first.id]
    assert stored(session, second)["position"] < stored(session, first)["position"]
    # A batch of another product is missing; so is the order of another product.
    other_batch = make_batch(session, make_product(session, tenants.cooperative_a))
    refused = put(client, staff, order_url(product.id), {**body, "batch_id": other_batch.id})
    assert refused.status_code == 404
    assert audits_of(session, wide.id) == []


@pytest.mark.parametrize(
    ("order", "problem"),
    [
        (lambda wide, own: wide[:1], "missing"),
        (lambda wide, own: [], "missing"),
        (lambda wide, own: [*wide, wide[0]], "repeated"),
        (lambda wide, own: [*wide, own], "not links at this level"),
        (lambda wide, own: [*wide, 999999], "not links at this level"),
    ],
)
def test_an_order_that_is_not_a_permutation_is_refused(client, session, tenants, order, problem):
    product = tenants.product_a
    first, second = (make_product_link(session, product) for _ in range(2))
    own = make_product_link(session, product, batch_id=make_batch(session, product).id)
    before = [stored(session, link) for link in (first, second, own)]
    staff = caller(client, session, tenants.staff_a)
    body = {"ids": order([second.id, first.id], own.id)}
    headers = {**staff.headers, "Accept-Language": "en"}
    errors = field_errors(client.put(order_url(product.id), json=body, headers=headers))
    assert problem in " ".join(errors["ids"]), errors
    assert [stored(session, link) for link in (first, second, own)] == before
    assert [audits_of(session, link.id) for link in (first, second, own)] == [[], [], []]


@pytest.mark.parametrize(
    "body",
    [{}, {"ids": "1,2"}, {"ids": [0]}, {"ids": ["1"]}, {"ids": [], "position": 1}],
)
def test_a_malformed_order_answers_422(client, session, tenants, body):
    make_product_link(session, tenants.product_a)
    staff = caller(client, session, tenants.staff_a)
    assert put(client, staff, order_url(tenants.product_a.id), body).status_code == 422
