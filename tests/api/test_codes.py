"""API: /api/v1/batches/{id}/code and /units — the codes a batch's labels carry."""

from __future__ import annotations

from datetime import date

from tests.api.registry_helpers import caller
from tests.batches.conftest import batch_values, row_counts
from tests.code_checks import check_code
from trace.batches.services import batches
from trace.batches.services.recall import recall_batch
from trace.signing.codes import Verdict, parse_code
from trace.signing.services import key_set

URL = "/api/v1/batches"


def register(session, tenants):
    values = batch_values(tenants, expires_on=date(2027, 5, 19))
    return batches.create_batch(session, tenants.staff_a, values)


def test_a_batch_registered_through_the_api_has_its_code_at_once(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    values = {**batch_values(tenants), "quantity": 10, "harvested_on": "2026-11-18"}
    values.pop("packed_on")
    created = api.post(URL, values).get_json()
    code = api.get(f"{URL}/{created['id']}/code").get_json()
    assert code["code"].startswith(f"http://127.0.0.1:5000/b/{created['code']}?")
    assert code["serial"] is None
    assert check_code(code["code"], key_set(session)) is Verdict.VALID
    assert code["issued_at"].endswith("+00:00")


def test_staff_issue_a_unit_run_and_page_through_it(client, session, tenants):
    batch = register(session, tenants)
    api = caller(client, session, tenants.staff_a)
    response = api.post(f"{URL}/{batch.id}/units", {"count": 30})
    assert response.status_code == 201, response.get_json()
    run = response.get_json()
    assert (run["batch_id"], run["count"], len(run["units"])) == (batch.id, 30, 30)
    for unit in run["units"]:
        assert parse_code(unit["code"]).data.serial == unit["serial"]
    page = api.get(f"{URL}/{batch.id}/units", page=2, per_page=20).get_json()
    assert (page["total"], page["page"], len(page["items"])) == (30, 2, 10)
    listed = api.get(f"{URL}/{batch.id}/units", per_page=30).get_json()["items"]
    assert {item["serial"] for item in listed} == {unit["serial"] for unit in run["units"]}


def test_a_bad_count_is_a_422_and_issues_nothing(client, session, tenants):
    batch = register(session, tenants)
    api = caller(client, session, tenants.staff_a)
    before = row_counts(session)
    for body in ({}, {"count": 0}, {"count": 10_001}, {"count": "5"}, {"count": 2.5}, {"n": 1}):
        response = api.post(f"{URL}/{batch.id}/units", body)
        assert response.status_code == 422, body
        assert response.get_json()["errors"]
    assert row_counts(session) == before


def test_a_recalled_batch_gets_no_units(client, session, tenants):
    batch = register(session, tenants)
    recall_batch(session, tenants.staff_a, batch.id, "Nhiễm mặn")
    api = caller(client, session, tenants.staff_a)
    assert api.post(f"{URL}/{batch.id}/units", {"count": 1}).status_code == 409


def test_other_tenants_and_readers_cannot_issue_or_see(client, session, tenants):
    batch = register(session, tenants)
    other = caller(client, session, tenants.staff_b)
    assert other.post(f"{URL}/{batch.id}/units", {"count": 1}).status_code == 404
    assert other.get(f"{URL}/{batch.id}/units").status_code == 404
    assert other.get(f"{URL}/{batch.id}/code").status_code == 404
    inspector = caller(client, session, tenants.inspector)
    assert inspector.post(f"{URL}/{batch.id}/units", {"count": 1}).status_code == 403
    assert inspector.get(f"{URL}/{batch.id}/code").status_code == 200
