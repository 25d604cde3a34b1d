"""A roll's file as PDF, TSPL or ZPL from its page, and what the page tells before printing:
every code of the job decoded back to the stored roll codes, a sheet refused for a thermal
printer, a large roll's job in a printer's language."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from labels import LAYOUTS
from tests.labels.thermal import parse_tspl, qr_texts, render_zpl, zpl_copies
from tests.registry.test_views_common import field_errors, text_of
from tests.rolls.conftest import print_roll, run_roll_job
from tests.rolls.test_views import post_form, signed_in
from trace.jobs.models import Job, JobKind, JobState
from trace.jobs.running import run_job
from trace.jobs.services import create_job
from trace.printing.report import REPORT_HEADER
from trace.rolls import services


def zpl_texts(data, dpi, layout):
    images = render_zpl(data, layout.label_width_mm, layout.label_height_mm, dpi)
    return [text for image in images for text in qr_texts(image)]


def tspl_texts(data):
    return [text for label in parse_tspl(data).labels for text in qr_texts(label.image)]


def small_roll(session, world, count=3):
    roll = print_roll(session, world.tenants.staff_a, f"product:{world.gtin_product.id}", count)
    texts = [code.text for code in services.roll_codes(session, roll)]
    session.commit()
    return roll, texts


def download(client, roll, **choices):
    data = {"action": "download", **choices}
    return post_form(client, f"/rolls/{roll.id}", f"/rolls/{roll.id}/labels", data)


def jobs(session):
    return session.scalars(select(Job)).all()


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize("layout_name", ["roll-50x30", "roll-40x25"])
def test_a_roll_downloads_as_a_tspl_job_whose_codes_are_the_stored_ones(
    client, session, world, dpi, layout_name
):
    roll, texts = small_roll(session, world)
    signed_in(client, world.tenants.staff_a)
    answer = download(client, roll, layout=layout_name, output="tspl", dpi=str(dpi))
    assert answer.status_code == 200
    assert answer.mimetype == "application/octet-stream"
    assert answer.headers["Content-Disposition"].endswith(f"cuon-{roll.gtin}-R0001.tspl")
    job = parse_tspl(answer.get_data())
    layout = LAYOUTS[layout_name]
    assert job.size_mm == (layout.label_width_mm, layout.label_height_mm)
    assert [label.copies for label in job.labels] == [1, 1, 1]
    assert tspl_texts(answer.get_data()) == texts
    # A roll code (version 7 here) is too small for phones on 40 x 25 mm: the report says so.
    report = json.loads(answer.headers[REPORT_HEADER])["qr"]
    assert report["readable"] is (layout_name == "roll-50x30")
    assert report["suggested_layout"] == (None if layout_name == "roll-50x30" else "roll-50x30")


@pytest.mark.parametrize("dpi", [203, 300])
def test_a_roll_downloads_as_a_zpl_job_whose_codes_are_the_stored_ones(client, session, world, dpi):
    roll, texts = small_roll(session, world)
    signed_in(client, world.tenants.staff_a)
    answer = download(client, roll, layout="roll-50x30", output="zpl", dpi=str(dpi))
    assert answer.status_code == 200
    assert answer.mimetype == "application/octet-stream"
    assert answer.headers["Content-Disposition"].endswith(".zpl")
    data = answer.get_data()
    assert zpl_copies(data) == [1, 1, 1]
    assert zpl_texts(data, dpi, LAYOUTS["roll-50x30"]) == texts


def test_a_thermal_job_on_a_sheet_or_an_odd_resolution_is_refused_clearly(client, session, world):
    roll, _texts = small_roll(session, world)
    signed_in(client, world.tenants.staff_a)
    sheet = download(client, roll, layout="a4-3x8", output="zpl", dpi="203")
    assert sheet.status_code == 422
    assert sheet.mimetype == "text/html"
    assert "TSPL và ZPL dành cho máy in tem nhiệt" in field_errors(sheet, "output")
    odd = download(client, roll, layout="roll-50x30", output="tspl", dpi="600")
    assert odd.status_code == 422
    assert "203" in field_errors(odd, "dpi")
    png = download(client, roll, layout="roll-50x30", output="png")
    assert png.status_code == 422
    assert "pdf, tspl, zpl" in field_errors(png, "output")
    unknown = download(client, roll, layout="custom", output="pdf")
    assert unknown.status_code == 422
    assert "roll-50x30" in field_errors(unknown, "layout")
    assert jobs(session) == []


def test_the_roll_page_tells_legibility_and_lines_that_do_not_fit_before_printing(
    client, session, world
):
    world.tenants.cooperative_a.name = "Hợp tác xã nông nghiệp dịch vụ tổng hợp " * 3
    roll, _texts = small_roll(session, world)
    signed_in(client, world.tenants.staff_a)
    page = text_of(client.get(f"/rolls/{roll.id}?lang=en"))
    assert re.search(r"QR codes: modules of 0\.\d+ mm \(version \d+, .*phones read them\.", page)
    assert "No room on the label for" not in page
    checked = post_form(
        client,
        f"/rolls/{roll.id}?lang=en",
        f"/rolls/{roll.id}/labels?lang=en",
        {"action": "check", "layout": "roll-40x25", "output": "tspl", "dpi": "300"},
    )
    assert checked.status_code == 200
    shown = text_of(checked)
    assert "QR codes too small for phones: modules of 0.47 mm" in shown
    assert "Choose Thermal roll, 50 × 30 mm (roll-50x30) instead." in shown
    assert "No room on the label for: Hợp tác xã" in shown
    markup = checked.get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="roll-40x25"', markup)
    assert re.search(r'<input checked[^>]*value="tspl"', markup)
    assert jobs(session) == []


def test_a_large_roll_is_a_job_in_the_printer_language_chosen(app, client, session, world):
    app.config["TRACE_JOB_THRESHOLD_LABELS"] = 2
    roll, texts = small_roll(session, world, count=4)
    signed_in(client, world.tenants.staff_a)
    queued = download(client, roll, layout="roll-40x25", output="zpl", dpi="300")
    public_id = run_roll_job(app, session, queued)
    result = client.get(f"/jobs/{public_id}/download")
    assert result.mimetype == "application/octet-stream"
    assert result.headers["Content-Disposition"].endswith(f"cuon-{roll.gtin}-R0001.zpl")
    assert zpl_texts(result.get_data(), 300, LAYOUTS["roll-40x25"]) == texts


def test_another_cooperative_can_neither_check_nor_download_a_roll(client, session, world):
    roll, _texts = small_roll(session, world)
    signed_in(client, world.tenants.staff_b)
    for action in ("check", "download"):
        data = {"action": action, "layout": "roll-50x30", "output": "tspl", "dpi": "203"}
        answer = post_form(client, "/rolls", f"/rolls/{roll.id}/labels", data)
        assert answer.status_code == 404
    assert jobs(session) == []


def test_a_roll_job_queued_before_thermal_printers_still_draws_its_pdf(app, client, session, world):
    roll, _texts = small_roll(session, world)
    job = create_job(
        session,
        kind=JobKind.ROLL_LABELS,
        user=world.tenants.staff_a,
        cooperative_id=roll.cooperative_id,
        parameters={"language": "vi", "roll_id": roll.id, "layout": "roll-50x30"},
    )
    session.commit()
    with app.app_context():
        run_job(job.public_id)
    session.refresh(job)
    assert job.state == JobState.DONE
    signed_in(client, world.tenants.staff_a)
    result = client.get(f"/jobs/{job.public_id}/download")
    assert result.mimetype == "application/pdf"
    assert result.headers["Content-Disposition"].endswith(f"cuon-{roll.gtin}-R0001.pdf")
