"""API: /api/v1/alerts — clone alerts for inspectors and operators, a cooperative's own."""

from __future__ import annotations

import pytest

from tests.alerts.test_views import copied_unit  # noqa: F401 (a fixture)
from tests.api.registry_helpers import caller, field_errors

URL = "/api/v1/alerts"


def test_an_inspector_lists_the_alert_with_its_rule_facts_and_message(
    client,
    session,
    tenants,
    copied_unit,  # noqa: F811
):
    body = caller(client, session, tenants.inspector).get(URL).get_json()
    assert body["total"] == 1
    [alert] = body["items"]
    assert alert["rule"] == "impossible_travel"
    assert alert["code"] == copied_unit.text
    assert alert["label_code_id"] == copied_unit.id
    assert alert["cooperative_id"] == tenants.cooperative_a.id
    assert alert["province_code"] == "79"
    assert alert["reason"]["distance_km"] > 1000
    assert alert["message"]


def test_filters_and_scope(client, session, tenants, copied_unit):  # noqa: F811
    inspector = caller(client, session, tenants.inspector)
    assert inspector.get(URL, province_code="79").get_json()["total"] == 1
    assert inspector.get(URL, province_code="01").get_json()["total"] == 0
    assert inspector.get(URL, cooperative_id=tenants.cooperative_b.id).get_json()["total"] == 0
    own = caller(client, session, tenants.staff_a).get(URL).get_json()
    assert own["total"] == 1
    other = caller(client, session, tenants.staff_b)
    assert other.get(URL, cooperative_id=tenants.cooperative_a.id).get_json()["total"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"province_code": "Hà Nội"}, "province_code"),
        ({"per_page": 0}, "per_page"),
        ({"page": "x"}, "page"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_arguments_are_a_422_naming_the_field(client, session, tenants, query, field):
    response = caller(client, session, tenants.inspector).get(URL, **query)
    assert response.status_code == 422
    assert field in field_errors(response)


def test_who_may_ask(client, session, tenants):
    assert client.get(URL).status_code == 401
    assert caller(client, session, tenants.officer_a).get(URL).status_code == 403
    assert caller(client, session, tenants.operator).get(URL).status_code == 200
