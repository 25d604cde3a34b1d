"""Reading the spreadsheets people exchange: CSV (as Excel saves it) and XLSX.

Nothing here knows about batches: a file becomes a header row and numbered data rows.
Every way a file can be unreadable is refused with a message saying how to save it
instead, and a file is read as a stream under caps that stop it early: a small file
cannot hold enough lines, cells or unpacked bytes to exhaust a worker.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from flask_babel import lazy_gettext as _l
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.functions import fromstring, iterparse

from trace.errors import InvalidInput


@dataclass(frozen=True)
class UncomputedFormula:
    """A workbook cell holding a formula with no value saved: what it amounts to is unknown."""

    coordinate: str


# A cell as read: text from CSV; text, numbers, booleans or datetimes from XLSX; None if empty;
# a formula Excel never computed, so that its row is refused rather than read as empty.
Cell = str | int | float | bool | date | datetime | Decimal | UncomputedFormula | None
# Both the web page and the command refuse a larger file. Every cap below is checked as the
# file is read, so a file made to exhaust a worker is refused within seconds, holding at
# most the cells that fit under the caps (tests/batches/test_import_limits.py measures it).
MAX_FILE_BYTES = 20 * 1024 * 1024
# Batches a file may hold: a file of 100,000 peaks at about 260 MB and takes 12 s to import
# (200,000 took 385 MB and 25 s, near the web workers' 30 s timeout): a larger one is split.
MAX_ROWS = 100_000
# Lines as the file holds them, blank ones included: blank lines cost time too.
MAX_LINES = 250_000
MAX_LINE_CHARS = 100_000
MAX_COLUMNS = 1_000
# Cells holding anything: 200,000 rows of the template's 8 columns: blank or mostly empty
# rows, which the row cap does not count, stay bounded too.
MAX_CELLS = 1_800_000
# An XLSX is a zip: what it may unpack to, in all and for any part but a worksheet (shared
# strings, styles: openpyxl reads those whole). Then a worksheet's XML elements: they bound
# the time a sheet takes, as cells bound the memory its rows take.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PART_BYTES = 8 * 1024 * 1024
MAX_XML_ELEMENTS = 6_000_000
MAX_ELEMENTS_IN_CELL = 1_000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
CSV_SUFFIXES = frozenset({".csv", ".txt"})
XLSX_SUFFIX = ".xlsx"
DELIMITERS = (",", ";", "\t")
FILE_FIELD = "file"
# A CSV line ends at CR LF, LF or a lone CR (old Mac Excel); the last one may have no end.
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
NO_ROWS = _l("The file has no rows to import under its header row.")
NOT_A_WORKBOOK = _l("This file is not a valid XLSX workbook: save it again from Excel.")
CONTENT_TYPES = "[Content_Types].xml"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKSHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW_TAG, CELL_TAG = f"{SHEET_NS}row", f"{SHEET_NS}c"
FORMULA_TAG, VALUE_TAG = f"{SHEET_NS}f", f"{SHEET_NS}v"
UNREADABLE_TEXT = _l("The file's text could not be read: save it as CSV UTF-8 or as .xlsx.")


@dataclass(frozen=True)
class Sheet:
    """A sheet's header row and its non-blank data rows, numbered as the spreadsheet shows them."""

    headers: list[str]
    header_row: int
    rows: list[tuple[int, Sequence[Cell]]]


def refuse(message: Any) -> InvalidInput:
    """The error for a file that cannot be imported at all, named at the file field."""
    return InvalidInput(errors={FILE_FIELD: [str(message)]})


def count_text(number: int) -> str:
    """A count as Vietnamese write it, with dots between thousands: 200.000."""
    return f"{number:,}".replace(",", ".")


def read_table(data: bytes, filename: str) -> Sheet:
    """The first sheet of an XLSX workbook or a CSV file, with its rows; refuses anything else."""
    return _sheet(_rows_of(data, filename))


def read_headers(data: bytes, filename: str) -> list[str]:
    """The header row alone, read as ``read_table`` reads the file but stopping there: a
    large file's columns are checked before it is queued, its rows by the worker."""
    rows = _rows_of(data, filename)
    try:
        for number, row in rows:
            _check_width(number, row)
            if not _is_blank(row):
                return [_header_text(cell) for cell in row]
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # a workbook's generator closes its archive
    raise refuse(NO_ROWS)


def _rows_of(data: bytes, filename: str) -> Iterable[tuple[int, Sequence[Cell]]]:
    """The file's rows as they are read, after the refusals that need no reading."""
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
        return xlsx_rows(data)
    if suffix not in CSV_SUFFIXES and suffix != "":
        if suffix == XLSX_SUFFIX:
            raise refuse(NOT_A_WORKBOOK)
        raise refuse(_l("Choose a CSV or XLSX file."))
    return _csv_rows(_decode(data))


