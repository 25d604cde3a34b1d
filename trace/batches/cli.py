"""``flask --app trace import FILE --cooperative TAX_CODE``: batches from a CSV or XLSX file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from trace.batches.services.importing import prepare_import, save_import
from trace.batches.services.importing.checks import ImportRefused, Phase
from trace.common.cli import command_transaction, echo_data
from trace.common.spreadsheets import MAX_FILE_BYTES
from trace.db import db
from trace.errors import InvalidInput
from trace.registry import validation
from trace.registry.models import Cooperative

PHASE_LABELS = {Phase.CHECKING: _l("Checking rows"), Phase.SAVING: _l("Importing batches")}


class ProgressBars:
    """One click progress bar a phase, on stderr, so stdout keeps only the result."""

    def __init__(self) -> None:
        self.phase: Phase | None = None
        self.bar: Any = None
        self.done = 0

    def __call__(self, phase: Phase, done: int, total: int) -> None:
        if phase is not self.phase:
            self.close()
            self.phase, self.done = phase, 0
            bar: Any = click.progressbar(
                length=total, label=str(PHASE_LABELS[phase]), file=sys.stderr
            )
            self.bar = bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.command("import")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--cooperative", "tax_code", required=True, help="Tax code of the batches' cooperative."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result or the problems as JSON.")
def import_command(file: Path, tax_code: str, as_json: bool) -> None:
    """Import batches from a CSV or XLSX FILE, one batch a row; a bad row imports nothing.

    Every bad row is listed with its row number, column and reason. Download the template
    from the batch import page, or see the README, for the columns. The limits are the web
    page's: 20 MB, 100,000 rows, 250,000 lines (blank ones included), 1,800,000 cells.
    """
    progress = ProgressBars()
    # Read, check and sign as a reader, then save as a writer: beside the server, SQLite's
    # write lock is held only while the batches are inserted.
    try:
        with command_transaction(writes=False):
            cooperative = _cooperative(tax_code)
            click.echo(_("Reading %(file)s…", file=file.name), err=True)
            try:
                prepared = prepare_import(
                    db.session,
                    None,
                    _read_capped(file),
                    file.name,
                    cooperative_id=cooperative.id,
                    on_progress=progress,
                )
            except InvalidInput as refused:
                progress.close()
                _report_problems(refused, as_json)
                raise
        with command_transaction():
            result = save_import(db.session, None, prepared, progress)
    finally:
        progress.close()
    data = {"imported": result.count, "cooperative": cooperative.tax_code}
    echo_data(
        data,
        as_json,
        lambda d: _(
            "Imported %(count)d batches for %(cooperative)s (%(tax_code)s).",
            count=d["imported"],
            cooperative=cooperative.name,
            tax_code=d["cooperative"],
        ),
    )


def _read_capped(file: Path) -> bytes:
    """The file, or its first bytes past the size limit: enough for the import to refuse it."""
    with file.open("rb") as stream:
        return stream.read(MAX_FILE_BYTES + 1)


def _cooperative(tax_code: str) -> Cooperative:
    try:
        normalised = validation.tax_code(tax_code)
    except ValueError:
        normalised = tax_code.strip()
    cooperative = db.session.scalar(select(Cooperative).where(Cooperative.tax_code == normalised))
    if cooperative is None:
        raise click.ClickException(
            _("No cooperative has the tax code %(tax_code)s.", tax_code=tax_code)
        )
    return cooperative


def _report_problems(refused: InvalidInput, as_json: bool) -> None:
    """Every bad row on stderr (the one-line reason follows last), or all of it as JSON."""
    problems = refused.problems if isinstance(refused, ImportRefused) else []
    if as_json:
        data = {
            "imported": 0,
            "message": str(refused.message),
            "errors": {name: [str(m) for m in texts] for name, texts in refused.errors.items()},
            "problems": [problem.as_dict() for problem in problems],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for problem in problems:
        row = _("Row %(row)d", row=problem.row)
        click.echo(f"{row}, {problem.column}: {problem.reason}", err=True)
