"""Indicator 13.7 beside 13.4: the commune page's second section, the print view, the
PDF's second part, 13.7's own CSV, and ``report`` (13.4's output and keys kept)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask_babel import force_locale

from tests.conftest import log_in
from tests.factories import (
    make_batch,
    make_cooperative,
    make_product,
    make_product_link,
    make_user,
)
from tests.indicator.conftest import KE_SACH, TODAY, TRAN_DE
from tests.indicator.test_exports import pdf_text
from tests.language_check import data_words, visible_text, wrong_language
from tests.registry.test_views_common import text_of
from trace.auth.models import Role
from trace.indicator.exports import COMMUNE_CSV_HEADER, commune_evidence_data
from trace.indicator.pdf import render_commune_pdf
from trace.indicator.services import commune_evidence

PAGE = f"/communes/{KE_SACH}/13.4"
ONLINE_CSV = f"/communes/{KE_SACH}/13.7.csv"
HOSTILE = 'https://shopee.vn/p?q="><script>alert(1)</script>'


@pytest.fixture
def officer(session):
    return make_user(session, Role.COMMUNE_OFFICER, commune_code=KE_SACH)


@pytest.fixture
def listed(session):
    """Kế Sách: rice on Shopee (product-wide) and Postmart (one batch), pomelo with a recipe
    only, shrimp whose one listing is on a recalled batch."""
    cooperative = make_cooperative(session, commune_code=KE_SACH, name="HTX Lúa gạo Kế Sách")
    rice = make_product(session, cooperative, name="Gạo ST25", is_key_product=True)
    batch = make_batch(session, rice, lot="ST25-01")
    make_product_link(session, rice, href=HOSTILE)
    make_product_link(
        session, rice, href="https://postmart.vn/gao-st25", batch_id=batch.id, position=1
    )
    pomelo = make_product(session, cooperative, name="Bưởi năm roi", is_key_product=True)
    make_product_link(
        session, pomelo, href="https://example.vn/cong-thuc", link_type="gs1:recipeInfo"
    )
    session.commit()
    return {"rice": rice, "pomelo": pomelo, "batch": batch}


def english(client, path):
    return client.get(path + ("&" if "?" in path else "?") + "lang=en")


def section_13_7(markup):
    return markup.split('id="online-title"', 1)[1]


def test_the_page_shows_13_7_beside_13_4(client, officer, listed):
    log_in(client, officer.email)
    response = english(client, PAGE)
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    text = text_of(response)
    assert text.index("0 of 2 key products traced (0%)") < text.index("Indicator 13.7")
    online = section_13_7(markup)
    assert "Indicator 13.7 of the new-rural criteria" in markup
    assert "1 of 2 key products sold online (50%)" in online
    assert "A key product is sold online when" in online
    assert "shopee.vn</a>" in online
    assert 'href="https://postmart.vn/gao-st25"' in online
    assert f"batch {listed['batch'].code}" in online
    assert "No marketplace link yet" in online
    assert "Not sold online yet:</strong> Bưởi năm roi" in online
    assert "example.vn" not in online  # a recipe is no marketplace
    assert "<script>alert" not in markup
    assert f'href="{ONLINE_CSV}"' in markup


def test_the_page_speaks_vietnamese_by_default(client, officer, listed):
    log_in(client, officer.email)
    text = text_of(client.get(PAGE))
    assert "Chỉ tiêu 13.7 của Bộ tiêu chí nông thôn mới" in text
    assert "1 trên 2 sản phẩm chủ lực được bán trực tuyến (50%)" in text
    assert "Một sản phẩm chủ lực được coi là đã bán trực tuyến khi" in text
    assert "sold online" not in text


def test_the_print_view_has_a_13_7_part(client, officer, listed):
    log_in(client, officer.email)
    text = text_of(english(client, f"{PAGE}/print"))
    assert "Indicator 13.7: key products sold online" in text
    assert "1 of 2 key products sold online (50%)" in text
    assert "https://postmart.vn/gao-st25 (batch" in text
    assert text.index("Indicator 13.7") < text.index("Prepared by")


def test_the_13_7_csv_has_a_row_per_key_product_and_the_rule(client, officer, listed):
    log_in(client, officer.email)
    response = english(client, ONLINE_CSV)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "indicator-13.7-31528-" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    header, *rows = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    assert header == [
        "Cooperative",
        "Product",
        "OCOP stars",
        "Sold online",
        "Marketplaces",
        "Marketplace links",
    ]
    pomelo, rice, totals, blank, rule, day = rows
    assert pomelo[1:5] == ["Bưởi năm roi", "", "No", ""]
    assert rice[1:5] == ["Gạo ST25", "", "Yes", "shopee.vn; postmart.vn"]
    assert rice[5] == f"{HOSTILE}; https://postmart.vn/gao-st25 (batch {listed['batch'].code})"
    assert totals[:2] == ["Total", "1 of 2 key products sold online"]
    assert blank == []
    assert rule[0].startswith("The rule: A key product is sold online when")
    assert day[0].startswith("As of ")


def test_the_13_7_csv_in_vietnamese_and_13_4_csv_keeps_its_columns(client, officer, listed):
    log_in(client, officer.email)
    online = client.get(f"{ONLINE_CSV}?language=vi").get_data(as_text=True)
    assert "Bán trực tuyến" in online.splitlines()[0]
    traced = english(client, f"{PAGE}.csv").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(traced.removeprefix("\ufeff"))))
    assert len(header) == len(COMMUNE_CSV_HEADER) == 12
    assert "Sold online" not in traced


def test_the_13_7_csv_of_another_commune_is_not_found_and_bad_input_refused(
    client, session, officer, listed
):
    log_in(client, officer.email)
    assert client.get(f"/communes/{TRAN_DE}/13.7.csv").status_code == 404
    assert client.get(f"{ONLINE_CSV}?language=fr").status_code == 422
    assert client.get("/communes/abc/13.7.csv").status_code in (404, 422)


def test_the_pdf_has_a_13_7_part_in_the_language_asked(session, listed, tmp_path):
    evidence = commune_evidence(session, KE_SACH, TODAY)
    text = " ".join(pdf_text(render_commune_pdf(evidence), tmp_path).split())
    assert "Chỉ tiêu 13.7: sản phẩm chủ lực bán trực tuyến" in text
    assert "1 trên 2 sản phẩm chủ lực được bán trực tuyến (50%)" in text
    assert "Bán trực tuyến: shopee.vn, postmart.vn" in text
    assert "Chưa có liên kết sàn thương mại điện tử" in text
    assert text.index("Chỉ tiêu 13.7") < text.index("Người lập")


def test_the_data_keeps_13_4_keys_and_adds_13_7(session, listed):
    data = commune_evidence_data(commune_evidence(session, KE_SACH, TODAY))
    assert {"key_products", "traced", "share", "meets_indicator", "products"} <= set(data)
    online = data["indicator_13_7"]
    assert (online["key_products"], online["sold_online"], online["share"]) == (2, 1, 0.5)
    assert online["not_sold_online"] == [listed["pomelo"].id]
    [rice] = [row for row in online["products"] if row["product_name"] == "Gạo ST25"]
    assert rice["marketplaces"] == ["shopee.vn", "postmart.vn"]
    assert rice["links"][1] == {
        "href": "https://postmart.vn/gao-st25",
        "host": "postmart.vn",
        "batch_code": listed["batch"].code,
    }


def test_report_13_4_prints_13_7_too(runner, listed, tmp_path):
    out = tmp_path / "13.4.csv"
    args = ["report", "13.4", "--commune", KE_SACH, "--format", "csv", "--out", str(out)]
    result = runner.invoke(args=[*args, "--language", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[1] == (
        "Indicator 13.7: 1 of 2 key products sold online."
    )
    data = json.loads(runner.invoke(args=[*args, "--json"]).stdout)
    assert data["indicator_13_7"]["sold_online"] == 1
    assert data["traced"] == 0


def test_report_13_7_writes_its_csv(runner, listed, tmp_path):
    out = tmp_path / "13.7.csv"
    args = ["report", "13.7", "--commune", KE_SACH, "--out", str(out)]
    result = runner.invoke(args=[*args, "--language", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"Wrote {out}: Xã Kế Sách, 1 of 2 key products sold online (indicator 13.7)."
    )
    data = json.loads(runner.invoke(args=[*args, "--json"]).stdout)
    assert (data["file"], data["sold_online"], data["key_products"]) == (str(out), 1, 2)
    assert "Bán trực tuyến" in out.read_text(encoding="utf-8-sig").splitlines()[0]


def test_report_13_7_refuses_a_malformed_commune(runner, tmp_path):
    out = tmp_path / "13.7.csv"
    result = runner.invoke(args=["report", "13.7", "--commune", "abc", "--out", str(out)])
    assert result.exit_code != 0
    assert "Mã xã/phường có tối đa năm chữ số." in result.output
    assert not out.exists()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_page_print_view_csv_and_pdf_speak_one_language(
    client, session, officer, listed, language, tmp_path
):
    data = data_words(["Xã Kế Sách", "Thành phố Cần Thơ", "HTX Lúa gạo Kế Sách", "Gạo ST25"])
    data |= data_words(["Bưởi năm roi", listed["batch"].code, HOSTILE])
    log_in(client, officer.email)
    client.set_cookie("lang", language)
    for path in (PAGE, f"{PAGE}/print"):
        text = visible_text(client.get(path).get_data(as_text=True))
        assert wrong_language(text, language, data) == [], path
    csv_text = client.get(ONLINE_CSV).get_data(as_text=True)
    assert wrong_language(csv_text, language, data) == []
    evidence = commune_evidence(session, KE_SACH, TODAY)
    with force_locale(language):
        pdf = pdf_text(render_commune_pdf(evidence), tmp_path)
    assert wrong_language(pdf, language, data) == []


def test_the_officers_dashboard_leads_to_13_7(client, officer, listed):
    log_in(client, officer.email)
    markup = english(client, "/dashboard").get_data(as_text=True)
    assert f'href="{PAGE}#indicator-13-7"' in markup
    assert "Indicator 13.7: are our key products sold online?" in markup
    page = english(client, PAGE).get_data(as_text=True)
    assert 'id="indicator-13-7"' in page
