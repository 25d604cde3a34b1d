"""What the public page tests share: a registered batch with a GTIN product and its code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tests.batches.conftest import batch_values
from trace.batches.models import Batch
from trace.batches.services import batches, codes

GTIN = "08934567000017"
BASE = "http://127.0.0.1:5000"


@dataclass
class Label:
    batch: Batch
    code: str  # the full URL a QR code holds

    @property
    def path(self) -> str:
        """What a phone asks the server for: the code without scheme and host."""
        return self.code.removeprefix(BASE)


@pytest.fixture
def label(session, tenants):
    product = tenants.product_a
    product.gtin, product.ocop_stars, product.brand = GTIN, 4, "Lúa thơm Sóc Trăng"
    values = batch_values(tenants, expires_on=date(2027, 5, 19))
    batch = batches.create_batch(session, tenants.staff_a, values)
    session.commit()
    return Label(batch, codes.batch_code(session, tenants.staff_a, batch.id).text)
