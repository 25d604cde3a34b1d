"""API: /api/v1/products — list, get, create, update, archive, scoped to the caller."""

from __future__ import annotations

import pytest

from tests.api.registry_helpers import caller, count, field_errors, ids
from tests.factories import make_certificate, make_cooperative, make_key_product, make_product
from trace.registry.models import CertificateScheme, Product

URL = "/api/v1/products"
# A GTIN-13 with a right check digit (893 is Vietnam's GS1 prefix), and the same one wrong.
GTIN = "8934567890120"
WRONG_GTIN = "8934567890125"


def _new_product(**values):
    return {
        "name": "Gạo ST25 túi 5 kg",
        "category": "Gạo",
        "unit": "túi",
        "brand": "Trần Đề",
        "gtin": GTIN,
        "shelf_life_days": 365,
        **values,
    }


def test_the_list_is_a_page_envelope_of_products(client, session, tenants):
    body = caller(client, session, tenants.staff_a).get(URL).get_json()
    assert (body["total"], body["page"], body["per_page"]) == (1, 1, 20)
    product = body["items"][0]
    assert product["id"] == tenants.product_a.id
    assert product["cooperative_id"] == tenants.cooperative_a.id
    assert product["image_url"] is None
    assert product["ocop_certificate_id"] is None


@pytest.mark.parametrize(
    ("user", "sees_a", "sees_b"),
    [
        ("operator", True, True),
        ("inspector", True, True),
        ("staff_a", True, False),
        ("staff_b", False, True),
        ("officer_a", True, False),
        ("officer_b", False, True),
    ],
)
def test_each_role_lists_the_products_it_may_read(client, session, tenants, user, sees_a, sees_b):
    product_b = make_product(session, tenants.cooperative_b)
    listed = set(ids(caller(client, session, tenants.user(user)).get(URL)))
    assert (tenants.product_a.id in listed, product_b.id in listed) == (sees_a, sees_b)


def test_operators_filter_by_cooperative_and_staff_cannot_widen_it(client, session, tenants):
    product_b = make_product(session, tenants.cooperative_b)
    operator = caller(client, session, tenants.operator)
    assert ids(operator.get(URL, cooperative_id=tenants.cooperative_b.id)) == [product_b.id]
    staff = caller(client, session, tenants.staff_a)
    assert ids(staff.get(URL, cooperative_id=tenants.cooperative_b.id)) == []


def test_search_and_pages(client, session, tenants):
    for name in ("Mật ong hoa nhãn", "Mật ong rừng U Minh", "Tôm khô Đầm Dơi"):
        make_product(session, tenants.cooperative_a, name=name)
    api = caller(client, session, tenants.staff_a)
    found = api.get(URL, q="MẬT ONG", per_page=1).get_json()
    assert found["total"] == 2
    assert [item["name"] for item in found["items"]] == ["Mật ong hoa nhãn"]
    second = api.get(URL, q="mật ong", per_page=1, page=2).get_json()
    assert [item["name"] for item in second["items"]] == ["Mật ong rừng U Minh"]


def test_get_hides_other_tenants_products(client, session, tenants):
    path = f"{URL}/{tenants.product_a.id}"
    assert caller(client, session, tenants.staff_a).get(path).status_code == 200
    assert caller(client, session, tenants.inspector).get(path).status_code == 200
    assert caller(client, session, tenants.staff_b).get(path).status_code == 404
    assert caller(client, session, tenants.officer_b).get(path).status_code == 404


def test_staff_create_products_for_their_cooperative(client, session, tenants):
    response = caller(client, session, tenants.staff_a).post(URL, _new_product())
    assert response.status_code == 201
    body = response.get_json()
    assert body["gtin"] == "0" + GTIN
    assert (body["unit"], body["is_key_product"], body["shelf_life_days"]) == ("túi", False, 365)
    stored = session.get(Product, body["id"])
    assert (stored.cooperative_id, stored.name) == (tenants.cooperative_a.id, "Gạo ST25 túi 5 kg")


def test_the_unit_defaults_to_kilograms(client, session, tenants):
    response = caller(client, session, tenants.staff_a).post(URL, {"name": "Gạo lứt"})
    assert response.status_code == 201
    assert response.get_json()["unit"] == "kg"


def test_staff_cannot_create_for_another_cooperative(client, session, tenants):
    before = count(session, Product)
    response = caller(client, session, tenants.staff_b).post(
        URL, _new_product(cooperative_id=tenants.cooperative_a.id)
    )
    assert response.status_code == 404
    assert count(session, Product) == before


