"""The events that observe a lot without changing it: field work, packing, shipping and
receiving, inspecting, recall; and where each happened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from trace.batches.models import Batch, Event, EventType
from trace.batches.services.epcis.uris import Uris
from trace.batches.services.epcis.values import VIETNAM_OFFSET, quantity_element, utc


def common_fields(uris: Uris, event: Event, kind: str) -> dict[str, Any]:
    return {
        "type": kind,
        "eventTime": utc(event.occurred_at),
        "eventTimeZoneOffset": VIETNAM_OFFSET,
        "recordTime": utc(event.recorded_at),
        "eventID": uris.event(event.id),
    }


def _observation(
    uris: Uris,
    event: Event,
    subject: Batch,
    biz_step: str,
    disposition: str | None = None,
) -> dict[str, Any]:
    """An ObjectEvent OBSERVE of the lot, at the event's place."""
    element, extra = quantity_element(uris.lot(subject), event.quantity, event.unit)
    body: dict[str, Any] = {
        **common_fields(uris, event, "ObjectEvent"),
        "action": "OBSERVE",
        "quantityList": [element],
        "bizStep": biz_step,
    }
    if disposition:
        body["disposition"] = disposition
    place = place_of(uris, event)
    body["readPoint"] = {"id": place}
    if event.type is not EventType.SHIPPING:
        # Shipped goods are on the road: no business location until they are received.
        body["bizLocation"] = {"id": place}
    return {**body, **extra, **place_facts(event)}


def _planting(uris: Uris, event: Event, subject: Batch) -> dict[str, Any]:
    return _observation(uris, event, subject, f"{uris.namespace}planting")


def _input_applied(uris: Uris, event: Event, subject: Batch) -> dict[str, Any]:
    body = _observation(uris, event, subject, f"{uris.namespace}applying_input")
    if event.input_kind is not None:
        body["trace:inputKind"] = event.input_kind.value
    body["trace:inputName"] = event.input_name
    if event.input_dose:
        body["trace:inputDose"] = event.input_dose
    if event.pre_harvest_interval_days is not None:
        body["trace:preHarvestIntervalDays"] = event.pre_harvest_interval_days
        safe_from = event.occurred_at + timedelta(days=event.pre_harvest_interval_days)
        body["trace:safeToHarvestFrom"] = utc(safe_from)
    return body


def _packing(uris: Uris, event: Event, subject: Batch) -> dict[str, Any]:
    return _observation(uris, event, subject, "packing", "in_progress")


def _shipping(uris: Uris, event: Event, subject: Batch) -> dict[str, Any]:
    body = _observation(uris, event, subject, "shipping", "in_transit")
    body["sourceList"] = [
        {"type": "owning_party", "source": uris.cooperative(event.cooperative_id)}
    ]
    body["destinationList"] = [
        {"type": "owning_party", "destination": uris.party(event.cooperative_id, event.party_name)}
    ]
    body["trace:partyName"] = event.party_name
    return body


def _receiving(uris: Uris, event: Event, subject: Batch) -> dict[str, Any]:
    body = _observation(uris, event, subject, "receiving", "in_progress")
    body["sourceList"] = [
        {"type": "owning_party", "source": uris.party(event.cooperative_id, event.party_name)}
    ]
    body["destinationList"] = [
        {"type": "owning_party", "destination": uris.cooperative(event.cooperative_id)}
    ]
    body["trace:partyName"] = event.party_name
    return body


def _inspecting(uris: Uris, event: Event, subject: Batch) -> dict[str, Any]:
    # The outcome is in the notes, not recorded as conformant or not: no disposition.
    return _observation(uris, event, subject, "inspecting")


def _recall(uris: Uris, event: Event, subject: Batch) -> dict[str, Any]:
    """Held back as recalled, for this and every later event (a persistent disposition)."""
    body = _observation(uris, event, subject, "holding", "recalled")
    body["persistentDisposition"] = {"set": ["recalled"]}
    body["trace:recallReason"] = event.notes
    body.pop("trace:notes", None)
    return body


OBSERVATIONS: dict[EventType, Callable[[Uris, Event, Batch], dict[str, Any]]] = {
    EventType.PLANTING: _planting,
    EventType.INPUT_APPLIED: _input_applied,
    EventType.PACKING: _packing,
    EventType.SHIPPING: _shipping,
    EventType.RECEIVING: _receiving,
    EventType.INSPECTING: _inspecting,
    EventType.RECALL: _recall,
}


def place_of(uris: Uris, event: Event) -> str:
    if event.farming_area_id is not None:
        return uris.farming_area(event.farming_area_id)
    return uris.place(event.cooperative_id, event.address)


def place_facts(event: Event) -> dict[str, Any]:
    """What a reader needs beside the URIs: the planting-area code, the address, the notes."""
    facts: dict[str, Any] = {}
    if event.farming_area is not None:
        facts["trace:plantingAreaCode"] = event.farming_area.code
    if event.address:
        facts["trace:address"] = event.address
    if event.notes:
        facts["trace:notes"] = event.notes
    return facts
