"""Importing batches from a spreadsheet: every row checked first, then all saved at once.

A file is one batch a row. The whole file is checked in memory against the cooperative's
products, farming areas and lots, loaded once, with the rules ``create_batch`` applies; a
single bad row refuses the file, and every problem of every row is reported. A good file's
batches get their codes signed while reading only, then are saved with a few bulk
statements, one audit record and one code a batch. On SQLite only the saving needs the
write lock: 6 s of a 100,000-row CSV import's 12 (XLSX: 6 of 15).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from trace.auth.models import User
from trace.batches.services.importing.checks import (
    ImportResult,
    Lookups,
    Phase,
    ProgressCallback,
    check_rows,
    match_columns,
)
from trace.batches.services.importing.saving import (
    PreparedImport,
    prepare_batches,
    save_batches,
)
from trace.common.spreadsheets import read_table
from trace.errors import InvalidInput
from trace.registry.models import Cooperative
from trace.registry.services.records import owning_cooperative_id


def import_batches(
    session: Session,
    user: User | None,
    data: bytes,
    filename: str,
    cooperative_id: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportResult:
    """Check a whole file, then add its batches; raise listing every problem, adding none.

    ``user`` is None only for the command line, which names the cooperative itself. All in
    the caller's transaction; a large file's job and the command prepare it as readers
    first (``prepare_import``), then save it (``save_import``) in a writing transaction.
    """
    prepared = prepare_import(session, user, data, filename, cooperative_id, on_progress)
    return save_import(session, user, prepared, on_progress)


def prepare_import(
    session: Session,
    user: User | None,
    data: bytes,
    filename: str,
    cooperative_id: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> PreparedImport:
    """Check a whole file and sign its batches' codes, reading only; raise listing every
    problem."""
    cooperative = importing_cooperative(session, user, cooperative_id)
    lookups = Lookups.load(session, cooperative)
    with _collector_paused():
        table = read_table(data, filename)
        columns = match_columns(table.headers)
        planned = check_rows(table, columns, lookups, on_progress or _no_progress)
        del table  # its cells are read: freed before preparing, the two peaks do not add up
        return prepare_batches(session, lookups, planned)


def save_import(
    session: Session,
    user: User | None,
    prepared: PreparedImport,
    on_progress: ProgressCallback | None = None,
) -> ImportResult:
    """Insert a prepared file's batches; ``Conflict`` if one of its lots was taken since."""
    with _collector_paused():
        save_batches(session, user, prepared, on_progress or _no_progress)
    return ImportResult(count=len(prepared.planned), cooperative=prepared.cooperative)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector: with 100,000 rows in memory its passes took a third
    of the import's time (and half of reading a workbook's 2,000,000 cells), and reference
    counting still frees what the rows and the parsed XML leave behind."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _no_progress(phase: Phase, done: int, total: int) -> None:
    return None


def importing_cooperative(
    session: Session, user: User | None, cooperative_id: int | None
) -> Cooperative:
    """The cooperative the batches go to: the user's own, or the one an operator chose."""
    if user is not None:
        cooperative_id = owning_cooperative_id(session, user, cooperative_id)
    cooperative = session.get(Cooperative, cooperative_id) if cooperative_id else None
    if cooperative is None:
        raise InvalidInput(errors={"cooperative_id": [str(_l("Choose the cooperative."))]})
    return cooperative
