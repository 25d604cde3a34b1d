"""A roll's labels as ``labels`` draws them: the product's (or cooperative's) name and the
serial under each code. A roll carries no lot or date: it is printed before packing."""

from __future__ import annotations

import tempfile
from typing import IO, BinaryIO, cast

from sqlalchemy.orm import Session

from labels import LAYOUTS, LabelContent, Layout, render_pdf
from trace.printing.services import SPOOL_BYTES
from trace.rolls.models import Roll
from trace.rolls.services import roll_codes

DEFAULT_LAYOUT = "roll-50x30"


def roll_layout(name: object) -> Layout:
    """A built-in layout by name; the default roll when the name is none of them."""
    return LAYOUTS.get(str(name), LAYOUTS[DEFAULT_LAYOUT])


def roll_pdf(session: Session, roll: Roll, layout: Layout) -> IO[bytes]:
    """Every label of the roll as one PDF, rewound; a large one waits on disk."""
    title = roll.product.name if roll.product is not None else roll.cooperative.name
    contents = (
        LabelContent(
            code=code.text, title=title, lines=(roll.cooperative.name,), serial=code.serial
        )
        for code in roll_codes(session, roll)
    )
    # The caller closes it, once the file is sent.
    output = cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES))  # noqa: SIM115
    render_pdf(contents, layout, output)
    output.seek(0)
    return output


def roll_file_name(roll: Roll) -> str:
    under = roll.gtin or roll.prefix or "roll"
    return f"cuon-{under}-R{roll.number:04d}.pdf"
