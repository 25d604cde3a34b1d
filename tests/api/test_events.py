"""API: a batch's events — record each kind, read the timeline, correct one; bad input refused."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.registry_helpers import caller, field_errors
from tests.batches.conftest import row_counts
from tests.factories import make_batch, make_event, make_farming_area, make_product, make_upload
from trace.batches.models import EventType
from trace.uploads.models import UploadPurpose

URL = "/api/v1/batches"


def _values(tenants, kind: str, **values: Any) -> dict[str, Any]:
    """A valid event of each kind: field work on the batch's area, the rest at an address."""
    base: dict[str, Any] = {"type": kind, "occurred_at": "2026-11-18T08:30:00+07:00"}
    if kind in ("planting", "input_applied", "harvest"):
        base["farming_area_id"] = tenants.farming_area_a.id
    else:
        base["address"] = "Kho HTX, ấp Giồng Chùa"
    if kind == "input_applied":
        base.update(
            input_kind="pesticide",
            input_name="Anvil 5SC",
            input_dose="1 lít/ha",
            pre_harvest_interval_days=7,
        )
    if kind in ("shipping", "receiving"):
        base["party_name"] = "Công ty Gạo Việt"
    return {**base, **values}


@pytest.fixture
def batch(session, tenants):
    return make_batch(session, tenants.product_a, farming_areas=[tenants.farming_area_a])


@pytest.mark.parametrize(
    "kind",
    ["planting", "input_applied", "harvest", "packing", "shipping", "receiving", "inspecting"],
)
def test_each_kind_is_recorded_and_read_back(client, session, tenants, batch, kind):
    api = caller(client, session, tenants.staff_a)
    response = api.post(f"{URL}/{batch.id}/events", _values(tenants, kind, quantity=50, unit="kg"))
    assert response.status_code == 201, response.get_json()
    event = response.get_json()
    assert event["type"] == kind
    # Stored and shown in UTC: 08:30 in Vietnam is 01:30 UTC.
    assert event["occurred_at"].startswith("2026-11-18T01:30:00")
    assert event["batches"] == [{"id": batch.id, "code": batch.code, "role": "subject"}]
    assert event["photo_urls"] == []
    assert event["recorded_by"] == (tenants.staff_a.display_name or tenants.staff_a.email)
    assert api.get(f"/api/v1/events/{event['id']}").get_json() == event
    assert [e["id"] for e in api.get(f"{URL}/{batch.id}/events").get_json()] == [event["id"]]


def test_a_pesticide_keeps_its_interval_and_a_shipment_its_buyer(client, session, tenants, batch):
    api = caller(client, session, tenants.staff_a)
    sprayed = api.post(f"{URL}/{batch.id}/events", _values(tenants, "input_applied")).get_json()
    assert (sprayed["input_kind"], sprayed["input_name"]) == ("pesticide", "Anvil 5SC")
    assert sprayed["pre_harvest_interval_days"] == 7
    assert sprayed["farming_area"]["code"] == tenants.farming_area_a.code
    shipped = api.post(f"{URL}/{batch.id}/events", _values(tenants, "shipping")).get_json()
    assert shipped["party_name"] == "Công ty Gạo Việt"
    assert shipped["farming_area"] is None


def test_processing_links_inputs_and_outputs(client, session, tenants, batch):
    paddy = make_batch(session, tenants.product_a)
    other_output = make_batch(session, tenants.product_a)
    api = caller(client, session, tenants.staff_a)
    response = api.post(
        f"{URL}/{batch.id}/events",
        _values(
            tenants,
            "processing",
            input_batch_ids=[paddy.id],
            output_batch_ids=[other_output.id],
        ),
    )
    assert response.status_code == 201, response.get_json()
    roles = {link["id"]: link["role"] for link in response.get_json()["batches"]}
    assert roles == {paddy.id: "input", batch.id: "output", other_output.id: "output"}
    # The processing shows on the input's timeline too: one step forward.
    assert len(api.get(f"{URL}/{paddy.id}/events").get_json()) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "recall"}, "type"),
        ({"type": "harvesting"}, "type"),
        ({"occurred_at": "2026-11-18T08:30:00"}, "occurred_at"),
        ({"occurred_at": "2026-11-18"}, "occurred_at"),
        ({"occurred_at": "20261118T083000+0700"}, "occurred_at"),
        ({"occurred_at": "2099-01-01T00:00:00Z"}, "occurred_at"),
        ({"occurred_at": "1999-12-31T23:00:00Z"}, "occurred_at"),
        ({"occurred_at": "0001-01-01T00:00:00+14:00"}, "occurred_at"),
        ({"occurred_at": 1763430000}, "occurred_at"),
        ({"farming_area_id": None}, "farming_area_id"),
        ({"input_kind": "magic"}, "input_kind"),
        ({"input_name": ""}, "input_name"),
        ({"pre_harvest_interval_days": 400}, "pre_harvest_interval_days"),
        ({"pre_harvest_interval_days": 7.5}, "pre_harvest_interval_days"),
        ({"quantity": 0}, "quantity"),
        ({"notes": "a\x00b"}, "notes"),
        ({"photo_upload_ids": [1]}, "photo_upload_ids"),
    ],
)
def test_bad_input_answers_422_naming_the_field(client, session, tenants, batch, change, field):
    api = caller(client, session, tenants.staff_a)
    before = row_counts(session)
    errors = field_errors(
        api.post(f"{URL}/{batch.id}/events", _values(tenants, "input_applied", **change))
    )
    assert field in errors, errors
    assert row_counts(session) == before


