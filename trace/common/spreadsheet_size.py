"""How large a spreadsheet is, told cheaply: to choose between answering at once and a job."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from trace.common.spreadsheets import WORKSHEET_PART, ZIP_MAGIC

# A worksheet's declared size, in the first bytes of its XML: <dimension ref="A1:H1001"/>.
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")
DIMENSION_SEARCH_BYTES = 4096


def estimated_rows(data: bytes, filename: str) -> int | None:
    """About how many lines a file holds, told cheaply without reading it: a CSV's line
    breaks, a workbook's declared size (None when its first worksheet does not say)."""
    if not data.startswith(ZIP_MAGIC):
        return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = sorted(name for name in archive.namelist() if WORKSHEET_PART.fullmatch(name))
            if not sheets:
                return None
            with archive.open(sheets[0]) as part:
                head = part.read(DIMENSION_SEARCH_BYTES)
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError, zlib.error):
        return None
    match = DIMENSION.search(head)
    return int(match.group(1) or 1) if match else None
