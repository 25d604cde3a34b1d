"""CSV that spreadsheets open right: UTF-8 with a byte-order mark, so Excel shows Vietnamese
letters, and no cell that a spreadsheet would run as a formula (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

BYTE_ORDER_MARK = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """The cell as text a spreadsheet will not run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def excel_csv(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """A header row and the rows, every cell as safe text, after a byte-order mark."""
    output = io.StringIO()
    output.write(BYTE_ORDER_MARK)
    writer = csv.writer(output)
    writer.writerow([str(title) for title in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(str(value)) for value in row])
    return output.getvalue()
