"""The event that brings a lot into being, with its instance/lot master data (ILMD).

A lot is commissioned once, by the first of:

- its harvest: an ObjectEvent ADD at the farming area, on the harvest's time;
- the processing that made it: a TransformationEvent from its input lots;
- otherwise its registration: an ObjectEvent ADD built from the batch itself (harvest or
  packing day, farming areas, expiry), so that no lot is exported without an event.

Each carries the lot's facts under the CBV 2.0 master-data names where CBV has them
(``cbvmda:lotNumber``, ``harvestStartDate``/``harvestEndDate``, ``itemExpirationDate``,
``countryOfOrigin``, ``farmList`` of ``farmID``/``farmIDType``) and ours elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from trace.batches.models import Batch, Event, EventBatchRole, EventType
from trace.batches.services.batches import AppliedCertificate
from trace.batches.services.epcis.observations import common_fields, place_facts, place_of
from trace.batches.services.epcis.uris import Uris
from trace.batches.services.epcis.values import (
    COUNTRY_OF_ORIGIN,
    VIETNAM_OFFSET,
    certification,
    number,
    quantity_element,
    utc,
)
from trace.common.clock import LOCAL_TIMEZONE
from trace.registry.models import FarmingArea


def is_commissioned_by_an_event(batch: Batch, events: Sequence[Event]) -> bool:
    """Whether the batch's own harvest, or a processing that made it, is recorded."""
    for event in events:
        if event.type is EventType.HARVEST and batch in _subjects(event, batch):
            return True
        if event.type is EventType.PROCESSING and batch in event.batches(EventBatchRole.OUTPUT):
            return True
    return False


def harvest_event(
    uris: Uris, event: Event, subject: Batch, certificates: Sequence[AppliedCertificate]
) -> dict[str, Any]:
    """Commissioning: the lot comes into being, with its harvest facts as instance data."""
    # The harvest's own amount, or else the batch's.
    quantity: Decimal | None = event.quantity
    unit = event.unit or subject.unit
    if quantity is None:
        quantity, unit = subject.quantity, subject.unit
    element, extra = quantity_element(uris.lot(subject), quantity, unit)
    place = place_of(uris, event)
    harvest_day = event.occurred_at.astimezone(LOCAL_TIMEZONE).date()
    ilmd = lot_facts(uris, subject, certificates, harvest_day)
    if event.farming_area is not None:
        ilmd["trace:plantingAreaCode"] = event.farming_area.code
        ilmd["trace:farmingAreaName"] = event.farming_area.name
    if quantity is not None:
        ilmd.update({"trace:harvestQuantity": number(quantity), "trace:harvestUnit": unit})
    body: dict[str, Any] = {
        **common_fields(uris, event, "ObjectEvent"),
        "action": "ADD",
        "quantityList": [element],
        "bizStep": "commissioning",
        "disposition": "active",
        "readPoint": {"id": place},
        "bizLocation": {"id": place},
        "ilmd": ilmd,
    }
    body.update(_certification_info(uris, certificates))
    return {**body, **extra, **place_facts(event)}


def registration_event(
    uris: Uris,
    batch: Batch,
    certificates: Sequence[AppliedCertificate],
    first_event_at: datetime | None,
) -> dict[str, Any]:
    """Commissioning from the batch's registration, for a lot with no harvest or processing.

    Its time is the day the batch records (harvest, else packing) at 00:00 in Vietnam, as
    the day is all that is known; a batch with neither day existed by its registration, or
    by its first recorded event if that came earlier.
    """
    element, extra = quantity_element(uris.lot(batch), batch.quantity, batch.unit)
    day = batch.harvested_on or batch.packed_on
    if day is not None:
        commissioned_at = _start_of(day)
    else:
        commissioned_at = min(filter(None, (batch.created_at, first_event_at)))
    body: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventTime": utc(commissioned_at),
        "eventTimeZoneOffset": VIETNAM_OFFSET,
        "recordTime": utc(batch.created_at),
        "eventID": uris.registration(batch.id),
        "action": "ADD",
        "quantityList": [element],
        "bizStep": "commissioning",
        "disposition": "active",
    }
    if len(batch.farming_areas) == 1:
        # One place only: a lot of several areas has no single business location.
        place = uris.farming_area(batch.farming_areas[0].id)
        body["readPoint"] = body["bizLocation"] = {"id": place}
    body["ilmd"] = lot_facts(uris, batch, certificates, batch.harvested_on)
    if batch.packed_on:
        body["ilmd"]["trace:packingDate"] = batch.packed_on.isoformat()
    body.update(_certification_info(uris, certificates))
    return {**body, **extra}


