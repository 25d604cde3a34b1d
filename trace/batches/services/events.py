"""Events: what happened to a batch, when and where, recorded by whom."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload, selectinload

from trace.audit.models import AuditAction, AuditSubject
from trace.audit.services import differences, record_audit, snapshot
from trace.auth.access import ensure_can_write, get_for_caller
from trace.auth.models import User
from trace.batches.models import (
    Batch,
    Event,
    EventBatch,
    EventBatchRole,
    EventType,
    InputKind,
)
from trace.batches.services.batches import get_batch, get_batch_for_writing
from trace.batches.services.common import check_ids, check_quantity, own_farming_areas
from trace.batches.services.tracing import downstream_batch_ids
from trace.common.addresses import full_address
from trace.common.communes import find_commune
from trace.common.field_errors import FieldErrors, present
from trace.db import utcnow
from trace.errors import InvalidInput
from trace.uploads.models import Upload, UploadPurpose

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=10)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
MAX_PHOTOS = 6
MAX_PRE_HARVEST_INTERVAL_DAYS = 365
# Events recorded by hand: a recall is recorded only by recalling the batch.
RECORDABLE_TYPES = tuple(t for t in EventType if t is not EventType.RECALL)
# These happen on a farming area of the batch, which is their place.
FIELD_TYPES = frozenset({EventType.PLANTING, EventType.INPUT_APPLIED, EventType.HARVEST})
PARTY_TYPES = frozenset({EventType.SHIPPING, EventType.RECEIVING})
AUDITED_FIELDS = (
    "type",
    "occurred_at",
    "farming_area_id",
    "address",
    "input_kind",
    "input_name",
    "input_dose",
    "pre_harvest_interval_days",
    "party_name",
    "quantity",
    "unit",
    "notes",
    "photo_ids",
)
TEXT_LIMITS = {
    "address": 300,
    "input_name": 200,
    "input_dose": 100,
    "party_name": 200,
    "unit": 30,
    "notes": 2000,
}
# Fields of a processing event's links; they are set when it is recorded, not changed later.
LINK_FIELDS = ("input_batch_ids", "output_batch_ids")


@dataclass(frozen=True)
class PreHarvestWarning:
    """A harvest that came before a pesticide's pre-harvest interval had passed."""

    harvest: Event
    pesticide: Event
    safe_from: datetime


def list_events(session: Session, user: User, batch_id: int) -> list[Event]:
    """A batch's events, oldest first, as its timeline."""
    batch = get_batch(session, user, batch_id)
    return events_of(session, batch)


# Built once and run with a batch's id. What the timeline, the API and EPCIS show of each
# event comes with it, in a few queries whatever the number of events.
_EVENTS_OF_BATCH = (
    select(Event)
    .join(EventBatch)
    .where(EventBatch.batch_id == bindparam("batch_id"))
    .order_by(Event.occurred_at, Event.id)
    .options(
        joinedload(Event.farming_area),
        joinedload(Event.recorded_by),
        selectinload(Event.links).joinedload(EventBatch.batch),
        selectinload(Event.photos),
    )
)


def events_of(session: Session, batch: Batch) -> list[Event]:
    return list(session.scalars(_EVENTS_OF_BATCH, {"batch_id": batch.id}).all())


def get_event(session: Session, user: User, event_id: int) -> Event:
    return get_for_caller(session, Event, event_id, user)


def record_event(session: Session, user: User, batch_id: int, values: Mapping[str, Any]) -> Event:
    """Record one event on a batch; a processing event also names its input batches."""
    batch = get_batch_for_writing(session, user, batch_id)
    errors = FieldErrors()
    kind = _event_type(errors, values.get("type"))
    event = Event(cooperative_id=batch.cooperative_id, type=kind or EventType.PACKING)
    cleaned = _checked(session, errors, event, batch, kind, values, is_new=True)
    links = _links(session, errors, batch, kind, values) if kind else []
    errors.raise_if_any()
    _assign(event, cleaned)
    event.recorded_by = user
    event.links = links
    session.add(event)
    session.flush()
    _audit(session, user, event, batch, AuditAction.CREATED, {}, _snapshot(event))
    return event


def update_event(session: Session, user: User, event_id: int, changes: Mapping[str, Any]) -> Event:
    """Correct the given fields of an event; its type and batches stay."""
    event = get_for_caller(session, Event, event_id, user)
    ensure_can_write(user, event.cooperative_id)
    if event.type is EventType.RECALL:
        raise InvalidInput(errors={"type": [str(_l("A recall cannot be changed."))]})
    batch = home_batch(event)
    errors = FieldErrors()
    if "type" in changes and changes["type"] != event.type.value:
        errors.add("type", _l("The kind of an event cannot change: record a new one."))
    for name in LINK_FIELDS:
        if name in changes:
            errors.add(name, _l("The batches of an event cannot change: record a new one."))
    before = _snapshot(event)
    current = {name: getattr(event, name) for name in AUDITED_FIELDS if name != "photo_ids"}
    current["photo_upload_ids"] = [photo.id for photo in event.photos]
    merged = {**current, **changes}
    cleaned = _checked(session, errors, event, batch, event.type, merged, is_new=False)
    errors.raise_if_any()
    _assign(event, cleaned)
    session.flush()
    after = _snapshot(event)
    if after != before:
        _audit(session, user, event, batch, AuditAction.CHANGED, before, after)
    return event


