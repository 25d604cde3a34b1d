"""API: /api/v1/cooperatives — list, get, create (operators), update, archive."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.api.registry_helpers import caller, count, field_errors, ids, valid_tax_code
from tests.factories import DAI_TU, SOC_TRANG, make_cooperative
from trace.audit.models import AuditRecord, AuditSubject
from trace.registry.models import Cooperative

URL = "/api/v1/cooperatives"


def cooperative_audit(session, cooperative_id):
    session.expire_all()
    return session.scalars(
        select(AuditRecord).where(
            AuditRecord.subject == AuditSubject.COOPERATIVE,
            AuditRecord.subject_id == cooperative_id,
        )
    ).all()


def _new_cooperative(**values):
    return {
        "name": "HTX Lúa gạo Kế Sách",
        "tax_code": valid_tax_code("180012345"),
        "code_prefix": "KESACH",
        "commune_code": "31528",
        "street_address": "Ấp An Khương",
        "phone": "0299 3851 234",
        "email": "HTX.KeSach@example.vn",
        **values,
    }


def test_the_list_is_a_page_envelope(client, session, tenants):
    body = caller(client, session, tenants.operator).get(URL).get_json()
    assert set(body) == {"items", "total", "page", "per_page"}
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 2)
    item = body["items"][0]
    assert item["commune"]["code"] == item["commune_code"]
    assert item["archived_at"] is None


def test_the_list_pages_through_in_name_order(client, session, tenants):
    api = caller(client, session, tenants.operator)
    names = sorted([tenants.cooperative_a.name, tenants.cooperative_b.name])
    first = api.get(URL, per_page=1).get_json()
    second = api.get(URL, per_page=1, page=2).get_json()
    assert [first["items"][0]["name"], second["items"][0]["name"]] == names
    assert first["total"] == second["total"] == 2
    assert api.get(URL, per_page=1, page=3).get_json()["items"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"per_page": 101}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"include_archived": "yes"}, "include_archived"),
        ({"colour": "red"}, "colour"),
        ({"q": "HTX\x00"}, "q"),
    ],
)
def test_bad_list_arguments_are_422_naming_them(client, session, tenants, query, field):
    response = caller(client, session, tenants.operator).get(URL, **query)
    assert field in field_errors(response)


def test_search_matches_name_or_tax_code(client, session, tenants):
    make_cooperative(session, name="HTX Chè Tân Cương", commune_code=DAI_TU)
    api = caller(client, session, tenants.operator)
    assert [row["name"] for row in api.get(URL, q="chè tân").get_json()["items"]] == [
        "HTX Chè Tân Cương"
    ]
    assert ids(api.get(URL, q=tenants.cooperative_b.tax_code)) == [tenants.cooperative_b.id]


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
def test_each_role_lists_what_it_may_read(client, session, tenants, user, sees_a, sees_b):
    listed = set(ids(caller(client, session, tenants.user(user)).get(URL)))
    assert (tenants.cooperative_a.id in listed, tenants.cooperative_b.id in listed) == (
        sees_a,
        sees_b,
    )


def test_get_answers_own_and_hides_others(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    body = api.get(f"{URL}/{tenants.cooperative_a.id}").get_json()
    assert body["tax_code"] == tenants.cooperative_a.tax_code
    assert body["commune"]["name"] == "Phường Sóc Trăng"
    assert api.get(f"{URL}/{tenants.cooperative_b.id}").status_code == 404
    assert api.get(f"{URL}/2147483647").status_code == 404


def test_operators_create_cooperatives(client, session, tenants):
    response = caller(client, session, tenants.operator).post(URL, _new_cooperative())
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "htx.kesach@example.vn"
    assert body["commune"]["name"] == "Xã Kế Sách"
    stored = session.get(Cooperative, body["id"])
    assert (stored.name, stored.code_prefix) == ("HTX Lúa gạo Kế Sách", "KESACH")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tax_code": "0123456789"}, "tax_code"),
        ({"tax_code": "12345"}, "tax_code"),
        ({"code_prefix": "ké sách"}, "code_prefix"),
        ({"commune_code": "99999"}, "commune_code"),
        ({"phone": "call me"}, "phone"),
        ({"phone": "+" + "0" * 20}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "a" * 250 + "@example.vn"}, "email"),
        ({"name": "x" * 201}, "name"),
        ({"name": ""}, "name"),
        ({"name": 42}, "name"),
        ({"name": None}, "name"),
        ({"name": "HTX\x00"}, "name"),
        ({"street_address": "\ud800"}, "street_address"),
        ({"website": "https://example.vn"}, "website"),
        ({"logo_upload_id": 1}, "logo_upload_id"),
    ],
)
def test_invalid_cooperatives_are_refused_naming_the_field(
    client, session, tenants, changes, field
):
    before = count(session, Cooperative)
    response = caller(client, session, tenants.operator).post(URL, _new_cooperative(**changes))
    assert field in field_errors(response)
    assert count(session, Cooperative) == before


def test_missing_fields_are_all_named(client, session, tenants):
    response = caller(client, session, tenants.operator).post(URL, {})
    assert set(field_errors(response)) == {"name", "tax_code", "code_prefix", "commune_code"}


def test_a_taken_tax_code_or_prefix_is_refused(client, session, tenants):
    taken = make_cooperative(session, tax_code=valid_tax_code("180099999"), code_prefix="TAKEN")
    api = caller(client, session, tenants.operator)
    response = api.post(URL, _new_cooperative(tax_code=taken.tax_code, code_prefix="TAKEN"))
    assert set(field_errors(response)) == {"tax_code", "code_prefix"}


@pytest.mark.parametrize("user", ["staff_a", "inspector", "officer_a"])
def test_only_operators_create_cooperatives(client, session, tenants, user):
    before = count(session, Cooperative)
    response = caller(client, session, tenants.user(user)).post(URL, _new_cooperative())
    assert response.status_code == 403
    assert count(session, Cooperative) == before


def test_staff_update_their_own_cooperative_partially(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    path = f"{URL}/{tenants.cooperative_a.id}"
    response = api.patch(path, {"phone": "0299 3851 999", "street_address": "Ấp Mỹ Thanh"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["phone"], body["street_address"]) == ("0299 3851 999", "Ấp Mỹ Thanh")
    assert body["name"] == tenants.cooperative_a.name
    session.expire_all()
    assert session.get(Cooperative, tenants.cooperative_a.id).phone == "0299 3851 999"


def test_staff_cannot_change_the_tax_code_but_operators_can(client, session, tenants):
    path = f"{URL}/{tenants.cooperative_a.id}"
    new_tax_code = valid_tax_code("180055555")
    staff = caller(client, session, tenants.staff_a)
    assert "tax_code" in field_errors(staff.patch(path, {"tax_code": new_tax_code}))
    operator = caller(client, session, tenants.operator)
    assert operator.patch(path, {"tax_code": new_tax_code}).get_json()["tax_code"] == new_tax_code


def test_staff_cannot_move_their_cooperative_to_another_commune(client, session, tenants):
    """Moved, its records would go to the other commune's officer and indicator 13.4."""
    cooperative = tenants.cooperative_a
    path = f"{URL}/{cooperative.id}"
    staff = caller(client, session, tenants.staff_a)
    response = staff.patch(path, {"commune_code": DAI_TU, "phone": "0299 1111 222"})
    assert set(field_errors(response)) == {"commune_code"}
    session.expire_all()
    stored = session.get(Cooperative, cooperative.id)
    assert (stored.commune_code, stored.phone) == (SOC_TRANG, "")
    assert cooperative_audit(session, cooperative.id) == []
    # Sending back the commune it is in changes nothing and is no refusal.
    assert staff.patch(path, {"commune_code": SOC_TRANG}).status_code == 200


