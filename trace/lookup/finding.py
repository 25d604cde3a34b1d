"""Finding the label a person means when the address or code they have does not match
exactly: batch codes and lots in another case, a code typed from the package, a GTIN alone.

Batch codes and lots are stored as registered (the cooperative's prefix is upper case, a
lot may hold either case) and compared exactly by the label page; these look-ups compare
them upper-cased, on SQLite and PostgreSQL alike (``upper`` of ASCII is the same on both
whatever the collation), and only after the exact look-up missed. They answer only what
a label page would show anyway: a batch's code, lot, product and cooperative names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from trace.batches.models import Batch
from trace.lookup.paths import LabelPath
from trace.lookup.services import find_label
from trace.lookup.typed import TypedCode
from trace.registry.models import Cooperative, Product
from trace.signing.codes import encode_value

# More spellings than this is a list too long to read on a phone; the rest are not shown.
MAX_CHOICES = 10


@dataclass(frozen=True)
class BatchChoice:
    """A batch a typed code may mean, as a link to its label page."""

    code: str
    lot: str
    gtin: str | None
    product_name: str
    cooperative_name: str

    @property
    def path(self) -> str:
        """The batch's label page: the GS1 path for a GTIN product, else the batch code."""
        if self.gtin:
            return f"/01/{self.gtin}/10/{encode_value(self.lot)}"
        return batch_path(self.code)


@dataclass(frozen=True)
class ProductFound:
    """A product named by its GTIN alone: the page asks for the lot printed beside it."""

    gtin: str
    name: str
    cooperative_name: str
    id: int


@dataclass(frozen=True)
class Answer:
    """Where a typed code leads: a label page, a product asking for its lot, a choice of
    batches, or nowhere (none of them)."""

    location: str | None = None
    product: ProductFound | None = None
    choices: list[BatchChoice] = field(default_factory=list)

    @property
    def is_found(self) -> bool:
        return bool(self.location or self.product or self.choices)


_CHOICES = (
    select(Batch.code, Batch.lot, Product.gtin, Product.name, Cooperative.name)
    .join(Product, Product.id == Batch.product_id)
    .join(Cooperative, Cooperative.id == Batch.cooperative_id)
    .order_by(Batch.code)
    .limit(MAX_CHOICES)
)


# Upper-cased on both sides: ``upper`` of ASCII (all a code or lot may hold) is the same on
# SQLite and PostgreSQL whatever the collation, and the indexes on upper(code) and
# upper(lot) (trace/batches/models.py) serve these statements.
BY_CODE_ANY_CASE = _CHOICES.where(func.upper(Batch.code) == bindparam("code"))
BY_LOT_ANY_CASE = _CHOICES.where(func.upper(Batch.lot) == bindparam("lot"))
_BY_LOT_OF_GTIN = BY_LOT_ANY_CASE.where(Product.gtin == bindparam("gtin"))
_HAS_A_BATCH = select(Batch.id).where(Batch.product_id == Product.id).exists()


def batch_path(code: str, serial: str | None = None) -> str:
    unit = f"/{encode_value(serial)}" if serial is not None else ""
    return f"/b/{encode_value(code)}{unit}"


def lot_path(gtin: str, lot: str, serial: str | None = None) -> str:
    unit = f"/21/{encode_value(serial)}" if serial is not None else ""
    return f"/01/{gtin}/10/{encode_value(lot)}{unit}"


def label_path(path: LabelPath) -> str:
    """A label path written canonically (values percent-encoded as labels write them)."""
    if path.is_preprinted:
        under = f"01/{path.gtin}/21" if path.gtin is not None else f"b/{path.prefix}"
        return f"/{under}/{encode_value(path.serial or '')}"
    if path.batch_code is not None:
        return batch_path(path.batch_code, path.serial)
    return lot_path(path.gtin or "", path.lot or "", path.serial)


def batches_by_code(session: Session, code: str) -> list[BatchChoice]:
    """Batches whose code is ``code`` in any case."""
    return _choices(session, BY_CODE_ANY_CASE, {"code": code.upper()})


