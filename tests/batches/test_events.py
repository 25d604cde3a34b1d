"""Event services: each kind of event and its rules, recall, and pre-harvest warnings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.batches.conftest import batch_values, row_counts
from tests.factories import make_batch, make_farming_area, make_upload
from trace.audit.models import AuditAction, AuditSubject
from trace.audit.services import batch_history
from trace.batches.models import BatchStatus, EventBatchRole, EventType, InputKind
from trace.batches.services import batches, events
from trace.batches.services.recall import recall_batch
from trace.db import utcnow
from trace.errors import AccessDenied, InvalidInput, NotFound
from trace.uploads.models import UploadPurpose

MORNING = datetime(2026, 11, 18, 1, 30, tzinfo=UTC)


@pytest.fixture
def batch(session, tenants):
    return batches.create_batch(session, tenants.staff_a, batch_values(tenants))


def event_values(tenants, kind: EventType, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"type": kind.value, "occurred_at": MORNING}
    if kind in (EventType.PLANTING, EventType.INPUT_APPLIED, EventType.HARVEST):
        values["farming_area_id"] = tenants.farming_area_a.id
    else:
        values["address"] = "Kho HTX, ấp Phú Tân"
    if kind is EventType.INPUT_APPLIED:
        values.update(input_kind="fertiliser", input_name="NPK 20-20-15", input_dose="200 kg/ha")
    if kind in (EventType.SHIPPING, EventType.RECEIVING):
        values["party_name"] = "Chợ đầu mối Bình Điền"
    return {**values, **changes}


def refused_fields(session, call) -> set[str]:
    before = row_counts(session)
    with pytest.raises(InvalidInput) as refused:
        call()
    assert row_counts(session) == before
    return set(refused.value.errors)


@pytest.mark.parametrize(
    "kind", [t for t in EventType if t not in (EventType.RECALL, EventType.PROCESSING)]
)
def test_each_kind_of_event_is_recorded_with_who_and_an_audit_record(session, tenants, batch, kind):
    event = events.record_event(session, tenants.staff_a, batch.id, event_values(tenants, kind))
    assert event.type is kind
    assert event.recorded_by is tenants.staff_a
    assert event.batches(EventBatchRole.SUBJECT) == [batch]
    assert events.list_events(session, tenants.inspector, batch.id) == [event]
    latest = batch_history(session, batch.id)[0]
    assert (latest.subject, latest.subject_id, latest.action) == (
        AuditSubject.EVENT,
        event.id,
        AuditAction.CREATED,
    )
    assert latest.changes["type"] == [None, kind.value]


def test_a_pesticide_needs_its_pre_harvest_interval(session, tenants, batch):
    values = event_values(tenants, EventType.INPUT_APPLIED, input_kind="pesticide")
    assert refused_fields(
        session, lambda: events.record_event(session, tenants.staff_a, batch.id, values)
    ) == {"pre_harvest_interval_days"}
    values["pre_harvest_interval_days"] = 14
    event = events.record_event(session, tenants.staff_a, batch.id, values)
    assert (event.input_kind, event.pre_harvest_interval_days) == (InputKind.PESTICIDE, 14)


def test_a_fertiliser_keeps_no_interval(session, tenants, batch):
    values = event_values(tenants, EventType.INPUT_APPLIED, pre_harvest_interval_days=7)
    event = events.record_event(session, tenants.staff_a, batch.id, values)
    assert event.pre_harvest_interval_days is None


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        (EventType.HARVEST, {"type": "recall"}, "type"),
        (EventType.HARVEST, {"type": "dancing"}, "type"),
        (EventType.HARVEST, {"occurred_at": datetime(2026, 11, 18, 8, 0)}, "occurred_at"),
        (EventType.HARVEST, {"occurred_at": "2026-11-18T08:00:00+07:00"}, "occurred_at"),
        (EventType.HARVEST, {"occurred_at": utcnow() + timedelta(hours=1)}, "occurred_at"),
        (EventType.HARVEST, {"occurred_at": datetime(1999, 1, 1, tzinfo=UTC)}, "occurred_at"),
        (EventType.HARVEST, {"farming_area_id": None}, "farming_area_id"),
        (EventType.PACKING, {"address": ""}, "address"),
        (EventType.PACKING, {"address": "x" * 301}, "address"),
        (EventType.PACKING, {"notes": "bad\x00text"}, "notes"),
        (EventType.PACKING, {"quantity": "-3"}, "quantity"),
        (EventType.PACKING, {"farming_area_id": 999999}, "farming_area_id"),
        (EventType.INPUT_APPLIED, {"input_kind": "magic"}, "input_kind"),
        (EventType.INPUT_APPLIED, {"input_name": " "}, "input_name"),
        (
            EventType.INPUT_APPLIED,
            {"input_kind": "pesticide", "pre_harvest_interval_days": 400},
            "pre_harvest_interval_days",
        ),
        (EventType.SHIPPING, {"party_name": ""}, "party_name"),
        (EventType.RECEIVING, {"party_name": ""}, "party_name"),
        (EventType.PACKING, {"photo_upload_ids": [999999]}, "photo_upload_ids"),
    ],
)
def test_bad_events_are_refused_naming_their_field(session, tenants, batch, kind, changes, field):
    values = event_values(tenants, kind, **changes)
    assert refused_fields(
        session, lambda: events.record_event(session, tenants.staff_a, batch.id, values)
    ) == {field}


def test_field_work_happens_on_one_of_the_batchs_areas(session, tenants, batch):
    elsewhere = make_farming_area(session, tenants.cooperative_a)
    values = event_values(tenants, EventType.HARVEST, farming_area_id=elsewhere.id)
    assert refused_fields(
        session, lambda: events.record_event(session, tenants.staff_a, batch.id, values)
    ) == {"farming_area_id"}
    packing = event_values(tenants, EventType.PACKING, farming_area_id=elsewhere.id)
    assert (
        events.record_event(session, tenants.staff_a, batch.id, packing).farming_area is elsewhere
    )


def test_photos_must_be_event_photos_of_the_same_cooperative(session, tenants, batch):
    photo = make_upload(session, tenants.cooperative_a, purpose=UploadPurpose.EVENT_PHOTO)
    image = make_upload(session, tenants.cooperative_a, purpose=UploadPurpose.PRODUCT_IMAGE)
    foreign = make_upload(session, tenants.cooperative_b, purpose=UploadPurpose.EVENT_PHOTO)
    for wrong in (image, foreign):
        values = event_values(tenants, EventType.PACKING, photo_upload_ids=[photo.id, wrong.id])
        assert refused_fields(
            session, lambda v=values: events.record_event(session, tenants.staff_a, batch.id, v)
        ) == {"photo_upload_ids"}
    values = event_values(tenants, EventType.PACKING, photo_upload_ids=[photo.id])
    assert events.record_event(session, tenants.staff_a, batch.id, values).photos == [photo]


def test_at_most_six_photos(session, tenants, batch):
    photos = [
        make_upload(session, tenants.cooperative_a, purpose=UploadPurpose.EVENT_PHOTO).id
        for _ in range(7)
    ]
    values = event_values(tenants, EventType.PACKING, photo_upload_ids=photos)
    assert refused_fields(
        session, lambda: events.record_event(session, tenants.staff_a, batch.id, values)
    ) == {"photo_upload_ids"}


def test_processing_links_input_batches_to_the_output(session, tenants, batch):
    paddy = make_batch(session, tenants.product_a)
    second_output = make_batch(session, tenants.product_a)
    values = event_values(
        tenants,
        EventType.PROCESSING,
        input_batch_ids=[paddy.id],
        output_batch_ids=[second_output.id],
    )
    event = events.record_event(session, tenants.staff_a, batch.id, values)
    assert event.batches(EventBatchRole.INPUT) == [paddy]
    assert event.batches(EventBatchRole.OUTPUT) == [batch, second_output]
    assert events.home_batch(event) is batch
    assert event in events.events_of(session, paddy)


@pytest.mark.parametrize("problem", ["none", "itself", "foreign"])
def test_processing_needs_inputs_of_the_same_cooperative_other_than_itself(
    session, tenants, batch, problem
):
    inputs = {
        "none": [],
        "itself": [batch.id],
        "foreign": [make_batch(session, tenants.product_a).id, _foreign_batch(session, tenants)],
    }[problem]
    values = event_values(tenants, EventType.PROCESSING, input_batch_ids=inputs)
    assert refused_fields(
        session, lambda: events.record_event(session, tenants.staff_a, batch.id, values)
    ) == {"input_batch_ids"}


def _foreign_batch(session, tenants) -> int:
    from tests.factories import make_product

    return make_batch(session, make_product(session, tenants.cooperative_b)).id


def test_processing_cannot_make_a_cycle(session, tenants, batch):
    rice = make_batch(session, tenants.product_a)
    events.record_event(
        session,
        tenants.staff_a,
        rice.id,
        event_values(tenants, EventType.PROCESSING, input_batch_ids=[batch.id]),
    )
    back = event_values(tenants, EventType.PROCESSING, input_batch_ids=[rice.id])
    assert refused_fields(
        session, lambda: events.record_event(session, tenants.staff_a, batch.id, back)
    ) == {"input_batch_ids"}


def test_only_writers_of_the_cooperative_record_events(session, tenants, batch):
    values = event_values(tenants, EventType.PACKING)
    for reader in (tenants.inspector, tenants.officer_a):
        with pytest.raises(AccessDenied):
            events.record_event(session, reader, batch.id, values)
    with pytest.raises(NotFound):
        events.record_event(session, tenants.staff_b, batch.id, values)
    with pytest.raises(NotFound):
        events.list_events(session, tenants.officer_b, batch.id)


def test_correcting_an_event_records_before_and_after(session, tenants, batch):
    event = events.record_event(
        session, tenants.staff_a, batch.id, event_values(tenants, EventType.SHIPPING)
    )
    later = MORNING + timedelta(hours=2)
    events.update_event(
        session, tenants.staff_a, event.id, {"party_name": "Siêu thị Co.op", "occurred_at": later}
    )
    latest = batch_history(session, batch.id)[0]
    assert latest.action is AuditAction.CHANGED
    assert latest.changes == {
        "party_name": ["Chợ đầu mối Bình Điền", "Siêu thị Co.op"],
        "occurred_at": [MORNING.isoformat(), later.isoformat()],
    }


def test_an_events_kind_and_batches_do_not_change(session, tenants, batch):
    event = events.record_event(
        session, tenants.staff_a, batch.id, event_values(tenants, EventType.PACKING)
    )
    assert refused_fields(
        session,
        lambda: events.update_event(
            session, tenants.staff_a, event.id, {"type": "shipping", "input_batch_ids": [1]}
        ),
    ) == {"type", "input_batch_ids"}
    with pytest.raises(NotFound):
        events.update_event(session, tenants.staff_b, event.id, {"notes": "x"})
    with pytest.raises(AccessDenied):
        events.update_event(session, tenants.inspector, event.id, {"notes": "x"})


def test_recall_sets_status_reason_time_and_adds_a_recall_event(session, tenants, batch):
    recall_batch(session, tenants.staff_a, batch.id, "  Dư lượng thuốc vượt ngưỡng  ")
    assert batch.status is BatchStatus.RECALLED
    assert batch.recall_reason == "Dư lượng thuốc vượt ngưỡng"
    assert utcnow() - batch.recalled_at < timedelta(minutes=1)
    [recall] = [e for e in events.events_of(session, batch) if e.type is EventType.RECALL]
    assert recall.notes == batch.recall_reason
    assert recall.occurred_at == batch.recalled_at
    assert recall.address
    assert [r.action for r in batch_history(session, batch.id)][:2] == [
        AuditAction.RECALLED,
        AuditAction.CREATED,
    ]
    with pytest.raises(InvalidInput):
        events.update_event(session, tenants.staff_a, recall.id, {"notes": "x"})


def test_the_recall_step_is_at_the_cooperatives_address_said_once(session, tenants, batch):
    # The fixtures' commune is Phường Sóc Trăng, Thành phố Cần Thơ; the clerk typed it too.
    tenants.cooperative_a.street_address = "Số 12 Lê Lợi, phường Sóc Trăng"
    recall_batch(session, tenants.staff_a, batch.id, "Dư lượng thuốc vượt ngưỡng")
    [recall] = [e for e in events.events_of(session, batch) if e.type is EventType.RECALL]
    assert recall.address == "Số 12 Lê Lợi, Phường Sóc Trăng, Thành phố Cần Thơ"


def test_recall_needs_a_reason_once_and_a_writer(session, tenants, batch):
    assert refused_fields(
        session, lambda: recall_batch(session, tenants.staff_a, batch.id, "  ")
    ) == {"reason"}
    for reader in (tenants.inspector, tenants.officer_a):
        with pytest.raises(AccessDenied):
            recall_batch(session, reader, batch.id, "Nhãn sai")
    with pytest.raises(NotFound):
        recall_batch(session, tenants.staff_b, batch.id, "Nhãn sai")
    recall_batch(session, tenants.operator, batch.id, "Nhãn sai")
    assert refused_fields(
        session, lambda: recall_batch(session, tenants.staff_a, batch.id, "Lần nữa")
    ) == {"reason"}


def test_recording_a_recall_by_hand_is_refused(session, tenants, batch):
    values = event_values(tenants, EventType.RECALL)
    assert refused_fields(
        session, lambda: events.record_event(session, tenants.staff_a, batch.id, values)
    ) == {"type"}


def test_a_harvest_within_a_pesticides_interval_is_warned_about(session, tenants, batch):
    sprayed = MORNING - timedelta(days=10)
    pesticide = events.record_event(
        session,
        tenants.staff_a,
        batch.id,
        event_values(
            tenants,
            EventType.INPUT_APPLIED,
            occurred_at=sprayed,
            input_kind="pesticide",
            input_name="Abamectin 3.6EC",
            pre_harvest_interval_days=14,
        ),
    )
    harvest = events.record_event(
        session, tenants.staff_a, batch.id, event_values(tenants, EventType.HARVEST)
    )
    [warning] = events.pre_harvest_warnings(events.events_of(session, batch))
    assert (warning.harvest, warning.pesticide) == (harvest, pesticide)
    assert warning.safe_from == sprayed + timedelta(days=14)


def test_a_harvest_after_the_interval_or_on_another_area_is_not_warned_about(
    session, tenants, batch
):
    other_area = make_farming_area(session, tenants.cooperative_a)
    batch.farming_areas.append(other_area)
    for area, days_before in ((tenants.farming_area_a, 15), (other_area, 3)):
        events.record_event(
            session,
            tenants.staff_a,
            batch.id,
            event_values(
                tenants,
                EventType.INPUT_APPLIED,
                farming_area_id=area.id,
                occurred_at=MORNING - timedelta(days=days_before),
                input_kind="pesticide",
                input_name="Abamectin 3.6EC",
                pre_harvest_interval_days=14,
            ),
        )
    events.record_event(
        session, tenants.staff_a, batch.id, event_values(tenants, EventType.HARVEST)
    )
    assert events.pre_harvest_warnings(events.events_of(session, batch)) == []
