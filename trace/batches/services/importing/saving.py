"""Saving a checked file's batches in bulk: their codes signed first (reading only), then a
few INSERT statements a chunk of rows, with each batch's code and audit record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.audit.services import COMMAND_LINE_ACTOR, json_value
from trace.auth.models import User
from trace.batches import rules
from trace.batches.models import Batch, BatchStatus, LabelCode, batch_farming_areas
from trace.batches.services import issuing
from trace.batches.services.batches import AUDITED_FIELDS
from trace.batches.services.importing.checks import Lookups, Phase, PlannedBatch, ProgressCallback
from trace.common.field_errors import present
from trace.db import utcnow
from trace.errors import Conflict
from trace.registry.models import Cooperative
from trace.signing.models import IssuingKey

# Rows per bulk statement: large enough to be fast, small enough to show progress.
CHUNK_ROWS = 2000


BATCHES = cast(Table, Batch.__table__)


AUDIT_RECORDS = cast(Table, AuditRecord.__table__)


LABEL_CODES = cast(Table, LabelCode.__table__)


@dataclass(frozen=True)
class PreparedImport:
    """A checked file's batches with their codes signed, made while reading only: signing
    is a fifth of an import's time, which on SQLite need not be spent holding the write
    lock. The rows and audit records are spelt as each chunk is inserted, to keep a
    100,000-row file's memory to its planned batches and their codes."""

    cooperative: Cooperative
    planned: Sequence[PlannedBatch]
    code_texts: list[str]
    key: IssuingKey
    prepared_at: datetime


def prepare_batches(
    session: Session, lookups: Lookups, planned: Sequence[PlannedBatch]
) -> PreparedImport:
    """Sign each batch's code; reads the current key only."""
    now = utcnow()
    signer = issuing.signer_for(session)
    cooperative = lookups.cooperative
    texts = [_signed_code(signer, _batch_row(batch, cooperative, now), batch) for batch in planned]
    return PreparedImport(cooperative, planned, texts, signer.key, now)


def save_batches(
    session: Session,
    user: User | None,
    prepared: PreparedImport,
    on_progress: ProgressCallback,
) -> None:
    """Insert the batches, their farming areas, an audit record and a code each, in bulk.

    Plain ``executemany`` statements on the tables: the ORM's unit of work would cost
    several times as much for rows nothing else in this transaction reads back.
    """
    actor = {
        "user_id": user.id if user is not None else None,
        "actor": user.email if user is not None else COMMAND_LINE_ACTOR,
    }
    planned, now, cooperative = prepared.planned, prepared.prepared_at, prepared.cooperative
    total = len(planned)
    try:
        for start in range(0, total, CHUNK_ROWS):
            chunk = planned[start : start + CHUNK_ROWS]
            texts = prepared.code_texts[start : start + CHUNK_ROWS]
            rows = [_batch_row(batch, cooperative, now) for batch in chunk]
            session.execute(insert(BATCHES), rows)
            codes = [row["code"] for row in rows]
            found = session.execute(select(Batch.code, Batch.id).where(Batch.code.in_(codes)))
            batch_ids: dict[str, int] = dict(found.tuples().all())
            links = [
                {"batch_id": batch_ids[row["code"]], "farming_area_id": area.id}
                for row, batch in zip(rows, chunk, strict=True)
                for area in batch.areas
            ]
            session.execute(insert(batch_farming_areas), links)
            audits = [
                {**actor, **_audit_row(batch_ids[row["code"]], row, batch, now)}
                for row, batch in zip(rows, chunk, strict=True)
            ]
            session.execute(insert(AUDIT_RECORDS), audits)
            signed = [
                issuing.label_code_row(batch_ids[row["code"]], text, prepared.key, now)
                for row, text in zip(rows, texts, strict=True)
            ]
            session.execute(insert(LABEL_CODES), signed)
            on_progress(Phase.SAVING, start + len(chunk), total)
    except IntegrityError:
        # Another batch took one of these lots since the file was checked.
        raise Conflict(
            _l("A batch with one of these lots was registered meanwhile: import the file again.")
        ) from None


def _signed_code(signer: issuing.Signer, row: Mapping[str, Any], batch: PlannedBatch) -> str:
    data = issuing.code_data(
        signer.base_url, batch.product.gtin, row["lot"], row["code"], row["expires_on"]
    )
    return signer.sign(data)


def _batch_row(batch: PlannedBatch, cooperative: Cooperative, now: datetime) -> dict[str, Any]:
    lot = present(batch.lot)
    return {
        "cooperative_id": cooperative.id,
        "product_id": batch.product.id,
        "lot": lot,
        "code": rules.batch_code(cooperative.code_prefix, lot),
        "harvested_on": batch.harvested_on,
        "packed_on": batch.packed_on,
        "expires_on": batch.expires_on,
        "quantity": batch.quantity,
        "unit": batch.unit,
        "status": BatchStatus.ACTIVE,
        "recall_reason": "",
        "recalled_at": None,
        "created_at": now,
        "updated_at": now,
    }


def _audit_row(
    batch_id: int, row: Mapping[str, Any], batch: PlannedBatch, now: datetime
) -> dict[str, Any]:
    """The record ``create_batch`` writes, {field: [null, value]}, with the action IMPORTED."""
    facts = {**row, "farming_areas": sorted(area.code for area in batch.areas)}
    changes = {}
    for name in AUDITED_FIELDS:
        value = facts[name]
        if value is not None:
            plain = isinstance(value, str | int | list)  # the area codes are already text
            changes[name] = [None, value if plain else json_value(value)]
    return {
        "recorded_at": now,
        "cooperative_id": row["cooperative_id"],
        "subject": AuditSubject.BATCH,
        "subject_id": batch_id,
        "batch_id": batch_id,
        "action": AuditAction.IMPORTED,
        "changes": changes,
    }
