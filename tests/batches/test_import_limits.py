"""Files made to exhaust a worker are refused early, naming the cap, in bounded memory and time.

Each file goes through ``flask import`` in a subprocess that reports its own peak memory:
the web page reads the same way (``read_table``), from at most the same number of bytes.
The command speaks the default language, Vietnamese.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.batches.import_helpers import shared_strings_xml, sheet_xml, workbook_with_parts
from tests.bench.bench_import import fresh_app, make_rows
from tests.conftest import TEST_KEY_PASSPHRASE, base_config, migrate_to_head
from tests.factories import make_cooperative
from trace import create_app
from trace.batches.models import Batch
from trace.batches.services.importing.template import HEADERS
from trace.common.spreadsheet_writing import write_csv
from trace.common.spreadsheets import MAX_FILE_BYTES, MAX_ROWS
from trace.config import PROJECT_ROOT
from trace.db import db
from trace.signing import services as keys

MAX_PEAK_MB = 300
BENCH_TAX_CODE = "2200784316"  # the cooperative of tests/bench/bench_import.py
MAX_SECONDS = 30  # the web workers' timeout; the refusals below take a few seconds at most
# The largest file runs as a job (trace/jobs), not in a web request: this bound catches a
# pathological slowdown only (13 s alone, 55 s on a loaded 2-core machine); the speed itself
# is measured by tests/bench/bench_import.py.
MAX_LARGEST_SECONDS = 120
# The command, reporting its peak resident memory; a 1.5 GB address-space limit stops a
# runaway reader (the old one took 2.8 GB) before it takes the machine's memory. The peak is
# VmHWM, its own memory's: getrusage's ru_maxrss keeps, across exec, the size of the process
# it was forked from (pytest, several hundred MB late in the suite).
MEASURED_COMMAND = """
import re, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**29, 3 * 2**29))
from flask.cli import main
sys.argv = ["flask", "--app", "trace", *sys.argv[1:]]
try:
    main()
finally:
    with open("/proc/self/status") as status:
        peak_kb = re.search(r"VmHWM:\\s+(\\d+) kB", status.read())[1]
    print(f"peak_kb={peak_kb}", file=sys.stderr)
"""
HEADER_LINE = ",".join(HEADERS).encode() + b"\r\n"
ROW_LINE = b"ST25,VN-1,,01/12/2026,02/12/2026,,100,kg\r\n"


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stderr: str
    peak_mb: float
    seconds: float


def measured_import(database_url: str, path: Path, tax_code: str) -> Outcome:
    """``flask import`` of ``path`` in a subprocess, with its peak memory and time."""
    environment = {
        **os.environ,
        "TRACE_DATABASE_URL": database_url,
        "TRACE_SECRET_KEY": "import-limits",
        "TRACE_KEY_PASSPHRASE": TEST_KEY_PASSPHRASE,
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    command = [sys.executable, "-c", MEASURED_COMMAND, "import", str(path)]
    started = time.monotonic()
    result = subprocess.run(
        [*command, "--cooperative", tax_code],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    seconds = time.monotonic() - started
    peak = re.search(r"peak_kb=(\d+)", result.stderr)
    assert peak is not None, result.stderr
    return Outcome(result.returncode, result.stderr, int(peak[1]) / 1024, seconds)


@pytest.fixture(scope="module")
def run_import(tmp_path_factory) -> Callable[[Path], Outcome]:
    folder = tmp_path_factory.mktemp("import-limits")
    url = f"sqlite:///{folder / 'limits.db'}"
    migrate_to_head(url)
    app = create_app(base_config(url))
    with app.app_context():
        tax_code = make_cooperative(db.session).tax_code
        db.session.commit()
        db.engine.dispose()
    return lambda path: measured_import(url, path, tax_code)


def blank_lines_csv(path: Path) -> Path:
    """The issue's 15 MB CSV: two rows, then 15.7 million blank lines."""
    path.write_bytes(HEADER_LINE + ROW_LINE * 2 + b"\n" * 15_700_000)
    return path


def dense_csv(path: Path) -> Path:
    """Short distinct-looking cells, a thousand a line: the most cells a small file holds."""
    line = b"ab," * 999 + b"ab\r\n"
    path.write_bytes(line * 2_100)
    return path


