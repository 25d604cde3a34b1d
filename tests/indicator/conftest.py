"""What the report tests share: a fixed day, communes of Cần Thơ, and issued codes and scans."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import TEST_KEY_PASSPHRASE
from trace.batches.models import Batch, LabelCode
from trace.scans.models import Scan
from trace.signing import services as keys
from trace.signing.codes import Verdict
from trace.signing.models import IssuingKey

TODAY = date(2026, 11, 24)
RECENTLY = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
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
