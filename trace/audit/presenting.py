"""The audit records as people read them: names of record types and actions, each change
as a line, and the CSV export written row by row."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from trace.audit.models import AuditAction, AuditSubject
from trace.common.clock import local_time
from trace.common.excel_csv import BYTE_ORDER_MARK, spreadsheet_safe

SUBJECT_LABELS: dict[str, LazyString] = {
    AuditSubject.BATCH: _l("Batch"),
    AuditSubject.EVENT: _l("Production step"),
    AuditSubject.KEY: _l("Signing key"),
    AuditSubject.INSPECTION: _l("Inspection"),
    AuditSubject.SCAN: _l("Scan"),
    AuditSubject.REPORT: _l("Consumer's report"),
    AuditSubject.COOPERATIVE: _l("Cooperative"),
    AuditSubject.KEY_PRODUCT: _l("Commune key product"),
    AuditSubject.KEY_PRODUCT_PROPOSAL: _l("Key product proposal"),
    AuditSubject.PRODUCT_LINK: _l("Product link"),
}
ACTION_LABELS: dict[str, LazyString] = {
    AuditAction.CREATED: _l("Created"),
    AuditAction.CHANGED: _l("Changed"),
    AuditAction.RECALLED: _l("Recalled"),
    AuditAction.IMPORTED: _l("Imported"),
    AuditAction.VERIFIED: _l("Verified"),
    AuditAction.TOKEN_CREATED: _l("API token created"),
    AuditAction.TOKEN_REVOKED: _l("API token revoked"),
    AuditAction.REMOVED: _l("Removed"),
    AuditAction.PROPOSED: _l("Proposed"),
    AuditAction.CONFIRMED: _l("Confirmed"),
    AuditAction.DECLINED: _l("Declined"),
}
CSV_HEADER = (
    _l("Time (Vietnam)"),
    _l("Person"),
    _l("Cooperative"),
    _l("Record type"),
    _l("Record id"),
    _l("Batch id"),
    _l("Action"),
    _l("Changes"),
)


def subject_label(subject: AuditSubject | str) -> str:
    """A record type in the reader's language; a type added later shows as stored."""
    label = SUBJECT_LABELS.get(subject)
    return str(label) if label is not None else str(subject)


def action_label(action: AuditAction | str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else str(action)


def change_lines(changes: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(field, before, after) for each change, values as JSON writes them ("" for none)."""
    lines = []
    for field, values in changes.items():
        if isinstance(values, list | tuple) and len(values) == 2:
            before, after = values
            lines.append((field, _shown(before), _shown(after)))
        else:
            lines.append((field, "", _shown(values)))
    return lines


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def csv_lines(
    records: Iterable[Any],
    cooperative_name: Mapping[int, str] | None = None,
    lines_a_piece: int = 500,
) -> Iterator[str]:
    """The export in pieces of ``lines_a_piece`` lines: a byte-order mark and the header
    first, so Excel reads Vietnamese; no cell a spreadsheet would run as a formula.
    ``records`` are audit records or rows with their attributes. A piece per line cost the
    server more to send than to write."""
    output = io.StringIO()
    writer = csv.writer(output)
    output.write(BYTE_ORDER_MARK)
    writer.writerow([str(title) for title in CSV_HEADER])
    yield _taken(output)
    names = cooperative_name or {}
    # Translated once: looking a label up for each of a million rows took most of the time.
    subjects = {str(subject): subject_label(subject) for subject in AuditSubject}
    actions = {str(action): action_label(action) for action in AuditAction}
    for number, record in enumerate(records, start=1):
        cells = [
            f"{local_time(record.recorded_at):%d/%m/%Y %H:%M:%S}",
            record.actor,
            names.get(record.cooperative_id, "") if record.cooperative_id else "",
            subjects.get(str(record.subject), str(record.subject)),
            str(record.subject_id),
            str(record.batch_id or ""),
            actions.get(str(record.action), str(record.action)),
            "\n".join(
                f"{field}: {before or '∅'} → {after or '∅'}"
                for field, before, after in change_lines(record.changes)
            ),
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
        if number % lines_a_piece == 0:
            yield _taken(output)
    if output.tell():
        yield _taken(output)


def _taken(output: io.StringIO) -> str:
    """What was written since the last piece; the buffer starts again empty."""
    text = output.getvalue()
    output.seek(0)
    output.truncate()
    return text