def batches_by_lot(session: Session, lot: str, gtin: str | None = None) -> list[BatchChoice]:
    """Batches whose lot is ``lot`` in any case; of one GTIN's product when given."""
    if gtin is not None:
        return _choices(session, _BY_LOT_OF_GTIN, {"lot": lot.upper(), "gtin": gtin})
    return _choices(session, BY_LOT_ANY_CASE, {"lot": lot.upper()})


def product_by_gtin(session: Session, gtin: str) -> ProductFound | None:
    """The product with this GTIN, if a batch of it was registered (only products with a
    batch have labels, and so a public page)."""
    row = session.execute(
        select(Product.gtin, Product.name, Cooperative.name, Product.id)
        .join(Cooperative, Cooperative.id == Product.cooperative_id)
        .where(
            Product.gtin == gtin, select(Batch.id).where(Batch.product_id == Product.id).exists()
        )
        .limit(1)
    ).first()
    return ProductFound(*row) if row is not None else None


def _choices(session: Session, statement: Select[Any], values: dict[str, str]) -> list[BatchChoice]:
    return [BatchChoice(*row) for row in session.execute(statement, values).all()]


def other_spellings(session: Session, path: LabelPath) -> list[BatchChoice]:
    """The batches a label path names in another case (the exact look-up having missed).

    A batch spelled exactly as asked is left out: the look-up missed on its serial, and
    sending the visitor to the same address again would loop.
    """
    if path.batch_code is not None:
        found = batches_by_code(session, path.batch_code)
        return [choice for choice in found if choice.code != path.batch_code]
    if path.gtin is not None and path.lot is not None:
        found = batches_by_lot(session, path.lot, path.gtin)
        return [choice for choice in found if choice.lot != path.lot]
    return []


def respelled_path(choice: BatchChoice, path: LabelPath) -> str:
    """The label path ``path`` meant, spelled as the batch is registered."""
    if path.batch_code is not None:
        return batch_path(choice.code, path.serial)
    return lot_path(choice.gtin or "", choice.lot, path.serial)


def answer_typed(session: Session, typed: TypedCode) -> Answer:
    """Where a typed code leads (``find_label`` having been tried on an address first)."""
    if typed.path is not None:
        # A roll code's own page says whether it is activated yet.
        if typed.path.is_preprinted or find_label(session, typed.path) is not None:
            location = label_path(typed.path)
            # The signature stays only on the very text it was made for.
            if typed.query and location == typed.raw_path:
                location = f"{location}?{typed.query}"
            return Answer(location=location)
        return _by_spelling(other_spellings(session, typed.path), typed.path)
    if typed.gtin is not None and typed.lot is not None:
        found = _exact_or_only(batches_by_lot(session, typed.lot, typed.gtin), typed.lot)
        if found is not None:
            return Answer(location=found.path)
        return Answer(product=product_by_gtin(session, typed.gtin))
    if typed.gtin is not None:
        return Answer(product=product_by_gtin(session, typed.gtin))
    code = typed.code or ""
    by_code = batches_by_code(session, code)
    if by_code:
        return _by_choices(by_code, code)
    return _by_choices(batches_by_lot(session, code), code)


def _by_spelling(choices: list[BatchChoice], path: LabelPath) -> Answer:
    if len(choices) == 1:
        return Answer(location=respelled_path(choices[0], path))
    return Answer(choices=choices)


def _by_choices(choices: list[BatchChoice], typed: str) -> Answer:
    found = _exact_or_only(choices, typed)
    if found is not None:
        return Answer(location=found.path)
    return Answer(choices=choices)


def _exact_or_only(choices: list[BatchChoice], typed: str) -> BatchChoice | None:
    """The one choice, or the one spelled exactly as typed among several."""
    if len(choices) == 1:
        return choices[0]
    exact = [choice for choice in choices if typed in (choice.code, choice.lot)]
    return exact[0] if len(exact) == 1 else None
