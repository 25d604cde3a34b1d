"""Writing the spreadsheets people exchange: CSV as Excel opens it, and XLSX with a guide sheet."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from trace.common.field_errors import present
from trace.common.spreadsheets import Cell


def write_csv(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """CSV in UTF-8 with a BOM, so Excel shows Vietnamese letters; dates as dd/mm/yyyy."""
    output = io.StringIO(newline="")
    writer = csv.writer(output)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return codecs.BOM_UTF8 + output.getvalue().encode("utf-8")


def _csv_cell(cell: Cell) -> str:
    if isinstance(cell, date):
        return f"{cell:%d/%m/%Y}"
    return "" if cell is None else str(cell)


@dataclass(frozen=True)
class Guide:
    """A second sheet explaining each column: its title and rows of text."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[int]


def write_xlsx(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[int],
    sheet_title: str,
    guide: Guide,
) -> bytes:
    """A workbook: bold, frozen header row, column widths, rows; then the guide sheet."""
    workbook = Workbook()
    sheet = present(workbook.active)
    sheet.title = sheet_title
    _write_sheet(sheet, headers, rows, widths)
    sheet.freeze_panes = "A2"
    guide_sheet = workbook.create_sheet(guide.title)
    _write_sheet(guide_sheet, guide.headers, guide.rows, guide.widths)
    for row in guide_sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _write_sheet(
    sheet: Any, headers: Sequence[str], rows: Sequence[Sequence[Cell]], widths: Sequence[int]
) -> None:
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color="E3F1E6")
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
