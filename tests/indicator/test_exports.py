"""The evidence as files: the CSV parses with its rows and totals; the PDF reads and scans."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from tests.factories import (
    make_batch,
    make_certificate,
    make_cooperative,
    make_product,
    make_user,
)
from tests.indicator.conftest import (
    CAN_THO,
    KE_SACH,
    RECENTLY,
    TODAY,
    complete_batch,
    issue_code,
    scan,
)
from tests.printing.conftest import qr_texts_in_image
from trace.auth.models import Role
from trace.common.excel_csv import spreadsheet_safe
from trace.indicator.exports import commune_csv, commune_evidence_data, province_csv
from trace.indicator.pdf import render_commune_pdf
from trace.indicator.services import RULE, commune_evidence, province_overview
from trace.inspections.models import Inspection, InspectionOutcome


@pytest.fixture
def english(app):
    with force_locale("en"):
        yield


@pytest.fixture
def evidence(session, issuing_key):
    """Two cooperatives of Kế Sách: rice traced by a complete batch, pomelo with only an
    incomplete batch and a lapsed paper."""
    first = make_cooperative(session, commune_code=KE_SACH, name="HTX Lúa gạo Kế Sách")
    second = make_cooperative(session, commune_code=KE_SACH, name="=HTX Trái cây Phong Nẫm")
    rice = make_product(session, first, name="Gạo ST25", is_key_product=True, ocop_stars=4)
    make_certificate(session, first, products=[rice], number="VG-001")
    code = complete_batch(session, issuing_key, rice)
    unfinished = make_batch(session, rice, harvested_on=date(2026, 10, 10))
    issue_code(session, issuing_key, unfinished, RECENTLY, unit=True)
    scan(session, code)
    inspect(session, make_user(session, Role.INSPECTOR), code.batch)
    pomelo = make_product(session, second, name="Bưởi năm roi", is_key_product=True)
    make_certificate(
        session,
        second,
        products=[pomelo],
        number="VG-002",
        valid_from=date(2024, 1, 1),
        valid_to=date(2025, 12, 31),
    )
    make_batch(session, pomelo, lot="BNR-01", harvested_on=date(2026, 10, 15))
    return commune_evidence(session, KE_SACH, TODAY)


def inspect(session, inspector, batch):
    session.add(
        Inspection(
            inspector_id=inspector.id,
            batch_id=batch.id,
            cooperative_id=batch.cooperative_id,
            inspected_at=datetime(2026, 11, 2, 3, tzinfo=UTC),
            place="Chợ Kế Sách",
            outcome=InspectionOutcome.CONFORMING,
        )
    )
    session.flush()


def parsed(text):
    """The header, the product rows, the totals row, and the lines under it."""
    assert text.startswith("\ufeff")
    header, *lines = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    blank = lines.index([])
    return header, lines[: blank - 1], lines[blank - 1], lines[blank + 1 :]


POMELO_MISSING = (
    "Batch {code} lacks: Product image; Producer address; Production stages (a harvest or "
    "processing step recorded); Traceability code (labels issued); Shelf life (expiry date); "
    "Standards applied (a certificate valid on the batch's day)"
)


def pomelo_batch_code(evidence):
    [pomelo] = [row for row in evidence.products if row.product_name == "Bưởi năm roi"]
    return pomelo.best_batch_code


def test_the_commune_csv_has_a_row_per_product_totals_and_the_rule(english, evidence):
    header, rows, totals, footer = parsed(commune_csv(evidence))
    by_product = {row[1]: row for row in rows}
    rice, pomelo = by_product["Gạo ST25"], by_product["Bưởi năm roi"]
    assert header == [
        "Cooperative",
        "Product",
        "OCOP stars",
        "Traced",
        "What is missing",
        "Batches",
        "Complete batches",
        "Labels issued",
        "Consumer scans",
        "Inspections",
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
        "1",
        "2",
        "1",
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
        POMELO_MISSING.format(code=pomelo_batch_code(evidence)),
        "1",
        "0",
        "0",
        "0",
        "0",
        "VG-002 (Expired)",
        "",
    ]
    assert totals == [
        "Total",
        "1 of 2 key products traced",
        "",
        "No",
        "",
        "3",
        "1",
        "2",
        "1",
        "1",
        "",
        "",
    ]
    assert footer == [
        [f"The rule: {RULE_EN}"],
        ["Period: 24/11/2025 to 24/11/2026"],
    ]


RULE_EN = str(RULE)  # no locale forced at import: the msgid itself, in English


def test_the_csv_speaks_vietnamese_with_the_rule(app, evidence):
    with force_locale("vi"):
        header, rows, totals, footer = parsed(commune_csv(evidence))
    assert header[:6] == [
        "Hợp tác xã",
        "Sản phẩm",
        "Số sao OCOP",
        "Đã truy xuất",
        "Còn thiếu",
        "Lô hàng",
    ]
    assert header[6] == "Lô hàng đầy đủ thông tin"
    assert header[9] == "Các đợt kiểm tra"
    by_product = {row[1]: row for row in rows}
    code = pomelo_batch_code(evidence)
    assert by_product["Bưởi năm roi"][4].startswith(f"Lô {code} còn thiếu: Ảnh sản phẩm; ")
    assert footer[0][0].startswith("Quy tắc đánh giá: Một sản phẩm chủ lực được coi là đã truy")
    assert "Thông tư 02/2024/TT-BKHCN" in footer[0][0]
    assert footer[1] == ["Kỳ đánh giá: từ 24/11/2025 đến 24/11/2026"]
    assert totals[0] == "Tổng cộng"


def test_the_province_csv_has_a_row_per_commune_and_totals(english, evidence, session):
    text = province_csv(province_overview(session, CAN_THO, TODAY))
    header, rows, totals, footer = parsed(text)
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
    assert footer == [[f"The rule: {RULE_EN}"], ["Period: 24/11/2025 to 24/11/2026"]]


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
    assert data["period"] == {"from": "2025-11-24", "to": "2026-11-24"}
    assert (data["batches"], data["complete_batches"], data["inspections"]) == (3, 1, 1)
    assert data["rule"].startswith("A key product is traced when")
    [pomelo] = [row for row in data["products"] if row["product_name"] == "Bưởi năm roi"]
    assert pomelo["best_batch_code"] == pomelo_batch_code(evidence)
    assert pomelo["missing"] == [
        "product_image",
        "producer_address",
        "production_step",
        "traceability_code",
        "shelf_life",
        "standards",
    ]
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


def signature_block(data, folder):
    """The last two lines of the PDF as laid out: the signers side by side, then under each
    what to write."""
    lines = [line.split("  ") for line in pdf_text(data, folder).splitlines() if line.strip()]
    return [[cell.strip() for cell in line if cell.strip()] for line in lines[-2:]]


def test_the_pdf_names_the_commune_every_product_and_what_is_missing(english, evidence, tmp_path):
    text = " ".join(pdf_text(render_commune_pdf(evidence), tmp_path).split())
    assert "Xã Kế Sách" in text
    assert "31528" in text
    for product in evidence.products:
        assert product.product_name in text
        assert product.cooperative_name in text
    assert POMELO_MISSING.format(code=pomelo_batch_code(evidence)) in text
    assert "The commune does not meet indicator 13.4 yet. 1 of 2 key products traced" in text
    assert "Consumer scans: 1 · Inspections: 1" in text
    assert "Totals" in text
    assert "The rule: A key product is traced when, in the 12 months" in text
    assert "Period: 24/11/2025 to 24/11/2026" in text
    assert signature_block(render_commune_pdf(evidence), tmp_path) == [
        ["Prepared by", "Certified by the commune's People's Committee"],
        ["(Signature and full name)", "(Signature, full name and seal)"],
    ]


def test_the_pdf_in_vietnamese_has_no_english_sentence(app, evidence, tmp_path):
    with force_locale("vi"):
        text = " ".join(pdf_text(render_commune_pdf(evidence), tmp_path).split())
    with force_locale("vi"):
        assert signature_block(render_commune_pdf(evidence), tmp_path) == [
            ["Người lập", "Xác nhận của Ủy ban nhân dân xã"],
            ["(Ký, ghi rõ họ tên)", "(Ký, ghi rõ họ tên và đóng dấu)"],
        ]
    assert "Xã chưa đạt chỉ tiêu 13.4. 1 trên 2 sản phẩm chủ lực" in text
    assert "Quy tắc đánh giá: Một sản phẩm chủ lực được coi là đã truy xuất" in text
    assert "Kỳ đánh giá: từ 24/11/2025 đến 24/11/2026" in text
    code = pomelo_batch_code(evidence)
    assert f"Lô {code} còn thiếu: Ảnh sản phẩm; Địa chỉ cơ sở sản xuất" in text
    assert "Lượt quét của người tiêu dùng: 1 · Đợt kiểm tra: 1" in text
    for english_words in ("The commune", "The rule", "Batch ", "Prepared by", "Totals", "lacks"):
        assert english_words not in text


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
        complete_batch(session, issuing_key, product)
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
