"""Reading and writing the spreadsheets people exchange: CSV (as Excel saves it) and XLSX.

Nothing here knows about batches: a file becomes a header row and numbered data rows,
and a template is written from headers, an example row and a guide. Every way a file can
be unreadable is refused with a message saying how to save it instead.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from trace.common.field_errors import present
from trace.errors import InvalidInput

# A cell as read: text from CSV; text, numbers, booleans or datetimes from XLSX; None if empty.
Cell = str | int | float | bool | date | datetime | Decimal | None
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
# An XLSX is a zip: bound what it unpacks to, so a small file cannot expand into gigabytes.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
CSV_SUFFIXES = frozenset({".csv", ".txt"})
XLSX_SUFFIX = ".xlsx"
DELIMITERS = (",", ";", "\t")
FILE_FIELD = "file"


@dataclass(frozen=True)
class Sheet:
    """A sheet's header row and its non-blank data rows, numbered as the spreadsheet shows them."""

    headers: list[str]
    header_row: int
    rows: list[tuple[int, Sequence[Cell]]]


def refuse(message: Any) -> InvalidInput:
    """The error for a file that cannot be imported at all, named at the file field."""
    return InvalidInput(errors={FILE_FIELD: [str(message)]})


def read_table(data: bytes, filename: str) -> Sheet:
    """The first sheet of an XLSX workbook or a CSV file, with its rows; refuses anything else."""
    suffix = PurePath(filename or "").suffix.lower()
    if not data:
        raise refuse(_l("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise refuse(
            _l(
                "The file is larger than %(size)d MB: split it into several files.",
                size=MAX_FILE_BYTES // (1024 * 1024),
            )
        )
    if data.startswith(OLE_MAGIC) or suffix == ".xls":
        raise refuse(_l("Old Excel files (.xls) cannot be read: save it as .xlsx or CSV UTF-8."))
    if data.startswith(ZIP_MAGIC):
        if suffix not in ("", XLSX_SUFFIX):
            raise refuse(_l("Choose a CSV or XLSX file."))
        return _sheet(_xlsx_rows(data))
    if suffix not in CSV_SUFFIXES and suffix != "":
        if suffix == XLSX_SUFFIX:
            raise refuse(_l("This file is not a valid XLSX workbook: save it again from Excel."))
        raise refuse(_l("Choose a CSV or XLSX file."))
    return _sheet(_csv_rows(_decode(data)))


def _sheet(rows: Any) -> Sheet:
    """Header row first (leading blank rows skipped), then the data rows that hold anything."""
    headers: list[str] | None = None
    header_row = 0
    data_rows: list[tuple[int, Sequence[Cell]]] = []
    for number, cells in rows:
        if _is_blank(cells):
            continue
        if headers is None:
            headers = [_header_text(cell) for cell in cells]
            header_row = number
            continue
        if len(data_rows) >= MAX_ROWS:
            raise refuse(
                _l(
                    "The file has more than %(count)s rows: split it into several files.",
                    count=f"{MAX_ROWS:,}".replace(",", "."),
                )
            )
        data_rows.append((number, cells))
    if headers is None or not data_rows:
        raise refuse(_l("The file has no rows to import under its header row."))
    return Sheet(headers=headers, header_row=header_row, rows=data_rows)


def _is_blank(cells: Sequence[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _header_text(cell: Cell) -> str:
    return "" if cell is None else unicodedata.normalize("NFC", str(cell)).strip()


def _decode(data: bytes) -> str:
    """UTF-8 with or without BOM, UTF-16 (Excel's "Unicode Text"), or Vietnamese Windows text."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            # Excel's plain "CSV" on a Vietnamese Windows; its tone marks may be combining.
            return unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        raise refuse(
            _l("The file's text could not be read: save it as CSV UTF-8 or as .xlsx.")
        ) from None


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """Records numbered from 1; a leading ``sep=;`` line (Excel's hint) sets the delimiter."""
    lines = text.split("\n", 1)
    first = lines[0].strip().lower()
    if first.startswith("sep=") and len(first) == 5:
        delimiter = lines[0].strip()[4]
        text = lines[1] if len(lines) > 1 else ""
    else:
        delimiter = _sniff_delimiter(text)
    if "\x00" in text:
        raise refuse(_l("The file's text could not be read: save it as CSV UTF-8 or as .xlsx."))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        return [(number, record) for number, record in enumerate(reader, start=1)]
    except csv.Error:
        raise refuse(
            _l("The file could not be read as CSV: check its quotes, or save it as .xlsx.")
        ) from None


def _sniff_delimiter(text: str) -> str:
    """The delimiter the header row uses most: comma, semicolon (Excel in many locales) or tab."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _xlsx_rows(data: bytes) -> list[tuple[int, tuple[Cell, ...]]]:
    """The first sheet's rows, numbered as Excel numbers them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise refuse(
            _l("This file is not a valid XLSX workbook: save it again from Excel.")
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse(_l("The workbook is too large once unpacked: split it into several files."))
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they change no value.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                # Read-only sheets fill missing rows with empty ones: numbers stay Excel's.
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    if not _is_blank(values):
                        rows.append((number, values))
                    if len(rows) > MAX_ROWS + 1:
                        break  # the header and one row too many: _table refuses the file
            finally:
                workbook.close()
    except Exception:  # any failure of the library means the same to the person
        raise refuse(
            _l("This file is not a valid XLSX workbook: save it again from Excel.")
        ) from None
    return rows


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
