from __future__ import annotations

import zlib

import pytest

from tests.uploads import samples
from tests.uploads.storing import SCAN, refusal, store
from trace.uploads.services import upload_path


@pytest.mark.parametrize(
    "document",
    [
        samples.pdf(),
        samples.pdf_from_pillow(),
        samples.pdf(header=b"%PDF-2.0"),
        # Image data may hold any bytes, names included: only dictionaries count.
        samples.pdf(samples.stream(b"/Filter /DCTDecode", b"\x00/JS (x)\xff" * 10)),
        samples.pdf(
            samples.stream(
                b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
                zlib.compress(b"5 0 << /Type /Font >>"),
            )
        ),
    ],
)
def test_plain_pdf_scans_are_kept_byte_for_byte(session, tenants, document):
    upload = store(session, tenants, document, filename="giay-chung-nhan.pdf", purpose=SCAN)
    assert upload_path(upload).read_bytes() == document
    assert (upload.content_type, upload.byte_size) == ("application/pdf", len(document))
    assert (upload.width, upload.height) == (None, None)
    assert upload.original_filename == "giay-chung-nhan.pdf"


@pytest.mark.parametrize(
    "document",
    [
        samples.pdf(b"<< /Type /Annot /Contents (<html><script>alert(1)</script></html>) >>"),
        samples.pdf() + samples.HTML_PAYLOAD + b"\n%%EOF\n",
        samples.pdf(samples.stream(b"", b"<HTML><SCRIPT SRC=//evil.example/x.js></SCRIPT>")),
    ],
    ids=["in-object", "appended", "in-stream"],
)
def test_pdf_polyglots_are_refused(session, tenants, nothing_stored, document):
    assert "web page" in refusal(session, tenants, document, "scan.pdf", SCAN)


@pytest.mark.parametrize(
    "document",
    [
        samples.pdf(b"<< /S /JavaScript /JS (app.alert(1)) >>"),
        samples.pdf(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"),
        samples.pdf(b"<< /JS 5 0 R >>"),
        samples.pdf(b"<< /S /Launch /F (cmd.exe) >>"),
        samples.pdf(b"<< /Type /EmbeddedFile >>"),
        samples.pdf(b"<< /Names << /EmbeddedFiles 6 0 R >> >>"),
        samples.pdf(
            samples.stream(
                b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
                zlib.compress(b"5 0 << /S /JavaScript /JS (x) >>"),
            )
        ),
        samples.pdf(
            samples.stream(
                b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
                zlib.compress(b"5 0 << /JS 6 0 R >>"),
            )
        ),
        samples.pdf(samples.stream(b"/Type /ObjStm /N 1 /First 4", b"5 0 << /JS 6 0 R >>")),
    ],
    ids=[
        "javascript",
        "escaped-names",
        "js-key",
        "launch",
        "embedded-file",
        "attachments",
        "compressed-object-stream",
        "compressed-js-key",
        "plain-object-stream",
    ],
)
def test_pdfs_with_active_content_are_refused(session, tenants, nothing_stored, document):
    assert "active content" in refusal(session, tenants, document, "scan.pdf", SCAN)


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (samples.pdf()[:-20], "could not be read"),
        (samples.pdf(header=b"%PDF-9.9"), "could not be read"),
        (b"  " + samples.pdf(), "JPEG, PNG"),
        (samples.pdf(b"<< /Encrypt 5 0 R >>"), "encrypted"),
        (
            samples.pdf(samples.stream(b"/Type /ObjStm /Filter /LZWDecode", b"\x80\x0b")),
            "could not be checked",
        ),
        (
            samples.pdf(samples.stream(b"/Type /ObjStm /Filter /FlateDecode", b"not zlib")),
            "could not be checked",
        ),
    ],
    ids=[
        "truncated",
        "bad-version",
        "junk-before-header",
        "encrypted",
        "lzw-object-stream",
        "broken-object-stream",
    ],
)
def test_pdfs_that_cannot_be_checked_are_refused(session, tenants, nothing_stored, document, words):
    assert words in refusal(session, tenants, document, "scan.pdf", SCAN)


def test_compressed_object_streams_are_inflated_within_a_budget(
    session, tenants, nothing_stored, monkeypatch
):
    monkeypatch.setattr("trace.uploads.pdf.MAX_INFLATED_BYTES", 1000)
    bomb = samples.stream(b"/Type /ObjStm /Filter /FlateDecode", zlib.compress(b" " * 5000))
    assert "could not be checked" in refusal(session, tenants, samples.pdf(bomb), "s.pdf", SCAN)
