"""Batch pages: list, register, show, change, recall, trace; messages at the fields; tenants."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.batches.conftest import row_counts
from tests.conftest import csrf_token_from
from tests.factories import (
    make_batch,
    make_certificate,
    make_event,
    make_farming_area,
    make_product,
)
from tests.registry.test_views_common import (
    assert_shows_error,
    control,
    field_errors,
    sign_in,
    submit,
    text_of,
)
from trace.batches.models import Batch, BatchStatus, EventBatch, EventBatchRole, EventType
from trace.batches.services.batches import create_batch, update_batch
from trace.batches.services.codes import batch_code, issue_units
from trace.batches.services.recall import recall_batch

READERS = ["operator", "staff_a", "inspector", "officer_a"]
OTHER_TENANTS = ["staff_b", "officer_b"]


def form_data(tenants, **changes):
    return {
        "product_id": str(tenants.product_a.id),
        "farming_area_ids": [str(tenants.farming_area_a.id)],
        "harvested_on": "2026-11-18",
        "packed_on": "2026-11-19",
        "quantity": "1200,5",
        "unit": "kg",
        **changes,
    }


def section(response, css_class: str) -> list[str]:
    """The text of every ``<li class="... css_class">`` item, up to the next one or the
    end of its section."""
    markup = response.get_data(as_text=True)
    starts = [m.start() for m in re.finditer(rf'<li class="[^"]*\b{css_class}\b', markup)]
    items = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else markup.index("</section>", start)
        items.append(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup[start:end])).split()))
    return items


# Reading


@pytest.mark.parametrize("caller", READERS)
def test_every_reader_lists_and_opens_a_batch_of_their_scope(client, session, tenants, caller):
    batch = make_batch(session, tenants.product_a, quantity=12, unit="kg")
    sign_in(client, tenants.user(caller))
    listing = client.get("/batches?lang=en")
    assert listing.status_code == 200
    assert batch.code in text_of(listing)
    assert tenants.product_a.name in text_of(listing)
    detail = client.get(f"/batches/{batch.id}?lang=en")
    assert detail.status_code == 200
    assert ("Record an event" in text_of(detail)) is (caller in ("operator", "staff_a"))
    assert ("Register a batch" in text_of(listing)) is (caller in ("operator", "staff_a"))


@pytest.mark.parametrize("caller", OTHER_TENANTS)
def test_another_tenant_gets_404_on_every_batch_and_event_url(client, session, tenants, caller):
    batch = make_batch(session, tenants.product_a)
    event = make_event(session, batch)
    sign_in(client, tenants.user(caller))
    assert batch.code not in text_of(client.get("/batches"))
    paths = [
        f"/batches/{batch.id}",
        f"/batches/{batch.id}/trace",
        f"/batches/{batch.id}/edit",
        f"/batches/{batch.id}/recall",
        f"/batches/{batch.id}/events/new",
        f"/events/{event.id}/edit",
    ]
    for path in paths:
        expected = 404 if caller == "staff_b" or path.count("/") == 2 or "trace" in path else 403
        assert client.get(path).status_code == expected, path
    if caller == "staff_b":
        token = csrf_token_from(client.get("/batches/new").get_data(as_text=True))
        for path in paths[2:]:
            response = client.post(path, data={"csrf_token": token, "reason": "x"})
            assert response.status_code == 404, path
    assert session.get(Batch, batch.id).status is BatchStatus.ACTIVE


def test_search_status_filter_and_pages(client, session, tenants):
    tea = make_product(session, tenants.cooperative_a, name="Chè búp Tân Cương")
    for number in range(22):
        make_batch(session, tenants.product_a, lot=f"R{number:03d}")
    make_batch(session, tea, lot="TEA-1")
    recalled = make_batch(
        session,
        tea,
        lot="TEA-2",
        status=BatchStatus.RECALLED,
        recall_reason="Dư lượng",
        recalled_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    sign_in(client, tenants.staff_a)

    first = client.get("/batches?lang=en")
    assert "24 batches" in text_of(first)
    assert "Page 1 of 2" in text_of(first)
    assert 'href="/batches?lang=en&amp;page=2"' in first.get_data(as_text=True)
    by_product = client.get("/batches?q=ch%C3%A8&lang=en")
    assert "2 batches" in text_of(by_product)
    assert "TEA-1" in text_of(by_product)
    assert "TEA-2" in text_of(by_product)
    by_lot = client.get("/batches?q=r021&lang=en")
    assert "1 batch" in text_of(by_lot)
    by_code = client.get(f"/batches?q={recalled.code}&lang=en")
    assert recalled.code in text_of(by_code)
    only_recalled = client.get("/batches?status=recalled&lang=en")
    assert "1 batch" in text_of(only_recalled)
    assert 'class="status status--recalled"' in only_recalled.get_data(as_text=True)
    only_active = client.get("/batches?status=active&q=tea&lang=en")
    assert "TEA-1" in text_of(only_active)
    assert "TEA-2" not in text_of(only_active)
    assert "Nothing matches" in text_of(client.get("/batches?q=zzz&lang=en"))
    # Odd query strings are ignored, never a 500.
    assert client.get("/batches?status=lost&page=-3").status_code == 200
    assert client.get("/batches?page=99999999999999").status_code == 200


def test_import_link_shows_only_when_the_import_page_exists(app, client, tenants):
    sign_in(client, tenants.staff_a)
    markup = client.get("/batches?lang=en").get_data(as_text=True)
    has_import = "batches.import_batches" in app.view_functions
    assert ("Import from a spreadsheet" in markup) is has_import


# Registering


def test_staff_register_a_batch_with_a_generated_lot(client, session, tenants):
    tenants.product_a.shelf_life_days = 365
    tenants.product_a.code = "ST25"
    session.flush()
    sign_in(client, tenants.staff_a)
    form = client.get("/batches/new?lang=en")
    assert 'name="cooperative_id"' not in form.get_data(as_text=True)
    assert control(form, "quantity")["inputmode"] == "decimal"
    assert "ST25-261118-01" in text_of(form)  # the hint shows what a generated lot looks like

    response = submit(client, "/batches/new?lang=en", form_data(tenants))
    assert response.status_code == 302
    batch = session.scalar(select(Batch).where(Batch.cooperative_id == tenants.cooperative_a.id))
    assert batch.lot == "ST25-261118-01"
    assert batch.code == f"{tenants.cooperative_a.code_prefix}-ST25-261118-01"
    assert str(batch.quantity) == "1200.500"
    assert batch.expires_on == date(2027, 11, 19)
    assert response.headers["Location"].endswith(f"/batches/{batch.id}")
    page = client.get(response.headers["Location"])
    assert f"Batch {batch.code} registered." in text_of(page)


BAD_INPUT = [
    ({"product_id": ""}, "product_id", "Choose a product of the batch's cooperative."),
    ({"product_id": "abc"}, "product_id", "Choose a product of the batch's cooperative."),
    ({"farming_area_ids": []}, "farming_area_ids", "Choose at least one farming area."),
    ({"farming_area_ids": ["x"]}, "farming_area_ids", "Choose farming areas"),
    ({"harvested_on": "2999-01-01"}, "harvested_on", "This date is in the future."),
    ({"harvested_on": "18/11/2026"}, "harvested_on", "Enter a date."),
    ({"packed_on": "2026-11-10"}, "packed_on", "Packing cannot come before the harvest."),
    ({"expires_on": "2026-11-01"}, "expires_on", "The expiry must come after"),
    ({"quantity": "abc"}, "quantity", "Enter an amount greater than 0."),
    ({"quantity": "-4"}, "quantity", "Enter an amount greater than 0."),
    ({"quantity": "1.2345"}, "quantity", "Use at most three decimals."),
    ({"lot": "lô 1"}, "lot", "Use at most 20 letters"),
    ({"unit": "k" * 31}, "unit", "Use at most 30 characters."),
    ({"notes\x00": "x", "unit": "kg\x00"}, None, None),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUT)
def test_bad_input_answers_422_with_the_message_at_its_field(
    client, session, tenants, changes, field, message
):
    sign_in(client, tenants.staff_a)
    before = row_counts(session)
    response = submit(client, "/batches/new?lang=en", form_data(tenants, **changes))
    if field is None:  # control characters are dropped, the rest is saved
        assert response.status_code == 302
        return
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert "Please check the form" in text_of(response)
    assert row_counts(session) == before


def test_product_or_area_of_another_cooperative_is_refused(client, session, tenants):
    other_product = make_product(session, tenants.cooperative_b)
    other_area = make_farming_area(session, tenants.cooperative_b)
    sign_in(client, tenants.staff_a)
    before = row_counts(session)
    response = submit(
        client,
        "/batches/new?lang=en",
        form_data(tenants, product_id=str(other_product.id), farming_area_ids=[str(other_area.id)]),
    )
    assert response.status_code == 422
    assert_shows_error(response, "product_id", "Choose a product of the batch's cooperative.")
    assert "Choose farming areas of the batch's cooperative." in field_errors(
        response, "farming_area_ids"
    )
    assert row_counts(session) == before


def test_a_lot_already_used_is_refused(client, session, tenants):
    make_batch(session, tenants.product_a, lot="LOT-7")
    sign_in(client, tenants.staff_a)
    response = submit(client, "/batches/new?lang=en", form_data(tenants, lot="LOT-7"))
    assert response.status_code == 422
    assert "already has a batch with this lot" in field_errors(response, "lot")


def test_operator_chooses_the_cooperative_first(client, session, tenants):
    sign_in(client, tenants.operator)
    choose = client.get("/batches/new?lang=en")
    assert choose.status_code == 200
    assert "First choose the cooperative" in text_of(choose)
    assert tenants.cooperative_a.name in text_of(choose)
    path = f"/batches/new?cooperative={tenants.cooperative_a.id}&lang=en"
    form = client.get(path)
    assert tenants.product_a.name in text_of(form)
    response = submit(
        client, path, form_data(tenants, cooperative_id=str(tenants.cooperative_a.id))
    )
    assert response.status_code == 302
    assert session.scalar(select(Batch).where(Batch.product_id == tenants.product_a.id))
    token = csrf_token_from(form.get_data(as_text=True))
    nothing = client.post("/batches/new", data={"csrf_token": token, **form_data(tenants)})
    assert nothing.status_code == 422


def test_posting_without_a_csrf_token_is_refused(client, session, tenants):
    sign_in(client, tenants.staff_a)
    before = row_counts(session)
    response = client.post("/batches/new", data=form_data(tenants))
    assert response.status_code == 400
    assert row_counts(session) == before
    batch = make_batch(session, tenants.product_a)
    assert client.post(f"/batches/{batch.id}/recall", data={"reason": "x"}).status_code == 400
    assert session.get(Batch, batch.id).status is BatchStatus.ACTIVE


# The batch page


def test_certificates_read_as_they_were_on_the_harvest_day_and_today(client, session, tenants):
    batch = make_batch(
        session,
        tenants.product_a,
        farming_areas=[tenants.farming_area_a],
        harvested_on=date(2025, 6, 1),
    )
    expired = make_certificate(
        session, tenants.cooperative_a, valid_from=date(2023, 1, 1), valid_to=date(2025, 1, 1)
    )
    expired.products = [tenants.product_a]
    lapsed = make_certificate(
        session, tenants.cooperative_a, valid_from=date(2025, 1, 1), valid_to=date(2025, 12, 31)
    )
    lapsed.farming_areas = [tenants.farming_area_a]
    session.flush()
    sign_in(client, tenants.staff_a)
    items = section(client.get(f"/batches/{batch.id}?lang=en"), "cert-item")
    by_number = {
        next(c for c in (expired, lapsed) if c.number in item).number: item for item in items
    }
    assert "On the harvest day (June 1, 2025) Expired Today Expired" in by_number[expired.number]
    assert "On the harvest day (June 1, 2025) Valid Today Expired" in by_number[lapsed.number]
    assert all("Valid Today Valid" not in item for item in items)


def test_the_page_shows_facts_areas_timeline_in_local_time_and_history(client, session, tenants):
    batch = create_batch(
        session,
        tenants.staff_a,
        {
            "product_id": tenants.product_a.id,
            "farming_area_ids": [tenants.farming_area_a.id],
            "harvested_on": date(2026, 11, 18),
            "quantity": "500",
        },
    )
    update_batch(session, tenants.staff_a, batch.id, {"harvested_on": date(2026, 11, 20)})
    make_event(
        session,
        batch,
        type=EventType.HARVEST,
        occurred_at=datetime(2026, 11, 20, 3, 5, tzinfo=UTC),
        farming_area=tenants.farming_area_a,
        recorded_by=tenants.staff_a,
    )
    sign_in(client, tenants.staff_a)
    response = client.get(f"/batches/{batch.id}?lang=en")
    text = text_of(response)
    assert tenants.farming_area_a.code in text
    assert "Phường Sóc Trăng" in text
    assert "500 kg" in text
    timeline = section(response, "timeline__item")
    assert len(timeline) == 1
    assert timeline[0].startswith("November 20, 2026, 10:05 AM Harvest")
    assert (tenants.staff_a.display_name or tenants.staff_a.email) in timeline[0]
    history = section(response, "history__row")
    assert history[0].startswith("Batch changed")
    assert "Harvest date: November 18, 2026 → November 20, 2026" in history[0]
    assert tenants.staff_a.email in history[0]
    assert history[-1].startswith("Batch registered")
    assert "Quantity: 500" in history[-1]


def test_the_page_shows_the_label_code_and_the_unit_codes_issued(client, session, tenants):
    batch = create_batch(
        session,
        tenants.staff_a,
        {
            "product_id": tenants.product_a.id,
            "farming_area_ids": [tenants.farming_area_a.id],
            "expires_on": date(2027, 5, 19),
        },
    )
    code = batch_code(session, tenants.staff_a, batch.id)
    sign_in(client, tenants.staff_a)
    text = text_of(client.get(f"/batches/{batch.id}?lang=en"))
    assert code.text in text
    assert f"signed with key {code.key.kid}" in text
    assert "unit code" not in text
    issue_units(session, tenants.staff_a, batch.id, 12)
    session.flush()
    text = text_of(client.get(f"/batches/{batch.id}?lang=en"))
    assert "12 unit codes issued, each with its own serial." in text
    history = section(client.get(f"/batches/{batch.id}?lang=en"), "history__row")
    assert "Unit codes issued: 0 → 12" in history[0]


def test_user_text_is_escaped(client, session, tenants):
    batch = make_batch(session, tenants.product_a)
    make_event(session, batch, notes="<script>alert(1)</script>", address="<b>kho</b>")
    sign_in(client, tenants.staff_a)
    markup = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "&lt;b&gt;kho&lt;/b&gt;" in markup


# Changing


def test_staff_change_a_batch_but_not_its_product_or_lot(client, session, tenants):
    second_area = make_farming_area(session, tenants.cooperative_a, name="Ruộng 2")
    batch = make_batch(session, tenants.product_a, lot="KEEP-1", harvested_on=date(2026, 11, 1))
    sign_in(client, tenants.staff_a)
    form = client.get(f"/batches/{batch.id}/edit?lang=en")
    assert 'name="product_id"' not in form.get_data(as_text=True)
    assert "KEEP-1" in text_of(form)
    response = submit(
        client,
        f"/batches/{batch.id}/edit?lang=en",
        {
            "farming_area_ids": [str(second_area.id)],
            "harvested_on": "2026-11-02",
            "quantity": "80",
            "unit": "bao",
            "product_id": "999",
            "lot": "CHANGED",
        },
    )
    assert response.status_code == 302
    session.refresh(batch)
    assert batch.lot == "KEEP-1"
    assert batch.farming_areas == [second_area]
    assert batch.harvested_on == date(2026, 11, 2)
    assert batch.unit == "bao"
    bad = submit(client, f"/batches/{batch.id}/edit?lang=en", {"farming_area_ids": []})
    assert bad.status_code == 422
    assert "Choose at least one farming area." in field_errors(bad, "farming_area_ids")


def test_a_recalled_batch_cannot_be_changed(client, session, tenants):
    batch = make_batch(session, tenants.product_a)
    recall_batch(session, tenants.staff_a, batch.id, "Dư lượng thuốc")
    sign_in(client, tenants.staff_a)
    response = client.get(f"/batches/{batch.id}/edit?lang=en")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "A recalled batch cannot be changed." in text_of(page)
    assert f'href="/batches/{batch.id}/edit"' not in page.get_data(as_text=True)
    token = csrf_token_from(client.get(f"/batches/{batch.id}/events/new").get_data(as_text=True))
    client.post(f"/batches/{batch.id}/edit", data={"csrf_token": token, "unit": "tấn"})
    session.refresh(batch)
    assert batch.unit != "tấn"


# Recalling and tracing


def test_recall_flow_shows_the_banner_and_warns_batches_made_from_it(client, session, tenants):
    source = make_batch(session, tenants.product_a)
    made = make_batch(session, tenants.product_a)
    processing = make_event(
        session,
        made,
        type=EventType.PROCESSING,
        links=[
            EventBatch(batch=source, role=EventBatchRole.INPUT),
            EventBatch(batch=made, role=EventBatchRole.OUTPUT),
        ],
    )
    assert processing.id
    sign_in(client, tenants.staff_a)
    form = client.get(f"/batches/{source.id}/recall?lang=en")
    assert "Recall batch" in text_of(form)
    empty = submit(client, f"/batches/{source.id}/recall?lang=en", {"reason": "  "})
    assert empty.status_code == 422
    assert_shows_error(empty, "reason", "Say why the batch is recalled.")
    assert session.get(Batch, source.id).status is BatchStatus.ACTIVE

    done = submit(
        client, f"/batches/{source.id}/recall?lang=en", {"reason": "Dư lượng <thuốc> vượt mức"}
    )
    assert done.status_code == 302
    page = client.get(f"/batches/{source.id}?lang=en")
    text = text_of(page)
    assert f"Batch {source.code} is recalled." in text
    assert "This batch was recalled on" in text
    assert "Dư lượng <thuốc> vượt mức" in text
    assert "&lt;thuốc&gt;" in page.get_data(as_text=True)
    assert "already recalled" in text_of(client.get(f"/batches/{source.id}/recall?lang=en"))

    downstream = text_of(client.get(f"/batches/{made.id}?lang=en"))
    assert "This batch was made from a recalled batch." in downstream
    assert source.code in downstream
    trace = client.get(f"/batches/{made.id}/trace?lang=en")
    assert trace.status_code == 200
    steps = section(trace, "trace-step")
    assert len(steps) == 1
    assert source.code in steps[0]
    assert "Recalled" in steps[0]
    assert "1 step back" in steps[0]


def test_trace_page_lists_shipments_and_batches_made_from_it(client, session, tenants):
    source = make_batch(session, tenants.product_a)
    made = make_batch(session, tenants.product_a)
    make_event(
        session,
        made,
        type=EventType.PROCESSING,
        links=[
            EventBatch(batch=source, role=EventBatchRole.INPUT),
            EventBatch(batch=made, role=EventBatchRole.OUTPUT),
        ],
    )
    make_event(
        session,
        made,
        type=EventType.SHIPPING,
        party_name="Chợ đầu mối Bình Điền",
        quantity=300,
        unit="kg",
        occurred_at=datetime(2026, 11, 21, 1, 30, tzinfo=UTC),
    )
    sign_in(client, tenants.officer_a)
    trace = text_of(client.get(f"/batches/{source.id}/trace?lang=en"))
    assert "1 step forward" in trace
    assert made.code in trace
    assert "Chợ đầu mối Bình Điền" in trace
    assert "November 21, 2026, 8:30 AM" in trace
    assert "300 kg" in trace
    detail = text_of(client.get(f"/batches/{source.id}?lang=en"))
    assert f"Made into {made.code}" in detail
