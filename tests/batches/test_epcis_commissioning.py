"""Every lot is commissioned in its EPCIS export: by its harvest, by the processing that made
it, or by its registration; every demo batch's export is valid against GS1's schema."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from tests.batches.epcis_schema import assert_valid
from tests.batches.test_epcis import BASE, GTIN
from tests.factories import make_batch, make_certificate, make_farming_area, make_product
from trace.batches.models import Batch
from trace.batches.services import events
from trace.batches.services.epcis import Uris, epcis_document
from trace.registry.models import CertificateScheme

# The three demo batches that had no event of their own before the registration counted.
WITHOUT_HARVEST = ("TK-261012-01", "GL25-260820-01", "HC25-260815-01")


def _at(day: int) -> datetime:
    return datetime(2026, 11, day, 1, 0, tzinfo=UTC)


def _made(event):
    """The quantity elements an event brings into being or observes."""
    return event.get("quantityList") or event.get("outputQuantityList") or []


def _events(document):
    return document["epcisBody"]["eventList"]


def test_every_demo_batch_exports_valid_epcis_with_a_commissioning_event(
    runner, session, validator, schema
):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    demo_batches = session.scalars(select(Batch).order_by(Batch.code)).all()
    assert len(demo_batches) >= 10
    assert {batch.lot for batch in demo_batches} >= set(WITHOUT_HARVEST)
    for batch in demo_batches:
        document = epcis_document(session, batch, BASE)
        assert_valid(validator, schema, document)
        lot = Uris(BASE).lot(batch)
        commissioning = [
            event
            for event in _events(document)
            if event["bizStep"] == "commissioning"
            and lot
            in [
                q["epcClass"]
                for q in event.get("quantityList", event.get("outputQuantityList", []))
            ]
        ]
        assert len(commissioning) == 1, (batch.code, _events(document))


def test_a_batch_without_harvest_is_commissioned_by_its_registration(
    session, tenants, validator, schema
):
    cooperative = tenants.cooperative_a
    product = make_product(session, cooperative, name="Chè búp", gtin=GTIN, unit="kg")
    areas = [
        make_farming_area(session, cooperative, code="VN-TN-0007", name="Đồi chè Tân Cương"),
        make_farming_area(session, cooperative, code="VN-TN-0008", name="Đồi chè Phúc Xuân"),
    ]
    certificate = make_certificate(
        session,
        cooperative,
        scheme=CertificateScheme.VIETGAP,
        number="VG-0042",
        valid_from=date(2025, 1, 1),
        valid_to=date(2026, 12, 31),
        products=[product],
    )
    batch = make_batch(
        session,
        product,
        lot="CB-261012-01",
        farming_areas=areas,
        harvested_on=date(2026, 10, 12),
        packed_on=date(2026, 10, 14),
        expires_on=date(2027, 10, 12),
        quantity=Decimal("120.5"),
        unit="kg",
    )
    document = epcis_document(session, batch, BASE)
    assert_valid(validator, schema, document)
    [event] = _events(document)
    assert event["type"] == "ObjectEvent"
    assert (event["action"], event["bizStep"], event["disposition"]) == (
        "ADD",
        "commissioning",
        "active",
    )
    assert event["quantityList"] == [
        {
            "epcClass": f"https://id.gs1.org/01/{GTIN}/10/CB-261012-01",
            "quantity": 120.5,
            "uom": "KGM",
        }
    ]
    # The harvest day as recorded: 00:00 in Vietnam.
    assert (event["eventTime"], event["eventTimeZoneOffset"]) == ("2026-10-11T17:00:00Z", "+07:00")
    assert event["eventID"] == Uris(BASE).registration(batch.id)
    # Two areas: no single business location, both in the farm list.
    assert "bizLocation" not in event
    assert "readPoint" not in event
    ilmd = event["ilmd"]
    assert ilmd["cbvmda:lotNumber"] == "CB-261012-01"
    assert ilmd["cbvmda:harvestStartDate"] == ilmd["cbvmda:harvestEndDate"] == "2026-10-12"
    assert ilmd["cbvmda:itemExpirationDate"] == "2027-10-12"
    assert ilmd["cbvmda:countryOfOrigin"] == "VN"
    assert ilmd["trace:packingDate"] == "2026-10-14"
    assert [
        (farm["cbvmda:farmID"], farm["cbvmda:farmIDType"], farm["trace:farmingAreaName"])
        for farm in ilmd["cbvmda:farmList"]
    ] == [
        ("VN-TN-0007", f"{BASE}/ns/epcis#plantingAreaCode", "Đồi chè Tân Cương"),
        ("VN-TN-0008", f"{BASE}/ns/epcis#plantingAreaCode", "Đồi chè Phúc Xuân"),
    ]
    [certification] = ilmd["gs1:certification"]
    assert certification["gs1:certificationIdentification"] == "VG-0042"
    assert event["certificationInfo"] == [Uris(BASE).certificate(certificate.id)]
    # Stable: the same batch gives the same event id.
    assert _events(epcis_document(session, batch, BASE))[0]["eventID"] == event["eventID"]


def test_one_farming_area_is_the_read_point_and_later_steps_follow_the_commissioning(
    session, tenants, validator, schema
):
    product = make_product(session, tenants.cooperative_a, name="Tôm sú", unit="kg")
    area = make_farming_area(session, tenants.cooperative_a, code="VN-CM-0101")
    batch = make_batch(session, product, farming_areas=[area], packed_on=date(2026, 11, 20))
    events.record_event(
        session,
        tenants.staff_a,
        batch.id,
        {"type": "shipping", "occurred_at": _at(21), "address": "Kho", "party_name": "Chợ"},
    )
    document = epcis_document(session, batch, BASE)
    assert_valid(validator, schema, document)
    registration, shipping = _events(document)
    assert registration["bizLocation"] == {"id": Uris(BASE).farming_area(area.id)}
    # No harvest day: the packing day is the only day known, and no harvest date is claimed.
    assert registration["eventTime"] == "2026-11-19T17:00:00Z"
    assert "cbvmda:harvestStartDate" not in registration["ilmd"]
    assert registration["ilmd"]["cbvmda:farmList"][0]["cbvmda:farmID"] == "VN-CM-0101"
    assert shipping["bizStep"] == "shipping"


def test_a_harvested_batch_is_commissioned_by_its_harvest_only(session, tenants):
    product = make_product(session, tenants.cooperative_a, name="Lúa", unit="kg")
    area = make_farming_area(session, tenants.cooperative_a, code="VN-ST-0001")
    batch = make_batch(session, product, farming_areas=[area], harvested_on=date(2026, 11, 10))
    events.record_event(
        session,
        tenants.staff_a,
        batch.id,
        {"type": "harvest", "occurred_at": _at(10), "farming_area_id": area.id},
    )
    [harvest] = _events(epcis_document(session, batch, BASE))
    assert harvest["eventID"] != Uris(BASE).registration(batch.id)
    assert harvest["ilmd"]["cbvmda:farmList"][0]["cbvmda:farmID"] == "VN-ST-0001"
    assert harvest["ilmd"]["trace:plantingAreaCode"] == "VN-ST-0001"
