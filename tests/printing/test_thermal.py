"""TSPL and ZPL through the print page, the API and the ``labels`` command: one job for the
run, every issued code decoded back, sheet layouts and other resolutions refused clearly."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from labels import LAYOUTS
from tests.api.registry_helpers import caller
from tests.api.registry_helpers import field_errors as api_field_errors
from tests.labels.thermal import parse_tspl, qr_texts, render_zpl, zpl_copies
from tests.printing.test_views import form, post, units
from tests.registry.test_views_common import field_errors, sign_in, text_of
from trace.batches.models import LabelCode
from trace.batches.services import codes
from trace.errors import InvalidInput
from trace.printing.options import read_options

URL = "/api/v1/batches/{}/labels"
ROLL = LAYOUTS["roll-50x30"]


def issued(session):
    session.expire_all()
    query = select(LabelCode.text).where(LabelCode.serial.is_not(None)).order_by(LabelCode.id)
    return list(session.scalars(query))


def zpl_texts(data, dpi, layout=ROLL):
    images = render_zpl(data, layout.label_width_mm, layout.label_height_mm, dpi)
    return [text for image in images for text in qr_texts(image)]


def tspl_texts(data):
    return [text for label in parse_tspl(data).labels for text in qr_texts(label.image)]


def test_thermal_options_default_to_203_dpi_and_refuse_sheets_and_other_resolutions():
    assert read_options({"format": "zpl", "layout": "roll-40x25"}).dpi == 203
    assert read_options({"format": "tspl", "layout": "roll-50x30", "dpi": "300"}).dpi == 300
    assert read_options({"format": "png"}).dpi == 300
    with pytest.raises(InvalidInput) as refused:
        read_options({"format": "tspl", "layout": "a4-3x8", "dpi": "250"})
    assert set(refused.value.errors) == {"format", "dpi"}
    assert "roll" in refused.value.errors["format"][0]
    custom_roll = {"layout": "custom", "width_mm": "60", "height_mm": "40", "format": "zpl"}
    assert read_options(custom_roll).layout.per_page == 1


@pytest.mark.parametrize("dpi", ["203", "300"])
def test_the_print_page_downloads_a_serialised_zpl_job(client, session, tenants, batch, dpi):
    sign_in(client, tenants.staff_a)
    response = post(
        client,
        batch,
        form(action="download", layout="roll-50x30", count="3", serialised="y", output="zpl")
        | {"dpi": dpi},
    )
    assert response.status_code == 200
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].endswith(f"{batch.code}-serial.zpl")
    data = response.get_data()
    assert zpl_copies(data) == [1, 1, 1]
    assert zpl_texts(data, int(dpi)) == issued(session)
    assert units(session) == 3


def test_the_print_page_offers_the_printer_languages_and_refuses_a_sheet(
    client, session, tenants, batch
):
    sign_in(client, tenants.staff_a)
    page = text_of(client.get(f"/batches/{batch.id}/labels?lang=en"))
    assert "ZPL job for a Zebra thermal printer" in page
    assert "203 dpi (8 dots/mm)" in page
    response = post(
        client, batch, form(action="download", layout="a4-3x8", serialised="y", output="tspl")
    )
    assert response.status_code == 422
    assert "TSPL và ZPL" in field_errors(response, "output")
    assert units(session) == 0


def test_the_print_page_downloads_batch_copies_as_one_tspl_label(client, session, tenants, batch):
    sign_in(client, tenants.staff_a)
    response = post(
        client,
        batch,
        form(action="download", layout="roll-40x25", count="12", output="tspl") | {"dpi": "300"},
    )
    assert response.status_code == 200
    job = parse_tspl(response.get_data())
    assert job.size_mm == (40, 25)
    assert [label.copies for label in job.labels] == [12]
    code = codes.batch_code(session, tenants.staff_a, batch.id).text
    assert tspl_texts(response.get_data()) == [code]
    assert units(session) == 0


@pytest.mark.parametrize("dpi", [203, 300])
def test_the_api_answers_tspl_and_zpl_jobs(client, session, tenants, batch, dpi):
    api = caller(client, session, tenants.staff_a)
    args = {"layout": "roll-50x30", "count": 2, "serialised": "true", "dpi": dpi}
    zpl = api.get(URL.format(batch.id), format="zpl", **args)
    assert zpl.status_code == 200
    assert zpl.mimetype == "application/octet-stream"
    assert zpl_texts(zpl.get_data(), dpi) == issued(session)
    tspl = api.get(URL.format(batch.id), format="tspl", **args)
    assert tspl.status_code == 200
    assert tspl_texts(tspl.get_data()) == issued(session)[2:]
    assert len(issued(session)) == 4


def test_the_api_refuses_a_sheet_or_a_resolution_a_printer_has_not(client, session, tenants, batch):
    api = caller(client, session, tenants.staff_a)
    sheet = api.get(URL.format(batch.id), format="zpl", layout="a4-4x10", serialised="true")
    assert "format" in api_field_errors(sheet)
    odd = api.get(URL.format(batch.id), format="tspl", layout="roll-50x30", dpi=600)
    assert "dpi" in api_field_errors(odd)
    assert units(session) == 0


def test_the_labels_command_writes_tspl_and_zpl(runner, session, batch, tmp_path):
    out = tmp_path / "tem.zpl"
    result = runner.invoke(
        args=[
            "labels",
            batch.code,
            "--layout",
            "roll-40x25",
            "--count",
            "3",
            "--serialised",
            "--dpi",
            "300",
            "--out",
            str(out),
            "--json",
        ]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["pages"] == 3
    assert zpl_texts(out.read_bytes(), 300, LAYOUTS["roll-40x25"]) == issued(session)
    tspl = tmp_path / "tem.tspl"
    args = ["labels", batch.code, "--layout", "roll-50x30", "--count", "7", "--out", str(tspl)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert [label.copies for label in parse_tspl(tspl.read_bytes()).labels] == [7]
    sheet = runner.invoke(args=["labels", batch.code, "--out", str(tmp_path / "sheet.zpl")])
    assert sheet.exit_code == 1
    assert "TSPL và ZPL dành cho máy in tem nhiệt" in sheet.output
    assert not (tmp_path / "sheet.zpl").exists()