def record_recall_event(
    session: Session, user: User, batch: Batch, reason: str, at: datetime | None = None
) -> Event:
    """The recall step on a batch's timeline, at the cooperative's address, now (or ``at``)."""
    cooperative = batch.cooperative
    address = full_address(cooperative.street_address, find_commune(cooperative.commune_code))
    event = Event(
        cooperative_id=batch.cooperative_id,
        type=EventType.RECALL,
        occurred_at=at or utcnow(),
        address=(address or cooperative.name)[:300],
        notes=reason,
        recorded_by=user,
        links=[EventBatch(batch=batch, role=EventBatchRole.SUBJECT)],
    )
    session.add(event)
    session.flush()
    _audit(session, user, event, batch, AuditAction.CREATED, {}, _snapshot(event))
    return event


def home_batch(event: Event) -> Batch:
    """The batch whose history shows an event: its subject, or a processing output."""
    for role in (EventBatchRole.SUBJECT, EventBatchRole.OUTPUT):
        batches = event.batches(role)
        if batches:
            return batches[0]
    raise LookupError(f"event {event.id} has no batch")


def pre_harvest_warnings(events: Sequence[Event]) -> list[PreHarvestWarning]:
    """Harvests made before a pesticide on the same area was safe to harvest after."""
    pesticides = [
        e
        for e in events
        if e.type is EventType.INPUT_APPLIED
        and e.input_kind is InputKind.PESTICIDE
        and e.pre_harvest_interval_days
    ]
    warnings = []
    for harvest in (e for e in events if e.type is EventType.HARVEST):
        for pesticide in pesticides:
            interval_days = present(pesticide.pre_harvest_interval_days)
            safe_from = pesticide.occurred_at + timedelta(days=interval_days)
            same_area = pesticide.farming_area_id in (None, harvest.farming_area_id)
            if same_area and pesticide.occurred_at <= harvest.occurred_at < safe_from:
                warnings.append(PreHarvestWarning(harvest, pesticide, safe_from))
    return warnings


def _event_type(errors: FieldErrors, raw: Any) -> EventType | None:
    try:
        kind = EventType(raw)
    except ValueError:
        kind = None
    if kind not in RECORDABLE_TYPES:
        errors.add("type", _l("Choose what happened."))
        return None
    return kind


def _checked(
    session: Session,
    errors: FieldErrors,
    event: Event,
    batch: Batch,
    kind: EventType | None,
    values: Mapping[str, Any],
    is_new: bool,
) -> dict[str, Any]:
    """Every field of an event checked against the rules of its kind."""
    cleaned: dict[str, Any] = {"type": kind}
    cleaned["occurred_at"] = _occurred_at(errors, values.get("occurred_at"))
    for name, limit in TEXT_LIMITS.items():
        cleaned[name] = errors.text(name, values.get(name), limit)
    cleaned["quantity"] = check_quantity(errors, "quantity", values.get("quantity"))
    cleaned["farming_area"] = _farming_area(session, errors, batch, kind, values)
    if (
        cleaned["farming_area"] is None
        and not cleaned["address"]
        and "farming_area_id" not in errors.errors
    ):
        errors.add("address", _l("Choose a farming area or enter the address where it happened."))
    _check_kind_fields(errors, kind, values, cleaned)
    cleaned["photos"] = _photos(
        session, errors, event.cooperative_id, values.get("photo_upload_ids")
    )
    return cleaned


def _check_kind_fields(
    errors: FieldErrors, kind: EventType | None, values: Mapping[str, Any], cleaned: dict[str, Any]
) -> None:
    """Inputs need what and which kind, pesticides their interval; shipments their party."""
    cleaned["input_kind"], cleaned["pre_harvest_interval_days"] = None, None
    if kind is EventType.INPUT_APPLIED:
        try:
            cleaned["input_kind"] = InputKind(str(values.get("input_kind")))
        except ValueError:
            errors.add("input_kind", _l("Choose the kind of input."))
        if not cleaned["input_name"]:
            errors.add("input_name", _l("Enter the name of the product applied."))
        if cleaned["input_kind"] is InputKind.PESTICIDE:
            cleaned["pre_harvest_interval_days"] = _interval(
                errors, values.get("pre_harvest_interval_days")
            )
    else:
        cleaned["input_name"], cleaned["input_dose"] = "", ""
    if kind in PARTY_TYPES and not cleaned["party_name"]:
        message = (
            _l("Enter the buyer or market it went to.")
            if kind is EventType.SHIPPING
            else _l("Enter who it came from.")
        )
        errors.add("party_name", message)
    elif kind not in PARTY_TYPES:
        cleaned["party_name"] = ""


def _interval(errors: FieldErrors, raw: Any) -> int | None:
    if (
        not isinstance(raw, int)
        or isinstance(raw, bool)
        or not 0 <= raw <= MAX_PRE_HARVEST_INTERVAL_DAYS
    ):
        errors.add(
            "pre_harvest_interval_days",
            _l("Enter the pre-harvest interval on the label, from 0 to 365 days."),
        )
        return None
    return raw


