"""API: GET /api/v1/batches/{id}/labels — PDF or PNG, batch copies or serialised units."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.api.registry_helpers import caller
from tests.printing.conftest import qr_texts_in_image, qr_texts_in_pdf
from trace.batches.models import LabelCode
from trace.batches.services import codes

URL = "/api/v1/batches/{}/labels"


def units(session):
    session.expire_all()
    query = select(func.count()).select_from(LabelCode).where(LabelCode.serial.is_not(None))
    return session.scalar(query)


def test_a_pdf_of_batch_copies(client, session, tenants, batch, tmp_path):
    api = caller(client, session, tenants.staff_a)
    response = api.get(URL.format(batch.id), layout="a4-3x8", count=26)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    code = codes.batch_code(session, tenants.staff_a, batch.id).text
    assert qr_texts_in_pdf(response.get_data(), tmp_path) == [code] * 26


def test_a_custom_sheet_printed_to_the_edge(client, session, tenants, batch, tmp_path):
    """15 mm stickers cut to the sheet's edge fit a printer with no unprintable edge."""
    api = caller(client, session, tenants.staff_a)
    edge = {"layout": "custom", "width_mm": 15, "height_mm": 15, "columns": 14, "rows": 19}
    edge |= {"margin_left_mm": 0, "margin_top_mm": 0, "count": 2}
    assert api.get(URL.format(batch.id), **edge).status_code == 422
    response = api.get(URL.format(batch.id), printable_margin_mm=0, **edge)
    assert response.status_code == 200
    code = codes.batch_code(session, tenants.staff_a, batch.id).text
    assert qr_texts_in_pdf(response.get_data(), tmp_path) == [code] * 2


def test_serialised_pngs_issue_units(client, session, tenants, batch):
    api = caller(client, session, tenants.staff_a)
    response = api.get(
        URL.format(batch.id), format="png", layout="roll-50x30", count=2, serialised="true"
    )
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert units(session) == 1  # one roll label drawn, one unit code issued
    [text] = qr_texts_in_image(response.get_data())
    assert "/21/" in text


def test_bad_arguments_are_422_and_issue_nothing(client, session, tenants, batch):
    api = caller(client, session, tenants.staff_a)
    for args in (
        {"count": 0},
        {"count": 10_001},
        {"format": "svg"},
        {"layout": "a5"},
        {"layout": "custom"},
        {"layout": "custom", "width_mm": 60, "height_mm": 40, "printable_margin_mm": 25},
        {"lines": "price"},
        {"color": "red"},
    ):
        response = api.get(URL.format(batch.id), serialised="true", **args)
        assert response.status_code == 422, args
        assert response.get_json()["errors"], args
    assert units(session) == 0


def test_readers_get_batch_copies_but_cannot_issue_units(client, session, tenants, batch):
    inspector = caller(client, session, tenants.inspector)
    assert inspector.get(URL.format(batch.id)).status_code == 200
    assert inspector.get(URL.format(batch.id), serialised="true").status_code == 403
    other = caller(client, session, tenants.staff_b)
    assert other.get(URL.format(batch.id)).status_code == 404
    assert units(session) == 0


def test_the_answer_tells_the_codes_legibility_and_the_lines_left_out(
    client, session, tenants, batch
):
    import json

    api = caller(client, session, tenants.staff_a)
    small = api.get(URL.format(batch.id), layout="roll-40x25", count=1, serialised="true")
    assert small.status_code == 200
    report = json.loads(small.headers["X-Label-Report"])
    assert report["qr"]["readable"] is False
    assert report["qr"]["module_mm"] < 0.5
    assert report["qr"]["qr_version"] == 8
    assert report["qr"]["suggested_layout"] == "roll-50x30"
    assert "Quét mã để truy xuất nguồn gốc" in report["dropped_lines"]
    roomy = api.get(URL.format(batch.id), layout="roll-50x30", count=1, lines="lot,expiry")
    report = json.loads(roomy.headers["X-Label-Report"])
    assert report["qr"]["readable"] is True
    assert report["qr"]["module_mm"] >= 0.5
    assert report["qr"]["suggested_layout"] is None
    assert report["dropped_lines"] == []
