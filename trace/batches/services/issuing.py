"""Issuing label codes: a batch's code when it is registered, serialised unit codes later.

Every code is signed with the current key for the configured public base URL
(``TRACE_PUBLIC_BASE_URL``) and stored as a ``LabelCode``, so the online check can tie a
scan to the code it read. No access checks here: the batch services call this once they
have checked the caller.

A code carries one date, the expiry: with every known date a GTIN unit code needs QR
version 10 instead of 9 (``tests/bench/code_sizes.py``), and the rest is on the public page.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy import Table, bindparam, func, insert, select
from sqlalchemy.orm import Session

from trace.batches.models import Batch, LabelCode
from trace.db import utcnow
from trace.signing.codes import LabelData, build_unsigned, issue_code
from trace.signing.models import IssuingKey
from trace.signing.services import current_key, key_passphrase, private_key_of

# RFC 4648 base32: no 0/1/8/9 to mistake for O/I/B/g when a serial is read out loud.
SERIAL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
SERIAL_LENGTH = 10  # 50 random bits: a guessed serial hits an issued one 1 time in 10^15/N
MAX_UNITS_PER_RUN = 10_000  # one print run; larger runs are several
_IN_CHUNK = 1_000
_LABEL_YEARS = range(2000, 2100)
LABEL_CODES = cast(Table, LabelCode.__table__)


@dataclass(frozen=True)
class Signer:
    """The current key, decrypted, and the base URL the codes it signs start with."""

    key: IssuingKey
    private_key: Ed25519PrivateKey
    base_url: str

    def sign(self, data: LabelData) -> str:
        return issue_code(data, self.key.kid, self.private_key)


@dataclass(frozen=True)
class IssuedUnit:
    serial: str
    text: str


def signer_for(session: Session, config: Mapping[str, Any] | None = None) -> Signer:
    """A signer with the current key; ``NoCurrentKey`` or ``KeyUnreadable`` when it cannot sign.

    Decrypting the key costs about half a millisecond, so a signer is made per request or
    per import rather than kept in memory between them.
    """
    config = current_app.config if config is None else config
    key = current_key(session)
    private_key = private_key_of(key, key_passphrase(config))
    return Signer(key, private_key, str(config["TRACE_PUBLIC_BASE_URL"]))


def label_data(batch: Batch, base_url: str, serial: str | None = None) -> LabelData:
    """What a code of this batch (or of its unit ``serial``) says."""
    return code_data(base_url, batch.product.gtin, batch.lot, batch.code, batch.expires_on, serial)


def code_data(
    base_url: str,
    gtin: str | None,
    lot: str,
    batch_code: str,
    expires_on: date | None,
    serial: str | None = None,
) -> LabelData:
    """A GTIN product's code names its GTIN and lot; any other names the platform batch code."""
    expires_on = _label_date(expires_on)
    if gtin:
        return LabelData(base_url, gtin=gtin, lot=lot, serial=serial, expires_on=expires_on)
    return LabelData(base_url, batch_code=batch_code, serial=serial, expires_on=expires_on)


def label_code_row(
    batch_id: int, text: str, key: IssuingKey, now: datetime, serial: str | None = None
) -> dict[str, Any]:
    """A ``label_codes`` row for bulk inserts (the import, unit runs)."""
    return {
        "batch_id": batch_id,
        "serial": serial,
        "text": text,
        "key_id": key.id,
        "issued_at": now,
    }


def issue_batch_code(session: Session, batch: Batch, signer: Signer) -> LabelCode:
    """Sign and store a code for the batch as it is now.

    Ed25519 signatures are deterministic: a batch whose expiry went back to an earlier
    value gets the very code it had then, which is found rather than stored twice.
    """
    text = signer.sign(label_data(batch, signer.base_url))
    existing = issued_code(session, text)
    if existing is not None:
        return existing
    code = LabelCode(batch=batch, serial=None, text=text, key=signer.key)
    session.add(code)
    session.flush()
    return code