def lot_facts(
    uris: Uris,
    batch: Batch,
    certificates: Sequence[AppliedCertificate],
    harvest_day: date | None,
) -> dict[str, Any]:
    """Instance/lot master data: CBV attribute names where CBV has them, ours elsewhere."""
    ilmd: dict[str, Any] = {"cbvmda:lotNumber": batch.lot}
    if harvest_day:
        # One day recorded: the harvest starts and ends on it.
        ilmd["cbvmda:harvestStartDate"] = harvest_day.isoformat()
        ilmd["cbvmda:harvestEndDate"] = harvest_day.isoformat()
    ilmd["cbvmda:countryOfOrigin"] = COUNTRY_OF_ORIGIN
    if batch.expires_on:
        ilmd["cbvmda:itemExpirationDate"] = batch.expires_on.isoformat()
    if batch.farming_areas:
        ilmd["cbvmda:farmList"] = [_farm(uris, area) for area in batch.farming_areas]
    if certificates:
        ilmd["gs1:certification"] = [certification(uris, c) for c in certificates]
    return ilmd


def processing_event(uris: Uris, event: Event) -> dict[str, Any]:
    """A TransformationEvent: input lots consumed, output lots made."""
    inputs = event.batches(EventBatchRole.INPUT)
    outputs = event.batches(EventBatchRole.OUTPUT)
    output_elements = []
    extra: dict[str, Any] = {}
    for position, output in enumerate(outputs):
        # The event's quantity is the batch it was recorded on: the first output.
        if position == 0:
            element, extra = quantity_element(uris.lot(output), event.quantity, event.unit)
        else:
            element = {"epcClass": uris.lot(output)}
        output_elements.append(element)
    place = place_of(uris, event)
    body: dict[str, Any] = {
        **common_fields(uris, event, "TransformationEvent"),
        "inputQuantityList": [{"epcClass": uris.lot(batch)} for batch in inputs],
        "outputQuantityList": output_elements,
        "bizStep": "commissioning",
        "disposition": "active",
        "readPoint": {"id": place},
        "bizLocation": {"id": place},
    }
    if len(outputs) == 1 and outputs[0].expires_on:
        body["ilmd"] = {
            "cbvmda:lotNumber": outputs[0].lot,
            "cbvmda:itemExpirationDate": outputs[0].expires_on.isoformat(),
        }
    elif len(outputs) == 1:
        body["ilmd"] = {"cbvmda:lotNumber": outputs[0].lot}
    return {**body, **extra, **place_facts(event)}


def _farm(uris: Uris, area: FarmingArea) -> dict[str, Any]:
    """A farming area as a CBV farm: its planting-area code, a type of ours (GS1 lists no
    Vietnamese code), and what a reader needs besides."""
    return {
        "cbvmda:farmID": area.code,
        "cbvmda:farmIDType": f"{uris.namespace}plantingAreaCode",
        "trace:farmingArea": uris.farming_area(area.id),
        "trace:farmingAreaName": area.name,
    }


def _certification_info(
    uris: Uris, certificates: Sequence[AppliedCertificate]
) -> dict[str, list[str]]:
    valid = [uris.certificate(c.certificate.id) for c in certificates if c.was_valid_at_harvest]
    return {"certificationInfo": valid} if valid else {}


def _subjects(event: Event, batch: Batch) -> list[Batch]:
    return event.batches(EventBatchRole.SUBJECT) or [batch]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LOCAL_TIMEZONE)
