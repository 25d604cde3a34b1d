"""``flask --app trace labels``: by batch code or lot, files written whole, clear refusals."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from tests.factories import make_batch, make_cooperative, make_product
from tests.printing.conftest import qr_texts_in_image, qr_texts_in_pdf
from trace.batches.models import LabelCode
from trace.batches.services import codes


def labels(runner, *args):
    return runner.invoke(args=["labels", *args])


def units(session):
    query = select(func.count()).select_from(LabelCode).where(LabelCode.serial.is_not(None))
    return session.scalar(query)


def test_a_batch_code_gives_a_pdf_of_its_labels(runner, session, tenants, batch, tmp_path):
    out = tmp_path / "tem.pdf"
    result = labels(
        runner, batch.code, "--layout", "a4-4x10", "--count", "45", "--out", str(out), "--json"
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    qr = summary.pop("qr")
    dropped = summary.pop("dropped_lines")
    assert summary == {
        "file": str(out),
        "batch": batch.code,
        "labels": 45,
        "pages": 2,  # sheets of labels; the calibration page before them is not counted
        "serialised": False,
    }
    # 52.5 x 29.7 mm stickers edge to edge: the top and bottom rows keep off the printable
    # margin, which leaves no room for the last lines and their codes under 0.5 mm at
    # version 8. This code has 170 characters: about one signature in a hundred packs it
    # into version 7 (zxing-cpp mixes encoding modes), whose 0.501 mm modules just pass.
    assert qr["readable"] is (qr["qr_version"] == 7)
    assert qr["readable"] is (qr["module_mm"] >= 0.5)
    assert qr["suggested_layout"] == (None if qr["readable"] else "a4-3x8")
    assert dropped == ["Quét mã để truy xuất nguồn gốc", "OCOP 4"]
    assert "Đang vẽ các trang" in result.stderr
    code = codes.batch_code(session, None, batch.id).text
    pages = tmp_path / "pages"
    pages.mkdir()
    assert qr_texts_in_pdf(out.read_bytes(), pages) == [code] * 45


def test_serialised_labels_by_lot_as_png(runner, session, batch, tmp_path):
    out = tmp_path / "tem.png"
    result = labels(
        runner,
        batch.lot,
        "--layout",
        "roll-50x30",
        "--count",
        "3",
        "--serialised",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert units(session) == 1  # a PNG is one roll label: only the codes drawn are issued
    [text] = qr_texts_in_image(out.read_bytes())
    assert session.scalar(select(LabelCode.serial).where(LabelCode.text == text)) is not None


def test_an_ambiguous_lot_an_unknown_batch_and_bad_options_exit_non_zero(
    runner, session, batch, tmp_path
):
    other = make_batch(session, make_product(session, make_cooperative(session)), lot=batch.lot)
    out = tmp_path / "tem.pdf"
    ambiguous = labels(runner, batch.lot, "--out", str(out))
    assert ambiguous.exit_code == 1
    assert batch.code in ambiguous.output
    assert other.code in ambiguous.output
    assert labels(runner, "NOPE-1", "--out", str(out)).exit_code == 1
    bad_count = labels(runner, batch.code, "--count", "0", "--serialised", "--out", str(out))
    assert bad_count.exit_code == 1
    assert len(bad_count.output.strip().splitlines()) == 1
    assert labels(runner, batch.code, "--out", str(tmp_path / "tem.svg")).exit_code == 2
    missing_folder = labels(runner, batch.code, "--out", str(tmp_path / "no" / "tem.pdf"))
    assert missing_folder.exit_code == 1
    assert not out.exists()
    assert units(session) == 0


def test_the_command_names_small_codes_and_the_lines_left_out(runner, batch, tmp_path):
    out = tmp_path / "tem.pdf"
    result = labels(runner, batch.code, "--layout", "roll-40x25", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Mã QR quá nhỏ để điện thoại quét" in result.stdout
    assert "roll-50x30" in result.stdout
    assert "Không đủ chỗ trên nhãn cho: Quét mã để truy xuất nguồn gốc" in result.stdout
    roomy = labels(
        runner, batch.code, "--layout", "roll-50x30", "--lines", "lot", "--out", str(out)
    )
    assert "điện thoại quét được" in roomy.stdout
    assert "Không đủ chỗ" not in roomy.stdout


def test_a_custom_sheet_with_the_printers_own_margin(runner, session, batch, tmp_path):
    out = tmp_path / "tem.pdf"
    edge = ["--layout", "custom", "--width-mm", "15", "--height-mm", "15", "--columns", "14"]
    edge += ["--rows", "19", "--margin-left-mm", "0", "--margin-top-mm", "0", "--count", "2"]
    refused = labels(runner, batch.code, *edge, "--out", str(out))
    assert refused.exit_code != 0
    assert "5 mm mà máy in không in được" in refused.output
    assert not out.exists()
    result = labels(runner, batch.code, *edge, "--printable-margin-mm", "0", "--out", str(out))
    assert result.exit_code == 0, result.output
    code = codes.batch_code(session, None, batch.id).text
    assert qr_texts_in_pdf(out.read_bytes(), tmp_path) == [code] * 2