# Built once: every online verification and public page runs it.
_CODE_BY_TEXT = select(LabelCode).where(LabelCode.text == bindparam("text"))


def issued_code(session: Session, text: str) -> LabelCode | None:
    """The stored code with exactly this text (``parse_code`` allows one spelling only)."""
    return session.scalars(_CODE_BY_TEXT, {"text": text}).one_or_none()


def current_batch_code(session: Session, batch: Batch, base_url: str) -> LabelCode | None:
    """The batch's newest code that still says what the batch says, with a key not revoked.

    None when the batch has none yet (registered before codes existed), when its expiry
    or the base URL changed since, or when the keys that signed its codes were revoked.
    A batch holds a handful of batch codes at most, so they are simply read newest first.
    """
    data = label_data(batch, base_url)
    batch_codes = session.scalars(
        select(LabelCode)
        .where(LabelCode.batch_id == batch.id, LabelCode.serial.is_(None))
        .order_by(LabelCode.id.desc())
    )
    for code in batch_codes:
        if code.key.is_revoked:
            continue
        if code.text.rpartition("&s=")[0] == build_unsigned(data, code.key.kid):
            return code
    return None


def ensure_batch_code(session: Session, batch: Batch) -> LabelCode:
    """The batch's current code, issuing a new one when there is none that still holds."""
    base_url = str(current_app.config["TRACE_PUBLIC_BASE_URL"])
    code = current_batch_code(session, batch, base_url)
    return code if code is not None else issue_batch_code(session, batch, signer_for(session))


def issue_unit_codes(
    session: Session, batch: Batch, count: int, now: datetime | None = None
) -> list[IssuedUnit]:
    """Sign and store ``count`` unit codes with fresh serials, unique within the batch.

    Inserted in bulk: 10,000 ORM objects would cost more than their signatures.
    """
    if not 1 <= count <= MAX_UNITS_PER_RUN:
        raise ValueError(f"count must be 1 to {MAX_UNITS_PER_RUN}")
    signer = signer_for(session)
    now = now or utcnow()
    serials = new_serials(session, batch.id, count)
    units = [
        IssuedUnit(serial, signer.sign(label_data(batch, signer.base_url, serial)))
        for serial in serials
    ]
    rows = [label_code_row(batch.id, unit.text, signer.key, now, unit.serial) for unit in units]
    session.execute(insert(LABEL_CODES), rows)
    return units


def unit_count(session: Session, batch_id: int) -> int:
    """How many unit codes the batch has had issued."""
    query = select(func.count()).where(
        LabelCode.batch_id == batch_id, LabelCode.serial.is_not(None)
    )
    return session.scalar(query) or 0


def new_serials(session: Session, batch_id: int, count: int) -> list[str]:
    """``count`` random serials from the operating system's CSPRNG, none already in the batch."""
    fresh: set[str] = set()
    while len(fresh) < count:
        drawn = {_random_serial() for _ in range(count - len(fresh))} - fresh
        fresh |= drawn - _taken(session, batch_id, drawn)
    return sorted(fresh)


def _random_serial() -> str:
    return "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(SERIAL_LENGTH))


def _taken(session: Session, batch_id: int, serials: set[str]) -> set[str]:
    ordered: Sequence[str] = sorted(serials)
    taken: set[str] = set()
    for start in range(0, len(ordered), _IN_CHUNK):
        chunk = ordered[start : start + _IN_CHUNK]
        query = select(LabelCode.serial).where(
            LabelCode.batch_id == batch_id, LabelCode.serial.in_(chunk)
        )
        taken.update(serial for serial in session.scalars(query) if serial is not None)
    return taken


def _label_date(day: date | None) -> date | None:
    """A code writes dates as YYMMDD in 2000-2099; a date outside stays on the page only."""
    return day if day is not None and day.year in _LABEL_YEARS else None
