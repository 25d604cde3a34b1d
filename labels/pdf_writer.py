"""A small streaming PDF writer: objects go to the output as soon as they are complete.

Object numbers can be reserved before their object is written (pages name their parent,
which is written last), and the cross-reference table is built from the offsets counted
here, so the output may be any writable stream, seekable or not. Memory holds one offset
per object, nothing of what was written.
"""

from __future__ import annotations

import zlib
from typing import BinaryIO

from labels.errors import LabelError

# Measured on QR paths: level 2 writes 2.3 KB a label in 0.07 ms, level 6 1.4 KB in 0.36 ms;
# the encoder already takes 0.6 ms, so speed wins over a PDF 60% larger.
COMPRESSION_LEVEL = 2


def pdf_number(value: float) -> str:
    """A number as PDF writes it: no exponent, no trailing zeros, four decimals at most."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pdf_text_string(text: str) -> str:
    """A PDF text string: UTF-16BE with its byte-order mark, as hex, so any text is safe."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


class PdfWriter:
    """Writes numbered objects to ``out`` in the order they are given; ``close`` ends the file."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._position = 0
        self._offsets: dict[int, int] = {}
        self._next_number = 1
        self._closed = False
        # The binary comment tells transfer programs the file is not text.
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def reserve(self) -> int:
        """A number for an object to be written later."""
        number = self._next_number
        self._next_number += 1
        return number

    def write_object(self, number: int, body: bytes) -> None:
        """Writes a reserved object; ``body`` is its PDF text without ``obj``/``endobj``."""
        self._start_object(number)
        self._write(b"%d 0 obj\n%b\nendobj\n" % (number, body))

    def add_object(self, body: bytes) -> int:
        """Writes a new object and returns its number."""
        number = self.reserve()
        self.write_object(number, body)
        return number

    def write_stream(self, number: int, data: bytes, entries: bytes = b"") -> None:
        """Writes a reserved stream object, Flate-compressed; ``entries`` go in its dictionary."""
        packed = zlib.compress(data, COMPRESSION_LEVEL)
        self._start_object(number)
        self._write(
            b"%d 0 obj\n<< /Length %d /Filter /FlateDecode %b>>\nstream\n%b\nendstream\nendobj\n"
            % (number, len(packed), entries + b" " if entries else b"", packed)
        )

    def add_stream(self, data: bytes, entries: bytes = b"") -> int:
        """Writes a new compressed stream object and returns its number."""
        number = self.reserve()
        self.write_stream(number, data, entries)
        return number

    def close(self, root: int, info: int | None = None) -> None:
        """Writes the cross-reference table and the trailer; reserved but unwritten objects are
        listed as free, so a reader never follows a number to nothing."""
        if self._closed:
            raise LabelError("this PDF is already closed")
        self._closed = True
        start = self._position
        count = self._next_number
        lines = [b"xref\n0 %d\n0000000000 65535 f \n" % count]
        for number in range(1, count):
            offset = self._offsets.get(number)
            lines.append(
                b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 00000 f \n"
            )
        self._write(b"".join(lines))
        info_entry = b" /Info %d 0 R" % info if info is not None else b""
        self._write(
            b"trailer\n<< /Size %d /Root %d 0 R%b >>\nstartxref\n%d\n%%%%EOF\n"
            % (count, root, info_entry, start)
        )

    def _start_object(self, number: int) -> None:
        if self._closed or number in self._offsets or not 0 < number < self._next_number:
            raise LabelError(f"PDF object {number} is not reserved, or was written already")
        self._offsets[number] = self._position

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._position += len(data)
