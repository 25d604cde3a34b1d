"""Is a batch complete? The items Circular 02/2024/TT-BKHCN asks a traced product to show.

A batch is complete when every item of ``Item`` is met. The rules (``check``) are pure
functions of ``BatchFacts``; ``batch_facts`` gathers those facts for any number of batches
in two statements (the batches with their counts, then the certificates covering them),
so a commune's report costs the same as one batch's page.

Decisions the circular leaves open, made here:

- *Shelf life where the product has one*: every product is taken to have one. The
  products registered here are farm foods (rice, fruit, tea, shrimp...), and nothing on
  a product says it keeps for ever, so the item asks for the batch's expiry date (set
  on the batch, or computed from the product's shelf life in days).
- *Production and business stages*: at least a harvest or a processing step recorded as
  an event about the batch (the batch as subject, or as the output of processing).
- *Production time*: the harvest or the packing day.
- *Traceability code*: at least one signed label code issued for the batch.
- *Standards applied*: a certificate covering the product or one of the batch's farming
  areas, valid on the batch's day (harvest, else packing, else registration day), neither
  archived nor revoked. There is no separate "declared standard" record yet: a
  cooperative declares its standard by registering its certificate.
- *Producer address*: the cooperative's street address (hamlet, road) besides its
  commune, which is always known.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from trace.batches.models import (
    Batch,
    Event,
    EventBatch,
    EventBatchRole,
    EventType,
    LabelCode,
    batch_farming_areas,
)
from trace.batches.services.batches import reference_day
from trace.registry.models import (
    Certificate,
    Cooperative,
    Product,
    certificate_farming_areas,
    certificate_products,
)
from trace.registry.services.certificates import status_on
from trace.registry.validation import CertificateStatus

PRODUCTION_STEPS = (EventType.HARVEST, EventType.PROCESSING)
VALID_ON_THE_DAY = frozenset({CertificateStatus.VALID, CertificateStatus.EXPIRING})


class Item(StrEnum):
    """An item of the circular, in the order the public page shows them."""

    PRODUCT_NAME = "product_name"
    PRODUCT_IMAGE = "product_image"
    PRODUCER_NAME = "producer_name"
    PRODUCER_ADDRESS = "producer_address"
    PRODUCTION_STEP = "production_step"
    PRODUCTION_TIME = "production_time"
    TRACEABILITY_CODE = "traceability_code"
    SHELF_LIFE = "shelf_life"
    STANDARDS = "standards"


ITEM_LABELS = {
    Item.PRODUCT_NAME: _l("Product name"),
    Item.PRODUCT_IMAGE: _l("Product image"),
    Item.PRODUCER_NAME: _l("Producer name"),
    Item.PRODUCER_ADDRESS: _l("Producer address"),
    Item.PRODUCTION_STEP: _l("Production stages (a harvest or processing step recorded)"),
    Item.PRODUCTION_TIME: _l("Production time (harvest or packing day)"),
    Item.TRACEABILITY_CODE: _l("Traceability code (labels issued)"),
    Item.SHELF_LIFE: _l("Shelf life (expiry date)"),
    Item.STANDARDS: _l("Standards applied (a certificate valid on the batch's day)"),
}

# What to do about a missing item, and where (an endpoint and which id it takes).
FIXES = {
    Item.PRODUCT_NAME: (_l("Name the product."), "registry.edit_product", "product"),
    Item.PRODUCT_IMAGE: (_l("Add a photo of the product."), "registry.edit_product", "product"),
    Item.PRODUCER_NAME: (
        _l("Name the cooperative."),
        "registry.edit_cooperative",
        "cooperative",
    ),
    Item.PRODUCER_ADDRESS: (
        _l("Add the cooperative's street address (hamlet, road)."),
        "registry.edit_cooperative",
        "cooperative",
    ),
    Item.PRODUCTION_STEP: (
        _l("Record the harvest (or the processing) of this batch."),
        "batches.new_event",
        "batch",
    ),
    Item.PRODUCTION_TIME: (
        _l("Enter the harvest or packing day of the batch."),
        "batches.edit_batch",
        "batch",
    ),
    Item.TRACEABILITY_CODE: (
        _l("Print the batch's labels: its signed code is issued then."),
        "printing.labels",
        "batch",
    ),
    Item.SHELF_LIFE: (
        _l("Enter the expiry date, or the product's shelf life in days."),
        "batches.edit_batch",
        "batch",
    ),
    Item.STANDARDS: (
        _l("Register the certificate (VietGAP, OCOP...) covering the product or its area."),
        "registry.new_certificate",
        None,
    ),
}


@dataclass(frozen=True)
class BatchFacts:
    """What the rules read about one batch."""

    batch_id: int
    batch_code: str
    product_id: int
    cooperative_id: int
    product_name: str
    has_product_image: bool
    producer_name: str
    producer_street: str
    harvested_on: date | None
    packed_on: date | None
    expires_on: date | None
    created_at: datetime | None
    production_steps: int
    labels_issued: int
    valid_certificates: tuple[str, ...]

    @property
    def day(self) -> date:
        """The batch's day: harvest, else packing, else registration (in Vietnam)."""
        return reference_day(self)