def unpacking_to_380_mb(path: Path) -> Path:
    """The issue's workbook bomb: a worksheet of 380 MB of cells, a megabyte or two zipped."""
    cell_row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    return workbook_with_parts(
        path, {"xl/worksheets/sheet1.xml": sheet_xml((cell_row, 380 * 2**20 // len(cell_row)))}
    )


def one_row_of_cells(path: Path) -> Path:
    """90 MB of empty cells in one row: openpyxl kept a row's cells until its end."""
    return workbook_with_parts(
        path,
        {
            "xl/worksheets/sheet1.xml": sheet_xml(
                (b"<row>", 1), (b"<c/>", 22_000_000), (b"</row>", 1)
            )
        },
    )


def blank_rows_past_the_cap(path: Path) -> Path:
    """Blank rows count, as blank lines do: each costs time."""
    blank_row = b"<row><c/></row>"
    return workbook_with_parts(
        path, {"xl/worksheets/sheet1.xml": sheet_xml((blank_row, 1_000_000))}
    )


def largest_shared_strings(path: Path) -> Path:
    """Shared strings just under their cap, all different: openpyxl keeps every one."""
    strings = shared_strings_xml(
        HEADERS, lambda number: f"<si><t>{number:07d}</t></si>".encode(), 340_000
    )
    return workbook_with_parts(path, {"xl/sharedStrings.xml": strings})


@pytest.mark.parametrize(
    ("build", "suffix", "refusal"),
    [
        (blank_lines_csv, ".csv", "Tệp có hơn 250.000 dòng, kể cả dòng trống"),
        (dense_csv, ".csv", "Tệp có hơn 1.800.000 ô"),
        (unpacking_to_380_mb, ".xlsx", "Bảng tính lớn hơn 100 MB khi giải nén"),
        (one_row_of_cells, ".xlsx", "Tệp có hơn 1.800.000 ô"),
        (blank_rows_past_the_cap, ".xlsx", "Tệp có hơn 250.000 dòng, kể cả dòng trống"),
        (largest_shared_strings, ".xlsx", "không có dòng dữ liệu nào"),
    ],
)
def test_a_hostile_file_is_refused_naming_the_cap_in_bounded_memory_and_time(
    run_import, tmp_path, build, suffix, refusal
):
    path = build(tmp_path / f"lo-hang{suffix}")
    assert path.stat().st_size <= MAX_FILE_BYTES
    outcome = run_import(path)
    assert outcome.exit_code == 1, outcome.stderr
    assert refusal in outcome.stderr.strip().splitlines()[-2]
    assert outcome.peak_mb < MAX_PEAK_MB, outcome
    assert outcome.seconds < MAX_SECONDS, outcome


def test_the_command_reads_no_more_of_a_huge_file_than_it_takes(run_import, tmp_path):
    path = tmp_path / "lo-hang.csv"
    with path.open("wb") as stream:
        stream.truncate(2**30)  # 1 GB, sparse: nothing to read but its size
    outcome = run_import(path)
    assert outcome.exit_code == 1
    assert "Tệp lớn hơn 20 MB" in outcome.stderr
    assert outcome.peak_mb < MAX_PEAK_MB, outcome


def test_the_largest_file_accepted_imports_in_bounded_memory_and_time(tmp_path):
    """The worst case that is no attack: as many batches as a file may hold, all saved."""
    app = fresh_app(tmp_path, "largest.db")
    with app.app_context():
        keys.create_key(db.session, TEST_KEY_PASSPHRASE.encode())
        db.session.commit()
        db.engine.dispose()
    path = tmp_path / "lo-hang.csv"
    path.write_bytes(write_csv(HEADERS, make_rows(MAX_ROWS)))
    outcome = measured_import(f"sqlite:///{tmp_path / 'largest.db'}", path, BENCH_TAX_CODE)
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.peak_mb < MAX_PEAK_MB, outcome
    assert outcome.seconds < MAX_LARGEST_SECONDS, outcome
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Batch)) == MAX_ROWS
        db.engine.dispose()
