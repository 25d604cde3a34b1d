"""Importing batches from spreadsheets: good files, every bad cell, all or nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select, text

from tests.batches.import_helpers import (
    GTIN,
    csv_bytes,
    days_ago,
    dmy,
    good_row,
    make_catalogue,
    xlsx_bytes,
)
from tests.code_checks import check_code
from tests.conftest import TEST_KEY_PASSPHRASE, base_config, migrate_to_head
from tests.factories import make_batch, make_cooperative, make_farming_area, make_product
from trace import create_app
from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.batches.models import Batch, LabelCode, batch_farming_areas
from trace.batches.services.importing import import_batches
from trace.batches.services.importing.checks import ImportRefused, Phase
from trace.common.spreadsheets import MAX_ROWS, read_table
from trace.config import PROJECT_ROOT
from trace.db import db, make_engine, utcnow
from trace.errors import AccessDenied, InvalidInput, NotFound
from trace.signing import services as keys
from trace.signing.codes import Verdict
from trace.signing.services import key_set


def count(session, model=Batch):
    return session.scalar(select(func.count()).select_from(model))


def batch_audits(session):
    """The audit records of batches (the tenants fixture's issuing key has one too)."""
    query = select(AuditRecord).where(AuditRecord.subject == AuditSubject.BATCH)
    return session.scalars(query.order_by(AuditRecord.id)).all()


def run_import(session, user, data, filename="lo-hang.csv", **kwargs):
    with force_locale("en"):
        return import_batches(session, user, data, filename, **kwargs)


def problems_of(session, user, data, filename="lo-hang.csv"):
    """The (row, column, reason) of every problem, checking that nothing was stored."""
    before = count(session)
    with pytest.raises(ImportRefused) as refused:
        run_import(session, user, data, filename)
    assert count(session) == before
    return [(p.row, p.column, p.reason) for p in refused.value.problems]


def file_error(session, user, data, filename="lo-hang.csv"):
    with pytest.raises(InvalidInput) as refused:
        run_import(session, user, data, filename)
    assert not isinstance(refused.value, ImportRefused)
    return " ".join(refused.value.errors["file"])


def test_a_csv_file_imports_every_row_with_areas_lots_expiry_audit_and_codes(app, session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a, gtin="0" + GTIN)
    two_areas = f"{catalogue.area.code}; {catalogue.other_area.code.lower()}"
    data = csv_bytes(
        [
            good_row(catalogue, lot="ST25-A1", farming_areas=two_areas, unit="kg"),
            good_row(catalogue, product=GTIN, quantity="2.000,25", expires_on=dmy(days_ago(-30))),
        ]
    )
    result = run_import(session, tenants.staff_a, data)
    assert (result.count, result.cooperative) == (2, tenants.cooperative_a)
    first, second = session.scalars(select(Batch).order_by(Batch.id)).all()
    prefix = tenants.cooperative_a.code_prefix
    assert (first.lot, first.code) == ("ST25-A1", f"{prefix}-ST25-A1")
    assert {area.id for area in first.farming_areas} == {catalogue.area.id, catalogue.other_area.id}
    assert (first.quantity, first.unit) == (Decimal("1250.5"), "kg")
    assert first.expires_on == days_ago(3) + timedelta(days=365)
    assert first.harvested_on == days_ago(5)
    assert second.product == catalogue.product
    assert (second.quantity, second.unit) == (Decimal("2000.25"), "túi")
    assert second.expires_on == days_ago(-30)
    assert second.lot == f"ST25-{days_ago(5):%y%m%d}-01"
    records = batch_audits(session)
    assert [record.batch_id for record in records] == [first.id, second.id]
    assert {record.action for record in records} == {AuditAction.IMPORTED}
    assert records[0].actor == tenants.staff_a.email
    assert records[0].changes["lot"] == [None, "ST25-A1"]
    assert records[0].changes["quantity"] == [None, "1250.5"]
    assert records[0].changes["farming_areas"] == [
        None,
        sorted([catalogue.area.code, catalogue.other_area.code]),
    ]
    base = app.config["TRACE_PUBLIC_BASE_URL"]
    first_code, second_code = session.scalars(select(LabelCode).order_by(LabelCode.id)).all()
    assert (first_code.batch, second_code.batch) == (first, second)
    assert first_code.text.startswith(f"{base}/01/0{GTIN}/10/ST25-A1?17=")
    expiry = f"{second.expires_on:%y%m%d}"
    assert second_code.text.startswith(f"{base}/01/0{GTIN}/10/{second.lot}?17={expiry}&k=")
    jwks = key_set(session)
    verdicts = [check_code(code.text, jwks) for code in (first_code, second_code)]
    assert verdicts == [Verdict.VALID, Verdict.VALID]


def test_an_xlsx_file_with_real_dates_and_numbers_imports(session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a, gtin="0" + GTIN)
    harvested = datetime.combine(days_ago(4), datetime.min.time())
    data = xlsx_bytes(
        [
            ["st25", catalogue.area.code, "X-1", harvested, days_ago(2), None, 980.5, "bao"],
            [int(GTIN), catalogue.area.code, None, f"{days_ago(4):%Y-%m-%d}", None, None, 12, None],
        ]
    )
    assert run_import(session, tenants.staff_a, data, "lo-hang.xlsx").count == 2
    first, second = session.scalars(select(Batch).order_by(Batch.id)).all()
    assert (first.lot, first.harvested_on, first.packed_on) == ("X-1", days_ago(4), days_ago(2))
    assert (first.quantity, first.unit) == (Decimal("980.5"), "bao")
    assert (second.harvested_on, second.quantity) == (days_ago(4), Decimal(12))
    assert second.expires_on == days_ago(4) + timedelta(days=365)


def test_a_formula_without_a_saved_value_is_a_row_error_naming_its_cell(session, tenants):
    """openpyxl and some exporters save formulas uncomputed: the quantity is not lost silently."""
    catalogue = make_catalogue(session, tenants.cooperative_a)
    data = xlsx_bytes(
        [
            good_row(catalogue, quantity=12),
            good_row(catalogue, quantity="=G2*2"),
        ]
    )
    [problem] = problems_of(session, tenants.staff_a, data, "lo-hang.xlsx")
    assert problem == (
        3,
        "Số lượng",
        "Cell G3 holds a formula without a computed value: open the file in "
        "Excel, save it, then import it again, or type the value itself.",
    )


@pytest.mark.parametrize(
    "headers",
    [
        [
            "ma san pham",
            "MA VUNG TRONG",
            "so lo",
            "ngay thu hoach",
            "Ngay dong goi",
            "han su dung",
            "so luong",
            "don vi",
        ],
        [
            "Product code",
            "Farming areas",
            "Lot",
            "Harvest date",
            "Packing date",
            "Expiry date",
            "Quantity",
            "Unit",
        ],
        [
            " Mã sản phẩm * ",
            "Mã vùng trồng (cách nhau bằng ;)",
            "Số lô",
            "Ngày thu hoạch",
            "Ngày đóng gói",
            "Hạn sử dụng",
            "Số lượng",
            "Đơn vị",
        ],
    ],
)
def test_headers_without_accents_in_any_case_or_in_english_are_understood(
    session, tenants, headers
):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    data = csv_bytes([good_row(catalogue)], headers=headers)
    assert run_import(session, tenants.staff_a, data).count == 1


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out(session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    data = csv_bytes([[catalogue.area.code, "ST25"]], headers=["Mã vùng trồng", "Mã sản phẩm"])
    assert run_import(session, tenants.staff_a, data).count == 1
    batch = session.scalars(select(Batch)).one()
    assert (batch.harvested_on, batch.quantity, batch.unit) == (None, None, "túi")


def test_semicolons_utf8_without_bom_and_excel_windows_text_are_read(session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    semicolons = csv_bytes([good_row(catalogue, lot="A")], delimiter=";", bom=False)
    assert run_import(session, tenants.staff_a, semicolons).count == 1
    windows = csv_bytes([good_row(catalogue, lot="B", unit="túi")], encoding="cp1258")
    assert run_import(session, tenants.staff_a, windows).count == 1
    excel_hint = b"sep=;\r\n" + csv_bytes([good_row(catalogue, lot="C")], delimiter=";", bom=False)
    assert run_import(session, tenants.staff_a, excel_hint).count == 1
    assert session.scalar(select(Batch.unit).where(Batch.lot == "B")) == "túi"


def test_generated_lots_follow_existing_ones_and_lots_given_in_the_file(session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    stem = f"ST25-{days_ago(5):%y%m%d}"
    make_batch(session, catalogue.product, lot=f"{stem}-01")
    data = csv_bytes(
        [
            good_row(catalogue),
            good_row(catalogue, lot=f"{stem}-02"),
            good_row(catalogue),
            good_row(catalogue, harvested_on="", packed_on=""),
        ]
    )
    run_import(session, tenants.staff_a, data)
    lots = session.scalars(select(Batch.lot).order_by(Batch.id)).all()
    today = f"ST25-{days_ago(0):%y%m%d}-01"
    assert lots == [f"{stem}-01", f"{stem}-03", f"{stem}-02", f"{stem}-04", today]


def test_a_lot_given_twice_in_the_file_is_refused_naming_the_first_row(session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    data = csv_bytes([good_row(catalogue, lot="L-1"), good_row(catalogue, lot="L-1")])
    assert problems_of(session, tenants.staff_a, data) == [
        (3, "Số lô", "The same lot is on row 2.")
    ]


def test_one_bad_row_among_a_thousand_imports_nothing_and_is_named(session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    rows = [good_row(catalogue, lot=f"L{number:04d}") for number in range(1000)]
    rows[736][6] = "mười"
    seen = []
    with pytest.raises(ImportRefused) as refused, force_locale("en"):
        import_batches(
            session,
            tenants.staff_a,
            csv_bytes(rows),
            "lo-hang.csv",
            on_progress=lambda phase, done, total: seen.append((phase, done, total)),
        )
    problems = [(p.row, p.column, p.reason) for p in refused.value.problems]
    assert problems == [(738, "Số lượng", "Enter an amount greater than 0.")]
    with force_locale("en"):
        assert str(refused.value.message) == "1 row needs correcting; nothing was imported."
    assert count(session) == 0
    assert batch_audits(session) == []
    assert count(session, LabelCode) == 0
    assert seen[-1] == (Phase.CHECKING, 1000, 1000)


FUTURE = dmy(days_ago(-2))


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"product": ""}, "Mã sản phẩm", "Enter the product's code or its GTIN."),
        ({"product": "ST26"}, "Mã sản phẩm", "Your cooperative has no product with this code"),
        ({"product": "8934588012229"}, "Mã sản phẩm", "no product with this code or GTIN"),
        ({"farming_areas": " ; "}, "Mã vùng trồng", "Choose at least one farming area."),
        ({"farming_areas": "VN-XX-1;VN-XX-2"}, "Mã vùng trồng", "the code VN-XX-1, VN-XX-2"),
        ({"lot": "LÔ 1"}, "Số lô", "Use at most 20 letters"),
        ({"lot": "L" * 21}, "Số lô", "Use at most 20 letters"),
        ({"harvested_on": "31/02/2026"}, "Ngày thu hoạch", "Enter a date as dd/mm/yyyy."),
        ({"harvested_on": "hôm qua"}, "Ngày thu hoạch", "Enter a date as dd/mm/yyyy."),
        ({"harvested_on": FUTURE, "packed_on": ""}, "Ngày thu hoạch", "is in the future."),
        ({"packed_on": dmy(days_ago(9))}, "Ngày đóng gói", "Packing cannot come before"),
        ({"expires_on": dmy(days_ago(4))}, "Hạn sử dụng", "The expiry must come after"),
        ({"quantity": "0"}, "Số lượng", "Enter an amount greater than 0."),
        ({"quantity": "-5"}, "Số lượng", "Enter an amount greater than 0."),
        ({"quantity": "1,2345"}, "Số lượng", "Use at most three decimals."),
        ({"quantity": "1e12"}, "Số lượng", "Enter an amount greater than 0."),
        ({"unit": "u" * 31}, "Đơn vị", "Use at most 30 characters."),
        ({"unit": "kg\x07"}, "Đơn vị", "Remove the characters that are not text."),
    ],
)
def test_every_kind_of_bad_cell_is_named_with_its_row_and_column(
    session, tenants, changes, column, reason
):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    data = csv_bytes([good_row(catalogue, lot="OK-1"), good_row(catalogue, **changes)])
    problems = problems_of(session, tenants.staff_a, data)
    assert [(row, col) for row, col, _ in problems] == [(3, column)]
    assert reason in problems[0][2]


def test_every_problem_of_every_row_is_reported_at_once(session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    make_batch(session, catalogue.product, lot="TAKEN")
    data = csv_bytes(
        [
            good_row(catalogue, product="NOPE", quantity="abc"),
            good_row(catalogue),
            good_row(catalogue, lot="TAKEN", farming_areas="", unit="u" * 40),
        ]
    )
    problems = problems_of(session, tenants.staff_a, data)
    assert [(row, column) for row, column, _ in problems] == [
        (2, "Mã sản phẩm"),
        (2, "Số lượng"),
        (4, "Mã vùng trồng"),
        (4, "Đơn vị"),
        (4, "Số lô"),
    ]
    assert "already has a batch with this lot" in problems[-1][2]


def test_another_tenants_product_and_area_codes_are_refused(session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    make_product(session, tenants.cooperative_b, code="ST26")
    area_b = make_farming_area(session, tenants.cooperative_b)
    data = csv_bytes([good_row(catalogue, product="ST26", farming_areas=area_b.code)])
    assert [column for _, column, _ in problems_of(session, tenants.staff_a, data)] == [
        "Mã sản phẩm",
        "Mã vùng trồng",
    ]
    # The other cooperative's staff import the same codes into their own cooperative only.
    assert run_import(session, tenants.staff_b, data).cooperative == tenants.cooperative_b


def test_archived_products_and_areas_are_refused(session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    catalogue.product.archived_at = utcnow()
    catalogue.area.archived_at = utcnow()
    data = csv_bytes([good_row(catalogue)])
    assert len(problems_of(session, tenants.staff_a, data)) == 2


def test_staff_import_into_their_own_cooperative_whatever_they_ask(session, tenants):
    make_catalogue(session, tenants.cooperative_a)
    catalogue_b = make_catalogue(session, tenants.cooperative_b)
    data = csv_bytes([good_row(catalogue_b)])
    with pytest.raises(NotFound):
        run_import(session, tenants.staff_a, data, cooperative_id=tenants.cooperative_b.id)
    with pytest.raises(AccessDenied):
        run_import(session, tenants.inspector, data, cooperative_id=tenants.cooperative_b.id)
    result = run_import(session, tenants.operator, data, cooperative_id=tenants.cooperative_b.id)
    assert result.cooperative == tenants.cooperative_b
    with pytest.raises(InvalidInput) as refused:
        run_import(session, tenants.operator, data)
    assert set(refused.value.errors) == {"cooperative_id"}


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "lo-hang.csv", "The file is empty."),
        (b"\xef\xbb\xbf\r\n\r\n", "lo-hang.csv", "no rows to import"),
        ("Mã sản phẩm,Mã vùng trồng\r\n".encode(), "lo-hang.csv", "no rows to import"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "lo-hang.xls", "Old Excel files"),
        (b"PK\x03\x04not really a zip", "lo-hang.xlsx", "not a valid XLSX"),
        (b"Ma san pham,Ma vung trong\nST25,A", "lo-hang.ods", "Choose a CSV or XLSX file."),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "lo-hang.csv", "could not be read"),
        (b'Ma san pham,Ma vung trong\n"ST25,A\n', "lo-hang.csv", "check its quotes"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_reason(
    session, tenants, data, filename, message
):
    assert message in file_error(session, tenants.staff_a, data, filename)


def test_missing_unknown_and_repeated_columns_are_named(session, tenants):
    data = csv_bytes([["ST25", "A", "x", "y"]], headers=["Mã sản phẩm", "Màu", "Số lô", "Lot"])
    message = file_error(session, tenants.staff_a, data)
    assert "Add the column(s): Mã vùng trồng." in message
    assert "Unknown column(s): Màu." in message
    assert "Column(s) given twice: Lot." in message
    assert "The columns are: Mã sản phẩm, Mã vùng trồng, Số lô" in message


def test_too_large_files_and_too_many_rows_are_refused(session, tenants):
    rows = b"ST25,VN-1\r\n" * (MAX_ROWS + 1)
    data = "Mã sản phẩm,Mã vùng trồng\r\n".encode() + rows
    assert "more than 100.000 rows" in file_error(session, tenants.staff_a, data)
    assert "larger than 20 MB" in file_error(session, tenants.staff_a, data * 20)


def test_the_template_files_read_back_with_every_column():
    from trace.batches.services.importing.template import (
        HEADERS,
        example_row,
        template_csv,
        template_xlsx,
    )

    example = example_row()
    for data, filename in ((template_csv(example), "a.csv"), (template_xlsx(example), "a.xlsx")):
        sheet = read_table(data, filename)
        assert sheet.headers == HEADERS
        assert len(sheet.rows) == 1
        assert sheet.rows[0][0] == 2


def test_killing_an_import_midway_leaves_no_batch(tmp_path):
    """A real crash: the command is killed while it inserts, and nothing was committed."""
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    migrate_to_head(url)
    app = create_app(base_config(url))
    with app.app_context():
        keys.create_key(db.session, TEST_KEY_PASSPHRASE.encode())
        cooperative = make_cooperative(db.session)
        catalogue = make_catalogue(db.session, cooperative)
        tax_code = cooperative.tax_code
        rows = [good_row(catalogue, lot=f"K{number:06d}") for number in range(60_000)]
        db.session.commit()
        db.engine.dispose()
    spreadsheet = tmp_path / "lo-hang.csv"
    spreadsheet.write_bytes(csv_bytes(rows))
    environment = {
        **os.environ,
        "TRACE_DATABASE_URL": url,
        "TRACE_SECRET_KEY": "crash-test",
        "TRACE_KEY_PASSPHRASE": TEST_KEY_PASSPHRASE,
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "trace",
        "import",
        str(spreadsheet),
        "--cooperative",
        tax_code,
    ]
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The saving bar starts once the first rows are inserted (uncommitted).
        lines = []
        for line in process.stderr:
            lines.append(line)
            if "Đang nhập các lô hàng" in line:
                break
        assert any("Đang nhập các lô hàng" in line for line in lines), lines
        time.sleep(0.3)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        for table in (Batch.__table__, batch_farming_areas, LabelCode.__table__):
            assert connection.execute(select(func.count()).select_from(table)).scalar() == 0
        batch_records = select(func.count()).where(AuditRecord.subject == AuditSubject.BATCH)
        assert connection.execute(batch_records).scalar() == 0
    engine.dispose()
