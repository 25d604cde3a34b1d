"""One step back, one step forward: sources, farming areas, products and shipments, recursively."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.factories import make_batch, make_farming_area, make_product
from trace.batches.models import EventType
from trace.batches.services import events
from trace.batches.services.recall import recall_batch
from trace.batches.services.tracing import downstream_batch_ids, trace_batch

DAY = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


def process(session, tenants, output, inputs, day: int = 18):
    return events.record_event(
        session,
        tenants.staff_a,
        output.id,
        {
            "type": "processing",
            "occurred_at": DAY.replace(day=day),
            "address": "Nhà máy xay xát HTX",
            "input_batch_ids": [batch.id for batch in inputs],
        },
    )


def ship(session, tenants, batch, buyer: str):
    return events.record_event(
        session,
        tenants.staff_a,
        batch.id,
        {
            "type": EventType.SHIPPING.value,
            "occurred_at": DAY.replace(day=20),
            "address": "Kho HTX",
            "party_name": buyer,
        },
    )


def test_a_chain_is_walked_both_ways_to_the_end(session, tenants):
    """Paddy from two fields -> milled rice -> packed rice, shipped at each step."""
    paddy_north, paddy_south = (make_batch(session, tenants.product_a) for _ in range(2))
    milled = make_batch(session, make_product(session, tenants.cooperative_a))
    packed = make_batch(session, make_product(session, tenants.cooperative_a))
    milling = process(session, tenants, milled, [paddy_north, paddy_south], day=19)
    process(session, tenants, packed, [milled], day=20)
    ship(session, tenants, milled, "Công ty Gạo Việt")
    ship(session, tenants, packed, "Siêu thị Co.op Cần Thơ")

    back = trace_batch(session, packed)
    # Within a level, by processing time and then batch code (created in that order).
    assert [(s.batch, s.depth) for s in back.sources] == [
        (milled, 1),
        (paddy_north, 2),
        (paddy_south, 2),
    ]
    assert back.sources[1].via is milling
    assert back.sources[1].linked_to is milled
    expected_areas = {
        area.id for b in (packed, milled, paddy_north, paddy_south) for area in b.farming_areas
    }
    assert {area.id for area in back.farming_areas} == expected_areas
    assert [e.party_name for e in back.shipments] == ["Siêu thị Co.op Cần Thơ"]

    forward = trace_batch(session, paddy_north)
    assert [(s.batch, s.depth) for s in forward.products] == [(milled, 1), (packed, 2)]
    assert sorted(e.party_name for e in forward.shipments) == [
        "Công ty Gạo Việt",
        "Siêu thị Co.op Cần Thơ",
    ]
    assert downstream_batch_ids(session, paddy_south.id) == {milled.id, packed.id}
    assert downstream_batch_ids(session, packed.id) == set()


def test_a_batch_made_from_a_recalled_batch_carries_the_warning(session, tenants):
    paddy = make_batch(session, tenants.product_a)
    milled = make_batch(session, tenants.product_a)
    packed = make_batch(session, tenants.product_a)
    process(session, tenants, milled, [paddy])
    process(session, tenants, packed, [milled])
    assert trace_batch(session, packed).recalled_sources == []
    recall_batch(session, tenants.staff_a, paddy.id, "Nhiễm nấm mốc")
    assert trace_batch(session, packed).recalled_sources == [paddy]
    assert trace_batch(session, milled).recalled_sources == [paddy]
    assert not packed.is_recalled, "the warning cascades, the recall does not"


def test_a_batch_alone_has_only_its_own_areas(session, tenants):
    area = make_farming_area(session, tenants.cooperative_a)
    batch = make_batch(session, tenants.product_a, farming_areas=[area])
    trace = trace_batch(session, batch)
    assert (trace.sources, trace.products, trace.shipments) == ([], [], [])
    assert trace.farming_areas == [area]
