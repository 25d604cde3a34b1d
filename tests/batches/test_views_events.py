"""Event pages: record each kind of step, correct one, photos, local time, refusals."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import select

from tests.batches.conftest import row_counts
from tests.factories import make_batch, make_event, make_farming_area, make_product
from tests.registry.test_views_common import (
    control,
    field_errors,
    selected_value,
    sign_in,
    submit,
    text_of,
)
from trace.batches.forms import read_local_datetime
from trace.batches.models import Event, EventBatchRole, EventType, InputKind
from trace.batches.services.recall import recall_batch
from trace.uploads.models import UploadPurpose


@pytest.fixture
def batch(session, tenants):
    return make_batch(session, tenants.product_a, farming_areas=[tenants.farming_area_a], unit="kg")


def new_event_path(batch) -> str:
    return f"/batches/{batch.id}/events/new?lang=en"


def event_data(**changes):
    return {
        "type": "packing",
        "occurred_at": "2026-11-20T07:30",
        "farming_area_id": "",
        "address": "Xưởng đóng gói ấp Tân Trung",
        "quantity": "100",
        "unit": "kg",
        "notes": "",
        **changes,
    }


def events_of_batch(session, batch) -> list[Event]:
    return [
        event
        for event in session.scalars(select(Event))
        if batch in event.batches(EventBatchRole.SUBJECT)
        or batch in event.batches(EventBatchRole.OUTPUT)
    ]


def photo_file(name: str = "ruong.jpg") -> tuple[io.BytesIO, str]:
    output = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 150, 70)).save(output, "JPEG")
    output.seek(0)
    return output, name


def test_local_date_time_is_read_as_vietnam_time():
    assert read_local_datetime("2026-11-20T07:30") == datetime(2026, 11, 20, 0, 30, tzinfo=UTC)
    assert read_local_datetime("20/11/2026") == "20/11/2026"
    assert read_local_datetime("") is None


def test_the_form_preselects_the_type_and_works_without_javascript(client, session, tenants, batch):
    elsewhere = make_farming_area(session, tenants.cooperative_a, name="Aa first by name")
    sign_in(client, tenants.staff_a)
    response = client.get(f"/batches/{batch.id}/events/new?type=harvest&lang=en")
    assert response.status_code == 200
    assert selected_value(response, "type") == "harvest"
    assert control(response, "occurred_at")["type"] == "datetime-local"
    assert control(response, "photos")["type"] == "file"
    assert re.search(r'<input[^>]*\bmultiple\b[^>]*name="photos"', response.get_data(as_text=True))
    markup = response.get_data(as_text=True)
    # Every part is in the page; a script may hide the ones that do not apply.
    for name in ("input_kind", "input_name", "pre_harvest_interval_days", "party_name"):
        assert f'name="{name}"' in markup
    assert '<script src="/static/js/event-form.js" defer></script>' in markup
    # The batch's own area comes first in the list of places.
    options = markup.split('name="farming_area_id"')[1].split("</select>")[0]
    assert options.index(tenants.farming_area_a.code) < options.index(elsewhere.code)
    assert "not an area of this batch" in options.split(elsewhere.code)[1]
    assert selected_value(client.get(f"/batches/{batch.id}/events/new?type=bogus"), "type") in (
        None,
        "",
    )


def test_a_harvest_is_recorded_in_local_time_and_shown_on_the_timeline(
    client, session, tenants, batch
):
    sign_in(client, tenants.staff_a)
    response = submit(
        client,
        new_event_path(batch),
        event_data(
            type="harvest",
            occurred_at="2026-11-20T07:30",
            farming_area_id=str(tenants.farming_area_a.id),
            address="",
            quantity="1200",
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/batches/{batch.id}#timeline")
    event = session.scalar(select(Event).where(Event.type == EventType.HARVEST))
    assert event.occurred_at == datetime(2026, 11, 20, 0, 30, tzinfo=UTC)
    assert event.recorded_by_id == tenants.staff_a.id
    page = text_of(client.get(f"/batches/{batch.id}?lang=en"))
    assert "Harvest recorded." in page
    assert "November 20, 2026, 7:30 AM Harvest" in page


def test_a_pesticide_with_its_interval_and_a_photo(client, session, tenants, batch):
    sign_in(client, tenants.staff_a)
    response = submit(
        client,
        new_event_path(batch),
        event_data(
            type="input_applied",
            occurred_at="2026-11-10T06:00",
            farming_area_id=str(tenants.farming_area_a.id),
            address="",
            input_kind="pesticide",
            input_name="Anvil 5SC",
            input_dose="20 ml / bình 16 l",
            pre_harvest_interval_days="14",
            photos=[photo_file()],
        ),
    )
    assert response.status_code == 302, field_errors(response, "photos")
    event = session.scalar(select(Event).where(Event.type == EventType.INPUT_APPLIED))
    assert event.input_kind is InputKind.PESTICIDE
    assert event.pre_harvest_interval_days == 14
    assert len(event.photos) == 1
    assert event.photos[0].purpose is UploadPurpose.EVENT_PHOTO
    assert event.photos[0].cooperative_id == tenants.cooperative_a.id
    make_event(
        session,
        batch,
        type=EventType.HARVEST,
        farming_area=tenants.farming_area_a,
        occurred_at=datetime(2026, 11, 18, 1, 0, tzinfo=UTC),
    )
    page = client.get(f"/batches/{batch.id}?lang=en")
    text = text_of(page)
    assert "Pesticide: Anvil 5SC" in text
    assert "Pre-harvest interval 14 days" in text
    assert "before the pre-harvest interval of Anvil 5SC" in text
    assert f'src="/files/{event.photos[0].storage_key}"' in page.get_data(as_text=True)
    # A commune officer may read the page but not open the photo.
    sign_in(client, tenants.officer_a)
    officer_page = client.get(f"/batches/{batch.id}?lang=en")
    assert "Photo saved" in text_of(officer_page)
    assert event.photos[0].storage_key not in officer_page.get_data(as_text=True)


def test_a_shipment_names_its_buyer(client, session, tenants, batch):
    sign_in(client, tenants.staff_a)
    missing = submit(client, new_event_path(batch), event_data(type="shipping"))
    assert missing.status_code == 422
    assert "Enter the buyer or market it went to." in field_errors(missing, "party_name")
    response = submit(
        client,
        new_event_path(batch),
        event_data(type="shipping", party_name="Siêu thị Co.opmart Sóc Trăng"),
    )
    assert response.status_code == 302
    text = text_of(client.get(f"/batches/{batch.id}?lang=en"))
    assert "Buyer or market Siêu thị Co.opmart Sóc Trăng" in text
    assert "Shipped to Siêu thị Co.opmart Sóc Trăng" in text


def test_receiving_planting_inspecting_and_packing(client, session, tenants, batch):
    sign_in(client, tenants.staff_a)
    area = str(tenants.farming_area_a.id)
    for data in (
        event_data(type="receiving", party_name="HTX Mỹ Xuyên"),
        event_data(type="planting", farming_area_id=area, address=""),
        event_data(type="inspecting", notes="Kiểm tra dư lượng: đạt"),
        event_data(type="packing"),
    ):
        response = submit(client, new_event_path(batch), data)
        assert response.status_code == 302, text_of(response)
    kinds = {event.type for event in events_of_batch(session, batch)}
    assert kinds == {
        EventType.RECEIVING,
        EventType.PLANTING,
        EventType.INSPECTING,
        EventType.PACKING,
    }


def test_processing_names_the_batches_it_was_made_from(client, session, tenants, batch):
    source = make_batch(session, tenants.product_a, lot="NGUON-1")
    other_cooperative = make_batch(session, make_product(session, tenants.cooperative_b))
    sign_in(client, tenants.staff_a)
    form = client.get(new_event_path(batch))
    assert "NGUON-1" in text_of(form)
    assert other_cooperative.code not in text_of(form)
    none_chosen = submit(client, new_event_path(batch), event_data(type="processing"))
    assert none_chosen.status_code == 422
    assert "Choose the batches that went into this one." in field_errors(
        none_chosen, "input_batch_ids"
    )
    foreign = submit(
        client,
        new_event_path(batch),
        event_data(type="processing", input_batch_ids=[str(other_cooperative.id)]),
    )
    assert foreign.status_code == 422
    response = submit(
        client,
        new_event_path(batch),
        event_data(type="processing", input_batch_ids=[str(source.id)]),
    )
    assert response.status_code == 302
    event = session.scalar(select(Event).where(Event.type == EventType.PROCESSING))
    assert event.batches(EventBatchRole.INPUT) == [source]
    assert event.batches(EventBatchRole.OUTPUT) == [batch]
    text = text_of(client.get(f"/batches/{batch.id}?lang=en"))
    assert f"Made from {source.code}" in text


BAD_EVENTS = [
    ({"type": ""}, "type", "Choose what happened."),
    ({"type": "recall"}, "type", "Choose what happened."),
    ({"occurred_at": ""}, "occurred_at", "Enter the date and time it happened."),
    ({"occurred_at": "yesterday"}, "occurred_at", "Enter the date and time it happened."),
    ({"occurred_at": "2999-01-01T00:00"}, "occurred_at", "This time is in the future."),
    ({"address": ""}, "address", "Choose a farming area or enter the address"),
    ({"type": "harvest", "address": ""}, "farming_area_id", "Choose the farming area"),
    ({"farming_area_id": "abc"}, "farming_area_id", "Choose farming areas of the batch's"),
    ({"quantity": "0"}, "quantity", "Enter an amount greater than 0."),
    ({"notes": "x" * 2001}, "notes", "Use at most 2000 characters."),
    ({"type": "input_applied"}, "input_kind", "Choose the kind of input."),
    (
        {"type": "input_applied", "input_kind": "pesticide", "input_name": "Anvil"},
        "pre_harvest_interval_days",
        "from 0 to 365 days",
    ),
    (
        {
            "type": "input_applied",
            "input_kind": "pesticide",
            "input_name": "Anvil",
            "pre_harvest_interval_days": "400",
        },
        "pre_harvest_interval_days",
        "from 0 to 365 days",
    ),
    # Bytes, not a file: a file object would be read (and closed) by the first backend's run.
    ({"photos": [(b"not an image", "a.jpg")]}, "photos", "a.jpg:"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_EVENTS)
def test_bad_events_answer_422_and_record_nothing(
    client, session, tenants, batch, changes, field, message
):
    sign_in(client, tenants.staff_a)
    before = row_counts(session)
    if "photos" in changes:
        changes = {"photos": [(io.BytesIO(data), name) for data, name in changes["photos"]]}
    response = submit(client, new_event_path(batch), event_data(**changes))
    assert response.status_code == 422
    assert message in field_errors(response, field), text_of(response)[:2000]
    assert row_counts(session) == before


def test_no_csrf_token_no_event(client, session, tenants, batch):
    sign_in(client, tenants.staff_a)
    before = row_counts(session)
    assert client.post(new_event_path(batch), data=event_data()).status_code == 400
    event = make_event(session, batch)
    assert client.post(f"/events/{event.id}/edit", data=event_data(notes="x")).status_code == 400
    assert row_counts(session)[1] == before[1] + 1


def test_notes_are_escaped_on_the_timeline(client, session, tenants, batch):
    sign_in(client, tenants.staff_a)
    submit(client, new_event_path(batch), event_data(notes="<script>alert('x')</script>"))
    markup = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    assert "<script>alert('x')</script>" not in markup
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in markup


def test_correcting_an_event_keeps_its_kind_and_shows_in_the_history(
    client, session, tenants, batch
):
    event = make_event(
        session,
        batch,
        type=EventType.SHIPPING,
        party_name="Chợ Sóc Trăng",
        occurred_at=datetime(2026, 11, 21, 2, 0, tzinfo=UTC),
    )
    sign_in(client, tenants.staff_a)
    form = client.get(f"/events/{event.id}/edit?lang=en")
    assert control(form, "occurred_at")["value"] == "2026-11-21T09:00"
    assert 'name="type"' not in form.get_data(as_text=True)
    assert "Shipping to a buyer or market" in text_of(form)
    response = submit(
        client,
        f"/events/{event.id}/edit?lang=en",
        event_data(
            type="harvest", party_name="Chợ đầu mối Cần Thơ", occurred_at="2026-11-21T09:00"
        ),
    )
    assert response.status_code == 302
    session.refresh(event)
    assert event.type is EventType.SHIPPING
    assert event.party_name == "Chợ đầu mối Cần Thơ"
    history = text_of(client.get(f"/batches/{batch.id}?lang=en"))
    assert "Event corrected" in history
    assert "Buyer, market or supplier: Chợ Sóc Trăng → Chợ đầu mối Cần Thơ" in history
    bad = submit(client, f"/events/{event.id}/edit?lang=en", event_data(party_name=""))
    assert bad.status_code == 422
    assert "Enter the buyer or market" in field_errors(bad, "party_name")


def test_a_recall_event_cannot_be_corrected(client, session, tenants, batch):
    recall_batch(session, tenants.staff_a, batch.id, "Dư lượng")
    recall = session.scalar(select(Event).where(Event.type == EventType.RECALL))
    sign_in(client, tenants.staff_a)
    response = client.get(f"/events/{recall.id}/edit?lang=en")
    assert response.status_code == 302
    assert "A recall cannot be changed." in text_of(client.get(response.headers["Location"]))
    assert f"/events/{recall.id}/edit" not in client.get(f"/batches/{batch.id}").get_data(
        as_text=True
    )


def test_an_event_on_another_area_of_the_cooperative_but_not_the_batch(
    client, session, tenants, batch
):
    warehouse_area = make_farming_area(session, tenants.cooperative_a, name="Sân phơi")
    sign_in(client, tenants.staff_a)
    packing = submit(
        client,
        new_event_path(batch),
        event_data(farming_area_id=str(warehouse_area.id), address=""),
    )
    assert packing.status_code == 302
    harvest = submit(
        client,
        new_event_path(batch),
        event_data(type="harvest", farming_area_id=str(warehouse_area.id), address=""),
    )
    assert harvest.status_code == 422
    assert "Choose one of the batch's farming areas." in field_errors(harvest, "farming_area_id")