def test_an_operator_moves_a_cooperative_and_the_move_is_audited(client, session, tenants):
    cooperative = tenants.cooperative_a
    operator = caller(client, session, tenants.operator)
    response = operator.patch(f"{URL}/{cooperative.id}", {"commune_code": DAI_TU})
    assert response.status_code == 200
    assert response.get_json()["commune"]["code"] == DAI_TU
    [record] = cooperative_audit(session, cooperative.id)
    assert record.actor == tenants.operator.email
    assert record.changes == {"commune_code": [SOC_TRANG, DAI_TU]}


def test_an_invalid_change_changes_nothing(client, session, tenants):
    path = f"{URL}/{tenants.cooperative_a.id}"
    response = caller(client, session, tenants.staff_a).patch(
        path, {"phone": "0299 1111 222", "email": "nope"}
    )
    assert set(field_errors(response)) == {"email"}
    session.expire_all()
    assert session.get(Cooperative, tenants.cooperative_a.id).phone == ""


@pytest.mark.parametrize(("user", "status"), [("staff_b", 404), ("officer_a", 403)])
def test_others_cannot_update(client, session, tenants, user, status):
    path = f"{URL}/{tenants.cooperative_a.id}"
    response = caller(client, session, tenants.user(user)).patch(path, {"phone": "0299 1111 222"})
    assert response.status_code == status


def test_archived_cooperatives_leave_the_default_list(client, session, tenants):
    operator = caller(client, session, tenants.operator)
    response = operator.post(f"{URL}/{tenants.cooperative_b.id}/archive")
    assert response.status_code == 200
    assert response.get_json()["archived_at"] is not None
    assert tenants.cooperative_b.id not in ids(operator.get(URL))
    assert tenants.cooperative_b.id in ids(operator.get(URL, include_archived="true"))


def test_only_operators_archive_cooperatives(client, session, tenants):
    staff = caller(client, session, tenants.staff_a)
    assert staff.post(f"{URL}/{tenants.cooperative_a.id}/archive").status_code == 403
    assert tenants.cooperative_a.id in ids(staff.get(URL))


def test_officers_see_their_communes_cooperatives(client, session, tenants):
    other = make_cooperative(session, commune_code=SOC_TRANG)
    listed = ids(caller(client, session, tenants.officer_a).get(URL))
    assert set(listed) == {tenants.cooperative_a.id, other.id}


@pytest.mark.parametrize("field", ["name", "commune_code"])
def test_a_change_cannot_blank_a_required_field(client, session, tenants, field):
    path = f"{URL}/{tenants.cooperative_a.id}"
    response = caller(client, session, tenants.staff_a).patch(path, {field: ""})
    assert field in field_errors(response)


def test_the_routes_are_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert set(document["paths"][URL]) >= {"get", "post"}
    assert set(document["paths"][URL + "/{cooperative_id}"]) >= {"get", "patch"}
    assert "post" in document["paths"][URL + "/{cooperative_id}/archive"]
    schemas = document["components"]["schemas"]
    assert schemas["CooperativeCreate"]["additionalProperties"] is False
    assert {"items", "total", "page", "per_page"} <= set(schemas["CooperativePage"]["properties"])
