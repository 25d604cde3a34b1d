"""What the batch tests share: a valid batch's values and counting rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.batches.epcis_schema import schema, validator  # noqa: F401 (fixtures)
from tests.factories import Tenants
from trace.audit.models import AuditRecord
from trace.batches.models import Batch, Event, LabelCode

HARVEST_DAY = date(2026, 11, 18)


def batch_values(tenants: Tenants, **changes: Any) -> dict[str, Any]:
    return {
        "product_id": tenants.product_a.id,
        "farming_area_ids": [tenants.farming_area_a.id],
        "harvested_on": HARVEST_DAY,
        "packed_on": date(2026, 11, 19),
        "quantity": "1200.5",
        "unit": "kg",
        **changes,
    }


def row_counts(session: Any) -> tuple[int, int, int, int]:
    """Batches, events, audit records and label codes: what a refusal must leave as it was."""
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(model))
        for model in (Batch, Event, AuditRecord, LabelCode)
    )


@pytest.fixture
def unchanged(session: Any):
    """Asserts, at the end of the test, that no batch, event or audit record was added."""
    before = row_counts(session)
    yield
    assert row_counts(session) == before