@dataclass(frozen=True)
class Fix:
    """How to supply a missing item: the words and the page (endpoint and its arguments)."""

    action: object
    endpoint: str
    arguments: dict[str, int | str]


@dataclass(frozen=True)
class ItemCheck:
    item: Item
    met: bool
    fix: Fix | None

    @property
    def label(self) -> str:
        return str(ITEM_LABELS[self.item])


@dataclass(frozen=True)
class Completeness:
    """A batch's checklist, in the circular's order."""

    facts: BatchFacts
    checks: tuple[ItemCheck, ...]

    @property
    def missing(self) -> tuple[Item, ...]:
        return tuple(check.item for check in self.checks if not check.met)

    @property
    def is_complete(self) -> bool:
        return not self.missing


def met_items(facts: BatchFacts) -> dict[Item, bool]:
    """The rules, item by item."""
    return {
        Item.PRODUCT_NAME: bool(facts.product_name.strip()),
        Item.PRODUCT_IMAGE: facts.has_product_image,
        Item.PRODUCER_NAME: bool(facts.producer_name.strip()),
        Item.PRODUCER_ADDRESS: bool(facts.producer_street.strip()),
        Item.PRODUCTION_STEP: facts.production_steps > 0,
        Item.PRODUCTION_TIME: facts.harvested_on is not None or facts.packed_on is not None,
        Item.TRACEABILITY_CODE: facts.labels_issued > 0,
        Item.SHELF_LIFE: facts.expires_on is not None,
        Item.STANDARDS: bool(facts.valid_certificates),
    }


def check(facts: BatchFacts) -> Completeness:
    """The batch's checklist, each missing item with its fix."""
    checks = tuple(
        ItemCheck(item, met, None if met else fix_for(item, facts))
        for item, met in met_items(facts).items()
    )
    return Completeness(facts, checks)


def fix_for(item: Item, facts: BatchFacts) -> Fix:
    action, endpoint, subject = FIXES[item]
    ids: dict[str | None, dict[str, int | str]] = {
        "product": {"product_id": facts.product_id},
        "cooperative": {"cooperative_id": facts.cooperative_id},
        "batch": {"batch_id": facts.batch_id},
        None: {},
    }
    arguments = ids[subject]
    if item is Item.PRODUCTION_STEP:
        arguments = {**arguments, "type": EventType.HARVEST.value}
    return Fix(action, endpoint, arguments)


def missing_in_words(items: Iterable[Item]) -> list[str]:
    return [str(ITEM_LABELS[item]) for item in items]


