"""Print runs: the text on a batch's labels, batch copies, serialised units, previews."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.printing.conftest import qr_texts_in_image, qr_texts_in_pdf
from trace.batches.models import LabelCode
from trace.batches.services import codes
from trace.batches.services.recall import recall_batch
from trace.errors import Conflict
from trace.printing.options import LabelLine, read_options
from trace.printing.services import PREVIEW_SERIAL, label_texts, preview_run, print_run


def unit_count(session):
    query = select(func.count()).select_from(LabelCode).where(LabelCode.serial.is_not(None))
    return session.scalar(query)


def test_a_label_says_what_the_batch_is_in_vietnamese(session, tenants, batch):
    texts = label_texts(batch, read_options({}))
    assert texts.title == tenants.product_a.name
    assert texts.lines == (
        tenants.cooperative_a.name,
        "Phường Sóc Trăng, Thành phố Cần Thơ",
        f"Lô: {batch.lot}",
        "Đóng gói: 19/11/2026",
        "HSD: 19/05/2027",
        f"Mã vùng trồng: {tenants.farming_area_a.code}",
    )
    assert texts.footer == "Quét mã để truy xuất nguồn gốc"
    assert texts.ocop_stars == 4


def test_the_cooperative_chooses_the_lines_and_the_language(session, batch):
    texts = label_texts(batch, read_options({"lines": "lot,expiry", "language": "en"}))
    assert texts.lines == (f"Lot: {batch.lot}", "Best before: 19/05/2027")
    assert (texts.footer, texts.ocop_stars) == (None, None)
    batch.packed_on = None
    harvested = label_texts(batch, read_options({"lines": "date", "language": "en"}))
    assert harvested.lines == ("Harvested: 18/11/2026",)


def test_batch_copies_all_carry_the_batch_code(session, tenants, batch, tmp_path):
    run = print_run(session, tenants.staff_a, batch.id, read_options({"count": "5"}))
    code = codes.batch_code(session, tenants.staff_a, batch.id).text
    assert [label.code for label in run.labels()] == [code] * 5
    assert {label.serial for label in run.labels()} == {None}
    output = io.BytesIO()
    run.render(output)
    assert qr_texts_in_pdf(output.getvalue(), tmp_path) == [code] * 5
    assert unit_count(session) == 0


def test_a_serialised_run_issues_one_unit_code_per_label(session, tenants, batch, tmp_path):
    options = read_options({"count": "4", "serialised": "true", "layout": "roll-50x30"})
    run = print_run(session, tenants.staff_a, batch.id, options)
    labels = list(run.labels())
    assert unit_count(session) == 4
    issued = {
        code.serial: code.text
        for code in session.scalars(select(LabelCode))
        if code.serial is not None
    }
    assert {label.serial: label.code for label in labels} == issued
    output = io.BytesIO()
    run.render(output)
    assert sorted(qr_texts_in_pdf(output.getvalue(), tmp_path)) == sorted(issued.values())


def test_a_png_is_the_first_sheet(session, tenants, batch):
    options = read_options({"count": "30", "format": "png", "dpi": "300"})
    run = print_run(session, tenants.staff_a, batch.id, options)
    output = io.BytesIO()
    run.render(output)
    code = codes.batch_code(session, tenants.staff_a, batch.id).text
    assert qr_texts_in_image(output.getvalue()) == [code] * 24
    assert run.file_name == f"tem-{batch.code}.png"
    assert run.media_type == "image/png"


def test_a_preview_issues_nothing_and_fills_one_sheet(session, tenants, batch):
    options = read_options({"count": "500", "serialised": "true"})
    run = preview_run(session, tenants.staff_a, batch.id, options)
    labels = list(run.labels())
    assert len(labels) == 24
    assert {label.serial for label in labels} == {PREVIEW_SERIAL}
    assert (run.options.format, run.options.dpi) == ("png", 300)
    assert unit_count(session) == 0
    low = preview_run(session, tenants.staff_a, batch.id, read_options({"dpi": "150"}))
    assert low.options.dpi == 150


def test_a_recalled_batch_gets_no_serialised_run(session, tenants, batch):
    recall_batch(session, tenants.staff_a, batch.id, "Nhiễm mặn")
    with pytest.raises(Conflict):
        print_run(session, tenants.staff_a, batch.id, read_options({"serialised": "true"}))
    assert unit_count(session) == 0


def test_text_in_the_labels_language_whatever_the_request(session, batch):
    with force_locale("en"):
        texts = label_texts(batch, read_options({"lines": "lot"}))
    assert texts.lines == (f"Lô: {batch.lot}",)


def test_origin_falls_back_to_the_cooperative(session, tenants, batch):
    tenants.farming_area_a.commune_code = "99999"
    texts = label_texts(batch, read_options({"lines": LabelLine.ORIGIN.value}))
    assert texts.lines == ("Phường Sóc Trăng, Thành phố Cần Thơ",)
