"""Spreadsheets for import tests, made in memory the way people's programs save them."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook

from tests.factories import make_farming_area, make_product
from trace.batches.services.importing.template import HEADERS
from trace.common.clock import local_today


def csv_bytes(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str] = HEADERS,
    delimiter: str = ",",
    bom: bool = True,
    encoding: str = "utf-8",
) -> bytes:
    output = io.StringIO(newline="")
    writer = csv.writer(output, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    if encoding == "cp1258":
        return windows_vietnamese(output.getvalue())
    data = output.getvalue().encode(encoding)
    return (codecs.BOM_UTF8 + data) if bom and encoding == "utf-8" else data


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def windows_vietnamese(text: str) -> bytes:
    """Text as Windows-1258 holds it: letters like â precomposed, tone marks combining."""
    characters = []
    for character in text:
        decomposed = unicodedata.normalize("NFD", character)
        tones = "".join(mark for mark in decomposed if mark in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        characters.append(base + tones)
    return "".join(characters).encode("cp1258")


def xlsx_bytes(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


SHEET_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS = "xl/sharedStrings.xml"
# A part written piece by piece: (bytes, times) pairs, streamed so that hundreds of MB of
# XML cost the test little memory.
Pieces = Sequence[tuple[bytes, int]]


def workbook_with_parts(
    path: Path,
    parts: Mapping[str, Pieces],
    rows: Sequence[Sequence[Any]] = (),
    headers: Sequence[str] = HEADERS,
) -> Path:
    """An XLSX as openpyxl saves it, with parts replaced or added (openpyxl writes no shared
    strings: added, they are declared so that a reader finds them)."""
    saved = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows, headers)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in saved.namelist():
            if name not in parts:
                archive.writestr(name, _declared(saved, name, parts))
        for name, pieces in parts.items():
            with archive.open(name, "w", force_zip64=True) as stream:
                _write_pieces(stream, pieces)
    return path


def _declared(saved: zipfile.ZipFile, name: str, parts: Mapping[str, Pieces]) -> bytes:
    content = saved.read(name)
    if name != "[Content_Types].xml" or SHARED_STRINGS not in parts:
        return content
    override = (
        f'<Override PartName="/{SHARED_STRINGS}" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    return content.replace(b"</Types>", override.encode() + b"</Types>")


def _write_pieces(stream: IO[bytes], pieces: Pieces) -> None:
    for piece, times in pieces:
        batch = max(1, 1_000_000 // len(piece))
        for _ in range(times // batch):
            stream.write(piece * batch)
        stream.write(piece * (times % batch))


def sheet_xml(*rows: tuple[bytes, int]) -> Pieces:
    """A worksheet part whose sheetData holds the pieces given."""
    start = b'<?xml version="1.0"?><worksheet xmlns="' + SHEET_NS + b'"><sheetData>'
    return [(start, 1), *rows, (b"</sheetData></worksheet>", 1)]


def shared_strings_xml(
    strings: Sequence[str], filler: Callable[[int], bytes], count: int
) -> Pieces:
    """A shared strings part: the strings given, then ``count`` made by ``filler``."""
    start = b'<?xml version="1.0"?><sst xmlns="' + SHEET_NS + b'">'
    given = "".join(f"<si><t>{text}</t></si>" for text in strings).encode()
    filled = b"".join(filler(number) for number in range(count))
    return [(start + given, 1), (filled, 1), (b"</sst>", 1)]


def days_ago(days: int) -> date:
    return local_today() - timedelta(days=days)


def dmy(day: date) -> str:
    return f"{day:%d/%m/%Y}"


@dataclass
class Catalogue:
    """A cooperative's product with a code and a GTIN, and two farming areas."""

    product: Any
    area: Any
    other_area: Any


GTIN = "8934588012228"


def make_catalogue(session: Any, cooperative: Any, gtin: str | None = None) -> Catalogue:
    return Catalogue(
        product=make_product(
            session,
            cooperative,
            name="Gạo ST25 túi 5 kg",
            code="ST25",
            gtin=gtin,
            unit="túi",
            shelf_life_days=365,
        ),
        area=make_farming_area(session, cooperative),
        other_area=make_farming_area(session, cooperative),
    )


def good_row(catalogue: Catalogue, **changes: Any) -> list[Any]:
    """Product, areas, lot, harvested, packed, expiry, quantity, unit."""
    values = {
        "product": "ST25",
        "farming_areas": catalogue.area.code,
        "lot": "",
        "harvested_on": dmy(days_ago(5)),
        "packed_on": dmy(days_ago(3)),
        "expires_on": "",
        "quantity": "1250,5",
        "unit": "",
        **changes,
    }
    return list(values.values())
