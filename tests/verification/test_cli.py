"""``flask --app trace verify``: codes and photos, online and with only a key-set file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

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
    tampered = verify(runner, text.replace("ST25", "ST24"))
    assert tampered.exit_code == 1
    assert "NOT VALID (bad signature)" in tampered.stdout
    recall_batch(session, tenants.staff_a, batch.id, "Nhiễm mặn")
    recalled = verify(runner, text)
    assert recalled.exit_code == 1
    assert "(recalled batch)" in recalled.stdout
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
    assert no_code.output.strip().splitlines()[-1] == f"Error: no QR code could be read in {blank}"
    missing = verify(runner, str(tmp_path / "missing.jpg"))
    assert missing.exit_code == 2
    assert "no such file" in missing.output
    not_image = tmp_path / "label.png"
    not_image.write_text("not an image")
    assert verify(runner, str(not_image)).exit_code == 2
    assert verify(runner).exit_code == 2
    malformed = verify(runner, "hello")
    assert (malformed.exit_code, "(malformed code)" in malformed.stdout) == (1, True)


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
    assert "--keys FILE" in line


def test_help_explains_the_command(runner):
    result = runner.invoke(args=["verify", "--help"])
    assert result.exit_code == 0
    assert "--keys" in result.output
    assert "PNG/JPEG" in result.output