def batch_completeness(session: Session, batch_filter: ColumnElement[bool]) -> list[Completeness]:
    """The checklist of every batch matching ``batch_filter`` (an expression on ``Batch``)."""
    return [check(facts) for facts in batch_facts(session, batch_filter)]


def completeness_of(session: Session, batch_id: int) -> Completeness:
    [found] = batch_completeness(session, Batch.id == batch_id)
    return found


def batch_facts(session: Session, batch_filter: ColumnElement[bool]) -> list[BatchFacts]:
    """The facts of the matching batches: two statements whatever their number."""
    rows = session.execute(_facts_query(batch_filter)).all()
    valid = _valid_certificates(session, batch_filter)
    return [
        BatchFacts(
            batch_id=row.id,
            batch_code=row.code,
            product_id=row.product_id,
            cooperative_id=row.cooperative_id,
            product_name=row.product_name,
            has_product_image=row.image_upload_id is not None,
            producer_name=row.producer_name,
            producer_street=row.street_address,
            harvested_on=row.harvested_on,
            packed_on=row.packed_on,
            expires_on=row.expires_on,
            created_at=row.created_at,
            production_steps=row.production_steps,
            labels_issued=row.labels_issued,
            valid_certificates=tuple(valid.get(row.id, ())),
        )
        for row in rows
    ]


def _facts_query(batch_filter: ColumnElement[bool]) -> Select[tuple[object, ...]]:
    steps = (
        select(func.count())
        .select_from(EventBatch)
        .join(Event, Event.id == EventBatch.event_id)
        .where(
            EventBatch.batch_id == Batch.id,
            EventBatch.role.in_((EventBatchRole.SUBJECT, EventBatchRole.OUTPUT)),
            Event.type.in_(PRODUCTION_STEPS),
        )
        .scalar_subquery()
    )
    labels = select(func.count()).where(LabelCode.batch_id == Batch.id).scalar_subquery()
    return (
        select(
            Batch.id,
            Batch.code,
            Batch.product_id,
            Batch.cooperative_id,
            Batch.harvested_on,
            Batch.packed_on,
            Batch.expires_on,
            Batch.created_at,
            Product.name.label("product_name"),
            Product.image_upload_id,
            Cooperative.name.label("producer_name"),
            Cooperative.street_address,
            steps.label("production_steps"),
            labels.label("labels_issued"),
        )
        .join(Product, Product.id == Batch.product_id)
        .join(Cooperative, Cooperative.id == Batch.cooperative_id)
        .where(batch_filter)
        .order_by(Batch.id)
    )


def _valid_certificates(
    session: Session, batch_filter: ColumnElement[bool]
) -> dict[int, list[str]]:
    """The numbers of the certificates valid on each batch's day, by batch id."""
    covering = or_(
        Certificate.id.in_(
            select(certificate_products.c.certificate_id).where(
                certificate_products.c.product_id == Batch.product_id
            )
        ),
        Certificate.id.in_(
            select(Product.ocop_certificate_id).where(Product.id == Batch.product_id)
        ),
        Certificate.id.in_(
            select(certificate_farming_areas.c.certificate_id)
            .join(
                batch_farming_areas,
                batch_farming_areas.c.farming_area_id
                == certificate_farming_areas.c.farming_area_id,
            )
            .where(batch_farming_areas.c.batch_id == Batch.id)
        ),
    )
    rows = session.execute(
        select(Batch.id, Batch.harvested_on, Batch.packed_on, Batch.created_at, Certificate)
        .join(Certificate, Certificate.cooperative_id == Batch.cooperative_id)
        .where(batch_filter, covering, Certificate.archived_at.is_(None))
        .order_by(Batch.id, Certificate.scheme, Certificate.number)
    ).all()
    valid: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        if status_on(row.Certificate, reference_day(row)) in VALID_ON_THE_DAY:
            valid[row.id].append(row.Certificate.number)
    return valid