def test_operators_name_the_cooperative(client, session, tenants):
    operator = caller(client, session, tenants.operator)
    assert "cooperative_id" in field_errors(operator.post(URL, _new_product()))
    assert "cooperative_id" in field_errors(
        operator.post(URL, _new_product(cooperative_id=2147483647))
    )
    response = operator.post(URL, _new_product(cooperative_id=tenants.cooperative_b.id))
    assert response.status_code == 201
    assert response.get_json()["cooperative_id"] == tenants.cooperative_b.id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": None}, "name"),
        ({"unit": "u" * 31}, "unit"),
        ({"gtin": WRONG_GTIN}, "gtin"),
        ({"gtin": "８９３４５６７８９０１２０"}, "gtin"),
        ({"gtin": 8934567890120}, "gtin"),
        ({"shelf_life_days": 0}, "shelf_life_days"),
        ({"shelf_life_days": 2.5}, "shelf_life_days"),
        ({"shelf_life_days": "30"}, "shelf_life_days"),
        ({"ocop_stars": 4}, "ocop_certificate_id"),
        ({"ocop_stars": 6, "ocop_certificate_id": 1}, "ocop_stars"),
        ({"ocop_certificate_id": 0, "ocop_stars": 4}, "ocop_certificate_id"),
        ({"cooperative_id": "1"}, "cooperative_id"),
        ({"image_upload_id": 1}, "image_upload_id"),
        ({"colour": "white"}, "colour"),
    ],
)
def test_invalid_products_are_refused_naming_the_field(client, session, tenants, changes, field):
    before = count(session, Product)
    response = caller(client, session, tenants.staff_a).post(URL, _new_product(**changes))
    assert field in field_errors(response)
    assert count(session, Product) == before


def test_names_and_gtins_are_unique(client, session, tenants):
    make_product(session, tenants.cooperative_a, name="Gạo ST25 túi 5 kg", gtin="0" + GTIN)
    response = caller(client, session, tenants.staff_a).post(URL, _new_product())
    assert set(field_errors(response)) == {"name", "gtin"}


def test_ocop_stars_come_with_an_ocop_certificate_of_the_same_cooperative(client, session, tenants):
    own = make_certificate(session, tenants.cooperative_a, scheme=CertificateScheme.OCOP)
    other = make_certificate(session, tenants.cooperative_b, scheme=CertificateScheme.OCOP)
    api = caller(client, session, tenants.staff_a)
    refused = api.post(URL, _new_product(ocop_stars=4, ocop_certificate_id=other.id))
    assert "ocop_certificate_id" in field_errors(refused)
    refused = api.post(
        URL, _new_product(ocop_stars=4, ocop_certificate_id=tenants.certificate_a.id)
    )
    assert "ocop_certificate_id" in field_errors(refused)
    accepted = api.post(URL, _new_product(ocop_stars=4, ocop_certificate_id=own.id))
    assert accepted.status_code == 201
    assert (accepted.get_json()["ocop_stars"], accepted.get_json()["ocop_certificate_id"]) == (
        4,
        own.id,
    )


@pytest.mark.parametrize("user", ["inspector", "officer_a"])
def test_read_only_roles_cannot_create(client, session, tenants, user):
    before = count(session, Product)
    response = caller(client, session, tenants.user(user)).post(URL, _new_product())
    assert response.status_code == 403
    assert count(session, Product) == before


def test_update_changes_only_the_given_fields(client, session, tenants):
    path = f"{URL}/{tenants.product_a.id}"
    response = caller(client, session, tenants.staff_a).patch(path, {"brand": "Sóc Trăng Gold"})
    assert response.status_code == 200
    assert response.get_json()["brand"] == "Sóc Trăng Gold"
    assert response.get_json()["name"] == tenants.product_a.name
    session.expire_all()
    assert session.get(Product, tenants.product_a.id).brand == "Sóc Trăng Gold"


def test_an_invalid_update_changes_nothing(client, session, tenants):
    path = f"{URL}/{tenants.product_a.id}"
    response = caller(client, session, tenants.staff_a).patch(
        path, {"brand": "Mới", "gtin": WRONG_GTIN}
    )
    assert set(field_errors(response)) == {"gtin"}
    session.expire_all()
    assert session.get(Product, tenants.product_a.id).brand == ""


def test_the_cooperative_of_a_product_cannot_be_changed(client, session, tenants):
    path = f"{URL}/{tenants.product_a.id}"
    response = caller(client, session, tenants.operator).patch(
        path, {"cooperative_id": tenants.cooperative_b.id}
    )
    assert "cooperative_id" in field_errors(response)


