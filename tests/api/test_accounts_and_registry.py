from __future__ import annotations

from trace.auth.services import issue_api_token


def _get(client, session, user, path):
    token = issue_api_token(session, user)
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_me_describes_the_token_owner(client, session, tenants):
    body = _get(client, session, tenants.staff_a, "/api/v1/me").get_json()
    assert body["email"] == tenants.staff_a.email
    assert body["role"] == "cooperative"
    assert body["cooperative_id"] == tenants.cooperative_a.id


def test_cooperative_staff_list_only_their_own(client, session, tenants):
    body = _get(client, session, tenants.staff_a, "/api/v1/cooperatives").get_json()
    assert [row["id"] for row in body["items"]] == [tenants.cooperative_a.id]
    assert body["items"][0]["commune"]["province_name"] == "Thành phố Cần Thơ"


def test_operators_list_every_cooperative(client, session, tenants):
    body = _get(client, session, tenants.operator, "/api/v1/cooperatives").get_json()
    ids = {row["id"] for row in body["items"]}
    assert {tenants.cooperative_a.id, tenants.cooperative_b.id} <= ids


def test_commune_officers_list_their_communes_cooperatives(client, session, tenants):
    body = _get(client, session, tenants.officer_a, "/api/v1/cooperatives").get_json()["items"]
    assert tenants.cooperative_a.id in {row["id"] for row in body}
    assert tenants.cooperative_b.id not in {row["id"] for row in body}


def test_another_cooperative_is_not_found(client, session, tenants):
    path = f"/api/v1/cooperatives/{tenants.cooperative_b.id}"
    assert _get(client, session, tenants.staff_a, path).status_code == 404
    assert _get(client, session, tenants.staff_b, path).status_code == 200


def test_openapi_document_is_served(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.0.3"
    assert "/api/v1/me" in document["paths"]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
