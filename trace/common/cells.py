"""Values out of spreadsheet cells: text, dates and amounts as people type them."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from trace.common.spreadsheets import Cell

DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
YEAR_FIRST = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def text_of(cell: Cell) -> str:
    """A cell as trimmed text; whole numbers from a workbook lose their ``.0``."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return f"{cell:%Y-%m-%d}" if cell.time() == datetime.min.time() else str(cell)
    return str(cell).strip()


def read_date(cell: Cell) -> tuple[date | None, bool]:
    """A date from a workbook date, dd/mm/yyyy or yyyy-mm-dd; and whether it could be read."""
    if isinstance(cell, datetime):
        return cell.date(), True
    if isinstance(cell, date):
        return cell, True
    text = text_of(cell)
    if not text:
        return None, True
    if match := DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := YEAR_FIRST.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None, False
    try:
        return date(year, month, day), True
    except ValueError:
        return None, False


def read_amount(cell: Cell) -> Any:
    """A quantity with a decimal comma or point (12,5 or 12.5; 1.250,5 or 1,250.5).

    Text that is no number is passed on, for the quantity rule to refuse.
    """
    if cell is None or isinstance(cell, bool | Decimal | int):
        return cell
    if isinstance(cell, float):
        return Decimal(repr(cell))
    text = re.sub(r"[\s\u00a0]", "", text_of(cell))
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        text = text.replace(",", "").replace(".", "")
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return text
