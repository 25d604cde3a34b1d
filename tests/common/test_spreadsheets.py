"""Reading spreadsheets under caps: lines (blank ones too), line length, columns, cells,
unpacked parts, and formulas Excel never computed."""

from __future__ import annotations

import io
import zipfile

import pytest
from flask_babel import force_locale

from tests.batches.import_helpers import sheet_xml, workbook_with_parts, xlsx_bytes
from trace.batches.services.importing.template import HEADERS
from trace.common.spreadsheets import (
    MAX_COLUMNS,
    MAX_LINE_CHARS,
    MAX_LINES,
    MAX_PART_BYTES,
    UncomputedFormula,
    read_table,
)
from trace.errors import InvalidInput

HEADER_LINE = ",".join(HEADERS).encode() + b"\r\n"
ROW_LINE = b"ST25,VN-1,,01/12/2026,02/12/2026,,100,kg\r\n"


def refusal(data, filename="lo-hang.csv", locale="en"):
    with force_locale(locale), pytest.raises(InvalidInput) as refused:
        read_table(data, filename)
    [message] = refused.value.errors["file"]
    return message


def test_blank_lines_count_toward_the_line_cap_in_the_readers_language(app):
    data = HEADER_LINE + ROW_LINE + b"\r\n" * MAX_LINES
    assert "more than 250.000 lines, blank ones included" in refusal(data)
    assert "Tệp có hơn 250.000 dòng, kể cả dòng trống" in refusal(data, locale="vi")
    assert len(read_table(HEADER_LINE + ROW_LINE + b"\r\n" * 1000, "a.csv").rows) == 1


def test_a_line_longer_than_the_cap_is_refused_by_its_number(app):
    long_line = b"ST25," + b"x" * MAX_LINE_CHARS + b"\r\n"
    message = refusal(HEADER_LINE + ROW_LINE + long_line)
    assert message == "Line 3 of the file is longer than 100.000 characters."


def test_a_row_with_more_columns_than_the_cap_is_refused(app, tmp_path):
    wide = b"," * MAX_COLUMNS + b"x\r\n"
    assert refusal(HEADER_LINE + wide) == "Row 2 has more than 1.000 columns."
    far_cell = b'<row r="2"><c r="ALM2" t="inlineStr"><is><t>x</t></is></c></row>'
    path = workbook_with_parts(
        tmp_path / "rong.xlsx",
        {
            "xl/worksheets/sheet1.xml": sheet_xml((far_cell, 1)),
        },
    )
    assert refusal(path.read_bytes(), "rong.xlsx") == "Row 2 has more than 1.000 columns."


def test_lone_carriage_returns_still_end_lines(app):
    data = (HEADER_LINE + ROW_LINE * 2).replace(b"\r\n", b"\r")
    assert [number for number, _ in read_table(data, "mac.csv").rows] == [2, 3]


def test_a_part_read_whole_is_capped_whatever_the_whole_workbook_unpacks_to(app, tmp_path):
    strings = [
        (b'<?xml version="1.0"?><sst>', 1),
        (b"<si><t>x</t></si>", 1_100_000),
        (b"</sst>", 1),
    ]
    path = workbook_with_parts(tmp_path / "chuoi.xlsx", {"xl/sharedStrings.xml": strings})
    assert zipfile.ZipFile(path).getinfo("xl/sharedStrings.xml").file_size > MAX_PART_BYTES
    message = refusal(path.read_bytes(), "chuoi.xlsx")
    assert message == (
        "A part of the workbook (xl/sharedStrings.xml) is larger than 8 MB once unpacked: "
        "save the file again from Excel, or split it."
    )


def test_only_parts_declared_as_worksheets_may_be_large(app, tmp_path):
    blank_row = b"<row><c/></row>"
    path = workbook_with_parts(
        tmp_path / "to.xlsx",
        {
            "xl/worksheets/sheet1.xml": sheet_xml((blank_row, 1_200_000)),
        },
    )
    archive = zipfile.ZipFile(path)
    types = archive.read("[Content_Types].xml").replace(b"worksheet+xml", b"other+xml")
    undeclared = io.BytesIO()
    with zipfile.ZipFile(undeclared, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in archive.namelist():
            copy.writestr(name, types if name == "[Content_Types].xml" else archive.read(name))
    assert "more than 250.000 lines" in refusal(path.read_bytes(), "to.xlsx")
    assert "(xl/worksheets/sheet1.xml) is larger than 8 MB" in refusal(
        undeclared.getvalue(), "to.xlsx"
    )


def test_a_formula_without_a_saved_value_is_marked_not_read_as_empty(app, tmp_path):
    data = xlsx_bytes([["ST25", "VN-1", None, "01/12/2026", "02/12/2026", None, "=2*50", "kg"]])
    [(number, cells)] = read_table(data, "cong-thuc.xlsx").rows
    assert (number, cells[6]) == (2, UncomputedFormula("G2"))
    # As Excel saves them: a computed number, a computed empty text, and one never computed.
    header = b'<row r="1"><c r="A1" t="inlineStr"><is><t>A</t></is></c></row>'
    computed = (
        b'<row r="2"><c r="A2"><f>2*50</f><v>100</v></c><c r="B2" t="str"><f>""</f>'
        b'<v></v></c><c r="C2"><f>A2+1</f></c></row>'
    )
    path = workbook_with_parts(
        tmp_path / "excel.xlsx",
        {
            "xl/worksheets/sheet1.xml": sheet_xml((header, 1), (computed, 1)),
        },
    )
    [(_, cells)] = read_table(path.read_bytes(), "excel.xlsx").rows
    assert cells == [100, None, UncomputedFormula("C2")]
