"""The EPCISDocument of one batch: every event it took part in, and its commissioning."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from trace.batches.models import Batch, Event, EventBatchRole, EventType
from trace.batches.services.batches import AppliedCertificate, applied_certificates
from trace.batches.services.epcis.commissioning import (
    harvest_event,
    is_commissioned_by_an_event,
    processing_event,
    registration_event,
)
from trace.batches.services.epcis.observations import OBSERVATIONS
from trace.batches.services.epcis.uris import Uris
from trace.batches.services.epcis.values import utc
from trace.batches.services.events import events_of
from trace.db import utcnow

MEDIA_TYPE = "application/ld+json"
EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


def epcis_document(
    session: Session, batch: Batch, base_url: str, created_at: datetime | None = None
) -> dict[str, Any]:
    """The EPCISDocument of every event the batch took part in, oldest first.

    A lot with no harvest or processing of its own is commissioned by its registration,
    placed among the events by its time.
    """
    uris = Uris(base_url.rstrip("/"))
    certificates = applied_certificates(session, batch)
    recorded = events_of(session, batch)
    events = [_event(uris, event, batch, certificates) for event in recorded]
    if not is_commissioned_by_an_event(batch, recorded):
        first_event_at = min((event.occurred_at for event in recorded), default=None)
        registration = registration_event(uris, batch, certificates, first_event_at)
        at = _moment(registration)
        position = next((i for i, e in enumerate(events) if _moment(e) >= at), len(events))
        events.insert(position, registration)
    return {
        "@context": [EPCIS_CONTEXT, {"trace": uris.namespace}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": utc(created_at or utcnow()),
        "epcisBody": {"eventList": events},
    }


def _event(
    uris: Uris, event: Event, batch: Batch, certificates: Sequence[AppliedCertificate]
) -> dict[str, Any]:
    if event.type is EventType.PROCESSING:
        return processing_event(uris, event)
    subject = _subject(event, batch)
    if event.type is EventType.HARVEST:
        return harvest_event(uris, event, subject, certificates)
    builder = OBSERVATIONS[event.type]
    return builder(uris, event, subject)


def _subject(event: Event, batch: Batch) -> Batch:
    subjects = event.batches(EventBatchRole.SUBJECT)
    return subjects[0] if subjects else batch


def _moment(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(event["eventTime"])
