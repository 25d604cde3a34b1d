"""A code's scan history as inspectors read it: every scan, newest first, with a coarse place.

A code the platform issued is followed by its ``label_code_id``, so every scan of it counts
whatever text was stored; any other text (forged, altered, never issued) by the exact text.
The place is only ever a province, from a position the visitor chose to share: the scan
rows keep no more than 0.01 degree, and the page shows less still.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, and_, bindparam, literal, select, union_all
from sqlalchemy.orm import Session

from trace.batches.models import LabelCode
from trace.scans.models import Scan
from trace.scans.places import province_near
from trace.scans.services import stored_code_text
from trace.signing.codes import MalformedCode, Verdict, parse_code

DEFAULT_LIMIT = 200

_SCAN_COLUMNS = (
    Scan.scanned_at,
    Scan.verdict,
    Scan.latitude,
    Scan.longitude,
    Scan.network,
    Scan.user_agent_family,
    Scan.is_inspection,
)
_NEWEST_FIRST = (Scan.scanned_at.desc(), Scan.id.desc())
_ISSUED = select(LabelCode.id, LabelCode.serial).where(LabelCode.text == bindparam("text"))
_SCANS_OF_ISSUED = (
    select(*_SCAN_COLUMNS)
    .where(Scan.label_code_id == bindparam("label_code_id"))
    .order_by(*_NEWEST_FIRST)
    .limit(bindparam("limit"))
)
# A text we never issued is stored without an issued code: the partial index's condition.
_SCANS_OF_TEXT = (
    select(*_SCAN_COLUMNS)
    .where(Scan.code_text == bindparam("text"), Scan.label_code_id.is_(None))
    .order_by(*_NEWEST_FIRST)
    .limit(bindparam("limit"))
)


@dataclass(frozen=True)
class ScanLine:
    """One scan of a code: when, the verdict then, roughly where, from which network."""

    scanned_at: datetime
    verdict: Verdict
    # The province of the position the visitor shared; None when they shared none.
    place: str | None
    network: str
    user_agent_family: str
    is_unit_code: bool
    # An inspector's check on the verify page rather than a buyer's visit.
    is_inspection: bool


def scans_of_code(session: Session, code_text: str, limit: int = DEFAULT_LIMIT) -> list[ScanLine]:
    """The code's scans, newest first, at most ``limit`` of them."""
    if limit < 1:
        return []
    # Looked up as scans store it: no control characters (PostgreSQL refuses a NUL).
    code_text = stored_code_text(code_text)
    connection = session.connection()
    issued = connection.execute(_ISSUED, {"text": code_text}).first()
    if issued is not None:
        rows = connection.execute(_SCANS_OF_ISSUED, {"label_code_id": issued.id, "limit": limit})
        is_unit_code = issued.serial is not None
    else:
        rows = connection.execute(_SCANS_OF_TEXT, {"text": code_text, "limit": limit})
        is_unit_code = _names_a_unit(code_text)
    return [_line(row, is_unit_code) for row in rows]


def scans_of_codes(
    session: Session, code_texts: Iterable[str], limit: int = DEFAULT_LIMIT
) -> dict[str, list[ScanLine]]:
    """``scans_of_code`` for each of many codes (a page of reports), in two statements:
    the codes issued, then each code's newest scans, one limited branch of a union a code."""
    stored = {text: stored_code_text(text) for text in code_texts}
    found: dict[str, list[ScanLine]] = {text: [] for text in stored.values()}
    if limit < 1 or not found:
        return {text: [] for text in stored}
    connection = session.connection()
    issued = {
        row.text: row
        for row in connection.execute(
            select(LabelCode.id, LabelCode.text, LabelCode.serial).where(
                LabelCode.text.in_(list(found))
            )
        )
    }
    branches = [
        select(literal(text).label("code"), Scan.id, *_SCAN_COLUMNS)
        .where(
            Scan.label_code_id == issued[text].id
            if text in issued
            else and_(Scan.code_text == text, Scan.label_code_id.is_(None))
        )
        .order_by(*_NEWEST_FIRST)
        .limit(limit)
        .subquery()
        for text in found
    ]
    rows: list[Row[Any]] = list(
        connection.execute(union_all(*(select(branch) for branch in branches)))
    )
    # A union keeps no order: each code's scans are put newest first again here.
    for row in sorted(rows, key=lambda row: (row.scanned_at, row.id), reverse=True):
        code = issued.get(row.code)
        is_unit_code = code.serial is not None if code else _names_a_unit(row.code)
        found[row.code].append(_line(row, is_unit_code))
    return {text: found[stored_text] for text, stored_text in stored.items()}


def _line(row: Row[Any], is_unit_code: bool) -> ScanLine:
    return ScanLine(
        scanned_at=row.scanned_at,
        verdict=row.verdict,
        place=_province_name(row.latitude, row.longitude),
        network=row.network,
        user_agent_family=row.user_agent_family,
        is_unit_code=is_unit_code,
        is_inspection=row.is_inspection,
    )


def _names_a_unit(code_text: str) -> bool:
    """Whether a code we never issued says it is a unit's (carries a serial)."""
    try:
        return parse_code(code_text).data.serial is not None
    except MalformedCode:
        return False


def _province_name(latitude: Decimal | None, longitude: Decimal | None) -> str | None:
    if latitude is None or longitude is None:
        return None
    province = province_near(latitude, longitude)
    return province.name if province is not None else None
