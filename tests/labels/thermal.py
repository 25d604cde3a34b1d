"""Reading thermal printer jobs back, independently of ``labels``: ZPL through the npm package
zpl-renderer-js (run with Node.js from the repository's node_modules, which ``make test``
installs with ``npm ci``), TSPL through a small parser of its commands; then zxing-cpp."""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
RENDERER = Path(__file__).with_name("render_zpl.cjs")
# zpl-renderer-js takes whole dots a millimetre: Zebra names its heads 8 and 12 dpmm.
DOTS_PER_MM = {203: 8, 300: 12}


def qr_texts(image: Image.Image) -> list[str]:
    """Every QR code zxing-cpp finds in the image, dark on light only: a job whose bits are the
    wrong way round prints a negative, which this must not read."""
    qr_codes = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    found = zxingcpp.read_barcodes(image, formats=qr_codes, try_invert=False)
    return [barcode.text for barcode in found]


def render_zpl(job: bytes, width_mm: float, height_mm: float, dpi: int) -> list[Image.Image]:
    """Each label format of the job as zpl-renderer-js draws it."""
    node = shutil.which("node")
    assert node, "Node.js is needed to render ZPL (the project's machines have Node 20)"
    assert (ROOT / "node_modules" / "zpl-renderer-js").is_dir(), (
        "zpl-renderer-js is not installed: run `npm ci` in the repository (make test does)"
    )
    result = subprocess.run(
        [node, str(RENDERER), str(width_mm), str(height_mm), str(DOTS_PER_MM[dpi])],
        input=job,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    images = []
    for encoded in json.loads(result.stdout):
        with Image.open(io.BytesIO(base64.b64decode(encoded))) as image:
            images.append(image.convert("L"))
    return images


def zpl_copies(job: bytes) -> list[int]:
    """How many times each label format of the job prints (its ^PQ, 1 without)."""
    formats = re.findall(rb"\^XA(.*?)\^XZ", job, flags=re.DOTALL)
    return [int(m.group(1)) if (m := re.search(rb"\^PQ(\d+)", f)) else 1 for f in formats]


def decompress_zpl(data: str, row_bytes: int, rows: int) -> bytes:
    """ZPL's ASCII graphic compression undone, as the ZPL II manual describes it."""
    hex_row = 2 * row_bytes
    out: list[str] = []
    row = ""
    count = 0
    for char in data:
        if "G" <= char <= "Y":
            count += ord(char) - ord("F")
        elif "g" <= char <= "z":
            count += 20 * (ord(char) - ord("f"))
        elif char == ",":
            out.append(row.ljust(hex_row, "0"))
            row = ""
        elif char == "!":
            out.append(row.ljust(hex_row, "F"))
            row = ""
        elif char == ":":
            out.append(out[-1])
        else:
            row += char * max(count, 1)
            count = 0
            if len(row) == hex_row:
                out.append(row)
                row = ""
    assert row == "", "a row is left unfinished"
    assert len(out) == rows, (len(out), rows)
    return bytes.fromhex("".join(out))


@dataclass(frozen=True)
class TsplLabel:
    image: Image.Image
    copies: int


@dataclass(frozen=True)
class TsplJob:
    size_mm: tuple[float, float]
    gap_mm: float
    direction: str
    labels: list[TsplLabel]


def parse_tspl(job: bytes) -> TsplJob:
    """A TSPL job's commands: SIZE and GAP, then per label CLS, one BITMAP, PRINT."""
    size: tuple[float, float] | None = None
    gap: float | None = None
    direction = ""
    labels: list[TsplLabel] = []
    image: Image.Image | None = None
    position = 0
    while position < len(job):
        if job.startswith(b"BITMAP ", position):
            # The header ends at its fifth comma; binary bytes follow, CR LF may be among them.
            header_end = position
            for _ in range(5):
                header_end = job.index(b",", header_end) + 1
            header = job[position + len(b"BITMAP ") : header_end - 1].decode("ascii")
            x, y, width_bytes, height, mode = header.split(",")
            assert (x, y, mode) == ("0", "0", "0"), header
            start = header_end
            length = int(width_bytes) * int(height)
            bits = job[start : start + length]
            assert job[start + length : start + length + 2] == b"\r\n", "bitmap length is off"
            # TSPL prints a 0 bit black: Pillow's "1" images read such bytes as they are.
            image = Image.frombytes("1", (int(width_bytes) * 8, int(height)), bits)
            position = start + length + 2
            continue
        end = job.index(b"\r\n", position)
        line = job[position:end].decode("ascii")
        command, _, arguments = line.partition(" ")
        if command == "SIZE":
            width, height = (_mm(part) for part in arguments.split(","))
            size = (width, height)
        elif command == "GAP":
            gap = _mm(arguments.split(",")[0])
        elif command == "DIRECTION":
            direction = arguments
        elif command == "CLS":
            image = None
        elif command == "PRINT":
            assert image is not None, "PRINT with no BITMAP since CLS"
            labels.append(TsplLabel(image, int(arguments.split(",")[1])))
        else:
            assert command == "REFERENCE", f"unexpected TSPL command {line!r}"
        position = end + 2
    assert size is not None, "the job sets no SIZE"
    assert gap is not None, "the job sets no GAP"
    return TsplJob(size, gap, direction, labels)


def _mm(text: str) -> float:
    return float(text.strip().removesuffix("mm"))
