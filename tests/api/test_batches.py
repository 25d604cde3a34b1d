"""API: /api/v1/batches — list, create, get, change, recall, trace, history, EPCIS export."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.api.registry_helpers import caller, count, field_errors, ids
from tests.batches.conftest import row_counts
from tests.factories import make_batch, make_certificate, make_product
from trace.audit.models import AuditRecord
from trace.batches.models import Batch, BatchStatus, Event
from trace.registry.models import CertificateScheme

URL = "/api/v1/batches"


def _new_batch(tenants, **values):
    return {
        "product_id": tenants.product_a.id,
        "farming_area_ids": [tenants.farming_area_a.id],
        "harvested_on": "2026-11-18",
        "packed_on": "2026-11-19",
        "quantity": 1200.5,
        "unit": "kg",
        **values,
    }


def test_staff_register_a_batch_and_read_it_back(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    response = api.post(URL, _new_batch(tenants, lot="ST25-261118-A"))
    assert response.status_code == 201, response.get_json()
    batch = response.get_json()
    assert batch["code"] == f"{tenants.cooperative_a.code_prefix}-ST25-261118-A"
    assert batch["cooperative_id"] == tenants.cooperative_a.id
    assert batch["product"] == {
        "id": tenants.product_a.id,
        "name": tenants.product_a.name,
        "gtin": None,
    }
    assert batch["farming_areas"] == [
        {
            "id": tenants.farming_area_a.id,
            "code": tenants.farming_area_a.code,
            "name": tenants.farming_area_a.name,
        }
    ]
    assert (batch["quantity"], batch["unit"]) == (1200.5, "kg")
    assert (batch["status"], batch["recall_reason"], batch["recalled_at"]) == ("active", "", None)
    assert api.get(f"{URL}/{batch['id']}").get_json() == batch


def test_a_lot_is_generated_when_not_given(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    batch = api.post(URL, _new_batch(tenants)).get_json()
    assert batch["lot"].endswith("-261118-01")


def test_certificates_are_judged_on_harvest_day_and_today(client, session, tenants):
    product = tenants.product_a
    make_certificate(
        session,
        tenants.cooperative_a,
        scheme=CertificateScheme.VIETGAP,
        number="VietGAP-TT-13-0202",
        valid_from=date(2024, 1, 1),
        valid_to=date(2026, 11, 20),
        products=[product],
    )
    batch = make_batch(session, product, harvested_on=date(2026, 11, 18))
    body = caller(client, session, tenants.inspector).get(f"{URL}/{batch.id}").get_json()
    [certificate] = body["certificates"]
    assert certificate["scheme"] == "vietgap"
    assert certificate["number"] == "VietGAP-TT-13-0202"
    assert (certificate["valid_from"], certificate["valid_to"]) == ("2024-01-01", "2026-11-20")
    assert certificate["status_at_harvest"] == "expiring"
    assert certificate["status_today"] == "expired"


def test_bad_input_names_the_fields_and_changes_nothing(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    before = row_counts(session)
    cases = [
        ({"product_id": "1"}, "product_id"),
        ({"farming_area_ids": []}, "farming_area_ids"),
        ({"quantity": -3}, "quantity"),
        ({"quantity": 1.0001}, "quantity"),
        ({"lot": "lô có dấu"}, "lot"),
        ({"harvested_on": "18/11/2026"}, "harvested_on"),
        ({"packed_on": "2026-11-17"}, "packed_on"),
        ({"harvested_on": "2099-01-01"}, "harvested_on"),
        ({"colour": "đỏ"}, "colour"),
    ]
    for change, field in cases:
        assert field in field_errors(api.post(URL, _new_batch(tenants, **change))), change
    other_product = make_product(session, tenants.cooperative_b)
    assert "product_id" in field_errors(
        api.post(URL, _new_batch(tenants, product_id=other_product.id))
    )
    assert row_counts(session) == before


def test_the_list_filters_searches_and_pages(client, session, tenants):
    honey = make_product(session, tenants.cooperative_a, name="Mật ong hoa nhãn")
    first = make_batch(session, tenants.product_a, lot="ST25-A")
    second = make_batch(session, honey, lot="MO-B")
    recalled = make_batch(
        session,
        honey,
        lot="MO-C",
        status=BatchStatus.RECALLED,
        recall_reason="Nhiễm khuẩn",
        recalled_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    make_batch(session, make_product(session, tenants.cooperative_b))
    api = caller(client, session, tenants.staff_a)
    assert set(ids(api.get(URL))) == {first.id, second.id, recalled.id}
    assert set(ids(api.get(URL, q="mật ONG"))) == {second.id, recalled.id}
    assert ids(api.get(URL, status="recalled")) == [recalled.id]
    assert set(ids(api.get(URL, product_id=tenants.product_a.id))) == {first.id}
    page = api.get(URL, per_page=2, page=2).get_json()
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (3, 2, 2, 1)
    assert field_errors(api.get(URL, status="lost")).keys() == {"status"}
    assert field_errors(api.get(URL, colour="red")).keys() == {"colour"}


@pytest.mark.parametrize(
    ("user", "sees_a", "sees_b"),
    [
        ("operator", True, True),
        ("inspector", True, True),
        ("staff_a", True, False),
        ("staff_b", False, True),
        ("officer_a", True, False),
        ("officer_b", False, True),
    ],
)
def test_each_role_reads_the_batches_it_may(client, session, tenants, user, sees_a, sees_b):
    batch_a = make_batch(session, tenants.product_a)
    batch_b = make_batch(session, make_product(session, tenants.cooperative_b))
    api = caller(client, session, tenants.user(user))
    listed = set(ids(api.get(URL)))
    assert (batch_a.id in listed, batch_b.id in listed) == (sees_a, sees_b)
    expected = 200 if sees_a else 404
    for path in ("", "/events", "/trace", "/history", "/epcis"):
        assert api.get(f"{URL}/{batch_a.id}{path}").status_code == expected, path


def test_read_only_roles_cannot_write_and_other_tenants_see_nothing(client, session, tenants):
    batch = make_batch(session, tenants.product_a)
    path = f"{URL}/{batch.id}"
    before = row_counts(session)
    for user, status in (("inspector", 403), ("officer_a", 403), ("staff_b", 404)):
        api = caller(client, session, tenants.user(user))
        assert api.patch(path, {"unit": "tấn"}).status_code == status
        assert api.post(f"{path}/recall", {"reason": "Thử"}).status_code == status
        event = {"type": "packing", "occurred_at": "2026-11-19T08:00:00+07:00", "address": "Kho"}
        assert api.post(f"{path}/events", event).status_code == status
    assert (
        caller(client, session, tenants.inspector).post(URL, _new_batch(tenants)).status_code == 403
    )
    assert row_counts(session) == before


def test_a_change_keeps_product_and_lot(client, session, tenants):
    batch = make_batch(session, tenants.product_a, unit="kg")
    api = caller(client, session, tenants.staff_a)
    changed = api.patch(f"{URL}/{batch.id}", {"quantity": 900, "unit": "kg"})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["quantity"] == 900
    errors = field_errors(api.patch(f"{URL}/{batch.id}", {"lot": "KHAC-01"}))
    assert "lot" in errors
    assert field_errors(api.patch(f"{URL}/{batch.id}", {"cooperative_id": 1})).keys() == {
        "cooperative_id"
    }


def test_recall_once_with_a_reason_then_no_more_changes(client, session, tenants):
    batch = make_batch(session, tenants.product_a)
    api = caller(client, session, tenants.staff_a)
    path = f"{URL}/{batch.id}"
    assert "reason" in field_errors(api.post(f"{path}/recall", {}))
    assert "reason" in field_errors(api.post(f"{path}/recall", {"reason": "   "}))
    assert count(session, Event) == 0
    reason = "Phát hiện dư lượng thuốc bảo vệ thực vật vượt mức cho phép."
    recalled = api.post(f"{path}/recall", {"reason": reason})
    assert recalled.status_code == 200, recalled.get_json()
    body = recalled.get_json()
    assert (body["status"], body["recall_reason"]) == ("recalled", reason)
    assert body["recalled_at"] is not None
    before = row_counts(session)
    assert "reason" in field_errors(api.post(f"{path}/recall", {"reason": "Lần nữa"}))
    assert api.patch(path, {"unit": "tấn"}).status_code == 409
    assert row_counts(session) == before
    [event] = api.get(f"{path}/events").get_json()
    assert (event["type"], event["notes"]) == ("recall", reason)


def _process(api, output, inputs, day):
    response = api.post(
        f"{URL}/{output.id}/events",
        {
            "type": "processing",
            "occurred_at": f"2026-11-{day}T09:00:00+07:00",
            "address": "Nhà máy xay xát HTX",
            "input_batch_ids": [batch.id for batch in inputs],
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_trace_walks_a_two_level_chain_both_ways(client, session, tenants):
    paddy = make_batch(session, tenants.product_a, lot="LUA-01")
    milled = make_batch(session, make_product(session, tenants.cooperative_a), lot="GAO-01")
    packed = make_batch(session, make_product(session, tenants.cooperative_a), lot="TUI-01")
    api = caller(client, session, tenants.staff_a)
    milling = _process(api, milled, [paddy], 19)
    _process(api, packed, [milled], 20)
    shipped = api.post(
        f"{URL}/{packed.id}/events",
        {
            "type": "shipping",
            "occurred_at": "2026-11-21T07:00:00+07:00",
            "address": "Kho HTX",
            "party_name": "Siêu thị Co.op Cần Thơ",
        },
    )
    assert shipped.status_code == 201, shipped.get_json()
    api.post(f"{URL}/{paddy.id}/recall", {"reason": "Lúa nhiễm nấm"})

    back = api.get(f"{URL}/{packed.id}/trace").get_json()
    assert [(s["batch"]["code"], s["depth"]) for s in back["sources"]] == [
        (milled.code, 1),
        (paddy.code, 2),
    ]
    assert back["sources"][1]["processing_event_id"] == milling["id"]
    assert back["sources"][1]["linked_to_batch_id"] == milled.id
    assert [area["code"] for area in back["farming_areas"]] == sorted(
        area.code for batch in (paddy, milled, packed) for area in batch.farming_areas
    )
    assert [b["id"] for b in back["recalled_sources"]] == [paddy.id]
    assert [s["party_name"] for s in back["shipments"]] == ["Siêu thị Co.op Cần Thơ"]

    forward = api.get(f"{URL}/{paddy.id}/trace").get_json()
    assert [(s["batch"]["id"], s["depth"]) for s in forward["products"]] == [
        (milled.id, 1),
        (packed.id, 2),
    ]
    assert [s["party_name"] for s in forward["shipments"]] == ["Siêu thị Co.op Cần Thơ"]


def test_history_lists_changes_newest_first_with_who(client, session, tenants):
    api = caller(client, session, tenants.staff_a)
    batch = api.post(URL, _new_batch(tenants, quantity=100)).get_json()
    api.patch(f"{URL}/{batch['id']}", {"quantity": 120})
    history = api.get(f"{URL}/{batch['id']}/history").get_json()
    assert [record["action"] for record in history] == ["changed", "created"]
    assert history[0]["actor"] == tenants.staff_a.email
    assert history[0]["subject"] == "batch"
    assert history[0]["changes"] == {"quantity": ["100", "120"]}
    assert count(session, AuditRecord) == 3  # and the issuing key's


def test_the_epcis_export_is_json_ld(app, client, session, tenants):
    batch = make_batch(session, tenants.product_a)
    api = caller(client, session, tenants.operator)
    api.post(
        f"{URL}/{batch.id}/events",
        {"type": "packing", "occurred_at": "2026-11-19T08:00:00+07:00", "address": "Xưởng"},
    )
    response = api.get(f"{URL}/{batch.id}/epcis")
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    document = response.get_json(force=True)
    assert document["type"] == "EPCISDocument"
    # No harvest recorded: the batch's registration commissions the lot, before the packing.
    registration, event = document["epcisBody"]["eventList"]
    assert (registration["action"], registration["bizStep"]) == ("ADD", "commissioning")
    assert registration["eventTime"] == event["eventTime"] == "2026-11-19T01:00:00Z"
    assert event["bizStep"] == "packing"
    assert (
        event["quantityList"][0]["epcClass"]
        == f"{app.config['TRACE_PUBLIC_BASE_URL']}/b/{batch.code}"
    )


def test_batches_are_counted_only_when_created(client, session, tenants):
    before = count(session, Batch)
    caller(client, session, tenants.staff_a).post(URL, _new_batch(tenants))
    assert count(session, Batch) == before + 1
