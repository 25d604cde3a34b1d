"""API: /api/v1/scans?code= — a code's scans, newest first, for inspectors and operators."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.alerts.test_views import copied_unit  # noqa: F401 (a fixture)
from tests.api.registry_helpers import caller, field_errors
from tests.scan_fixtures import SCANNED_AT

URL = "/api/v1/scans"


def test_the_scans_of_a_unit_code_newest_first_with_their_province(
    client,
    session,
    tenants,
    copied_unit,  # noqa: F811
):
    body = caller(client, session, tenants.inspector).get(URL, code=copied_unit.text).get_json()
    assert body["code"] == copied_unit.text
    assert body["is_unit_code"] is True
    later, earlier = body["items"]
    assert later["place"] == "Thành phố Hồ Chí Minh"
    assert earlier["place"] == "Thành phố Hà Nội"
    assert later["scanned_at"] > earlier["scanned_at"]
    assert (later["verdict"], later["user_agent_family"]) == ("valid", "Android Chrome")
    assert later["network"].endswith("/24")
    assert (SCANNED_AT + timedelta(minutes=20)).isoformat().startswith(later["scanned_at"][:16])


def test_a_code_never_scanned_has_no_scans(client, session, tenants):
    body = caller(client, session, tenants.operator).get(URL, code="http://x/b/NONE").get_json()
    assert body["items"] == []


@pytest.mark.parametrize(("query", "field"), [({}, "code"), ({"code": "x", "limit": 0}, "limit")])
def test_bad_arguments_are_a_422_naming_the_field(client, session, tenants, query, field):
    response = caller(client, session, tenants.inspector).get(URL, **query)
    assert response.status_code == 422
    assert field in field_errors(response)


@pytest.mark.parametrize("name", ["staff_a", "officer_a"])
def test_only_inspectors_and_operators_read_scans(client, session, tenants, name):
    assert caller(client, session, tenants.user(name)).get(URL, code="x").status_code == 403
    assert client.get(URL, query_string={"code": "x"}).status_code == 401
