"""The EPCIS 2.0 export: valid against GS1's own JSON Schema, and mapped as CBV 2.0 says."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from tests.batches.epcis_schema import SCHEMA_DIR, assert_valid
from tests.factories import make_batch, make_certificate, make_farming_area, make_product
from trace.batches.services import events
from trace.batches.services.epcis import Uris, epcis_document
from trace.batches.services.recall import recall_batch
from trace.registry.models import CertificateScheme

BASE = "https://truyxuat.example.vn"
GTIN = "08934567890120"


@pytest.mark.parametrize("name", ["example-ObjectEvent.json", "example-TransformationEvent.json"])
def test_gs1_examples_pass_the_validator(validator, schema, name):
    assert_valid(validator, schema, json.loads((SCHEMA_DIR / name).read_text()))


def test_the_validator_refuses_what_the_schema_forbids(validator, schema):
    example = json.loads((SCHEMA_DIR / "example-ObjectEvent.json").read_text())
    for broken in (
        {**example, "eventID": "not a uri"},
        {**example, "eventTime": "2005-04-03 20:33"},
        {**example, "bizStep": "harvesting"},
        {**example, "action": "HARVEST"},
        {**example, "unknownField": 1},
    ):
        assert list(validator.iter_errors(broken)), broken


def _at(day: int, hour: int = 1) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def _record(session, tenants, batch, kind: str, day: int, **values: Any):
    return events.record_event(
        session,
        tenants.staff_a,
        batch.id,
        {"type": kind, "occurred_at": _at(day), **values},
    )


@pytest.fixture
def chain(session, tenants):
    """Paddy of a GTIN product with every kind of event, milled into rice without a GTIN."""
    cooperative = tenants.cooperative_a
    paddy_product = make_product(session, cooperative, name="Lúa ST25", gtin=GTIN, unit="kg")
    rice_product = make_product(session, cooperative, name="Gạo ST25 xay xát", unit="túi")
    area = make_farming_area(session, cooperative, code="VN-STRG-0042", name="Ruộng ấp Giồng")
    make_certificate(
        session,
        cooperative,
        scheme=CertificateScheme.VIETGAP,
        number="VietGAP-TT-13-0101",
        products=[paddy_product],
    )
    paddy = make_batch(
        session,
        paddy_product,
        lot="ST25-261110-01",
        farming_areas=[area],
        quantity=Decimal("5000"),
        unit="kg",
        expires_on=date(2027, 11, 10),
    )
    rice = make_batch(session, rice_product, lot="GAO-261114-01", unit="túi")
    staff = tenants.staff_a
    _record(session, tenants, paddy, "planting", 1, farming_area_id=area.id)
    _record(
        session,
        tenants,
        paddy,
        "input_applied",
        2,
        farming_area_id=area.id,
        input_kind="pesticide",
        input_name="Anvil 5SC",
        input_dose="1 lít/ha",
        pre_harvest_interval_days=7,
    )
    _record(session, tenants, paddy, "harvest", 10, farming_area_id=area.id, quantity="5000")
    _record(session, tenants, paddy, "inspecting", 11, address="Kho HTX", notes="Độ ẩm 14%")
    _record(session, tenants, paddy, "receiving", 12, address="Kho HTX", party_name="Tổ hợp tác 3")
    _record(
        session, tenants, paddy, "shipping", 13, address="Kho HTX", party_name="Công ty Gạo Việt"
    )
    _record(session, tenants, paddy, "packing", 13, address="Kho HTX", quantity="2", unit="yến")
    _record(
        session,
        tenants,
        rice,
        "processing",
        14,
        address="Nhà máy xay xát HTX",
        input_batch_ids=[paddy.id],
        quantity="300",
        unit="túi",
    )
    recall_batch(session, staff, paddy.id, "Dư lượng thuốc bảo vệ thực vật vượt mức")
    return paddy, rice


def _by_step(document) -> dict[str, dict[str, Any]]:
    return {event["bizStep"]: event for event in document["epcisBody"]["eventList"]}


def test_a_batch_with_every_kind_of_event_is_valid_epcis(session, chain, validator, schema):
    paddy, rice = chain
    for batch in (paddy, rice):
        document = epcis_document(session, batch, BASE)
        assert_valid(validator, schema, document)
        assert document["schemaVersion"] == "2.0"
        assert document["@context"][0] == (
            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
        )
        assert document["@context"][1] == {"trace": f"{BASE}/ns/epcis#"}
    document = epcis_document(session, paddy, BASE)
    steps = [event["bizStep"] for event in document["epcisBody"]["eventList"]]
    namespace = f"{BASE}/ns/epcis#"
    assert steps == [
        f"{namespace}planting",
        f"{namespace}applying_input",
        "commissioning",
        "inspecting",
        "receiving",
        "shipping",
        "packing",
        "commissioning",
        "holding",
    ]


def test_harvest_is_commissioning_with_harvest_facts_and_certificates(session, chain):
    paddy, _ = chain
    harvest = next(
        event
        for event in epcis_document(session, paddy, BASE)["epcisBody"]["eventList"]
        if event.get("action") == "ADD"
    )
    lot_uri = f"https://id.gs1.org/01/{GTIN}/10/ST25-261110-01"
    assert harvest["type"] == "ObjectEvent"
    assert (harvest["bizStep"], harvest["disposition"]) == ("commissioning", "active")
    assert harvest["quantityList"] == [{"epcClass": lot_uri, "quantity": 5000, "uom": "KGM"}]
    assert harvest["eventTime"] == "2026-11-10T01:00:00Z"
    assert harvest["eventTimeZoneOffset"] == "+07:00"
    area_uri = f"{BASE}/id/farming-areas/{paddy.farming_areas[0].id}"
    assert harvest["readPoint"] == harvest["bizLocation"] == {"id": area_uri}
    ilmd = harvest["ilmd"]
    assert ilmd["cbvmda:harvestStartDate"] == "2026-11-10"
    assert ilmd["cbvmda:lotNumber"] == "ST25-261110-01"
    assert ilmd["cbvmda:itemExpirationDate"] == "2027-11-10"
    assert ilmd["trace:plantingAreaCode"] == "VN-STRG-0042"
    assert (ilmd["trace:harvestQuantity"], ilmd["trace:harvestUnit"]) == (5000, "kg")
    [certification] = ilmd["gs1:certification"]
    assert certification["gs1:certificationStandard"] == "VietGAP"
    assert certification["gs1:certificationIdentification"] == "VietGAP-TT-13-0101"
    assert certification["trace:statusAtHarvest"] == "valid"
    assert harvest["certificationInfo"] == [certification["gs1:certificationURI"]]


def test_processing_is_a_transformation_from_gtin_lot_to_platform_lot(session, chain):
    paddy, rice = chain
    for batch in (paddy, rice):
        [milling] = [
            event
            for event in epcis_document(session, batch, BASE)["epcisBody"]["eventList"]
            if event["type"] == "TransformationEvent"
        ]
        assert milling["inputQuantityList"] == [
            {"epcClass": f"https://id.gs1.org/01/{GTIN}/10/ST25-261110-01"}
        ]
        # Counted in bags: a quantity without a unit of measure counts instances.
        assert milling["outputQuantityList"] == [
            {"epcClass": f"{BASE}/b/{rice.code}", "quantity": 300}
        ]
        assert milling["ilmd"] == {"cbvmda:lotNumber": "GAO-261114-01"}
        assert milling["trace:address"] == "Nhà máy xay xát HTX"


def test_recall_holds_the_lot_as_recalled_for_good(session, chain):
    paddy, _ = chain
    recall = _by_step(epcis_document(session, paddy, BASE))["holding"]
    assert (recall["action"], recall["disposition"]) == ("OBSERVE", "recalled")
    assert recall["persistentDisposition"] == {"set": ["recalled"]}
    assert recall["trace:recallReason"] == "Dư lượng thuốc bảo vệ thực vật vượt mức"


def test_field_work_shipping_and_receiving_carry_their_facts(session, chain):
    paddy, _ = chain
    uris = Uris(BASE)
    by_step = _by_step(epcis_document(session, paddy, BASE))
    spraying = by_step[f"{BASE}/ns/epcis#applying_input"]
    assert spraying["action"] == "OBSERVE"
    assert spraying["trace:inputKind"] == "pesticide"
    assert spraying["trace:preHarvestIntervalDays"] == 7
    assert spraying["trace:safeToHarvestFrom"] == "2026-11-09T01:00:00Z"
    shipping = by_step["shipping"]
    assert shipping["disposition"] == "in_transit"
    assert "bizLocation" not in shipping
    assert shipping["destinationList"] == [
        {
            "type": "owning_party",
            "destination": uris.party(paddy.cooperative_id, "Công ty Gạo Việt"),
        }
    ]
    assert shipping["trace:partyName"] == "Công ty Gạo Việt"
    receiving = by_step["receiving"]
    assert receiving["sourceList"][0]["source"] == uris.party(paddy.cooperative_id, "tổ hợp  TÁC 3")
    assert receiving["destinationList"][0]["destination"] == uris.cooperative(paddy.cooperative_id)
    # Two yến (10 kg each) have no UN/CEFACT code: the amount stays out of the count.
    packing = by_step["packing"]
    assert packing["quantityList"] == [
        {"epcClass": f"https://id.gs1.org/01/{GTIN}/10/ST25-261110-01"}
    ]
    assert (packing["trace:quantity"], packing["trace:unit"]) == (2, "yến")


def test_event_ids_are_stable_and_distinct(session, chain):
    paddy, _ = chain
    first = [e["eventID"] for e in epcis_document(session, paddy, BASE)["epcisBody"]["eventList"]]
    again = [e["eventID"] for e in epcis_document(session, paddy, BASE)["epcisBody"]["eventList"]]
    assert first == again
    assert len(set(first)) == len(first)
    assert all(event_id.startswith("urn:uuid:") for event_id in first)
