"""A roll's labels as ``labels`` draws them: the product's (or cooperative's) name and the
serial under each code. A roll carries no lot or date: it is printed before packing.

The file is a PDF, or a TSPL or ZPL job for a thermal printer, checked by the batch print
options (``read_options``: the same choices, the same refusals) and drawn by the same
``render_labels``; the same ``RunSummary`` tells whether phones read its codes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from labels import LAYOUTS, LabelContent
from labels.legibility import inspect_page
from trace.common.field_errors import FieldErrors
from trace.db import commit_before_rendering
from trace.printing.options import PrintOptions, read_options
from trace.printing.report import RunSummary
from trace.printing.responses import file_response
from trace.printing.services import LabelRun
from trace.rolls.models import Roll
from trace.rolls.services import roll_codes

DEFAULT_LAYOUT = "roll-50x30"
# A roll is every code once, on the printer or on sheets: no one-page PNG.
ROLL_FORMATS = ("pdf", "tspl", "zpl")


def read_roll_options(values: Mapping[str, Any]) -> PrintOptions:
    """A built-in layout (the roll by default), the file (PDF by default) and, for a thermal
    printer, its dpi; ``InvalidInput`` names each field to fix, as the batch print page does.
    The count is the roll's: the options carry none."""
    layout = values.get("layout") or DEFAULT_LAYOUT
    output = values.get("format") or "pdf"
    errors = FieldErrors()
    if layout not in LAYOUTS:
        errors.add("layout", _l("Choose one of: %(known)s.", known=", ".join(LAYOUTS)))
    if output not in ROLL_FORMATS:
        errors.add("format", _l("Choose one of: %(known)s.", known=", ".join(ROLL_FORMATS)))
    errors.raise_if_any()
    chosen = {"layout": layout, "format": output, "dpi": values.get("dpi")}
    return read_options({**chosen, "language": values.get("language") or "vi"})


@dataclass(frozen=True)
class RollRun(LabelRun):
    """A roll's stored codes with what each label shows, drawn as ``options`` ask."""

    roll: Roll
    options: PrintOptions
    title: str
    lines: tuple[str, ...]
    label_codes: list[tuple[str, str]]  # (code, serial) in printing order

    @property
    def count(self) -> int:
        return len(self.label_codes)

    @property
    def file_name(self) -> str:
        under = self.roll.gtin or self.roll.prefix or "roll"
        return f"cuon-{under}-R{self.roll.number:04d}.{self.options.format}"

    def labels(self) -> Iterator[LabelContent]:
        return (
            LabelContent(code=code, title=self.title, lines=self.lines, serial=serial)
            for code, serial in self.label_codes
        )


def roll_run(
    session: Session, roll: Roll, options: PrintOptions, limit: int | None = None
) -> RollRun:
    """The roll's labels (its first ``limit`` ones), everything they show read now, so the
    transaction may end before drawing."""
    title = roll.product.name if roll.product is not None else roll.cooperative.name
    codes = [(code.text, code.serial) for code in roll_codes(session, roll, limit)]
    return RollRun(roll, options, title, (roll.cooperative.name,), codes)


def roll_summary(session: Session, roll: Roll, options: PrintOptions) -> RunSummary:
    """What the first sheet (or label) of the roll will tell, from its own stored codes."""
    layout = options.layout
    first = roll_run(session, roll, options, limit=layout.per_page)
    return RunSummary.of(inspect_page(first.labels(), layout), layout)


def roll_file(session: Session, roll: Roll, options: PrintOptions) -> Response:
    """A roll's file at once: its codes read, then the transaction ended before drawing (a
    roll writes nothing, and a POST's transaction on SQLite holds the write lock, which
    must not be held for the seconds a roll takes to draw)."""
    run = roll_run(session, roll, options)
    commit_before_rendering(session)
    return file_response(run, as_attachment=True)
