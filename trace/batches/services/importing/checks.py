"""Checking a file of batches: which column holds what, every row against the cooperative's
products, farming areas and lots, and every problem of every row."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.batches import rules
from trace.batches.models import Batch
from trace.batches.services.batches import check_dates
from trace.batches.services.common import check_quantity
from trace.batches.services.importing.template import COLUMNS, ImportColumn, header_key
from trace.common.cells import read_amount, read_date, text_of
from trace.common.clock import local_today
from trace.common.field_errors import FieldErrors
from trace.common.spreadsheets import (
    Cell,
    Sheet,
    UncomputedFormula,
    refuse,
    uncomputed_formula_message,
)
from trace.errors import InvalidInput
from trace.registry import validation
from trace.registry.models import Cooperative, FarmingArea, Product

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


@dataclass(slots=True)
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

    problems = [
        _problem(number, columns, key, uncomputed_formula_message(value))
        for key in columns
        if isinstance(value := cell(key), UncomputedFormula)
    ]
    if problems:
        return problems, None  # read as text, its cells would only be named again, worse
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
