"""What the public page shows for a label URL: the batch, its unit, the verdict, the facts.

Only public facts leave here: no quantities, no staff, no buyers' names, no notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, attributes, contains_eager

from trace.batches.models import Batch, Event, EventType, batch_farming_areas
from trace.batches.services.batches import AppliedCertificate, applied_certificates
from trace.batches.services.common import local_today
from trace.batches.services.events import events_of
from trace.lookup.paths import LabelPath
from trace.registry.models import FarmingArea, Product
from trace.signing.codes import Verdict
from trace.signing.models import LabelCode
from trace.signing.verification import Verification, verify_code

# The steps a consumer is shown; inspections and recalls have their own places on the page.
PUBLIC_STEPS = (
    EventType.PLANTING,
    EventType.INPUT_APPLIED,
    EventType.HARVEST,
    EventType.PROCESSING,
    EventType.PACKING,
    EventType.SHIPPING,
    EventType.RECEIVING,
    EventType.INSPECTING,
)


# Built once: a page runs these with new values only, so SQLAlchemy's statement cache finds
# them without building a cache key from scratch (a third of a query's cost on a busy page).
_BATCH = (
    select(Batch)
    .join(Batch.product)
    .join(Batch.cooperative)
    .options(contains_eager(Batch.product), contains_eager(Batch.cooperative))
)
_BATCH_BY_GTIN = _BATCH.where(Product.gtin == bindparam("gtin"), Batch.lot == bindparam("lot"))
_BATCH_BY_CODE = _BATCH.where(Batch.code == bindparam("code"))
_AREAS_OF_BATCH = (
    select(FarmingArea)
    .join(batch_farming_areas)
    .where(batch_farming_areas.c.batch_id == bindparam("batch_id"))
    .order_by(FarmingArea.code)  # as Batch.farming_areas orders them
)
_UNIT = select(LabelCode).where(
    LabelCode.batch_id == bindparam("batch_id"), LabelCode.serial == bindparam("serial")
)


@dataclass(frozen=True)
class PublicLabel:
    """One label's page: the batch, the unit if the URL names one, and the verdict."""

    batch: Batch
    unit: LabelCode | None
    # None when the URL carries no signature (typed in, or a link shared without it).
    verification: Verification | None
    certificates: list[AppliedCertificate]
    steps: list[Event]
    today: date

    @property
    def is_signed_by_us(self) -> bool:
        """The signature checks with a key of ours that is not revoked."""
        verdict = self.verification.verdict if self.verification else None
        return verdict in (Verdict.VALID, Verdict.RECALLED_BATCH)

    @property
    def is_genuine(self) -> bool:
        """A label we issued, of a batch that is not recalled: the green verdict."""
        return self.verification is not None and self.verification.is_valid


def find_label(session: Session, path: LabelPath) -> tuple[Batch, LabelCode | None] | None:
    """The batch (and issued unit) a path names, or None when we know no such label.

    The batch comes with its product, cooperative and farming areas, which the page shows
    all of: two queries instead of a lazy load each.
    """
    if path.gtin is not None:
        batch = session.scalars(_BATCH_BY_GTIN, {"gtin": path.gtin, "lot": path.lot}).first()
    else:
        batch = session.scalars(_BATCH_BY_CODE, {"code": path.batch_code}).first()
    if batch is None:
        return None
    unit = None
    if path.serial is not None:
        unit = session.scalars(_UNIT, {"batch_id": batch.id, "serial": path.serial}).first()
        if unit is None:
            return None
    areas = session.scalars(_AREAS_OF_BATCH, {"batch_id": batch.id}).all()
    attributes.set_committed_value(batch, "farming_areas", list(areas))
    return batch, unit


def public_label(
    session: Session, batch: Batch, unit: LabelCode | None, signed_text: str | None
) -> PublicLabel:
    """Everything the page shows, the verdict included."""
    verification = verify_code(session, signed_text) if signed_text is not None else None
    today = local_today()
    steps = [event for event in events_of(session, batch) if event.type in PUBLIC_STEPS]
    return PublicLabel(
        batch=batch,
        unit=unit,
        verification=verification,
        certificates=applied_certificates(session, batch, today),
        steps=steps,
        today=today,
    )
