"""API: batches and their events, trace, history and EPCIS export, scoped to the caller."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from flask import Response, current_app
from flask_smorest import Blueprint
from marshmallow import RAISE

from trace.api.auth import api_caller, token_required
from trace.audit.models import AuditRecord
from trace.audit.services import batch_history
from trace.auth.models import Role
from trace.batches.models import Batch, Event
from trace.batches.schemas import (
    BATCH_EXAMPLE,
    EVENT_EXAMPLE,
    RECALL_EXAMPLE,
    AuditRecordOut,
    BatchCreate,
    BatchListArgs,
    BatchOut,
    BatchPage,
    BatchRecall,
    BatchUpdate,
    CompletenessOut,
    EpcisDocumentOut,
    EventCreate,
    EventOut,
    EventUpdate,
    TraceOut,
)
from trace.batches.services import batches as service
from trace.batches.services import epcis
from trace.batches.services import events as event_service
from trace.batches.services.batches import BatchQuery
from trace.batches.services.completeness import Completeness, completeness_of
from trace.batches.services.recall import recall_batch
from trace.batches.services.tracing import Trace, trace_batch
from trace.common.pagination import Page
from trace.db import db

blueprint = Blueprint(
    "api_batches", __name__, description="Batches, their events and trace, scoped to the caller"
)

ID = "<id:batch_id>"
EVENT_ID = "<id:event_id>"
WRITERS = (Role.OPERATOR, Role.COOPERATIVE)
View = TypeVar("View", bound=Callable[..., Any])


def writable_batch(view: View) -> View:
    """Answer 404/403 for a batch the caller may not change before reading the body, so
    another tenant cannot learn from a 422 that the batch exists."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        service.get_batch_for_writing(db.session, api_caller(), kwargs["batch_id"])
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


@blueprint.get("/batches")
@blueprint.response(200, BatchPage)
@token_required()
@blueprint.arguments(BatchListArgs, location="query", unknown=RAISE, as_kwargs=True)
def list_batches(**args: Any) -> Page[Batch]:
    """The batches the caller may read, newest first; search, filter by status or product."""
    query = BatchQuery(
        search=args["q"],
        status=args.get("status"),
        product_id=args.get("product_id"),
        cooperative_id=args.get("cooperative_id"),
        page=args["page"],
        per_page=args["per_page"],
    )
    page = service.list_batches(db.session, api_caller(), query)
    service.preload_applied_certificates(db.session, page.items)
    return page


@blueprint.post("/batches")
@blueprint.response(201, BatchOut)
@token_required(*WRITERS)
@blueprint.arguments(BatchCreate, example=BATCH_EXAMPLE)
def create_batch(values: dict[str, Any]) -> Batch:
    """Register a batch (operators name the cooperative); the lot is generated if not given."""
    return service.create_batch(db.session, api_caller(), values)


@blueprint.get(f"/batches/{ID}")
@blueprint.response(200, BatchOut)
@token_required()
def get_batch(batch_id: int) -> Batch:
    """One batch with its farming areas and certificates; another tenant's answers 404."""
    return service.get_batch(db.session, api_caller(), batch_id)


@blueprint.patch(f"/batches/{ID}")
@blueprint.response(200, BatchOut)
@token_required(*WRITERS)
@blueprint.arguments(BatchUpdate)
def update_batch(changes: dict[str, Any], batch_id: int) -> Batch:
    """Change the given facts; product and lot stay (labels carry them); 409 once recalled."""
    return service.update_batch(db.session, api_caller(), batch_id, changes)


@blueprint.post(f"/batches/{ID}/recall")
@blueprint.response(200, BatchOut)
@token_required(*WRITERS)
@blueprint.arguments(BatchRecall, example=RECALL_EXAMPLE)
def recall(body: dict[str, Any], batch_id: int) -> Batch:
    """Recall a batch with a reason; a batch already recalled answers 422."""
    return recall_batch(db.session, api_caller(), batch_id, body["reason"])


@blueprint.get(f"/batches/{ID}/events")
@blueprint.response(200, EventOut(many=True))
@token_required()
def list_events(batch_id: int) -> list[Event]:
    """The batch's timeline, oldest first, including processing it went into or came from."""
    return event_service.list_events(db.session, api_caller(), batch_id)


@blueprint.post(f"/batches/{ID}/events")
@blueprint.response(201, EventOut)
@token_required(*WRITERS)
@writable_batch
@blueprint.arguments(EventCreate, example=EVENT_EXAMPLE)
def record_event(values: dict[str, Any], batch_id: int) -> Event:
    """Record what happened to the batch; photos are added from the web pages only."""
    return event_service.record_event(db.session, api_caller(), batch_id, values)


@blueprint.get(f"/events/{EVENT_ID}")
@blueprint.response(200, EventOut)
@token_required()
def get_event(event_id: int) -> Event:
    """One event; another tenant's answers 404."""
    return event_service.get_event(db.session, api_caller(), event_id)


@blueprint.patch(f"/events/{EVENT_ID}")
@blueprint.response(200, EventOut)
@token_required(*WRITERS)
@blueprint.arguments(EventUpdate)
def update_event(changes: dict[str, Any], event_id: int) -> Event:
    """Correct the given fields; the kind and the batches of an event stay."""
    return event_service.update_event(db.session, api_caller(), event_id, changes)


@blueprint.get(f"/batches/{ID}/completeness")
@blueprint.response(200, CompletenessOut)
@token_required()
def completeness(batch_id: int) -> Completeness:
    """Which items Circular 02/2024 asks for the batch has, and how to add each missing one.
    A batch is saved whatever it lacks: ask this after registering or changing it."""
    batch = service.get_batch(db.session, api_caller(), batch_id)
    return completeness_of(db.session, batch.id)


@blueprint.get(f"/batches/{ID}/trace")
@blueprint.response(200, TraceOut)
@token_required()
def trace(batch_id: int) -> Trace:
    """One step back and one forward, recursively: sources, areas, products, shipments."""
    batch = service.get_batch(db.session, api_caller(), batch_id)
    return trace_batch(db.session, batch)


@blueprint.get(f"/batches/{ID}/history")
@blueprint.response(200, AuditRecordOut(many=True))
@token_required()
def history(batch_id: int) -> Sequence[AuditRecord]:
    """Every change to the batch and its events, newest first, with who made it."""
    batch = service.get_batch(db.session, api_caller(), batch_id)
    return batch_history(db.session, batch.id)


@blueprint.get(f"/batches/{ID}/epcis")
@blueprint.response(200, EpcisDocumentOut, content_type=epcis.MEDIA_TYPE)
@token_required()
def export_epcis(batch_id: int) -> Response:
    """The batch's events as an EPCIS 2.0 JSON-LD document (GS1 CBV 2.0 vocabulary)."""
    batch = service.get_batch(db.session, api_caller(), batch_id)
    document = epcis.epcis_document(db.session, batch, current_app.config["TRACE_PUBLIC_BASE_URL"])
    return Response(json.dumps(document, ensure_ascii=False), mimetype=epcis.MEDIA_TYPE)
