"""The import page, its templates, and ``flask --app trace import``."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from tests.batches.import_helpers import csv_bytes, good_row, make_catalogue, xlsx_bytes
from tests.conftest import csrf_token_from, log_in
from trace.audit.models import AuditRecord
from trace.batches.models import Batch, LabelCode
from trace.batches.services.importing.template import HEADERS
from trace.common.spreadsheets import read_table

PAGE = "/batches/import?lang=en"


def count(session, model=Batch):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def upload(client, data, filename="lo-hang.csv", **fields):
    page = client.get(PAGE).get_data(as_text=True)
    form = {"csrf_token": csrf_token_from(page), "file": (io.BytesIO(data), filename), **fields}
    # Large bodies are spooled to a temporary file that the test client leaves open.
    builder = EnvironBuilder(
        path=PAGE, method="POST", data=form, content_type="multipart/form-data"
    )
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        builder.close()
        environ["wsgi.input"].close()


def test_staff_upload_a_good_file_and_see_the_count(client, session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    log_in(client, tenants.staff_a.email)
    data = csv_bytes([good_row(catalogue), good_row(catalogue)])
    response = upload(client, data)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/batches")
    assert count(session) == 2
    assert count(session, AuditRecord) == 3  # the two batches' and the issuing key's
    assert count(session, LabelCode) == 2
    assert "2 batches imported." in client.get("/batches?lang=en").get_data(as_text=True)


def test_an_xlsx_upload_works_too(client, session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    log_in(client, tenants.staff_a.email)
    response = upload(client, xlsx_bytes([good_row(catalogue)]), "lo-hang.xlsx")
    assert response.status_code == 302
    assert count(session) == 1


def test_a_bad_upload_shows_every_bad_cell_and_imports_nothing(client, session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    log_in(client, tenants.staff_a.email)
    rows = [good_row(catalogue), good_row(catalogue, product="<b>NOPE</b>", quantity="0")]
    response = upload(client, csv_bytes(rows))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "1 row needs correcting; nothing was imported." in page
    assert page.count("Row 3") == 2
    assert "Mã sản phẩm" in page
    assert "Số lượng" in page
    assert "Enter an amount greater than 0." in page
    assert count(session) == 0


def test_an_unreadable_file_is_named_at_the_file_field(client, session, tenants):
    log_in(client, tenants.staff_a.email)
    response = upload(client, b"", "lo-hang.csv")
    assert response.status_code == 422
    assert "The file is empty." in response.get_data(as_text=True)
    page = client.get(PAGE).get_data(as_text=True)
    response = client.post(PAGE, data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 422
    assert "Choose the file to import." in response.get_data(as_text=True)
    response = upload(client, b"%PDF-1.4 not a spreadsheet", "lo-hang.pdf")
    assert response.status_code == 422
    assert "Choose a CSV or XLSX file." in response.get_data(as_text=True)


def test_files_larger_than_other_uploads_reach_the_import(client, session, tenants):
    """Photos stop at a few MB; a spreadsheet up to 20 MB is read (here: a bad header)."""
    log_in(client, tenants.staff_a.email)
    data = b"Colour,Size\r\n" + (b"red," + b"9" * 1000 + b"\r\n") * 7500
    assert len(data) > 7 * 1024 * 1024
    response = upload(client, data)
    assert response.status_code == 422
    assert "Unknown column(s): Colour, Size." in response.get_data(as_text=True)


def test_the_form_needs_its_csrf_token(client, session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    log_in(client, tenants.staff_a.email)
    data = {"file": (io.BytesIO(csv_bytes([good_row(catalogue)])), "lo-hang.csv")}
    response = client.post(PAGE, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert count(session) == 0


@pytest.mark.parametrize("role", ["inspector", "officer_a"])
def test_read_only_roles_may_not_import(client, session, tenants, role):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    log_in(client, tenants.user(role).email)
    assert client.get(PAGE).status_code == 403
    assert client.get("/batches/import/template.csv").status_code == 403
    data = {"file": (io.BytesIO(csv_bytes([good_row(catalogue)])), "lo-hang.csv")}
    assert client.post(PAGE, data=data, content_type="multipart/form-data").status_code in (
        400,
        403,
    )
    assert count(session) == 0


def test_operators_choose_the_cooperative(client, session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_b)
    log_in(client, tenants.operator.email)
    data = csv_bytes([good_row(catalogue)])
    response = upload(client, data)
    assert response.status_code == 422
    assert "Choose the cooperative." in response.get_data(as_text=True)
    response = upload(client, data, cooperative_id=str(tenants.cooperative_b.id))
    assert response.status_code == 302
    assert session.scalars(select(Batch.cooperative_id)).all() == [tenants.cooperative_b.id]


def test_staff_cannot_import_into_another_cooperative(client, session, tenants):
    catalogue_b = make_catalogue(session, tenants.cooperative_b)
    log_in(client, tenants.staff_a.email)
    data = csv_bytes([good_row(catalogue_b)])
    response = upload(client, data, cooperative_id=str(tenants.cooperative_b.id))
    assert response.status_code == 422
    assert count(session) == 0


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_templates_download_parse_back_and_import_as_they_are(
    client, session, tenants, extension
):
    make_catalogue(session, tenants.cooperative_a)
    log_in(client, tenants.staff_a.email)
    page = client.get(PAGE).get_data(as_text=True)
    assert f"/batches/import/template.{extension}" in page
    response = client.get(f"/batches/import/template.{extension}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    if extension == "csv":
        assert data.startswith(b"\xef\xbb\xbf")
    sheet = read_table(data, f"mau.{extension}")
    assert sheet.headers == HEADERS
    product_code, area_code = sheet.rows[0][1][:2]
    assert product_code == "ST25"
    assert area_code in {area.code for area in tenants.cooperative_a.farming_areas}
    assert upload(client, data, f"mau.{extension}").status_code == 302
    assert count(session) == 1


def test_the_xlsx_template_has_a_bold_header_and_a_guide_sheet(client, session, tenants):
    from openpyxl import load_workbook

    log_in(client, tenants.staff_a.email)
    data = client.get("/batches/import/template.xlsx").get_data()
    workbook = load_workbook(io.BytesIO(data))
    sheet, guide = workbook.worksheets
    assert guide.title == "Hướng dẫn"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["B"].width >= 20
    assert [row[0] for row in guide.iter_rows(min_row=2, max_row=9, values_only=True)] == HEADERS


def run_import_command(runner, path, *args):
    return runner.invoke(args=["import", str(path), *args])


def test_the_command_imports_a_file_and_prints_json(runner, session, tenants, tmp_path):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    path = tmp_path / "lo-hang.xlsx"
    path.write_bytes(xlsx_bytes([good_row(catalogue), good_row(catalogue)]))
    tax_code = tenants.cooperative_a.tax_code
    result = run_import_command(runner, path, "--cooperative", tax_code, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"imported": 2, "cooperative": tax_code}
    assert "Đang nhập các lô hàng" in result.stderr
    assert count(session) == 2
    record = session.scalars(select(AuditRecord)).first()
    assert (record.actor, record.user_id) == ("command line", None)


def test_the_command_lists_every_bad_row_then_one_reason(runner, session, tenants, tmp_path):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    path = tmp_path / "lo-hang.csv"
    rows = [good_row(catalogue, quantity="x"), good_row(catalogue), good_row(catalogue, lot="Ô")]
    path.write_bytes(csv_bytes(rows))
    tax_code = tenants.cooperative_a.tax_code
    result = run_import_command(runner, path, "--cooperative", tax_code)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    # The command speaks Vietnamese, the platform's language.
    assert any(line.startswith("Dòng 2, Số lượng:") for line in lines)
    assert any(line.startswith("Dòng 4, Số lô:") for line in lines)
    assert "2 dòng cần sửa; chưa lô hàng nào được nhập." in lines[-1]
    assert count(session) == 0
    as_json = run_import_command(runner, path, "--cooperative", tax_code, "--json")
    problems = json.loads(as_json.stdout)["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(2, "Số lượng"), (4, "Số lô")]


def test_the_command_refuses_an_unknown_cooperative_or_file(runner, session, tenants, tmp_path):
    path = tmp_path / "lo-hang.csv"
    path.write_bytes(b"")
    result = run_import_command(runner, path, "--cooperative", "0000000000")
    assert result.exit_code != 0
    assert "Không có hợp tác xã nào có mã số thuế 0000000000." in result.stderr
    result = run_import_command(runner, path, "--cooperative", tenants.cooperative_a.tax_code)
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines()[-1].startswith("Error:")
    assert runner.invoke(args=["import", "--help"]).exit_code == 0