def _sheet(rows: Iterable[tuple[int, Sequence[Cell]]]) -> Sheet:
    """Header row first (leading blank rows skipped), then the data rows that hold anything."""
    headers: list[str] | None = None
    header_row = 0
    data_rows: list[tuple[int, Sequence[Cell]]] = []
    cells = 0
    for number, row in rows:
        _check_width(number, row)
        if _is_blank(row):
            continue
        if headers is None:
            headers = [_header_text(cell) for cell in row]
            header_row = number
            continue
        if len(data_rows) >= MAX_ROWS:
            raise refuse(
                _l(
                    "The file has more than %(count)s rows: split it into several files.",
                    count=count_text(MAX_ROWS),
                )
            )
        cells += sum(1 for cell in row if cell is not None and cell != "")
        if cells > MAX_CELLS:
            raise too_many_cells()
        data_rows.append((number, row))
    if headers is None or not data_rows:
        raise refuse(NO_ROWS)
    return Sheet(headers=headers, header_row=header_row, rows=data_rows)


def _check_width(number: int, row: Sequence[Cell]) -> None:
    if len(row) > MAX_COLUMNS:
        raise refuse(
            _l(
                "Row %(row)d has more than %(count)s columns.",
                row=number,
                count=count_text(MAX_COLUMNS),
            )
        )


def too_many_cells() -> InvalidInput:
    return refuse(
        _l(
            "The file has more than %(count)s cells: split it into several files.",
            count=count_text(MAX_CELLS),
        )
    )


def too_many_lines() -> InvalidInput:
    return refuse(
        _l(
            "The file has more than %(count)s lines, blank ones included: remove the blank lines "
            "or split it into several files.",
            count=count_text(MAX_LINES),
        )
    )


def _is_blank(cells: Sequence[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _header_text(cell: Cell) -> str:
    if isinstance(cell, UncomputedFormula):
        raise refuse(uncomputed_formula_message(cell))
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
        raise refuse(UNREADABLE_TEXT) from None


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Records numbered from 1, read line by line; a leading ``sep=;`` line (Excel's hint)
    sets the delimiter."""
    if "\x00" in text:
        raise refuse(UNREADABLE_TEXT)
    lines = _physical_lines(text)
    first_line = next(lines, "")
    first = first_line.strip()
    if first.lower().startswith("sep=") and len(first) == 5:
        delimiter = first[4]
    else:
        delimiter = _sniff_delimiter(text)
        lines = itertools.chain([first_line], lines)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error:
        raise refuse(
            _l("The file could not be read as CSV: check its quotes, or save it as .xlsx.")
        ) from None


def _physical_lines(text: str) -> Iterator[str]:
    """The file's lines one at a time, refusing too many or too long a line as it meets them."""
    for number, line in enumerate(LINE.finditer(text), start=1):
        if number > MAX_LINES:
            raise too_many_lines()
        if line.end() - line.start() > MAX_LINE_CHARS:
            raise refuse(
                _l(
                    "Line %(line)s of the file is longer than %(count)s characters.",
                    line=count_text(number),
                    count=count_text(MAX_LINE_CHARS),
                )
            )
        yield line.group()


def _sniff_delimiter(text: str) -> str:
    """The delimiter the header row uses most: comma, semicolon (Excel in many locales) or tab."""
    first_lines = itertools.islice(_physical_lines(text), MAX_LINES)
    header = next((line for line in first_lines if line.strip()), "")
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def uncomputed_formula_message(cell: UncomputedFormula) -> Any:
    return _l(
        "Cell %(cell)s holds a formula without a computed value: open the file in Excel, save "
        "it, then import it again, or type the value itself.",
        cell=cell.coordinate,
    )


def xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Cell]]]:
    """The first sheet's rows as its XML is read, numbered as Excel numbers them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_unpacked_sizes(archive)
    except zipfile.BadZipFile:
        raise refuse(NOT_A_WORKBOOK) from None
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they change no value.
            warnings.simplefilter("ignore")
            reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            try:
                yield from _first_sheet_rows(reader)
            finally:
                reader.archive.close()
    except InvalidInput:
        raise
    except Exception:  # any failure of the library means the same to the person
        raise refuse(NOT_A_WORKBOOK) from None


def _check_unpacked_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse by the sizes the zip declares: zipfile never inflates a part beyond its own.

    Only worksheets, which are read a row at a time, may be large; every other part
    (shared strings, styles, the workbook) is read whole by openpyxl.
    """
    worksheets = _worksheet_parts(archive)
    unpacked = 0
    for member in archive.infolist():
        unpacked += member.file_size
        if member.file_size > MAX_PART_BYTES and member.filename not in worksheets:
            raise refuse(
                _l(
                    "A part of the workbook (%(name)s) is larger than %(size)d MB once "
                    "unpacked: save the file again from Excel, or split it.",
                    name=member.filename[:100],
                    size=MAX_PART_BYTES // (1024 * 1024),
                )
            )
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse(
            _l(
                "The workbook is larger than %(size)d MB once unpacked: split it into "
                "several files.",
                size=MAX_UNPACKED_BYTES // (1024 * 1024),
            )
        )


