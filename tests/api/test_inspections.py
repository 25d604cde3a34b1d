"""API: /api/v1/inspections — record (inspectors, operators), list and read, scoped."""

from __future__ import annotations

import pytest

from tests.api.registry_helpers import caller, count, field_errors, ids
from tests.batches.conftest import batch_values
from tests.factories import make_batch, make_product
from trace.audit.models import AuditRecord
from trace.batches.services import batches, codes
from trace.inspections.models import Inspection

URL = "/api/v1/inspections"


@pytest.fixture
def issued(session, tenants):
    """A batch of cooperative A registered with its signed batch code."""
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    return codes.batch_code(session, tenants.staff_a, batch.id)


def new_inspection(code: str, **values):
    return {
        "code": code,
        "place": "Chợ Sóc Trăng, sạp 12",
        "commune_code": "31507",
        "inspected_at": "2026-11-24T09:30:00+07:00",
        "outcome": "suspected_counterfeit",
        "notes": "Tem dán đè.",
        **values,
    }


def test_an_inspector_records_an_inspection_and_reads_it_back(client, session, tenants, issued):
    api = caller(client, session, tenants.inspector)
    response = api.post(URL, new_inspection(issued.text))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["batch"] == {
        "id": issued.batch.id,
        "code": issued.batch.code,
        "lot": issued.batch.lot,
        "product_id": issued.batch.product_id,
        "status": "active",
    }
    assert body["cooperative_id"] == tenants.cooperative_a.id
    assert (body["label_code_id"], body["serial"]) == (None, None)
    assert body["code_text"] == issued.text
    assert body["inspected_at"] == "2026-11-24T02:30:00+00:00"
    assert body["commune"]["code"] == "31507"
    assert (body["outcome"], body["notes"]) == ("suspected_counterfeit", "Tem dán đè.")
    assert (body["inspector"], body["photo_urls"]) == (tenants.inspector.email, [])
    assert api.get(f"{URL}/{body['id']}").get_json() == body
    staff = caller(client, session, tenants.staff_a)
    assert staff.get(f"{URL}/{body['id']}").get_json() == body


def test_bad_input_answers_422_naming_the_field_and_stores_nothing(
    client, session, tenants, issued
):
    api = caller(client, session, tenants.operator)
    before = (count(session, Inspection), count(session, AuditRecord))
    cases = [
        (new_inspection("http://127.0.0.1:5000/b/NOPE"), "code"),
        (new_inspection("", batch_id=None), "code"),
        (new_inspection(issued.text, batch_id=2147483647), "batch_id"),
        (new_inspection(issued.text, place=""), "place"),
        (new_inspection(issued.text, commune_code="00000"), "commune_code"),
        (new_inspection(issued.text, inspected_at="2099-01-01T00:00:00Z"), "inspected_at"),
        (new_inspection(issued.text, inspected_at="2026-11-24T09:30:00"), "inspected_at"),
        (new_inspection(issued.text, outcome="ok"), "outcome"),
        (new_inspection(issued.text, batch_id="1"), "batch_id"),
        (new_inspection(issued.text, photo_upload_ids=[1]), "photo_upload_ids"),
    ]
    for body, field in cases:
        assert field in field_errors(api.post(URL, body)), body
    assert (count(session, Inspection), count(session, AuditRecord)) == before


@pytest.mark.parametrize("who", ["staff_a", "officer_a"])
def test_only_inspectors_and_operators_record(client, session, tenants, issued, who):
    api = caller(client, session, tenants.user(who))
    assert api.post(URL, new_inspection(issued.text)).status_code == 403
    assert count(session, Inspection) == 0


@pytest.fixture
def two_inspections(client, session, tenants, issued):
    """One inspection of A's batch (conforming), then one of B's (suspected counterfeit)."""
    batch_b = make_batch(session, make_product(session, tenants.cooperative_b))
    api = caller(client, session, tenants.inspector)
    of_a = api.post(URL, new_inspection(issued.text, outcome="conforming")).get_json()
    body = new_inspection("", batch_id=batch_b.id, inspected_at="2026-11-24T10:00:00+07:00")
    of_b = api.post(URL, body).get_json()
    return of_a["id"], of_b["id"]


def test_lists_are_scoped_newest_first_and_paged(client, session, tenants, two_inspections):
    of_a, of_b = two_inspections
    inspector = caller(client, session, tenants.inspector)
    assert ids(inspector.get(URL)) == [of_b, of_a]
    page = inspector.get(URL, per_page=1, page=2).get_json()
    assert (page["total"], page["page"], page["per_page"]) == (2, 2, 1)
    assert [item["id"] for item in page["items"]] == [of_a]
    assert ids(caller(client, session, tenants.operator).get(URL)) == [of_b, of_a]
    assert ids(caller(client, session, tenants.staff_a).get(URL)) == [of_a]
    assert ids(caller(client, session, tenants.staff_b).get(URL)) == [of_b]
    assert caller(client, session, tenants.officer_a).get(URL).status_code == 403
    assert caller(client, session, tenants.staff_b).get(f"{URL}/{of_a}").status_code == 404


def test_lists_filter_by_cooperative_outcome_and_days(client, session, tenants, two_inspections):
    of_a, of_b = two_inspections
    api = caller(client, session, tenants.inspector)
    assert ids(api.get(URL, cooperative_id=tenants.cooperative_a.id)) == [of_a]
    assert ids(api.get(URL, outcome="suspected_counterfeit")) == [of_b]
    assert ids(api.get(URL, date_from="2026-11-24", date_to="2026-11-24")) == [of_b, of_a]
    assert ids(api.get(URL, date_to="2026-11-23")) == []
    assert "outcome" in field_errors(api.get(URL, outcome="fine"))
    assert "date_from" in field_errors(api.get(URL, date_from="24/11/2026"))
    assert "unknown" in field_errors(api.get(URL, unknown="1"))
