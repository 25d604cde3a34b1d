"""What the report tests share: a fixed day, communes of Cần Thơ, and issued codes and scans."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import TEST_KEY_PASSPHRASE
from tests.factories import make_batch, make_certificate, make_event, make_upload
from trace.batches.models import Batch, EventType, LabelCode
from trace.registry.models import Product
from trace.scans.models import Scan
from trace.signing import services as keys
from trace.signing.codes import Verdict
from trace.signing.models import IssuingKey

TODAY = date(2026, 11, 24)
RECENTLY = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
HARVEST_DAY = date(2026, 9, 28)
LONG_AGO = datetime(2025, 6, 1, 2, 0, tzinfo=UTC)
# Communes of Cần Thơ (province 92) no other fixture uses.
KE_SACH = "31528"
TRAN_DE = "31673"
CAN_THO = "92"
BASE_URL = "http://127.0.0.1:5000"
_serials = itertools.count(1)


@pytest.fixture
def issuing_key(session: Any) -> IssuingKey:
    """The current key, created when no fixture made one yet."""
    current = session.scalars(select(IssuingKey).where(IssuingKey.is_current)).first()
    return current or keys.create_key(session, TEST_KEY_PASSPHRASE.encode())


def issue_code(
    session: Any, key: IssuingKey, batch: Batch, issued_at: datetime, unit: bool = False
) -> LabelCode:
    """A code row as the signing service leaves it, issued at a chosen time.

    The text is not really signed: these tests count and date codes, never verify them.
    """
    serial = f"S{next(_serials):05d}" if unit else None
    path = f"{BASE_URL}/b/{batch.code}" + (f"/{serial}" if serial else "")
    code = LabelCode(
        batch_id=batch.id,
        serial=serial,
        text=f"{path}?k={key.kid}&s=test{next(_serials)}",
        key_id=key.id,
        issued_at=issued_at,
    )
    session.add(code)
    session.flush()
    return code


def scan(
    session: Any, code: LabelCode, family: str = "Android Chrome", is_inspection: bool = False
) -> Scan:
    row = Scan(
        scanned_at=datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
        batch_id=code.batch_id,
        label_code_id=code.id,
        code_text=code.text,
        verdict=Verdict.VALID,
        is_signature_valid=True,
        network="203.113.45.0/24",
        user_agent_family=family,
        is_inspection=is_inspection,
    )
    session.add(row)
    session.flush()
    return row


def complete_batch(
    session: Any, key: IssuingKey, product: Product, harvested_on: date = HARVEST_DAY, **values: Any
) -> LabelCode:
    """A batch of the product with every item Circular 02/2024 asks for, harvested on the
    day; its batch code is returned. The product gets a photo and its cooperative a street
    address if they have none; a certificate of the batch's farming area covers the day."""
    cooperative = product.cooperative
    cooperative.street_address = cooperative.street_address or "Ấp Phú Thạnh"
    if product.image_upload_id is None:
        product.image_upload_id = make_upload(session, cooperative).id
    batch = make_batch(
        session,
        product,
        harvested_on=harvested_on,
        expires_on=harvested_on + timedelta(days=365),
        **values,
    )
    make_certificate(
        session,
        cooperative,
        farming_areas=list(batch.farming_areas),
        valid_from=harvested_on - timedelta(days=30),
        valid_to=harvested_on + timedelta(days=700),
    )
    make_event(
        session,
        batch,
        type=EventType.HARVEST,
        occurred_at=datetime.combine(harvested_on, datetime.min.time(), UTC),
    )
    return issue_code(session, key, batch, RECENTLY)
