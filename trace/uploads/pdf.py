"""PDF scans: accepted byte for byte, but only when they are plain documents.

A PDF cannot be re-encoded the way an image can, so it is read for what could act when
opened: scripts, launch actions, embedded files, and HTML that would make it a polyglot.
The check looks at names (``/JavaScript``), decoding ``#xx`` escapes, and also inside
compressed object streams, where a modern PDF keeps most of its dictionaries.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from typing import NoReturn

from flask_babel import lazy_gettext as _l

from trace.uploads.checked import CheckedFile, refuse

CONTENT_TYPE = "application/pdf"
HEADERS = (b"%PDF-1.", b"%PDF-2.")
# ``%%EOF`` ends every complete PDF; a little whitespace or junk may follow it.
EOF_MARKER = b"%%EOF"
EOF_WINDOW = 1024
# Inflated object streams are capped so a compressed bomb cannot fill memory.
MAX_INFLATED_BYTES = 64 * 1024 * 1024

# Names that make a PDF do something when opened. Short ``/JS`` is looked for outside
# stream data only (three bytes turn up by chance in images); ``/JavaScript`` is needed
# beside it in any script action and is looked for everywhere.
ACTIVE_NAMES = frozenset(
    {b"JavaScript", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia"}
)
SCRIPT_KEY = b"JS"
ENCRYPT = b"Encrypt"
OBJECT_STREAM = b"ObjStm"
FLATE = b"FlateDecode"
OTHER_FILTERS = frozenset(
    {
        b"ASCIIHexDecode",
        b"ASCII85Decode",
        b"LZWDecode",
        b"RunLengthDecode",
        b"Crypt",
        b"AHx",
        b"A85",
        b"LZW",
        b"RL",
        b"Fl",
    }
)

# A name: a slash and the regular characters after it (PDF 32000-1, 7.2.2 and 7.3.5).
NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
STREAM_START = re.compile(rb"stream\r?\n")
STREAM_DATA = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
HTML_MARKER = re.compile(rb"<\s*(?:html|script|body|iframe|svg|!doctype)", re.IGNORECASE)


def check_pdf(data: bytes) -> CheckedFile:
    """Accept a complete, plain PDF as it is; refuse active content and polyglots."""
    if not data.startswith(HEADERS) or EOF_MARKER not in data[-EOF_WINDOW:]:
        refuse(_l("The PDF could not be read. It may be damaged or incomplete."))
    if HTML_MARKER.search(data):
        refuse(_l("The file contains web page code, so it cannot be accepted as a PDF."))
    names = set(_names(data))
    if ENCRYPT in names:
        refuse(_l("The PDF is encrypted or password-protected. Save it again without protection."))
    outside_streams = set(_names(STREAM_DATA.sub(b"stream endstream", data)))
    if names & ACTIVE_NAMES or SCRIPT_KEY in outside_streams:
        _refuse_active()
    for content in _object_streams(data):
        if set(_names(content)) & (ACTIVE_NAMES | {SCRIPT_KEY}):
            _refuse_active()
    return CheckedFile(data=data, content_type=CONTENT_TYPE, extension=".pdf")


def _refuse_active() -> NoReturn:
    refuse(
        _l(
            "The PDF contains scripts, attachments or other active content. Save it again"
            " as a plain PDF (for example with Print to PDF)."
        )
    )


def _names(data: bytes) -> Iterable[bytes]:
    for match in NAME.finditer(data):
        yield HEX_ESCAPE.sub(lambda escape: bytes([int(escape[1], 16)]), match[1])


def _object_streams(data: bytes) -> Iterable[bytes]:
    """The contents of every object stream, inflated where compressed."""
    budget = MAX_INFLATED_BYTES
    for match in NAME.finditer(data):
        if HEX_ESCAPE.sub(lambda escape: bytes([int(escape[1], 16)]), match[1]) != OBJECT_STREAM:
            continue
        start = STREAM_START.search(data, match.end())
        if start is None:
            continue
        filters = set(_names(data[match.end() : start.start()]))
        if filters & OTHER_FILTERS:
            _refuse_unverifiable()
        if FLATE not in filters:
            end = data.find(b"endstream", start.end())
            yield data[start.end() : end if end >= 0 else len(data)]
            continue
        content = _inflate(data[start.end() :], budget)
        budget -= len(content)
        yield content


def _inflate(compressed: bytes, budget: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        content = inflater.decompress(compressed, budget + 1)
    except zlib.error:
        _refuse_unverifiable()
    if len(content) > budget:
        _refuse_unverifiable()
    return content


def _refuse_unverifiable() -> NoReturn:
    refuse(_l("The PDF could not be checked. Save it again as a plain PDF and try once more."))
