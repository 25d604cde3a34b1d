"""``flask --app trace verify``: codes and photos, online and with only a key-set file."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from datetime import UTC, date, datetime

import pytest
import zxingcpp
from PIL import Image

from tests.batches.conftest import batch_values
from trace.batches.services import batches, codes
from trace.batches.services.recall import recall_batch
from trace.config import PROJECT_ROOT
from trace.signing import services as keys
from trace.verification.answers import verification_json
from trace.verification.services import verify_code

# Run in a subprocess: Python's sockets are refused outright, and the database URL points
# at a port where nothing listens (libpq, which has its own sockets, would fail there), so
# the offline check provably uses neither network nor database.
NO_NETWORK = """
import socket, sys
class NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        raise OSError("network access attempted")
def refuse(*args, **kwargs):
    raise OSError("network access attempted")
socket.socket = NoSocket
socket.create_connection = refuse
socket.getaddrinfo = refuse
from flask.cli import main
sys.argv = ["flask", "--app", "trace", *sys.argv[1:]]
main()
"""


@pytest.fixture
def batch(session, tenants):
    tenants.product_a.gtin = "08934567000017"
    values = batch_values(tenants, expires_on=date(2027, 5, 19))
    return batches.create_batch(session, tenants.staff_a, values)


@pytest.fixture
def code_text(session, tenants, batch):
    return codes.batch_code(session, tenants.staff_a, batch.id).text


def qr_image(text, scale=6):
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    return Image.fromarray(barcode.to_image(scale=scale))


def verify(runner, *args):
    return runner.invoke(args=["verify", *args])


def test_a_valid_code_exits_0_and_prints_the_api_answer_as_json(runner, session, code_text):
    result = verify(runner, code_text, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == verification_json(verify_code(session, code_text))


def test_a_tampered_or_recalled_code_exits_1_and_says_why(runner, session, tenants, batch):
    text = codes.batch_code(session, tenants.staff_a, batch.id).text
    tampered = verify(runner, text.replace("ST25", "ST24"), "--language", "en")
    assert tampered.exit_code == 1
    assert tampered.stdout.startswith("NOT VALID: Forged or altered label\n")
    recall_batch(session, tenants.staff_a, batch.id, "Nhiễm mặn")
    batch.recalled_at = datetime(2026, 10, 6, 2, 30, tzinfo=UTC)
    session.flush()
    recalled = verify(runner, text)
    assert recalled.exit_code == 1
    assert recalled.stdout.startswith("KHÔNG HỢP LỆ: Lô hàng đã bị thu hồi\n")
    assert "Đã thu hồi lúc 09:30 6 tháng 10, 2026: Nhiễm mặn" in recalled.stdout
    assert "Nhiễm mặn" in recalled.stdout


@pytest.mark.parametrize(("suffix", "mode"), [(".png", "L"), (".jpg", "RGB"), (".jpeg", "RGB")])
def test_a_photo_of_a_label_is_decoded(runner, tmp_path, code_text, suffix, mode):
    photo = Image.new(mode, (900, 700), "white")
    label = qr_image(code_text).convert(mode).rotate(7, expand=True, fillcolor="white")
    photo.paste(label, (120, 80))
    path = tmp_path / f"nhan{suffix}"
    photo.save(path, quality=80) if mode == "RGB" else photo.save(path)
    result = verify(runner, str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["code"] == code_text


def test_a_photo_with_two_labels_checks_both(runner, session, tenants, batch, tmp_path):
    [unit] = codes.issue_units(session, tenants.staff_a, batch.id, 1).units
    batch_text = codes.batch_code(session, tenants.staff_a, batch.id).text
    sheet = Image.new("L", (1400, 700), "white")
    sheet.paste(qr_image(batch_text), (40, 40))
    sheet.paste(qr_image(unit.text), (720, 40))
    path = tmp_path / "sheet.png"
    sheet.save(path)
    result = verify(runner, str(path), "--json")
    assert result.exit_code == 0, result.output
    answers = json.loads(result.stdout)
    assert sorted(answer["code"] for answer in answers) == sorted([batch_text, unit.text])


def test_bad_input_exits_non_zero_with_one_line(runner, tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("L", (300, 300), "white").save(blank)
    no_code = verify(runner, str(blank))
    assert no_code.exit_code == 1
    assert no_code.output.strip().splitlines()[-1] == (
        f"Error: Không đọc được mã QR nào trong {blank}"
    )
    missing = verify(runner, str(tmp_path / "missing.jpg"))
    assert missing.exit_code == 2
    assert "Không có tệp" in missing.output
    not_image = tmp_path / "label.png"
    not_image.write_text("not an image")
    assert verify(runner, str(not_image)).exit_code == 2
    assert verify(runner).exit_code == 2
    malformed = verify(runner, "hello")
    assert (malformed.exit_code, "Không phải mã của nền tảng" in malformed.stdout) == (1, True)


def png_header(width, height):
    """A tiny PNG declaring a width and height; its few pixels would never fill them."""

    def chunk(kind, data):
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )


def jpeg_header(width, height):
    start_of_frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    start_of_scan = b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00\x00\x3f\x00"
    return b"\xff\xd8" + start_of_frame + start_of_scan + b"\0" * 16 + b"\xff\xd9"


def truncated_png():
    image = io.BytesIO()
    qr_image("https://id.example/01/08934567000017/10/X").save(image, "PNG")
    return image.getvalue()[: len(image.getvalue()) // 2]


TOO_LARGE = "Ảnh quá lớn: tối đa 40 megapixel"
UNREADABLE = "Không đọc được ảnh"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("bom.png", png_header(100_000, 100_000), TOO_LARGE),
        ("bom.jpg", jpeg_header(65_000, 65_000), TOO_LARGE),
        ("400mp.png", png_header(20_000, 20_000), TOO_LARGE),
        # 177 megapixels: under Pillow's error, over its warning; decoded, it took 1.85 GB.
        ("13300.png", png_header(13_300, 13_300), TOO_LARGE),
        # Under Pillow's limits, over the web's: refused by its header all the same.
        ("48mp.png", png_header(8_000, 6_000), TOO_LARGE),
        ("truncated.png", truncated_png(), UNREADABLE),
        ("label.png", b"not an image", UNREADABLE),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', UNREADABLE),
    ],
)
def test_every_bad_image_is_one_error_line_and_exit_2(runner, tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    result = verify(runner, str(path))
    assert result.exit_code == 2, result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"Error: {path}: {reason}"), line


# An OSC title, a bell, a screen clear and colours faking a verdict; a C1 escape; a
# right-to-left override; a line break that would start a line of its own.
HOSTILE_CODE = (
    "\x1b]0;PWNED\x07\x1b[2J\x1b[31mVALID (valid)\x1b[0m \x9b31m \u202eilav\nVALID (valid)"
)
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


def test_a_code_that_holds_terminal_controls_is_shown_escaped(runner, tmp_path):
    photo = tmp_path / "nhan.png"
    qr_image(HOSTILE_CODE).save(photo)
    # zxing-cpp names most controls (<ESC>) itself, not the right-to-left override.
    for given in (HOSTILE_CODE, str(photo)):
        result = verify(runner, given)
        assert result.exit_code == 1
        assert not any(control in result.output for control in RAW_CONTROLS), result.output
        lines = result.output.splitlines()
        assert lines[0] == "KHÔNG HỢP LỆ: Không phải mã của nền tảng"
        assert not any(line.startswith("HỢP LỆ") for line in lines)
        assert "\\u202eilav" in lines[-1]
    typed = verify(runner, HOSTILE_CODE).output.splitlines()[-1]
    assert typed == (
        "\\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31mVALID (valid)\\x1b[0m \\x9b31m "
        "\\u202eilav\\nVALID (valid)"
    )
    as_json = verify(runner, HOSTILE_CODE, "--json")
    assert not any(control in as_json.output for control in RAW_CONTROLS), as_json.output
    assert json.loads(as_json.stdout)["code"] == HOSTILE_CODE


def test_a_code_too_long_for_a_file_name_is_checked_as_a_code(runner):
    result = verify(runner, "x" * 300)
    assert (result.exit_code, "Không phải mã của nền tảng" in result.stdout) == (1, True)


def test_a_broken_key_set_file_exits_2(runner, tmp_path, code_text):
    for content in ("{", "[]", '{"keys": {}}'):
        path = tmp_path / "jwks.json"
        path.write_text(content)
        result = verify(runner, code_text, "--keys", str(path))
        assert result.exit_code == 2, (content, result.output)
        assert "--keys" in result.output


def test_offline_needs_neither_network_nor_database(session, tenants, batch, tmp_path):
    text = codes.batch_code(session, tenants.staff_a, batch.id).text
    key_file = tmp_path / "jwks.json"
    key_file.write_text(json.dumps(keys.key_set(session)))
    photo = tmp_path / "label.png"
    qr_image(text).save(photo)
    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "TRACE_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/nothing",
        "TRACE_SECRET_KEY": "offline-check",
    }

    def run(*args):
        return subprocess.run(
            [sys.executable, "-c", NO_NETWORK, "verify", *args, "--keys", str(key_file), "--json"],
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )

    valid = run(str(photo))
    assert valid.returncode == 0, valid.stderr
    answer = json.loads(valid.stdout)
    assert (answer["reason"], answer["checked"], answer["code"]) == ("valid", "offline", text)
    tampered = run(text.replace("/10/", "/10/X"))
    assert tampered.returncode == 1
    assert json.loads(tampered.stdout)["reason"] == "bad signature"


def test_online_without_a_usable_database_says_how_to_check_offline(tmp_path, code_text):
    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "TRACE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "TRACE_SECRET_KEY": "no-database",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "trace", "verify", code_text],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "db upgrade" in line
    assert "--keys TỆP" in line


def test_help_explains_the_command(runner):
    result = runner.invoke(args=["verify", "--help"])
    assert result.exit_code == 0
    assert "--keys" in result.output
    assert "PNG/JPEG" in result.output
