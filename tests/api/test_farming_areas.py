"""API: /api/v1/farming-areas — list with kind and status filters, get, create, update, archive."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.api.registry_helpers import caller, count, field_errors, ids
from tests.factories import make_farming_area
from trace.registry.models import FarmingArea, FarmingAreaKind, FarmingAreaStatus

URL = "/api/v1/farming-areas"
RING = [[105.97, 9.60], [105.98, 9.60], [105.98, 9.61], [105.97, 9.61], [105.97, 9.60]]


def _new_area(**values):
    return {
        "code": "vn-strg-0101",
        "name": "Cánh đồng lớn ấp Giồng Chùa",
        "kind": "crop",
        "commune_code": "31507",
        "latitude": 9.6031,
        "longitude": 105.9742,
        "polygon": {"type": "Polygon", "coordinates": [RING]},
        "area_hectares": 12.5,
        "crops": "Lúa ST25",
        "valid_from": "2025-01-01",
        "valid_to": "2027-12-31",
        **values,
    }


def test_farming_areas_are_listed_with_numbers_and_their_commune(client, session, tenants):
    body = caller(client, session, tenants.staff_a).get(URL).get_json()
    assert body["total"] == 1
    area = body["items"][0]
    assert area["id"] == tenants.farming_area_a.id
    assert (area["latitude"], area["longitude"]) == (9.603, 105.974)
    assert area["commune"]["name"] == "Phường Sóc Trăng"
    assert (area["kind"], area["status"], area["polygon"]) == ("crop", "active", None)


def test_lists_filter_by_kind_and_status(client, session, tenants):
    pond = make_farming_area(session, tenants.cooperative_a, kind=FarmingAreaKind.AQUACULTURE)
    resting = make_farming_area(session, tenants.cooperative_a, status=FarmingAreaStatus.SUSPENDED)
    api = caller(client, session, tenants.staff_a)
    assert ids(api.get(URL, kind="aquaculture")) == [pond.id]
    assert ids(api.get(URL, status="suspended")) == [resting.id]
    assert set(ids(api.get(URL, kind="crop", status="active"))) == {tenants.farming_area_a.id}
    assert "kind" in field_errors(api.get(URL, kind="forest"))
    assert "status" in field_errors(api.get(URL, status="ACTIVE"))


def test_search_by_code_name_or_crop(client, session, tenants):
    tea = make_farming_area(session, tenants.cooperative_a, code="VN-TNTC-0007", crops="Chè")
    api = caller(client, session, tenants.staff_a)
    assert ids(api.get(URL, q="tntc")) == [tea.id]
    assert ids(api.get(URL, q="chè")) == [tea.id]


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
    area_b = make_farming_area(session, tenants.cooperative_b)
    listed = set(ids(caller(client, session, tenants.user(user)).get(URL)))
    assert (tenants.farming_area_a.id in listed, area_b.id in listed) == (sees_a, sees_b)


def test_get_hides_other_tenants_areas(client, session, tenants):
    path = f"{URL}/{tenants.farming_area_a.id}"
    assert caller(client, session, tenants.officer_a).get(path).status_code == 200
    assert caller(client, session, tenants.staff_b).get(path).status_code == 404
    assert caller(client, session, tenants.officer_b).get(path).status_code == 404


def test_staff_register_a_farming_area(client, session, tenants):
    response = caller(client, session, tenants.staff_a).post(URL, _new_area())
    assert response.status_code == 201
    body = response.get_json()
    assert body["code"] == "VN-STRG-0101"
    assert (body["latitude"], body["longitude"], body["area_hectares"]) == (
        9.6031,
        105.9742,
        12.5,
    )
    assert body["polygon"] == {"type": "Polygon", "coordinates": [RING]}
    assert (body["valid_from"], body["valid_to"]) == ("2025-01-01", "2027-12-31")
    stored = session.get(FarmingArea, body["id"])
    assert stored.cooperative_id == tenants.cooperative_a.id
    assert stored.latitude == Decimal("9.603100")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "VN STRG 0101"}, "code"),
        ({"code": ""}, "code"),
        ({"kind": "forest"}, "kind"),
        ({"kind": None}, "kind"),
        ({"status": "closed"}, "status"),
        ({"commune_code": "00000"}, "commune_code"),
        ({"latitude": 48.85}, "latitude"),
        ({"latitude": "nine"}, "latitude"),
        ({"longitude": 2.35}, "longitude"),
        ({"polygon": {"type": "Point", "coordinates": [105.97, 9.6]}}, "polygon"),
        ({"polygon": {"type": "Polygon", "coordinates": [RING[:-1]]}}, "polygon"),
        ({"polygon": {"type": "Polygon", "coordinates": [[[2.35, 48.85]] * 4]}}, "polygon"),
        ({"polygon": {"type": "Polygon", "coordinates": [[["a", "b"]] * 4]}}, "polygon"),
        ({"polygon": "POLYGON((105 9, 106 9, 106 10, 105 9))"}, "polygon"),
        ({"area_hectares": 0}, "area_hectares"),
        ({"area_hectares": "lots"}, "area_hectares"),
        ({"area_hectares": 1e12}, "area_hectares"),
        ({"valid_from": "31/12/2025"}, "valid_from"),
        ({"valid_from": "2026-01-01", "valid_to": "2025-01-01"}, "valid_to"),
        ({"crops": "c" * 201}, "crops"),
        ({"owner": "me"}, "owner"),
    ],
)
def test_invalid_areas_are_refused_naming_the_field(client, session, tenants, changes, field):
    before = count(session, FarmingArea)
    response = caller(client, session, tenants.staff_a).post(URL, _new_area(**changes))
    assert field in field_errors(response)
    assert count(session, FarmingArea) == before


def test_required_fields_are_named(client, session, tenants):
    response = caller(client, session, tenants.staff_a).post(URL, {})
    assert set(field_errors(response)) == {
        "code",
        "name",
        "kind",
        "commune_code",
        "latitude",
        "longitude",
    }


def test_a_planting_area_code_is_registered_once(client, session, tenants):
    response = caller(client, session, tenants.staff_a).post(
        URL, _new_area(code=tenants.farming_area_a.code.lower())
    )
    assert "code" in field_errors(response)


def test_staff_of_another_cooperative_cannot_register_for_it(client, session, tenants):
    response = caller(client, session, tenants.staff_b).post(
        URL, _new_area(cooperative_id=tenants.cooperative_a.id)
    )
    assert response.status_code == 404


@pytest.mark.parametrize("user", ["inspector", "officer_a"])
def test_read_only_roles_cannot_create(client, session, tenants, user):
    response = caller(client, session, tenants.user(user)).post(URL, _new_area())
    assert response.status_code == 403


def test_update_changes_only_the_given_fields(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    path = f"{URL}/{tenants.farming_area_a.id}"
    response = api.patch(
        path, {"status": "suspended", "polygon": {"type": "Polygon", "coordinates": [RING]}}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["code"]) == ("suspended", tenants.farming_area_a.code)
    assert ids(api.get(URL, status="suspended")) == [tenants.farming_area_a.id]
    cleared = api.patch(path, {"polygon": None}).get_json()
    assert cleared["polygon"] is None


def test_an_invalid_update_changes_nothing(client, session, tenants):
    path = f"{URL}/{tenants.farming_area_a.id}"
    response = caller(client, session, tenants.staff_a).patch(
        path, {"name": "Đổi tên", "latitude": 0}
    )
    assert set(field_errors(response)) == {"latitude"}
    session.expire_all()
    assert session.get(FarmingArea, tenants.farming_area_a.id).name == "Cánh đồng lớn"


@pytest.mark.parametrize(("user", "status"), [("staff_b", 404), ("officer_a", 403)])
def test_others_cannot_update_or_archive(client, session, tenants, user, status):
    api = caller(client, session, tenants.user(user))
    path = f"{URL}/{tenants.farming_area_a.id}"
    assert api.patch(path, {"name": "X"}).status_code == status
    assert api.post(f"{path}/archive").status_code == status


def test_archived_areas_leave_the_default_list(client, session, tenants):
    api = caller(client, session, tenants.operator)
    response = api.post(f"{URL}/{tenants.farming_area_a.id}/archive")
    assert response.status_code == 200
    assert response.get_json()["archived_at"] is not None
    assert tenants.farming_area_a.id not in ids(api.get(URL))
    assert tenants.farming_area_a.id in ids(api.get(URL, include_archived="true"))


@pytest.mark.parametrize("field", ["name", "code", "latitude"])
def test_a_change_cannot_blank_a_required_field(client, session, tenants, field):
    path = f"{URL}/{tenants.farming_area_a.id}"
    response = caller(client, session, tenants.staff_a).patch(path, {field: ""})
    assert field in field_errors(response)


def test_the_routes_are_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert set(document["paths"][URL]) >= {"get", "post"}
    assert set(document["paths"][URL + "/{farming_area_id}"]) >= {"get", "patch"}
    assert "post" in document["paths"][URL + "/{farming_area_id}/archive"]
    parameters = {p["name"] for p in document["paths"][URL]["get"]["parameters"]}
    assert {"kind", "status", "cooperative_id"} <= parameters
    area = document["components"]["schemas"]["FarmingAreaOut"]["properties"]
    assert area["latitude"]["type"] == area["longitude"]["type"] == "number"