def test_kind_specific_fields_are_asked_for(client, session, tenants, batch):
    api = caller(client, session, tenants.staff_a)

    def post(values):
        return api.post(f"{URL}/{batch.id}/events", values)

    assert "party_name" in field_errors(post(_values(tenants, "shipping", party_name="")))
    assert "address" in field_errors(post(_values(tenants, "packing", address="")))
    other_area = make_farming_area(session, tenants.cooperative_a)
    assert "farming_area_id" in field_errors(
        post(_values(tenants, "harvest", farming_area_id=other_area.id))
    )
    assert "input_batch_ids" in field_errors(post(_values(tenants, "processing")))
    assert "input_batch_ids" in field_errors(
        post(_values(tenants, "processing", input_batch_ids=[batch.id]))
    )
    foreign = make_batch(session, make_product(session, tenants.cooperative_b))
    assert "input_batch_ids" in field_errors(
        post(_values(tenants, "processing", input_batch_ids=[foreign.id]))
    )


def test_a_processing_cycle_is_refused(client, session, tenants, batch):
    milled = make_batch(session, tenants.product_a)
    api = caller(client, session, tenants.staff_a)
    made = api.post(
        f"{URL}/{milled.id}/events", _values(tenants, "processing", input_batch_ids=[batch.id])
    )
    assert made.status_code == 201
    back = api.post(
        f"{URL}/{batch.id}/events", _values(tenants, "processing", input_batch_ids=[milled.id])
    )
    assert "input_batch_ids" in field_errors(back)


def test_a_correction_changes_the_given_fields_only(client, session, tenants, batch):
    api = caller(client, session, tenants.staff_a)
    event = api.post(f"{URL}/{batch.id}/events", _values(tenants, "packing")).get_json()
    path = f"/api/v1/events/{event['id']}"
    corrected = api.patch(path, {"notes": "Đóng bao 50 kg", "occurred_at": "2026-11-18T09:00:00Z"})
    assert corrected.status_code == 200, corrected.get_json()
    body = corrected.get_json()
    assert body["notes"] == "Đóng bao 50 kg"
    assert body["occurred_at"].startswith("2026-11-18T09:00:00")
    assert body["address"] == event["address"]
    before = row_counts(session)
    assert "type" in field_errors(api.patch(path, {"type": "shipping"}))
    assert "input_batch_ids" in field_errors(api.patch(path, {"input_batch_ids": [batch.id]}))
    assert "occurred_at" in field_errors(api.patch(path, {"occurred_at": "2026-11-18T09:00"}))
    assert row_counts(session) == before
    history = api.get(f"{URL}/{batch.id}/history").get_json()
    assert [(r["subject"], r["action"]) for r in history[:2]] == [
        ("event", "changed"),
        ("event", "created"),
    ]


def test_photos_show_as_urls_but_are_not_uploaded_here(client, session, tenants, batch):
    photo = make_upload(session, tenants.cooperative_a, purpose=UploadPurpose.EVENT_PHOTO)
    event = make_event(session, batch, photos=[photo])
    body = caller(client, session, tenants.staff_a).get(f"/api/v1/events/{event.id}").get_json()
    assert body["photo_urls"] == [f"/files/{photo.storage_key}"]


def test_other_tenants_and_readers(client, session, tenants, batch):
    event = make_event(session, batch)
    path = f"/api/v1/events/{event.id}"
    assert caller(client, session, tenants.staff_b).get(path).status_code == 404
    assert caller(client, session, tenants.officer_b).get(path).status_code == 404
    assert caller(client, session, tenants.officer_a).get(path).status_code == 200
    before = row_counts(session)
    assert caller(client, session, tenants.inspector).patch(path, {"notes": "x"}).status_code == 403
    assert caller(client, session, tenants.staff_b).patch(path, {"notes": "x"}).status_code == 404
    # Another tenant learns nothing from a body it got wrong: still 404, not 422.
    assert (
        caller(client, session, tenants.staff_b).post(f"{URL}/{batch.id}/events", {}).status_code
        == 404
    )
    assert row_counts(session) == before


def test_a_recall_event_cannot_be_corrected(client, session, tenants, batch):
    event = make_event(session, batch, type=EventType.RECALL, notes="Thu hồi")
    response = caller(client, session, tenants.staff_a).patch(
        f"/api/v1/events/{event.id}", {"notes": "Khác"}
    )
    assert "type" in field_errors(response)
