"""Files to upload, made in memory: honest images and PDFs, and hostile ones."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image, ImageCms

HTML_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"
# EXIF tag 0x0112: orientation 6 means "rotate 90 degrees clockwise to display".
ORIENTATION = 0x0112
GPS_INFO = 0x8825


def image_bytes(
    image_format: str = "PNG", size: tuple[int, int] = (64, 48), mode: str = "RGB", **save: object
) -> bytes:
    image = Image.new(mode, size, (200, 30, 30, 128)[: len(mode)] if mode != "L" else 128)
    output = io.BytesIO()
    image.save(output, image_format, **save)
    return output.getvalue()


def jpeg_with_metadata(size: tuple[int, int] = (64, 48), orientation: int = 6) -> bytes:
    """A JPEG with orientation, a GPS position, a comment and an ICC profile."""
    image = Image.new("RGB", size, (10, 120, 40))
    # A red top-left corner shows where the image's top ends up after rotation.
    image.paste((255, 0, 0), (0, 0, 8, 8))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_INFO)[2] = (9.0, 36.0, 10.0)
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif, comment=b"<script>alert(1)</script>", icc_profile=profile)
    return output.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    checksum = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", checksum)


def png_declaring(width: int, height: int, idat: bytes = b"") -> bytes:
    """A PNG header claiming ``width`` x ``height`` grey pixels, with little or no data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat or zlib.compress(b"\x00" * 1024))
        + png_chunk(b"IEND", b"")
    )


def png_bomb(side: int) -> bytes:
    """A real decompression bomb: ``side`` x ``side`` black pixels, compressed to very little."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (side + 1)
    chunks = [compressor.compress(row) for _ in range(side)]
    idat = b"".join(chunks) + compressor.flush()
    return png_declaring(side, side, idat)


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header is rewritten to claim ``width`` x ``height``."""
    data = bytearray(image_bytes("JPEG", (16, 16)))
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def zip_archive() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("evil.html", HTML_PAYLOAD)
    return output.getvalue()


def pdf(*objects: bytes, header: bytes = b"%PDF-1.7") -> bytes:
    """A PDF with a catalog, one page and ``objects`` (numbered from 4), with a real xref."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        *objects,
    ]
    output = bytearray(header + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return bytes(output)


def stream(dictionary: bytes, content: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(content), content)


def pdf_from_pillow() -> bytes:
    """A scan as a scanner app writes it: one JPEG page."""
    output = io.BytesIO()
    Image.new("RGB", (300, 400), (250, 250, 250)).save(output, "PDF", resolution=100)
    return output.getvalue()