def _occurred_at(errors: FieldErrors, raw: Any) -> datetime | None:
    if not isinstance(raw, datetime) or raw.tzinfo is None:
        errors.add("occurred_at", _l("Enter the date and time it happened."))
        return None
    if raw > utcnow() + CLOCK_SKEW:
        errors.add("occurred_at", _l("This time is in the future."))
        return None
    if raw < EARLIEST:
        errors.add("occurred_at", _l("Enter a time after the year 2000."))
        return None
    return raw


def _farming_area(
    session: Session,
    errors: FieldErrors,
    batch: Batch,
    kind: EventType | None,
    values: Mapping[str, Any],
) -> Any:
    """The farming area where it happened: on the field, one of the batch's own areas."""
    raw = values.get("farming_area_id")
    if raw in (None, ""):
        if kind in FIELD_TYPES:
            errors.add("farming_area_id", _l("Choose the farming area where it happened."))
        return None
    ids = check_ids(errors, "farming_area_id", [raw])
    batch_area_ids = [area.id for area in batch.farming_areas]
    if kind in FIELD_TYPES and ids and ids[0] not in batch_area_ids:
        errors.add("farming_area_id", _l("Choose one of the batch's farming areas."))
        return None
    areas = own_farming_areas(
        session, errors, "farming_area_id", ids, batch.cooperative_id, keep=batch_area_ids
    )
    return areas[0] if areas else None


def _photos(session: Session, errors: FieldErrors, cooperative_id: int, raw: Any) -> list[Upload]:
    ids = check_ids(errors, "photo_upload_ids", raw)
    if len(ids) > MAX_PHOTOS:
        errors.add("photo_upload_ids", _l("Attach at most %(count)d photos.", count=MAX_PHOTOS))
        return []
    photos = session.scalars(select(Upload).where(Upload.id.in_(ids))).all() if ids else []
    if len(photos) != len(ids) or any(
        p.cooperative_id != cooperative_id or p.purpose is not UploadPurpose.EVENT_PHOTO
        for p in photos
    ):
        errors.add("photo_upload_ids", _l("Upload the photos again."))
        return []
    return sorted(photos, key=lambda photo: ids.index(photo.id))


def _links(
    session: Session,
    errors: FieldErrors,
    batch: Batch,
    kind: EventType,
    values: Mapping[str, Any],
) -> list[EventBatch]:
    """The batch an event is about; for processing, its inputs and outputs."""
    if kind is not EventType.PROCESSING:
        return [EventBatch(batch=batch, role=EventBatchRole.SUBJECT)]
    input_ids = check_ids(errors, "input_batch_ids", values.get("input_batch_ids"))
    output_ids = [batch.id] + [
        i
        for i in check_ids(errors, "output_batch_ids", values.get("output_batch_ids"))
        if i != batch.id
    ]
    if not input_ids:
        errors.add("input_batch_ids", _l("Choose the batches that went into this one."))
        return []
    if set(input_ids) & set(output_ids):
        errors.add("input_batch_ids", _l("A batch cannot be made from itself."))
        return []
    inputs = _own_batches(session, errors, "input_batch_ids", input_ids, batch.cooperative_id)
    outputs = _own_batches(session, errors, "output_batch_ids", output_ids, batch.cooperative_id)
    made_from_outputs = set()
    for output in outputs:
        made_from_outputs |= downstream_batch_ids(session, output.id)
    if made_from_outputs & set(input_ids):
        errors.add("input_batch_ids", _l("An input was itself made from this batch."))
    return [EventBatch(batch=b, role=EventBatchRole.INPUT) for b in inputs] + [
        EventBatch(batch=b, role=EventBatchRole.OUTPUT) for b in outputs
    ]


def _own_batches(
    session: Session, errors: FieldErrors, field: str, ids: list[int], cooperative_id: int
) -> list[Batch]:
    batches = session.scalars(
        select(Batch).where(Batch.id.in_(ids), Batch.cooperative_id == cooperative_id)
    ).all()
    if len(batches) != len(ids):
        errors.add(field, _l("Choose batches of the same cooperative."))
    return sorted(batches, key=lambda b: ids.index(b.id))


def _assign(event: Event, cleaned: Mapping[str, Any]) -> None:
    for name, value in cleaned.items():
        setattr(event, name, value)


def _snapshot(event: Event) -> dict[str, Any]:
    values = snapshot(event, [name for name in AUDITED_FIELDS if name != "photo_ids"])
    values["photo_ids"] = [photo.id for photo in event.photos]
    values["batches"] = {link.batch.code: link.role.value for link in event.links}
    return values


def _audit(
    session: Session,
    user: User,
    event: Event,
    batch: Batch,
    action: AuditAction,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> None:
    record_audit(
        session,
        user,
        cooperative_id=event.cooperative_id,
        subject=AuditSubject.EVENT,
        subject_id=event.id,
        batch_id=batch.id,
        action=action,
        changes=differences(before, after),
    )
