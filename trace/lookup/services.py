"""What the public page shows for a label URL: the batch, its unit, the verdict, the facts.

Only public facts leave here: no quantities, no staff, no buyers' names, no notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from trace.batches.models import Batch, Event, EventType
from trace.batches.services.batches import AppliedCertificate, applied_certificates
from trace.batches.services.common import local_today
from trace.batches.services.events import events_of
from trace.lookup.paths import LabelPath
from trace.registry.models import Product
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
    """The batch (and issued unit) a path names, or None when we know no such label."""
    if path.gtin is not None:
        query = select(Batch).join(Product).where(Product.gtin == path.gtin, Batch.lot == path.lot)
    else:
        query = select(Batch).where(Batch.code == path.batch_code)
    # The page shows all of these: one round trip instead of a lazy load each.
    query = query.options(
        joinedload(Batch.product), joinedload(Batch.cooperative), selectinload(Batch.farming_areas)
    )
    batch = session.scalars(query).one_or_none()
    if batch is None:
        return None
    if path.serial is None:
        return batch, None
    unit = session.scalars(
        select(LabelCode).where(LabelCode.batch_id == batch.id, LabelCode.serial == path.serial)
    ).one_or_none()
    return (batch, unit) if unit is not None else None


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
