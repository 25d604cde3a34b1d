"""Importing batches from a spreadsheet: every row checked first, then all saved at once.

A file is one batch a row. The whole file is checked in memory against the cooperative's
products, farming areas and lots, loaded once, with the rules ``create_batch`` applies; a
single bad row refuses the file, and every problem of every row is reported. A good file
is saved with a few bulk statements in the caller's transaction, one audit record a batch.
"""

from __future__ import annotations

import enum
import gc
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.audit.services import COMMAND_LINE_ACTOR, json_value
from trace.auth.models import User
from trace.batches import rules
from trace.batches.import_template import COLUMNS, ImportColumn, header_key
from trace.batches.models import Batch, BatchStatus, LabelCode, batch_farming_areas
from trace.batches.services import issuing
from trace.batches.services.batches import AUDITED_FIELDS, check_dates
from trace.batches.services.common import check_quantity
from trace.common.cells import read_amount, read_date, text_of
from trace.common.clock import local_today
from trace.common.field_errors import FieldErrors, present
from trace.common.spreadsheets import Cell, Sheet, read_table, refuse
from trace.db import utcnow
from trace.errors import Conflict, InvalidInput
from trace.registry import validation
from trace.registry.models import Cooperative, FarmingArea, Product
from trace.registry.services.records import owning_cooperative_id

# Rows per bulk statement: large enough to be fast, small enough to show progress.
CHUNK_ROWS = 2000
BATCHES = cast(Table, Batch.__table__)
AUDIT_RECORDS = cast(Table, AuditRecord.__table__)
LABEL_CODES = cast(Table, LabelCode.__table__)
AREA_SEPARATORS = re.compile(r"[;,]")
# The batch service's field names, and the column each is read from.
FIELD_COLUMNS = {
    "product_id": "product",
    "farming_area_ids": "farming_areas",
    "lot": "lot",
    "harvested_on": "harvested_on",
    "packed_on": "packed_on",
    "expires_on": "expires_on",
    "quantity": "quantity",
    "unit": "unit",
}


class Phase(enum.StrEnum):
    CHECKING = "checking"
    SAVING = "saving"


# Told how far an import has gone: the phase, rows done, rows in all.
ProgressCallback = Callable[[Phase, int, int], None]


@dataclass(frozen=True)
class ImportProblem:
    """One thing to fix: the row and column as the spreadsheet shows them, and why."""

    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


class ImportRefused(InvalidInput):
    """Raised when rows of an import break a rule; ``problems`` lists each; nothing is saved."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        rows = len({problem.row for problem in problems})
        super().__init__(
            lazy_ngettext(
                "%(num)d row needs correcting; nothing was imported.",
                "%(num)d rows need correcting; nothing was imported.",
                rows,
            )
        )
        self.problems = list(problems)


@dataclass(frozen=True)
class ImportResult:
    count: int
    cooperative: Cooperative


@dataclass
class Lookups:
    """What every row is checked against, loaded once: the cooperative's records and lots."""

    cooperative: Cooperative
    products_by_code: dict[str, Product]
    products_by_gtin: dict[str, Product]
    areas_by_code: dict[str, FarmingArea]
    # Batch codes starting with the cooperative's prefix: a lot is free when its code is.
    codes: set[str]
    today: date = field(default_factory=local_today)

    @classmethod
    def load(cls, session: Session, cooperative: Cooperative) -> Lookups:
        products = session.scalars(
            select(Product).where(
                Product.cooperative_id == cooperative.id, Product.archived_at.is_(None)
            )
        ).all()
        areas = session.scalars(
            select(FarmingArea).where(
                FarmingArea.cooperative_id == cooperative.id, FarmingArea.archived_at.is_(None)
            )
        ).all()
        codes = session.scalars(
            select(Batch.code).where(
                Batch.code.startswith(f"{cooperative.code_prefix}-", autoescape=True)
            )
        )
        return cls(
            cooperative=cooperative,
            products_by_code={p.code: p for p in products if p.code},
            products_by_gtin={p.gtin: p for p in products if p.gtin},
            areas_by_code={area.code: area for area in areas},
            codes=set(codes),
        )

    def lot_of(self, code: str) -> str:
        return code[len(self.cooperative.code_prefix) + 1 :]


@dataclass
class PlannedBatch:
    """A row that passed every check, ready to insert."""

    row: int
    product: Product
    areas: list[FarmingArea]
    lot: str | None
    harvested_on: date | None
    packed_on: date | None
    expires_on: date | None
    quantity: Decimal | None
    unit: str