@pytest.mark.parametrize(("user", "status"), [("staff_b", 404), ("inspector", 403)])
def test_others_cannot_update_or_archive(client, session, tenants, user, status):
    api = caller(client, session, tenants.user(user))
    path = f"{URL}/{tenants.product_a.id}"
    assert api.patch(path, {"brand": "X"}).status_code == status
    assert api.post(f"{path}/archive").status_code == status
    session.expire_all()
    assert session.get(Product, tenants.product_a.id).archived_at is None


def test_archived_products_leave_the_default_list(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    response = api.post(f"{URL}/{tenants.product_a.id}/archive")
    assert response.status_code == 200
    assert response.get_json()["archived_at"] is not None
    assert ids(api.get(URL)) == []
    assert ids(api.get(URL, include_archived="true")) == [tenants.product_a.id]
    assert api.get(f"{URL}/{tenants.product_a.id}").status_code == 200


def test_officers_read_products_of_every_cooperative_in_their_commune(client, session, tenants):
    neighbour = make_cooperative(session, commune_code=tenants.cooperative_a.commune_code)
    theirs = make_product(session, neighbour)
    listed = ids(caller(client, session, tenants.officer_a).get(URL))
    assert set(listed) == {tenants.product_a.id, theirs.id}


def test_the_routes_are_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert set(document["paths"][URL]) >= {"get", "post"}
    assert set(document["paths"][URL + "/{product_id}"]) >= {"get", "patch"}
    assert "post" in document["paths"][URL + "/{product_id}/archive"]
    parameters = {p["name"] for p in document["paths"][URL]["get"]["parameters"]}
    assert parameters == {"page", "per_page", "q", "include_archived", "cooperative_id"}
    assert "image_url" in document["components"]["schemas"]["ProductOut"]["required"]


def test_a_product_code_is_upper_cased_and_returned(client, session, tenants):
    response = caller(client, session, tenants.staff_a).post(URL, _new_product(code="st25"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["code"] == "ST25"
    listed = caller(client, session, tenants.staff_a).get(URL).get_json()["items"]
    assert {item["code"] for item in listed} == {None, "ST25"}


@pytest.mark.parametrize("bad", ["ST-25", "GẠO", "A" * 13, 25])
def test_a_bad_product_code_is_named(client, session, tenants, bad):
    response = caller(client, session, tenants.staff_a).post(URL, _new_product(code=bad))
    assert set(field_errors(response)) == {"code"}


def test_a_product_code_is_unique_within_a_cooperative_only(client, session, tenants):
    make_product(session, tenants.cooperative_a, code="ST25")
    staff_a = caller(client, session, tenants.staff_a)
    assert "code" in field_errors(staff_a.post(URL, _new_product(code="ST25")))
    response = caller(client, session, tenants.staff_b).post(URL, _new_product(code="ST25"))
    assert response.status_code == 201, response.get_json()
    response = staff_a.patch(f"{URL}/{tenants.product_a.id}", {"code": "ST25"})
    assert "code" in field_errors(response)


@pytest.mark.parametrize("method", ["post", "patch"])
@pytest.mark.parametrize("value", [True, False, "yes"])
def test_is_key_product_is_refused_in_input_saying_the_commune_decides(
    client, session, tenants, method, value
):
    api = caller(client, session, tenants.staff_a)
    before = count(session, Product)
    if method == "post":
        response = api.post(URL, _new_product(is_key_product=value))
    else:
        response = api.patch(f"{URL}/{tenants.product_a.id}", {"is_key_product": value})
    message = " ".join(field_errors(response)["is_key_product"])
    assert "xã quyết định các sản phẩm chủ lực" in message  # the commune decides
    assert count(session, Product) == before
    assert session.get(Product, tenants.product_a.id).is_key_product is False


def test_is_key_product_follows_the_communes_list(client, session, tenants):
    path = f"{URL}/{tenants.product_a.id}"
    api = caller(client, session, tenants.staff_a)
    assert api.get(path).get_json()["is_key_product"] is False
    entry = make_key_product(session, tenants.product_a)
    assert api.get(path).get_json()["is_key_product"] is True
    assert [item["is_key_product"] for item in api.get(URL).get_json()["items"]] == [True]
    entry.removed_at = entry.added_at
    session.flush()
    assert api.get(path).get_json()["is_key_product"] is False


def test_is_key_product_is_documented_as_derived_and_read_only(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    field = schemas["ProductOut"]["properties"]["is_key_product"]
    assert field["readOnly"] is True
    assert "commune" in field["description"]
    assert "is_key_product" not in schemas["ProductCreate"]["properties"]
    assert "is_key_product" not in schemas["ProductUpdate"]["properties"]
