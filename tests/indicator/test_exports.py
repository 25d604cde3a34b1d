"""The evidence as files: the CSV parses with its rows and totals; the PDF reads and scans."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date

import pytest
from flask_babel import force_locale

from tests.factories import make_batch, make_certificate, make_cooperative, make_product
from tests.indicator.conftest import CAN_THO, KE_SACH, RECENTLY, TODAY, issue_code, scan
from tests.printing.conftest import qr_texts_in_image
from trace.common.excel_csv import spreadsheet_safe
from trace.indicator.exports import commune_csv, commune_evidence_data, province_csv
from trace.indicator.pdf import render_commune_pdf
from trace.indicator.services import commune_evidence, province_overview


@pytest.fixture
def english(app):
    with force_locale("en"):
        yield


@pytest.fixture
def evidence(session, issuing_key):
    """Two cooperatives of Kế Sách: one product traced, one with nothing but a lapsed paper."""
    first = make_cooperative(session, commune_code=KE_SACH, name="HTX Lúa gạo Kế Sách")
    second = make_cooperative(session, commune_code=KE_SACH, name="=HTX Trái cây Phong Nẫm")
    rice = make_product(session, first, name="Gạo ST25", is_key_product=True, ocop_stars=4)
    make_certificate(session, first, products=[rice], number="VG-001")
    code = issue_code(session, issuing_key, make_batch(session, rice), RECENTLY)
    issue_code(session, issuing_key, make_batch(session, rice), RECENTLY, unit=True)
    scan(session, code)
    pomelo = make_product(session, second, name="Bưởi năm roi", is_key_product=True)
    make_certificate(
        session,
        second,
        products=[pomelo],
        number="VG-002",
        valid_from=date(2024, 1, 1),
        valid_to=date(2025, 12, 31),
    )
    return commune_evidence(session, KE_SACH, TODAY)


def parsed(text):
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_commune_csv_has_a_row_per_product_and_totals(english, evidence):
    header, *rows, totals = parsed(commune_csv(evidence))
    by_product = {row[1]: row for row in rows}
    rice, pomelo = by_product["Gạo ST25"], by_product["Bưởi năm roi"]
    assert header == [
        "Cooperative",
        "Product",
        "OCOP stars",
        "Traced",
        "What is missing",
        "Batches",
        "Labels issued",
        "Consumer scans",
        "Certificates",
        "Latest public page",
    ]
    [rice_evidence] = [row for row in evidence.products if row.product_name == "Gạo ST25"]
    assert rice == [
        "HTX Lúa gạo Kế Sách",
        "Gạo ST25",
        "4",
        "Yes",
        "",
        "2",
        "2",
        "1",
        "VG-001 (Valid)",
        rice_evidence.latest_code_url,
    ]
    # A name a spreadsheet would run as a formula stays text.
    assert pomelo == [
        "'=HTX Trái cây Phong Nẫm",
        "Bưởi năm roi",
        "",
        "No",
        "No batch registered; A certificate is expired or revoked: VG-002",
        "0",
        "0",
        "0",
        "VG-002 (Expired)",
        "",
    ]
    assert totals == ["Total", "1 of 2 key products traced", "", "No", "", "2", "2", "1", "", ""]


def test_the_csv_speaks_the_language_in_force(app, evidence):
    with force_locale("vi"):
        header = parsed(commune_csv(evidence))[0]
    # Until the catalogue has these words they fall back to English; then they are Vietnamese.
    assert len(header) == 10


def test_the_province_csv_has_a_row_per_commune_and_totals(english, evidence, session):
    text = province_csv(province_overview(session, CAN_THO, TODAY))
    header, *rows, totals = parsed(text)
    assert header == [
        "Commune code",
        "Commune",
        "Key products",
        "Traced",
        "Share traced (%)",
        "Meets indicator 13.4",
    ]
    assert ["31528", "Xã Kế Sách", "2", "1", "50", "No"] in rows
    assert totals[2:5] == ["2", "1", "50"]


def test_the_evidence_as_data(english, evidence):
    data = commune_evidence_data(evidence)
    assert data["commune"] == {
        "code": KE_SACH,
        "name": "Xã Kế Sách",
        "province_code": CAN_THO,
        "province_name": "Thành phố Cần Thơ",
    }
    assert (data["as_of"], data["key_products"], data["traced"], data["share"]) == (
        "2026-11-24",
        2,
        1,
        0.5,
    )
    assert data["rule"].startswith("A key product is traced when")
    [pomelo] = [row for row in data["products"] if row["product_name"] == "Bưởi năm roi"]
    assert pomelo["missing"] == ["no_batch", "certificate_expired"]
    assert pomelo["certificates"] == [
        {
            "number": "VG-002",
            "scheme": "vietgap",
            "status_today": "expired",
            "valid_to": "2025-12-31",
        }
    ]


@pytest.mark.parametrize("value", ["=1+1", "+84", "-3", "@SUM(A1)", "\tx"])
def test_formula_cells_are_written_as_text(value):
    assert spreadsheet_safe(value) == f"'{value}"
    assert spreadsheet_safe("Gạo") == "Gạo"


def pdf_text(data, folder):
    path = folder / "report.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, timeout=60
    )
    return done.stdout.decode("utf-8")


def test_the_pdf_names_the_commune_and_every_product(english, evidence, tmp_path):
    text = pdf_text(render_commune_pdf(evidence), tmp_path)
    assert "Xã Kế Sách" in text
    assert "31528" in text
    for product in evidence.products:
        assert product.product_name in text
        assert product.cooperative_name in text
    assert "A certificate is expired or revoked: VG-002" in text
    assert "1 of 2 key products traced" in text
    assert "Totals" in text


def test_the_pdf_qr_codes_open_the_latest_public_pages(english, evidence, tmp_path):
    data = render_commune_pdf(evidence)
    urls = [product.latest_code_url for product in evidence.products if product.latest_code_url]
    assert len(urls) == 1
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-gray", "-png", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    found = []
    for page in sorted(tmp_path.glob("page-*.png")):
        found += qr_texts_in_image(page.read_bytes())
    assert found == urls


def test_a_long_report_goes_on_over_pages(english, session, issuing_key, tmp_path):
    cooperative = make_cooperative(session, commune_code=KE_SACH)
    names = [f"Sản phẩm chủ lực số {number:02d}" for number in range(14)]
    for name in names:
        product = make_product(session, cooperative, name=name, is_key_product=True)
        issue_code(session, issuing_key, make_batch(session, product), RECENTLY)
    evidence = commune_evidence(session, KE_SACH, TODAY)
    data = render_commune_pdf(evidence)
    text = pdf_text(data, tmp_path)
    assert all(name in text for name in names)
    assert text.count("\f") >= 2  # pdftotext ends each page with a form feed
    pdf = tmp_path / "report.pdf"
    subprocess.run(
        ["pdftoppm", "-r", "200", "-gray", "-png", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    found = []
    for page in sorted(tmp_path.glob("page-*.png")):
        found += qr_texts_in_image(page.read_bytes())
    assert sorted(found) == sorted(product.latest_code_url for product in evidence.products)


def test_the_pdf_of_a_commune_without_key_products_says_so(english, session, tmp_path):
    text = pdf_text(render_commune_pdf(commune_evidence(session, KE_SACH, TODAY)), tmp_path)
    assert "no key product" in text
