"""Which batch (and unit) a code an inspector scanned, pasted or typed names.

An inspector checks labels that may be copies, so the signature is not required here: a
code we issued is found by its exact text, any other label URL by the batch its path
names (``/01/{GTIN}/10/{lot}`` or ``/b/{batch code}``, after any path prefix of the base
URL), and a bare batch code typed from a package by the batch with that code. A unit
serial we never issued still names its batch: the inspection is then of the batch, and
the text is kept as it was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.batches.models import Batch, LabelCode
from trace.batches.services.issuing import issued_code
from trace.lookup.paths import LabelPath, MalformedPath, read_path
from trace.registry.models import Product

# The first path segment of a label's key (a base URL's prefix never uses these).
KEY_SEGMENTS = ("01", "b")


@dataclass(frozen=True)
class InspectedLabel:
    """The batch a code names, the unit when it names an issued unit code, and the text."""

    batch: Batch
    unit: LabelCode | None
    code_text: str


def find_inspected_label(session: Session, text: str) -> InspectedLabel | None:
    """The batch and unit ``text`` names, or None when it names no batch we know."""
    text = text.strip()
    if not text:
        return None
    issued = issued_code(session, text)
    if issued is not None:
        return InspectedLabel(issued.batch, issued if issued.is_unit else None, text)
    path = label_path_of(text)
    if path is None:
        batch = _batch_by_code(session, text)
        return InspectedLabel(batch, None, text) if batch is not None else None
    batch = _batch_of_path(session, path)
    if batch is None:
        return None
    unit = None
    if path.serial is not None:
        unit = session.scalar(
            select(LabelCode).where(LabelCode.batch_id == batch.id, LabelCode.serial == path.serial)
        )
    return InspectedLabel(batch, unit, text)


def label_path_of(text: str) -> LabelPath | None:
    """What a label URL's path names, or None for text that is not a label URL."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    segments = parts.path.split("/")
    for index, segment in enumerate(segments):
        if segment in KEY_SEGMENTS:
            try:
                return read_path("/" + "/".join(segments[index:]))
            except MalformedPath:
                return None
    return None


def _batch_of_path(session: Session, path: LabelPath) -> Batch | None:
    if path.gtin is not None:
        statement = select(Batch).join(Batch.product)
        return session.scalar(statement.where(Product.gtin == path.gtin, Batch.lot == path.lot))
    return session.scalar(select(Batch).where(Batch.code == path.batch_code))


def _batch_by_code(session: Session, text: str) -> Batch | None:
    """The batch with this platform code; typed in lower case, the upper-case one."""
    for candidate in dict.fromkeys((text, text.upper())):
        batch = session.scalar(select(Batch).where(Batch.code == candidate))
        if batch is not None:
            return batch
    return None
