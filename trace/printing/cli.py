"""``flask --app trace labels BATCH --layout ... --count N [--serialised] --out FILE``."""

from __future__ import annotations

import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from labels.legibility import RunReport
from trace.batches.models import Batch
from trace.common.cli import command_transaction, echo_data
from trace.db import db
from trace.errors import InvalidInput
from trace.printing.options import FORMATS, read_options
from trace.printing.report import RunSummary
from trace.printing.services import PrintRun, print_run


@click.command("labels")
@with_appcontext
@click.argument("batch")
@click.option(
    "--layout",
    default="a4-3x8",
    show_default=True,
    help="roll-50x30, roll-40x25, a4-3x8, a4-4x10 or custom (then --width-mm ...).",
)
@click.option("--count", default="1", show_default=True, help="How many labels (1-10000).")
@click.option("--serialised", is_flag=True, help="Issue one unit code per label, with serials.")
@click.option(
    "--lines",
    default=None,
    help="Comma-separated lines to show (default all): cooperative, origin, lot, "
    "date, expiry, planting_area, ocop, tagline.",
)
@click.option("--language", default="vi", show_default=True, help="vi or en.")
@click.option(
    "--dpi",
    default=None,
    help="A PNG's resolution, 150-1200 (300 unless given); for .tspl and .zpl the thermal "
    "printer's, 203 or 300 (203 unless given).",
)
@click.option("--width-mm", "width_mm", default="", help="Custom layout: label width.")
@click.option("--height-mm", "height_mm", default="", help="Custom layout: label height.")
@click.option("--columns", default="1", help="Custom layout: labels across.")
@click.option("--rows", default="1", help="Custom layout: labels down.")
@click.option(
    "--margin-left-mm",
    "margin_left_mm",
    default="",
    help="Custom layout (default: the grid centred on the page).",
)
@click.option(
    "--margin-top-mm",
    "margin_top_mm",
    default="",
    help="Custom layout (default: the grid centred on the page).",
)
@click.option("--gap-x-mm", "gap_x_mm", default="0", help="Custom layout.")
@click.option("--gap-y-mm", "gap_y_mm", default="0", help="Custom layout.")
@click.option(
    "--printable-margin-mm",
    "printable_margin_mm",
    default="",
    help="Custom layout: the edge the printer cannot print, 0-20 (default 5 on a sheet, "
    "0 on a roll).",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write: .pdf (every sheet), .png (the first sheet), or a thermal "
    "printer's job for a roll layout: .tspl (TSC, Xprinter, Gprinter) or .zpl (Zebra).",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def labels_command(batch: str, out: Path, as_json: bool, **values: Any) -> None:
    """Render the labels of BATCH (its batch code, or its lot when only one batch has it)."""
    output_format = out.suffix.lower().lstrip(".")
    if output_format not in FORMATS:
        raise click.BadParameter(
            _("The file must end in .pdf, .png, .tspl or .zpl."), param_hint="--out"
        )
    with command_transaction():
        record = find_batch(batch)
        options = read_options({**values, "format": output_format})
        run = print_run(db.session, None, record.id, options)
        report = RunReport()
        pages = _write(run, out, report)
    checked = RunSummary.of(report, options.layout)
    summary = {
        "file": str(out),
        "batch": record.code,
        "labels": run.count,
        "pages": pages,
        "serialised": options.is_serialised,
        **checked.as_dict(),
    }
    echo_data(
        summary,
        as_json,
        lambda data: "\n".join(
            [
                _(
                    "Wrote %(labels)d labels of %(batch)s on %(pages)d page(s) to %(file)s",
                    labels=data["labels"],
                    batch=data["batch"],
                    pages=data["pages"],
                    file=data["file"],
                ),
                *checked.messages(),
            ]
        ),
    )


def find_batch(given: str) -> Batch:
    """The batch with this code, else the one batch with this lot; a clear error otherwise."""
    by_code = db.session.scalars(select(Batch).where(Batch.code == given)).one_or_none()
    if by_code is not None:
        return by_code
    by_lot = db.session.scalars(select(Batch).where(Batch.lot == given)).all()
    if len(by_lot) == 1:
        return by_lot[0]
    if by_lot:
        listed = ", ".join(sorted(found.code for found in by_lot))
        message = _(
            "Several batches have the lot %(lot)s: name one by its batch code (%(codes)s).",
            lot=given,
            codes=listed,
        )
    else:
        message = _("No batch has the code or lot %(given)s.", given=given)
    raise InvalidInput(errors={"batch": [message]})


def _write(run: PrintRun, out: Path, report: RunReport) -> int:
    """Write the file whole or not at all (a temporary file renamed into place); the pages
    counted are the sheets of labels (a calibration page before them is not one)."""
    layout = run.options.layout
    # A thermal job's pages are its labels, one after the other on the roll.
    total = math.ceil(run.count / layout.per_page) if run.options.format != "png" else 1
    folder = out.resolve().parent
    if not folder.is_dir():
        raise InvalidInput(errors={"out": [_("No such folder: %(folder)s", folder=folder)]})
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".labels-", suffix=out.suffix)
    try:
        with (
            os.fdopen(handle, "wb") as file,
            click.progressbar(length=total, label=_("Drawing pages"), file=sys.stderr) as bar,
        ):
            run.render(file, on_page=lambda page: bar.update(1), report=report)
            bar.update(total - bar.pos)  # a PNG is one page drawn without page callbacks
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return total
