"""One batch's events as an EPCIS 2.0 JSON-LD document, in the CBV 2.0 vocabulary.

A batch is a lot: a class of objects, not numbered instances, so it appears in
``quantityList`` (``inputQuantityList``/``outputQuantityList`` for processing) under a
class-level id, and never in an EPC list:

- a product with a GTIN: the GS1 Digital Link URI ``https://id.gs1.org/01/{gtin14}/10/{lot}``;
- without one: the platform's own label URI ``{base}/b/{batch code}``.

Everything else is named by URIs under ``{base}`` (``TRACE_PUBLIC_BASE_URL``), stable for as
long as the records exist:

- ``{base}/ns/epcis#`` our namespace (prefix ``trace``) for fields CBV does not define and
  for the two business steps it has no word for, ``planting`` and ``applying_input``;
- ``{base}/id/farming-areas/{id}`` a farming area (read point and business location of
  field work);
- ``{base}/id/cooperatives/{id}`` a cooperative (an owning party);
- ``{base}/id/cooperatives/{id}/places/{hash}`` a place known only by its address, and
  ``{base}/id/cooperatives/{id}/parties/{hash}`` a buyer or supplier known only by name:
  the hash is the first 16 hex digits of SHA-256 over the text, NFC-normalised, with
  spaces collapsed and case folded, so the same text always gives the same URI;
- ``{base}/id/certificates/{id}`` a certificate;
- ``urn:uuid:{uuid5}`` an event: UUID version 5 of ``{base}/id/events/{id}`` in the URL
  namespace. (EPCIS 2.0 also allows ``ni:///sha-256`` event hashes, but those promise the
  GS1 canonicalisation algorithm, which this export does not compute.)
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from trace.batches.models import Batch, Event, EventBatchRole, EventType
from trace.batches.services.batches import AppliedCertificate, applied_certificates
from trace.batches.services.events import events_of
from trace.common.clock import LOCAL_TIMEZONE
from trace.common.field_errors import present
from trace.db import utcnow
from trace.registry.models import CertificateScheme

MEDIA_TYPE = "application/ld+json"
EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
# Vietnam keeps one offset all year.
VIETNAM_OFFSET = "+07:00"
COUNTRY_OF_ORIGIN = "VN"
# UN/CEFACT Recommendation 20 codes for the measures Vietnamese cooperatives write.
MEASURE_CODES = {
    "kg": "KGM",
    "kilogram": "KGM",
    "ki-lô-gam": "KGM",
    "kí": "KGM",
    "ký": "KGM",
    "g": "GRM",
    "gam": "GRM",
    "gram": "GRM",
    "tạ": "DTN",
    "tấn": "TNE",
    "t": "TNE",
    "l": "LTR",
    "lít": "LTR",
    "lit": "LTR",
    "ml": "MLT",
}
# Packages and pieces: EPCIS counts instances of the class when a quantity has no unit.
PACKAGES = ("túi", "bao", "gói", "hộp", "thùng", "chai", "lọ", "hũ", "can", "khay", "bịch", "bó")
PIECES = ("quả", "trái", "con", "cái", "chiếc")
COUNTED_UNITS = frozenset({*PACKAGES, *PIECES})
SCHEME_NAMES = {
    CertificateScheme.VIETGAP: "VietGAP",
    CertificateScheme.GLOBALGAP: "GLOBALG.A.P.",
    CertificateScheme.ORGANIC: "Organic",
    CertificateScheme.OCOP: "OCOP",
    CertificateScheme.FOOD_SAFETY: "Food safety",
    CertificateScheme.OTHER: "Other",
}


@dataclass(frozen=True)
class Uris:
    """The URIs this export names things by (see the module docstring)."""

    base: str

    @property
    def namespace(self) -> str:
        return f"{self.base}/ns/epcis#"

    def lot(self, batch: Batch) -> str:
        if batch.product.gtin:
            return f"https://id.gs1.org/01/{batch.product.gtin}/10/{quote(batch.lot, safe='')}"
        return f"{self.base}/b/{quote(batch.code, safe='')}"

    def farming_area(self, area_id: int) -> str:
        return f"{self.base}/id/farming-areas/{area_id}"

    def cooperative(self, cooperative_id: int) -> str:
        return f"{self.base}/id/cooperatives/{cooperative_id}"

    def place(self, cooperative_id: int, address: str) -> str:
        return f"{self.cooperative(cooperative_id)}/places/{_text_hash(address)}"

    def party(self, cooperative_id: int, name: str) -> str:
        return f"{self.cooperative(cooperative_id)}/parties/{_text_hash(name)}"

    def certificate(self, certificate_id: int) -> str:
        return f"{self.base}/id/certificates/{certificate_id}"

    def event(self, event_id: int) -> str:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{self.base}/id/events/{event_id}").urn


def epcis_document(
    session: Session, batch: Batch, base_url: str, created_at: datetime | None = None
) -> dict[str, Any]:
    """The EPCISDocument of every event the batch took part in, oldest first."""
    uris = Uris(base_url.rstrip("/"))
    certificates = applied_certificates(session, batch)
    events = [_event(uris, event, batch, certificates) for event in events_of(session, batch)]
    return {
        "@context": [EPCIS_CONTEXT, {"trace": uris.namespace}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _utc(created_at or utcnow()),
        "epcisBody": {"eventList": events},
    }


def _event(
    uris: Uris, event: Event, batch: Batch, certificates: Sequence[AppliedCertificate]
) -> dict[str, Any]:
    if event.type is EventType.PROCESSING:
        return _processing(uris, event)
    subject = _subject(event, batch)
    if event.type is EventType.HARVEST:
        return _harvest(uris, event, subject, certificates)
    builder = OBSERVATIONS[event.type]
    return builder(uris, event, subject)


def _subject(event: Event, batch: Batch) -> Batch:
    subjects = event.batches(EventBatchRole.SUBJECT)
    return subjects[0] if subjects else batch


def _common(uris: Uris, event: Event, kind: str) -> dict[str, Any]:
    return {
        "type": kind,
        "eventTime": _utc(event.occurred_at),
        "eventTimeZoneOffset": VIETNAM_OFFSET,
        "recordTime": _utc(event.recorded_at),
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
    element, extra = _quantity(uris.lot(subject), event.quantity, event.unit)
    body: dict[str, Any] = {
        **_common(uris, event, "ObjectEvent"),
        "action": "OBSERVE",
        "quantityList": [element],
        "bizStep": biz_step,
    }
    if disposition:
        body["disposition"] = disposition
    place = _place(uris, event)
    body["readPoint"] = {"id": place}
    if event.type is not EventType.SHIPPING:
        # Shipped goods are on the road: no business location until they are received.
        body["bizLocation"] = {"id": place}
    return {**body, **extra, **_place_facts(event)}


def _harvest(
    uris: Uris, event: Event, subject: Batch, certificates: Sequence[AppliedCertificate]
) -> dict[str, Any]:
    """Commissioning: the lot comes into being, with its harvest facts as instance data."""
    # The harvest's own amount, or else the batch's.
    quantity: Decimal | None = event.quantity
    unit = event.unit or subject.unit
    if quantity is None:
        quantity, unit = subject.quantity, subject.unit
    element, extra = _quantity(uris.lot(subject), quantity, unit)
    place = _place(uris, event)
    body: dict[str, Any] = {
        **_common(uris, event, "ObjectEvent"),
        "action": "ADD",
        "quantityList": [element],
        "bizStep": "commissioning",
        "disposition": "active",
        "readPoint": {"id": place},
        "bizLocation": {"id": place},
        "ilmd": _harvest_facts(uris, event, subject, certificates),
    }
    if quantity is not None:
        body["ilmd"].update({"trace:harvestQuantity": _number(quantity), "trace:harvestUnit": unit})
    valid = [uris.certificate(c.certificate.id) for c in certificates if c.was_valid_at_harvest]
    if valid:
        body["certificationInfo"] = valid
    return {**body, **extra, **_place_facts(event)}


def _harvest_facts(
    uris: Uris, event: Event, subject: Batch, certificates: Sequence[AppliedCertificate]
) -> dict[str, Any]:
    """Instance/lot master data: CBV attribute names where CBV has them, ours elsewhere."""
    harvest_day = event.occurred_at.astimezone(LOCAL_TIMEZONE).date()
    ilmd: dict[str, Any] = {
        "cbvmda:lotNumber": subject.lot,
        "cbvmda:harvestStartDate": harvest_day.isoformat(),
        "cbvmda:countryOfOrigin": COUNTRY_OF_ORIGIN,
    }
    if subject.expires_on:
        ilmd["cbvmda:itemExpirationDate"] = subject.expires_on.isoformat()
    if event.farming_area is not None:
        ilmd["trace:plantingAreaCode"] = event.farming_area.code
        ilmd["trace:farmingAreaName"] = event.farming_area.name
    if certificates:
        ilmd["gs1:certification"] = [_certification(uris, c) for c in certificates]
    return ilmd


def _processing(uris: Uris, event: Event) -> dict[str, Any]:
    """A TransformationEvent: input lots consumed, output lots made."""
    inputs = event.batches(EventBatchRole.INPUT)
    outputs = event.batches(EventBatchRole.OUTPUT)
    output_elements = []
    extra: dict[str, Any] = {}
    for position, output in enumerate(outputs):
        # The event's quantity is the batch it was recorded on: the first output.
        if position == 0:
            element, extra = _quantity(uris.lot(output), event.quantity, event.unit)
        else:
            element = {"epcClass": uris.lot(output)}
        output_elements.append(element)
    place = _place(uris, event)
    body: dict[str, Any] = {
        **_common(uris, event, "TransformationEvent"),
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
    return {**body, **extra, **_place_facts(event)}


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
        body["trace:safeToHarvestFrom"] = _utc(safe_from)
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


def _place(uris: Uris, event: Event) -> str:
    if event.farming_area_id is not None:
        return uris.farming_area(event.farming_area_id)
    return uris.place(event.cooperative_id, event.address)


def _place_facts(event: Event) -> dict[str, Any]:
    """What a reader needs beside the URIs: the planting-area code, the address, the notes."""
    facts: dict[str, Any] = {}
    if event.farming_area is not None:
        facts["trace:plantingAreaCode"] = event.farming_area.code
    if event.address:
        facts["trace:address"] = event.address
    if event.notes:
        facts["trace:notes"] = event.notes
    return facts


def _quantity(
    epc_class: str, quantity: Decimal | None, unit: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A quantity element, and extension fields for an amount in a unit EPCIS cannot state.

    A quantity without ``uom`` counts instances, so an unknown unit (``yến``) keeps its
    amount out of the element rather than have it read as a count.
    """
    element: dict[str, Any] = {"epcClass": epc_class}
    if quantity is None:
        return element, {}
    key = unicodedata.normalize("NFC", unit.strip().lower())
    if key in MEASURE_CODES:
        return {**element, "quantity": _number(quantity), "uom": MEASURE_CODES[key]}, {}
    if key in COUNTED_UNITS:
        return {**element, "quantity": _number(quantity)}, {}
    return element, {"trace:quantity": _number(quantity), "trace:unit": unit}


def _certification(uris: Uris, applied: AppliedCertificate) -> dict[str, Any]:
    """A certificate in the GS1 Web Vocabulary's terms, with its status at harvest."""
    certificate = applied.certificate
    return {
        "type": "gs1:CertificationDetails",
        "gs1:certificationStandard": SCHEME_NAMES[certificate.scheme],
        "gs1:certificationAgency": certificate.issuer,
        "gs1:certificationIdentification": certificate.number,
        "gs1:certificationStartDate": certificate.valid_from.isoformat(),
        "gs1:certificationEndDate": certificate.valid_to.isoformat(),
        "gs1:certificationURI": uris.certificate(certificate.id),
        "trace:statusAtHarvest": applied.status_at_harvest.value,
    }


def _number(amount: Decimal | None) -> float | int:
    amount = present(amount)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _utc(moment: datetime) -> str:
    """RFC 3339 in UTC with a Z, as EPCIS examples write it."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _text_hash(text: str) -> str:
    normalised = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]