def import_batches(
    session: Session,
    user: User | None,
    data: bytes,
    filename: str,
    cooperative_id: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportResult:
    """Check a whole file, then add its batches; raise listing every problem, adding none.

    ``user`` is None only for the command line, which names the cooperative itself.
    """
    cooperative = _importing_cooperative(session, user, cooperative_id)
    table = read_table(data, filename)
    columns = match_columns(table.headers)
    lookups = Lookups.load(session, cooperative)
    with _collector_paused():
        planned = check_rows(table, columns, lookups, on_progress or _no_progress)
        save_batches(session, user, lookups, planned, on_progress or _no_progress)
    return ImportResult(count=len(planned), cooperative=cooperative)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector: with 100,000 rows in memory its passes took a third
    of the import's time, and reference counting still frees what the rows leave behind."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _no_progress(phase: Phase, done: int, total: int) -> None:
    return None


def _importing_cooperative(
    session: Session, user: User | None, cooperative_id: int | None
) -> Cooperative:
    if user is not None:
        cooperative_id = owning_cooperative_id(session, user, cooperative_id)
    cooperative = session.get(Cooperative, cooperative_id) if cooperative_id else None
    if cooperative is None:
        raise InvalidInput(errors={"cooperative_id": [str(_l("Choose the cooperative."))]})
    return cooperative


@dataclass(frozen=True)
class FoundColumn:
    index: int
    header: str


def match_columns(headers: Sequence[str]) -> dict[str, FoundColumn]:
    """Which column holds what, by header (accents, case and English names aside)."""
    by_alias = {alias: column for column in COLUMNS for alias in column.aliases}
    found: dict[str, FoundColumn] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        column = by_alias.get(header_key(header))
        if column is None:
            unknown.append(header)
        elif column.key in found:
            repeated.append(header)
        else:
            found[column.key] = FoundColumn(index, header)
    missing = [c.header for c in COLUMNS if c.is_required and c.key not in found]
    messages = []
    if missing:
        messages.append(_l("Add the column(s): %(names)s.", names=", ".join(missing)))
    if unknown:
        messages.append(_l("Unknown column(s): %(names)s.", names=", ".join(unknown)))
    if repeated:
        messages.append(_l("Column(s) given twice: %(names)s.", names=", ".join(repeated)))
    if messages:
        expected = ", ".join(column.header for column in COLUMNS)
        messages.append(_l("The columns are: %(names)s.", names=expected))
        raise refuse(" ".join(str(message) for message in messages))
    return found


def check_rows(
    table: Sheet,
    columns: Mapping[str, FoundColumn],
    lookups: Lookups,
    on_progress: ProgressCallback,
) -> list[PlannedBatch]:
    """Every row checked; lots generated for rows without one; raise if any row is bad."""
    total = len(table.rows)
    problems: list[ImportProblem] = []
    planned: list[PlannedBatch] = []
    first_row_of_lot: dict[str, int] = {}
    for done, (number, cells) in enumerate(table.rows, start=1):
        row_problems, batch = _check_row(number, cells, columns, lookups)
        if batch is not None and batch.lot is not None:
            earlier = first_row_of_lot.setdefault(batch.lot, number)
            if earlier != number:
                reason = _l("The same lot is on row %(row)d.", row=earlier)
                row_problems.append(_problem(number, columns, "lot", reason))
        problems.extend(row_problems)
        if batch is not None and not row_problems:
            planned.append(batch)
        if done % 1000 == 0 or done == total:
            on_progress(Phase.CHECKING, done, total)
    problems.extend(_generate_lots(planned, columns, lookups, set(first_row_of_lot)))
    if problems:
        raise ImportRefused(problems)
    return planned


def _check_row(
    number: int, cells: Sequence[Cell], columns: Mapping[str, FoundColumn], lookups: Lookups
) -> tuple[list[ImportProblem], PlannedBatch | None]:
    """One row's problems, and its batch when it has none."""

    def cell(key: str) -> Cell:
        found = columns.get(key)
        return cells[found.index] if found is not None and found.index < len(cells) else None

    problems: list[ImportProblem] = []
    errors = FieldErrors()
    product = _product(errors, text_of(cell("product")), lookups)
    areas = _areas(errors, text_of(cell("farming_areas")), lookups)
    dates: dict[str, date | None] = {}
    for key in ("harvested_on", "packed_on", "expires_on"):
        dates[key], readable = read_date(cell(key))
        if not readable:
            problems.append(_problem(number, columns, key, _l("Enter a date as dd/mm/yyyy.")))
    dates = check_dates(errors, dates)
    quantity = check_quantity(errors, "quantity", read_amount(cell("quantity")))
    unit_text = unicodedata.normalize("NFC", text_of(cell("unit")))
    unit = errors.text("unit", unit_text or (product.unit if product else "kg"), 30)
    lot = _given_lot(errors, text_of(cell("lot")), lookups)
    for name, messages in errors.errors.items():
        key = FIELD_COLUMNS[name]
        problems.extend(_problem(number, columns, key, message) for message in messages)
    if product is None or problems:
        return problems, None
    expires_on = dates["expires_on"] or rules.default_expiry(
        product.shelf_life_days, dates["packed_on"], dates["harvested_on"]
    )
    batch = PlannedBatch(
        row=number,
        product=product,
        areas=areas,
        lot=lot,
        harvested_on=dates["harvested_on"],
        packed_on=dates["packed_on"],
        expires_on=expires_on,
        quantity=quantity,
        unit=unit or product.unit,
    )
    return problems, batch


def _problem(
    number: int, columns: Mapping[str, FoundColumn], key: str, reason: Any
) -> ImportProblem:
    found = columns.get(key)
    header = found.header if found is not None else _column(key).header
    return ImportProblem(row=number, column=header, reason=str(reason))


def _column(key: str) -> ImportColumn:
    return next(column for column in COLUMNS if column.key == key)


def _product(errors: FieldErrors, text: str, lookups: Lookups) -> Product | None:
    """The cooperative's product with this code, or with this GTIN (any length)."""
    if not text:
        errors.add("product_id", _l("Enter the product's code or its GTIN."))
        return None
    product = lookups.products_by_code.get(text.upper())
    if product is None and text.isdigit():
        try:
            product = lookups.products_by_gtin.get(validation.gtin(text))
        except ValueError:
            product = None
    if product is None:
        errors.add("product_id", _l("Your cooperative has no product with this code or GTIN."))
    return product


def _areas(errors: FieldErrors, text: str, lookups: Lookups) -> list[FarmingArea]:
    """The cooperative's farming areas by planting-area code, separated by ; or ,."""
    codes = list(dict.fromkeys(c.strip().upper() for c in AREA_SEPARATORS.split(text)))
    codes = [code for code in codes if code]
    if not codes:
        errors.add("farming_area_ids", _l("Choose at least one farming area."))
        return []
    unknown = [code for code in codes if code not in lookups.areas_by_code]
    if unknown:
        errors.add(
            "farming_area_ids",
            _l(
                "Your cooperative has no farming area with the code %(codes)s.",
                codes=", ".join(unknown),
            ),
        )
    return [lookups.areas_by_code[code] for code in codes if code in lookups.areas_by_code]


def _given_lot(errors: FieldErrors, text: str, lookups: Lookups) -> str | None:
    if not text:
        return None
    lot = errors.check("lot", rules.lot, text)
    if lot is not None and rules.batch_code(lookups.cooperative.code_prefix, lot) in lookups.codes:
        errors.add("lot", _l("Your cooperative already has a batch with this lot."))
    return lot


def _generate_lots(
    planned: Iterable[PlannedBatch],
    columns: Mapping[str, FoundColumn],
    lookups: Lookups,
    file_lots: set[str],
) -> list[ImportProblem]:
    """Give rows without a lot the next free one, as ``create_batch`` does, in row order."""
    taken = {lookups.lot_of(code) for code in lookups.codes} | file_lots
    problems = []
    for batch in planned:
        if batch.lot is not None:
            continue
        day = batch.harvested_on or batch.packed_on or lookups.today
        stem = rules.lot_stem(batch.product.code, batch.product.name)
        try:
            batch.lot = rules.next_lot(stem, day, taken)
        except ValueError as error:
            problems.append(_problem(batch.row, columns, "lot", error))
            continue
        taken.add(batch.lot)
    return problems


def save_batches(
    session: Session,
    user: User | None,
    lookups: Lookups,
    planned: Sequence[PlannedBatch],
    on_progress: ProgressCallback,
) -> None:
    """Insert the batches, their farming areas and an audit record each, in bulk.

    Plain ``executemany`` statements on the tables: the ORM's unit of work would cost
    several times as much for rows nothing else in this transaction reads back.
    """
    now = utcnow()
    cooperative = lookups.cooperative
    actor = {
        "user_id": user.id if user is not None else None,
        "actor": user.email if user is not None else COMMAND_LINE_ACTOR,
    }
    total = len(planned)
    signer = issuing.signer_for(session)
    try:
        for start in range(0, total, CHUNK_ROWS):
            chunk = planned[start : start + CHUNK_ROWS]
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
                issuing.label_code_row(
                    batch_ids[row["code"]], _signed_code(signer, row, batch), signer.key, now
                )
                for row, batch in zip(rows, chunk, strict=True)
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
