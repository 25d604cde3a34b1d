"""A rendered print run as an HTTP response, for the print page and the API alike."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import IO

from flask import Response

from labels.legibility import RunReport
from trace.printing.report import REPORT_HEADER, RunSummary
from trace.printing.services import LabelRun

CHUNK_BYTES = 256 * 1024


def file_response(run: LabelRun, as_attachment: bool) -> Response:
    """Stream the run's file from its spooled copy, closing it once sent (or abandoned); the
    ``X-Label-Report`` header tells the codes' legibility and the lines that did not fit."""
    report = RunReport()
    rendered = run.to_file(report)
    size = rendered.seek(0, os.SEEK_END)
    rendered.seek(0)
    disposition = "attachment" if as_attachment else "inline"
    response = Response(_chunks(rendered), mimetype=run.media_type, direct_passthrough=True)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = f"{disposition}; filename={run.file_name}"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers[REPORT_HEADER] = RunSummary.of(report, run.options.layout).header_value()
    return response


def _chunks(rendered: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := rendered.read(CHUNK_BYTES):
            yield chunk
    finally:
        rendered.close()
