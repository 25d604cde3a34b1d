"""What the scan, alert, feedback, inspection and verification tests share: a batch with its
signed code, scans, counting statements. Loaded by the root conftest as a plugin."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask_babel import force_locale
from sqlalchemy import event, func, select

from tests.batches.conftest import batch_values
from trace.batches.models import Batch, LabelCode
from trace.batches.services import batches, codes
from trace.feedback.models import Report
from trace.scans.models import Scan
from trace.scans.services import record_scan
from trace.signing.codes import Verdict

SCANNED_AT = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture
def english(app: Any) -> Iterator[None]:
    """Messages in English (the app's default is Vietnamese), to compare them as written."""
    with force_locale("en"):
        yield


@dataclass
class Labelled:
    batch: Batch
    code: LabelCode
    other_code: LabelCode


@pytest.fixture
def labelled(session: Any, tenants: Any) -> Labelled:
    """A registered batch with its signed batch code, and a second batch's code."""
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    other = batches.create_batch(session, tenants.staff_a, batch_values(tenants, lot="ST25-2"))
    return Labelled(
        batch=batch,
        code=codes.batch_code(session, tenants.staff_a, batch.id),
        other_code=codes.batch_code(session, tenants.staff_a, other.id),
    )


def scan_of(session: Any, code: LabelCode, **values: Any) -> int:
    """Record a valid scan of ``code``; any argument of ``record_scan`` can be changed."""
    arguments: dict[str, Any] = {
        "code_text": code.text,
        "verdict": Verdict.VALID,
        "batch_id": code.batch_id,
        "label_code_id": code.id,
        "remote_addr": "203.113.45.7",
        "user_agent": ANDROID_CHROME,
        "now": SCANNED_AT,
        **values,
    }
    return record_scan(session, **arguments)


def stored_scan(session: Any, scan_id: int) -> Scan:
    """The scan as the database has it now, not as the session remembers it."""
    query = select(Scan).where(Scan.id == scan_id).execution_options(populate_existing=True)
    return session.scalars(query).one()


def row_counts(session: Any) -> tuple[int, int]:
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(model)) for model in (Scan, Report)
    )


@contextmanager
def statements(session: Any) -> Iterator[list[str]]:
    """The SQL statements the session's connection sends inside the block."""
    sent: list[str] = []
    connection = session.connection()

    def remember(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement)

    event.listen(connection, "before_cursor_execute", remember)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", remember)