def _worksheet_parts(archive: zipfile.ZipFile) -> set[str]:
    """The parts the package declares as worksheets, and only under xl/worksheets/."""
    try:
        member = archive.getinfo(CONTENT_TYPES)
    except KeyError:
        raise refuse(NOT_A_WORKBOOK) from None
    if member.file_size > MAX_PART_BYTES:
        raise refuse(NOT_A_WORKBOOK)
    try:
        root = fromstring(archive.read(member))
    except Exception:  # any failure of the XML parser means the same to the person
        raise refuse(NOT_A_WORKBOOK) from None
    parts = {
        str(override.get("PartName", "")).lstrip("/")
        for override in root.iter(f"{{{CONTENT_TYPES_NS}}}Override")
        if override.get("ContentType") == WORKSHEET_TYPE
    }
    return {part for part in parts if WORKSHEET_PART.fullmatch(part)}


def _first_sheet_rows(reader: Any) -> Iterator[tuple[int, list[Cell]]]:
    """The first worksheet's rows, read as openpyxl's ``load_workbook`` reads a workbook but
    for its worksheets: even read-only, it parses each whole (to find its size when the sheet
    does not say it), and pads every row to the sheet's width, keeping its cells to the end.
    """
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    path = next(
        (
            rel.target
            for _, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ),
        None,
    )
    if path is None:
        raise refuse(NOT_A_WORKBOOK)
    workbook = reader.wb
    with reader.archive.open(path) as source:
        parser = WorkSheetParser(
            source,
            reader.shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        yield from _parsed_rows(parser)


def _parsed_rows(parser: Any) -> Iterator[tuple[int, list[Cell]]]:
    """Each row, numbered by Excel, every element dropped once read: memory holds one row
    whatever the sheet holds; formula cells saved without a value are marked."""
    budget = _XmlBudget()
    parents: list[Any] = []
    number, values = 0, dict[int, Cell]()
    for event, element in iterparse(parser.source, events=("start", "end")):
        if event == "start":
            budget.count(element.tag)
            if element.tag == ROW_TAG:
                number = int(element.get("r") or number + 1)
                if number < 1:
                    raise refuse(NOT_A_WORKBOOK)
                if number > MAX_LINES:
                    raise too_many_lines()
                parser.row_counter, parser.col_counter, values = number, 0, {}
            parents.append(element)
            continue
        parents.pop()
        if element.tag == CELL_TAG:
            budget.cell_ended()
            _keep_value(values, parser.parse_cell(element), element)
        elif element.tag == ROW_TAG:
            yield number, [values.get(column) for column in range(1, max(values, default=0) + 1)]
        if parents and not budget.in_cell:
            parents[-1].remove(element)  # the last child: its earlier siblings are gone


def _keep_value(values: dict[int, Cell], cell: dict[str, Any], element: Any) -> None:
    column, value = cell["column"], cell["value"]
    if value is None and _is_uncomputed(element):
        value = UncomputedFormula(element.get("r") or f"{get_column_letter(column)}{cell['row']}")
    if value is None:
        return
    if column > MAX_COLUMNS:
        raise refuse(
            _l(
                "Row %(row)d has more than %(count)s columns.",
                row=cell["row"],
                count=count_text(MAX_COLUMNS),
            )
        )
    values[column] = value


def _is_uncomputed(element: Any) -> bool:
    """A formula saved without its value; an empty text result (``t="str"``) is a value."""
    if element.find(FORMULA_TAG) is None:
        return False
    saved = element.find(VALUE_TAG)
    return saved is None or (not saved.text and element.get("t") != "str")


@dataclass
class _XmlBudget:
    """Counts a worksheet's elements as they open: cells, and everything, in all and in a cell."""

    cells: int = 0
    elements: int = 0
    in_cell: bool = False
    in_this_cell: int = 0

    def count(self, tag: str) -> None:
        self.elements += 1
        if tag == CELL_TAG:
            self.cells += 1
            self.in_cell, self.in_this_cell = True, 0
        elif self.in_cell:
            self.in_this_cell += 1
        if (
            self.cells > MAX_CELLS
            or self.elements > MAX_XML_ELEMENTS
            or self.in_this_cell > MAX_ELEMENTS_IN_CELL
        ):
            raise too_many_cells()

    def cell_ended(self) -> None:
        self.in_cell = False
