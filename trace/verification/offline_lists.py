"""What the verify page keeps for checking labels with no network: the key set and the
recalled lots, with the time they were read.

The recalled lots have the shape ``trace/static/js/label-verifier.js`` documents for its
``recallOf``: a GTIN code names its batch by GTIN and lot, any other by the batch code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.batches.models import Batch, BatchStatus
from trace.db import utcnow
from trace.registry.models import Product
from trace.signing.services import key_set, rfc3339

_RECALLED = (
    select(Product.gtin, Batch.lot, Batch.code, Batch.recalled_at, Batch.recall_reason)
    .join(Product, Product.id == Batch.product_id)
    .where(Batch.status == BatchStatus.RECALLED)
    .order_by(Batch.recalled_at.desc(), Batch.id.desc())
)


def offline_lists(session: Session, now: datetime | None = None) -> dict[str, Any]:
    """``{"generated_at", "keys", "recalled"}``: ``keys`` is the JWKS, revoked keys marked."""
    return {
        "generated_at": rfc3339(now or utcnow()),
        "keys": key_set(session),
        "recalled": recalled_lots(session),
    }


def recalled_lots(session: Session) -> list[dict[str, str | None]]:
    """Every recalled batch, newest recall first."""
    return [
        {
            "gtin": gtin or None,
            "lot": lot,
            "batch_code": code,
            "recalled_at": rfc3339(recalled_at) if recalled_at is not None else None,
            "reason": reason or "",
        }
        for gtin, lot, code, recalled_at, reason in session.execute(_RECALLED)
    ]
