"""The print page: choose, preview, download; serialised downloads issue codes; access."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from tests.printing.conftest import qr_texts_in_image, qr_texts_in_pdf
from tests.registry.test_views_common import field_errors, sign_in, text_of
from trace.batches.models import LabelCode
from trace.batches.services import codes
from trace.batches.services.recall import recall_batch


def page_url(batch):
    return f"/batches/{batch.id}/labels"


def units(session):
    session.expire_all()
    query = select(func.count()).select_from(LabelCode).where(LabelCode.serial.is_not(None))
    return session.scalar(query)


def form(**changes):
    return {
        "layout": "a4-3x8",
        "count": "24",
        "lines": ["cooperative", "lot", "expiry", "tagline"],
        "language": "vi",
        "output": "pdf",
        **changes,
    }


def post(client, batch, data):
    token = csrf_token_from(client.get(page_url(batch)).get_data(as_text=True))
    return client.post(page_url(batch), data={"csrf_token": token, **data})


def test_staff_open_the_page_and_see_a_preview_of_the_first_sheet(client, session, tenants, batch):
    sign_in(client, tenants.staff_a)
    page = client.get(page_url(batch) + "?lang=en")
    assert page.status_code == 200
    text = text_of(page)
    assert "Print labels" in text
    assert batch.code in text
    markup = page.get_data(as_text=True)
    assert f'src="/batches/{batch.id}/labels/preview.png?' in markup
    preview = client.get(f"/batches/{batch.id}/labels/preview.png?layout=a4-3x8&count=3")
    assert preview.status_code == 200
    assert preview.mimetype == "image/png"
    assert preview.headers["Cache-Control"] == "private, no-store"
    code = codes.batch_code(session, tenants.staff_a, batch.id).text
    assert qr_texts_in_image(preview.get_data()) == [code] * 3


def test_the_batch_page_links_to_printing(client, tenants, batch):
    sign_in(client, tenants.staff_a)
    assert f'href="{page_url(batch)}"' in client.get(f"/batches/{batch.id}").get_data(as_text=True)


def test_preview_button_keeps_the_choices(client, tenants, batch):
    sign_in(client, tenants.staff_a)
    response = post(client, batch, form(action="preview", layout="roll-50x30", count="3"))
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    assert "layout=roll-50x30" in markup
    assert "count=3" in markup
    assert "lines=cooperative,lot,expiry,tagline" in markup


def test_download_gives_the_pdf_of_every_sheet(client, session, tenants, batch, tmp_path):
    sign_in(client, tenants.staff_a)
    response = post(client, batch, form(action="download", count="30"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename=tem-{batch.code}.pdf"
    code = codes.batch_code(session, tenants.staff_a, batch.id).text
    assert qr_texts_in_pdf(response.get_data(), tmp_path) == [code] * 30
    assert units(session) == 0


def test_a_serialised_download_issues_the_unit_codes(client, session, tenants, batch, tmp_path):
    sign_in(client, tenants.staff_a)
    response = post(
        client, batch, form(action="download", count="3", serialised="y", layout="roll-40x25")
    )
    assert response.status_code == 200
    assert "-serial.pdf" in response.headers["Content-Disposition"]
    assert units(session) == 3
    issued = set(session.scalars(select(LabelCode.text).where(LabelCode.serial.is_not(None))))
    assert set(qr_texts_in_pdf(response.get_data(), tmp_path)) == issued


def test_bad_choices_show_at_their_fields_and_issue_nothing(client, session, tenants, batch):
    sign_in(client, tenants.staff_a)
    response = post(client, batch, form(action="download", count="0", serialised="y"))
    assert response.status_code == 422
    assert "Nhập một số nguyên từ 1 đến 10000." in field_errors(response, "count")
    custom = post(client, batch, form(action="download", layout="custom", height_mm="30"))
    assert custom.status_code == 422
    assert field_errors(custom, "width_mm")
    assert units(session) == 0


def test_without_the_csrf_token_nothing_is_issued(client, session, tenants, batch):
    sign_in(client, tenants.staff_a)
    response = client.post(page_url(batch), data=form(action="download", serialised="y"))
    assert response.status_code == 400
    assert units(session) == 0


def test_a_recalled_batch_says_why_it_gets_no_serialised_labels(client, session, tenants, batch):
    recall_batch(session, tenants.staff_a, batch.id, "Nhiễm mặn")
    sign_in(client, tenants.staff_a)
    page = client.get(page_url(batch) + "?lang=en")
    assert "Serialised labels cannot be issued for it." in text_of(page)
    response = post(client, batch, form(action="download", serialised="y"))
    assert response.status_code == 409
    assert units(session) == 0


def test_other_tenants_get_404_and_readers_403(client, tenants, batch):
    sign_in(client, tenants.staff_b)
    assert client.get(page_url(batch)).status_code == 404
    assert client.get(page_url(batch) + "/preview.png").status_code == 404
    sign_in(client, tenants.inspector)
    assert client.get(page_url(batch)).status_code == 403


def test_the_page_says_when_codes_are_too_small_and_which_lines_did_not_fit(client, tenants, batch):
    sign_in(client, tenants.staff_a)
    lines = ["cooperative", "origin", "lot", "date", "expiry", "planting_area", "ocop", "tagline"]
    small = text_of(
        post(client, batch, form(action="preview", layout="roll-40x25", count="2", lines=lines))
    )
    assert "Mã QR quá nhỏ để điện thoại quét" in small
    assert "roll-50x30" in small
    assert "Không đủ chỗ trên nhãn cho: Quét mã để truy xuất nguồn gốc" in small
    roomy = text_of(post(client, batch, form(action="preview", layout="roll-50x30", count="2")))
    assert "điện thoại quét được" in roomy
    assert "Mã QR quá nhỏ" not in roomy
    assert "Không đủ chỗ" not in roomy


def test_the_page_advises_printing_at_actual_size(client, tenants, batch):
    sign_in(client, tenants.staff_a)
    text = text_of(client.get(page_url(batch)))
    assert "In đúng kích thước thực / 100%, không chọn “Vừa trang”" in text


def test_the_custom_sizes_open_only_for_the_custom_layout(client, tenants, batch):
    sign_in(client, tenants.staff_a)
    sheet = client.get(page_url(batch)).get_data(as_text=True)
    assert '<details class="print-page__custom" id="custom-size">' in sheet
    custom = post(
        client,
        batch,
        form(action="preview", layout="custom", width_mm="60", height_mm="40", count="1"),
    ).get_data(as_text=True)
    assert '<details class="print-page__custom" id="custom-size" open>' in custom
    # A custom size with a mistake keeps its fields open, the mistake in view.
    wrong = post(client, batch, form(action="preview", layout="a4-3x8", width_mm="abc"))
    assert '<details class="print-page__custom" id="custom-size"' in wrong.get_data(as_text=True)


def test_a_custom_sheet_takes_the_printers_own_margin(client, tenants, batch):
    """Stickers cut to the sheet's edge: refused with the default 5 mm the printer leaves,
    printed when the clerk says the printer prints to the edge; too wide a margin is named."""
    sign_in(client, tenants.staff_a)
    page = client.get(page_url(batch))
    assert "Lề máy in không in được (mm)" in text_of(page)
    edge = form(
        action="download",
        layout="custom",
        width_mm="15",
        height_mm="15",
        columns="14",
        rows="19",
        margin_left_mm="0",
        margin_top_mm="0",
        count="3",
    )
    refused = post(client, batch, edge)
    assert refused.status_code == 422
    assert "5 mm mà máy in không in được" in text_of(refused)
    printed = post(client, batch, {**edge, "printable_margin_mm": "0"})
    assert printed.status_code == 200
    assert printed.mimetype == "application/pdf"
    too_wide = post(client, batch, {**edge, "printable_margin_mm": "25"})
    assert too_wide.status_code == 422
    assert "từ 0 đến 20 mm" in field_errors(too_wide, "printable_margin_mm")
