"""One step back, one step forward: where a batch came from and where it went, recursively.

Processing events link input batches to output batches; walking those links backwards
gives a batch's sources (and their farming areas), forwards the batches made from it and
every shipment of it or of them. Links never leave a cooperative, and a processing event
cannot make a batch from one of its own descendants, so the walk always ends; it still
remembers what it has seen, as a guard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from trace.batches.models import Batch, Event, EventBatch, EventBatchRole, EventType
from trace.registry.models import FarmingArea

MAX_DEPTH = 50


@dataclass
class TraceStep:
    """A batch reached by the walk, how far from the start, and the processing that linked it."""

    batch: Batch
    depth: int
    via: Event
    # The batch one step nearer the start.
    linked_to: Batch


@dataclass
class Trace:
    """Everything upstream and downstream of one batch."""

    batch: Batch
    sources: list[TraceStep] = field(default_factory=list)
    farming_areas: list[FarmingArea] = field(default_factory=list)
    products: list[TraceStep] = field(default_factory=list)
    shipments: list[Event] = field(default_factory=list)

    @property
    def recalled_sources(self) -> list[Batch]:
        """Batches this one was made from that are recalled: a warning on this one."""
        return [step.batch for step in self.sources if step.batch.is_recalled]


def trace_batch(session: Session, batch: Batch) -> Trace:
    """The batch's sources and farming areas, the batches made from it, and their shipments."""
    sources = _walk(session, batch, EventBatchRole.OUTPUT, EventBatchRole.INPUT)
    products = _walk(session, batch, EventBatchRole.INPUT, EventBatchRole.OUTPUT)
    areas: dict[int, FarmingArea] = {}
    for each in [batch, *(step.batch for step in sources)]:
        for area in each.farming_areas:
            areas.setdefault(area.id, area)
    shipped = [batch.id, *(step.batch.id for step in products)]
    shipments = session.scalars(
        select(Event)
        .join(EventBatch)
        .where(EventBatch.batch_id.in_(shipped), Event.type == EventType.SHIPPING)
        .order_by(Event.occurred_at, Event.id)
    ).all()
    return Trace(
        batch=batch,
        sources=sources,
        farming_areas=sorted(areas.values(), key=lambda area: area.code),
        products=products,
        shipments=list(shipments),
    )


def downstream_batch_ids(session: Session, batch_id: int) -> set[int]:
    """Ids of every batch made, directly or not, from this one."""
    batch = session.get(Batch, batch_id)
    if batch is None:
        return set()
    return {
        step.batch.id for step in _walk(session, batch, EventBatchRole.INPUT, EventBatchRole.OUTPUT)
    }


def _walk(
    session: Session, start: Batch, from_role: EventBatchRole, to_role: EventBatchRole
) -> list[TraceStep]:
    """Breadth first along processing links, one query a level."""
    seen = {start.id}
    steps: list[TraceStep] = []
    frontier: Sequence[Batch] = [start]
    depth = 0
    while frontier and depth < MAX_DEPTH:
        depth += 1
        by_id = {b.id: b for b in frontier}
        here, there = aliased(EventBatch), aliased(EventBatch)
        rows = session.execute(
            select(here.batch_id, Event, Batch)
            .join(Event, Event.id == here.event_id)
            .join(there, (there.event_id == here.event_id) & (there.role == to_role))
            .join(Batch, Batch.id == there.batch_id)
            .where(here.batch_id.in_(by_id), here.role == from_role)
            .order_by(Event.occurred_at, Batch.code)
        ).all()
        next_frontier = []
        for near_id, event, far in rows:
            if far.id in seen:
                continue
            seen.add(far.id)
            steps.append(TraceStep(batch=far, depth=depth, via=event, linked_to=by_id[near_id]))
            next_frontier.append(far)
        frontier = next_frontier
    return steps
