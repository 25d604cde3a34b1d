"""A roll's labels as ``labels`` draws them: the product's (or cooperative's) name and the
serial under each code. A roll carries no lot or date: it is printed before packing."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO, BinaryIO, cast

from sqlalchemy.orm import Session

from labels import LAYOUTS, LabelContent, Layout, render_pdf
from trace.printing.services import SPOOL_BYTES, calibration_note
from trace.rolls.models import Roll
from trace.rolls.services import roll_codes

DEFAULT_LAYOUT = "roll-50x30"


def roll_layout(name: object) -> Layout:
    """A built-in layout by name; the default roll when the name is none of them."""
    return LAYOUTS.get(str(name), LAYOUTS[DEFAULT_LAYOUT])


def write_roll_pdf(
    session: Session,
    roll: Roll,
    layout: Layout,
    out: BinaryIO,
    *,
    language: str,
    before_drawing: Callable[[], None] | None = None,
    on_page: Callable[[int], None] | None = None,
) -> None:
    """Every label of the roll into ``out``; the codes are read before ``before_drawing``.
    A sheet's calibration bar or page speaks ``language``."""
    title = roll.product.name if roll.product is not None else roll.cooperative.name
    lines = (roll.cooperative.name,)
    labels = [(code.text, code.serial) for code in roll_codes(session, roll)]
    if before_drawing is not None:
        before_drawing()
    contents = (
        LabelContent(code=text, title=title, lines=lines, serial=serial) for text, serial in labels
    )
    note = calibration_note(language)
    render_pdf(contents, layout, out, on_page=on_page, calibration_note=note)


def roll_pdf(session: Session, roll: Roll, layout: Layout, language: str) -> IO[bytes]:
    """Every label of the roll as one PDF, rewound; a large one waits on disk."""
    # The caller closes it, once the file is sent.
    output = cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES))  # noqa: SIM115
    write_roll_pdf(session, roll, layout, output, language=language)
    output.seek(0)
    return output


def roll_file_name(roll: Roll) -> str:
    under = roll.gtin or roll.prefix or "roll"
    return f"cuon-{under}-R{roll.number:04d}.pdf"
