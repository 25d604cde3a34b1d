"""``flask --app trace report 13.4``: CSV and PDF files written whole, JSON, clear refusals."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest

from tests.factories import make_cooperative, make_product
from tests.indicator.conftest import CAN_THO, KE_SACH, complete_batch


def report(runner, *args):
    return runner.invoke(args=["report", "13.4", *args])


@pytest.fixture
def products(session, issuing_key):
    cooperative = make_cooperative(session, commune_code=KE_SACH, name="HTX Lúa gạo Kế Sách")
    rice = make_product(session, cooperative, name="Gạo ST25", is_key_product=True)
    code = complete_batch(session, issuing_key, rice)
    make_product(session, cooperative, name="Bưởi năm roi", is_key_product=True)
    return {"rice": rice, "code": code}


def test_the_csv_is_written_in_the_language_asked(runner, products, tmp_path):
    out = tmp_path / "13.4.csv"
    result = report(
        runner, "--commune", KE_SACH, "--format", "csv", "--out", str(out), "--language", "en"
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [
        f"Wrote {out}: Xã Kế Sách does not meet indicator 13.4 (1 of 2 key products traced).",
        "Indicator 13.7: 0 of 2 key products sold online.",
    ]
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows, totals, blank, rule, period = csv.reader(
        io.StringIO(text.removeprefix("\ufeff"))
    )
    assert header[:2] == ["Cooperative", "Product"]
    assert sorted(row[1] for row in rows) == ["Bưởi năm roi", "Gạo ST25"]
    assert totals[0] == "Total"
    assert blank == []
    assert rule[0].startswith("The rule: A key product is traced when")
    assert period[0].startswith("Period: ")
    assert [path.name for path in tmp_path.iterdir()] == ["13.4.csv"]


def test_the_pdf_is_written_and_json_prints_the_evidence(runner, products, tmp_path):
    out = tmp_path / "13.4.pdf"
    result = report(runner, "--commune", KE_SACH, "--format", "pdf", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["file"], data["format"]) == (str(out), "pdf")
    assert data["commune"]["code"] == KE_SACH
    assert (data["key_products"], data["traced"], data["meets_indicator"]) == (2, 1, False)
    by_name = {product["product_name"]: product for product in data["products"]}
    assert by_name["Gạo ST25"]["latest_code_url"] == products["code"].text
    assert by_name["Bưởi năm roi"]["missing"] == []
    assert by_name["Bưởi năm roi"]["best_batch_code"] is None
    assert by_name["Bưởi năm roi"]["missing_in_words"] == [
        "Không có lô hàng nào trong 12 tháng qua"
    ]
    assert by_name["Gạo ST25"]["complete_batches"] == 1
    assert data["rule"].startswith("Một sản phẩm chủ lực được coi là đã truy xuất nguồn gốc")
    assert out.read_bytes().startswith(b"%PDF-")
    done = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, timeout=60
    )
    text = done.stdout.decode("utf-8")
    assert "Xã Kế Sách" in text
    assert "Gạo ST25" in text
    assert "Quy tắc đánh giá" in text
    assert "Người lập" in text


def test_a_province_overview_as_csv(runner, products, tmp_path):
    out = tmp_path / "can-tho.csv"
    result = report(runner, "--province", CAN_THO, "--format", "csv", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["province"] == {"code": CAN_THO, "name": "Thành phố Cần Thơ"}
    [ke_sach] = [row for row in data["communes"] if row["code"] == KE_SACH]
    assert (ke_sach["key_products"], ke_sach["traced"]) == (2, 1)
    assert "Xã Kế Sách" in out.read_text(encoding="utf-8-sig")
    every = report(
        runner,
        "--province",
        CAN_THO,
        "--all-communes",
        "--format",
        "csv",
        "--out",
        str(out),
        "--json",
    )
    assert len(json.loads(every.stdout)["communes"]) == 103


def test_an_unknown_commune_exits_1_with_one_line(runner, session, tmp_path):
    out = tmp_path / "13.4.csv"
    result = report(runner, "--commune", "99999", "--format", "csv", "--out", str(out))
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()
    missing_folder = report(
        runner, "--commune", KE_SACH, "--format", "csv", "--out", str(tmp_path / "no" / "13.4.csv")
    )
    assert missing_folder.exit_code == 1
    assert len(missing_folder.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["--commune", KE_SACH, "--format", "docx"],
        ["--commune", "Kế Sách", "--format", "csv"],
        ["--format", "csv"],
        ["--commune", KE_SACH, "--province", CAN_THO, "--format", "csv"],
        ["--province", CAN_THO, "--format", "pdf"],
        ["--commune", KE_SACH, "--format", "csv", "--language", "fr"],
    ],
)
def test_bad_options_exit_2(runner, session, tmp_path, args):
    out = tmp_path / "13.4.out"
    result = report(runner, *args, "--out", str(out))
    assert result.exit_code == 2, result.output
    assert not out.exists()


def test_the_command_has_help(runner):
    result = runner.invoke(args=["report", "13.4", "--help"])
    assert result.exit_code == 0
    assert "--commune" in result.output
    assert "--format" in result.output
