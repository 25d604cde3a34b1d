"""Indicator 13.4 pages: who sees which commune, what the page says, the downloads, the
province's sortable table, and the operator's way in from the dashboard."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date, timedelta

import pytest

from tests.conftest import log_in
from tests.factories import make_batch, make_certificate, make_cooperative, make_product, make_user
from tests.indicator.conftest import KE_SACH, TRAN_DE, complete_batch, issue_code, scan
from tests.registry.test_views_common import text_of
from trace.auth.models import Role
from trace.common.clock import local_today
from trace.common.formats import local_day
from trace.db import utcnow
from trace.indicator.services import first_day_of_period

PAGE = f"/communes/{KE_SACH}/13.4"
TEN_DAYS_AGO = local_today() - timedelta(days=10)
POMELO_MISSING = (
    "Batch {code} lacks: Product image; Producer address; Production stages (a harvest or "
    "processing step recorded); Production time (harvest or packing day); Traceability code "
    "(labels issued); Shelf life (expiry date); Standards applied (a certificate valid on the "
    "batch's day)"
)


@pytest.fixture
def officer(session):
    return make_user(session, Role.COMMUNE_OFFICER, commune_code=KE_SACH)


@pytest.fixture
def operator(session):
    return make_user(session, Role.OPERATOR)


@pytest.fixture
def ke_sach(session, issuing_key):
    """Kế Sách: rice traced (4-star OCOP, a valid certificate, a complete batch harvested ten
    days ago, a unit code, a scan), pomelo with a bare batch and a lapsed certificate."""
    first = make_cooperative(session, commune_code=KE_SACH, name="HTX Lúa gạo Kế Sách")
    second = make_cooperative(session, commune_code=KE_SACH, name="HTX Trái cây Phong Nẫm")
    rice = make_product(session, first, name="Gạo ST25", is_key_product=True, ocop_stars=4)
    make_certificate(session, first, products=[rice], number="VG-001")
    code = complete_batch(session, issuing_key, rice, harvested_on=TEN_DAYS_AGO)
    issue_code(session, issuing_key, code.batch, utcnow() - timedelta(days=2), unit=True)
    scan(session, code).scanned_at = utcnow() - timedelta(days=1)
    pomelo = make_product(session, second, name="Bưởi năm roi", is_key_product=True)
    make_batch(session, pomelo, lot="BNR-01")
    make_certificate(
        session,
        second,
        products=[pomelo],
        number="VG-LAPSED",
        valid_from=date(2023, 1, 1),
        valid_to=date(2024, 12, 31),
    )
    make_product(session, second, name="Chôm chôm", is_key_product=False)
    session.commit()
    return {"rice": rice, "pomelo": pomelo, "code": code}


def shows(text, *parts):
    for part in parts:
        assert part in text


def numbers_in_row(markup, marker):
    """The numeric cells of the table row that follows ``marker``."""
    row = markup.split(marker, 1)[1].split("</tr>", 1)[0]
    return [cell.split(">")[-1] for cell in row.split("</td>") if "indicator-number" in cell]


def english(client, path):
    return client.get(path + ("&" if "?" in path else "?") + "lang=en")


def test_the_officer_sees_their_commune_with_the_verdict_and_each_product(client, officer, ke_sach):
    log_in(client, officer.email)
    response = english(client, PAGE)
    assert response.status_code == 200
    text = text_of(response)
    shows(text, "Xã Kế Sách", KE_SACH, "Thành phố Cần Thơ")
    assert local_day(local_today(), "en") in text
    assert "The commune does not meet indicator 13.4 yet" in text
    assert "1 of 2 key products traced (50%)" in text
    assert "A key product is traced when, in the 12 months up to the report's date" in text
    first_day = first_day_of_period(local_today()).strftime("%d/%m/%Y")
    assert f"Period: {first_day} to {local_today().strftime('%d/%m/%Y')}" in text
    shows(text, "Gạo ST25", "4-star OCOP", "HTX Lúa gạo Kế Sách")
    shows(text, "Bưởi năm roi", "HTX Trái cây Phong Nẫm")
    assert "Chôm chôm" not in text  # not a key product
    pomelo_batch = f"{ke_sach['pomelo'].cooperative.code_prefix}-BNR-01"
    assert POMELO_MISSING.format(code=pomelo_batch) in text
    shows(text, "VietGAP VG-001 Valid", "VG-LAPSED Expired")
    markup = response.get_data(as_text=True)
    assert f'href="{ke_sach["code"].text.replace("&", "&amp;")}"' in markup
    for link in ("/print", ".pdf", ".csv"):
        assert f'href="{PAGE}{link}"' in markup


def test_the_rows_give_the_numbers_and_the_totals(client, officer, ke_sach):
    log_in(client, officer.email)
    markup = english(client, PAGE).get_data(as_text=True)
    # batches, complete batches, labels issued, consumer scans, inspections
    assert numbers_in_row(markup, "Gạo ST25") == ["1", "1", "2", "1", "0"]
    assert numbers_in_row(markup, "indicator-row--total") == ["2", "1", "2", "1", "0"]


def test_a_commune_whose_products_are_all_traced_meets_the_indicator(
    client, session, officer, issuing_key
):
    cooperative = make_cooperative(session, commune_code=KE_SACH)
    product = make_product(session, cooperative, name="Tôm sú", is_key_product=True)
    complete_batch(session, issuing_key, product, harvested_on=TEN_DAYS_AGO)
    session.commit()
    log_in(client, officer.email)
    text = text_of(english(client, PAGE))
    assert "The commune meets indicator 13.4" in text
    assert "1 of 1 key products traced (100%)" in text


def test_a_commune_without_key_products_says_what_to_do(client, session, officer):
    make_cooperative(session, commune_code=KE_SACH)
    session.commit()
    log_in(client, officer.email)
    text = text_of(english(client, PAGE))
    assert "The commune does not meet indicator 13.4 yet" in text
    assert "No key product registered" in text
    assert "adds the key products the commune decided on to its list" in text


def test_an_officer_cannot_see_another_commune(client, session, officer, ke_sach):
    log_in(client, officer.email)
    for path in (
        f"/communes/{TRAN_DE}/13.4",
        f"/communes/{TRAN_DE}/13.4/print",
        f"/communes/{TRAN_DE}/13.4.csv",
        f"/communes/{TRAN_DE}/13.4.pdf",
    ):
        assert client.get(path).status_code == 404, path


def test_an_officer_reaches_their_commune_by_the_short_code_too(client, session):
    officer = make_user(session, Role.COMMUNE_OFFICER, commune_code="05830")
    session.commit()
    log_in(client, officer.email)
    assert client.get("/communes/5830/13.4").status_code == 200


def test_an_operator_sees_any_commune(client, operator, ke_sach):
    log_in(client, operator.email)
    assert english(client, PAGE).status_code == 200
    assert english(client, f"/communes/{TRAN_DE}/13.4").status_code == 200


@pytest.mark.parametrize("role", [Role.COOPERATIVE, Role.INSPECTOR])
def test_other_roles_are_refused(client, session, role, ke_sach):
    cooperative = ke_sach["rice"].cooperative if role is Role.COOPERATIVE else None
    user = make_user(session, role, cooperative=cooperative)
    session.commit()
    log_in(client, user.email)
    for path in (
        PAGE,
        f"{PAGE}/print",
        f"{PAGE}.csv",
        f"{PAGE}.pdf",
        "/provinces/92/13.4",
        "/provinces/92/13.4.csv",
        "/indicator?commune=31528",
    ):
        assert client.get(path).status_code == 403, path


def test_anonymous_visitors_go_to_sign_in(client):
    for path in (PAGE, f"{PAGE}/print", f"{PAGE}.csv", "/provinces/92/13.4"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"]


def test_an_unknown_commune_is_not_found_and_a_malformed_one_is_refused(client, operator):
    log_in(client, operator.email)
    assert client.get("/communes/99999/13.4").status_code == 404
    assert client.get("/communes/abc/13.4").status_code == 422


def test_the_csv_download_parses_with_a_row_per_product(client, officer, ke_sach):
    log_in(client, officer.email)
    response = english(client, f"{PAGE}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"indicator-13.4-{KE_SACH}-{local_today().isoformat()}.csv" in disposition
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert {row[1] for row in rows[1:3]} == {"Gạo ST25", "Bưởi năm roi"}
    assert rows[3][0] == "Total"
    assert rows[5][0].startswith("The rule: A key product is traced when")
    assert rows[6][0].startswith("Period: ")


def pdf_text(data, folder):
    path = folder / "report.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, timeout=60
    )
    return " ".join(done.stdout.decode("utf-8").split())


def test_the_pdf_download_is_in_vietnamese_with_the_signature_block(
    client, officer, ke_sach, tmp_path
):
    log_in(client, officer.email)
    response = client.get(f"{PAGE}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert f"indicator-13.4-{KE_SACH}-" in response.headers["Content-Disposition"]
    text = pdf_text(response.data, tmp_path)
    shows(text, "Xã chưa đạt chỉ tiêu 13.4.", "Quy tắc đánh giá: Một sản phẩm chủ lực")
    shows(text, "Người lập", "Xác nhận của Ủy ban nhân dân xã", "(Ký, ghi rõ họ tên)")
    shows(text, "Lô hàng trong kỳ: 1 · Đầy đủ thông tin: 1", "Đợt kiểm tra: 0")
    for english_words in ("The commune", "The rule", "Prepared by", "Batch "):
        assert english_words not in text


def test_the_pdf_and_csv_follow_the_language_asked(client, officer, ke_sach, tmp_path):
    log_in(client, officer.email)
    english_pdf = client.get(f"{PAGE}.pdf?language=en")
    assert english_pdf.status_code == 200
    text = pdf_text(english_pdf.data, tmp_path)
    shows(text, "The commune does not meet indicator 13.4 yet.", "The rule: A key product")
    shows(text, "Prepared by", "(Signature, full name and seal)", "Inspections: 0")
    assert "Quy tắc" not in text
    # Asked in English on a Vietnamese page, and in Vietnamese on an English one.
    vietnamese = pdf_text(client.get(f"{PAGE}.pdf?language=vi&lang=en").data, tmp_path)
    assert "Người lập" in vietnamese
    csv_text = client.get(f"{PAGE}.csv?language=en").get_data(as_text=True)
    assert csv_text.removeprefix("\ufeff").startswith("Cooperative,Product,")
    vietnamese_csv = client.get(f"{PAGE}.csv").get_data(as_text=True)
    assert vietnamese_csv.removeprefix("\ufeff").startswith("Hợp tác xã,Sản phẩm,")
    assert "Quy tắc đánh giá: " in vietnamese_csv


@pytest.mark.parametrize("language", ["fr", "", "EN"])
def test_an_unknown_language_is_refused_clearly(client, officer, ke_sach, language):
    log_in(client, officer.email)
    for path in (f"{PAGE}.pdf", f"{PAGE}.csv"):
        response = client.get(f"{path}?language={language}")
        assert response.status_code == 422
        assert "Hãy chọn tiếng Việt hoặc tiếng Anh." in text_of(response)


def test_the_print_view_has_the_rule_the_totals_and_a_qr_code_per_labelled_product(
    client, officer, ke_sach
):
    log_in(client, officer.email)
    response = english(client, f"{PAGE}/print")
    assert response.status_code == 200
    markup = response.get_data(as_text=True)
    text = text_of(response)
    shows(text, "Xã Kế Sách", KE_SACH)
    assert "A key product is traced when" in text
    assert "Period: " in text
    assert "1 of 2 key products traced" in text
    assert "(Signature and full name)" in text
    assert markup.count('<svg class="evidence__qr"') == 1  # the pomelo has no label yet
    assert "No label yet" in text
    assert "css/indicator-print.css" in markup
    assert "<script" not in markup
    assert "style=" not in markup


def test_user_text_is_escaped(client, session, officer):
    cooperative = make_cooperative(session, commune_code=KE_SACH, name="<b>HTX</b>")
    make_product(session, cooperative, name="<script>alert(1)</script>", is_key_product=True)
    session.commit()
    log_in(client, officer.email)
    for path in (PAGE, f"{PAGE}/print"):
        markup = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in markup
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
        assert "<b>HTX</b>" not in markup


@pytest.fixture
def province_communes(session, issuing_key):
    """Cần Thơ: Kế Sách with one traced product of two, Trần Đề with one traced of one."""
    ke_sach = make_cooperative(session, commune_code=KE_SACH)
    tran_de = make_cooperative(session, commune_code=TRAN_DE)
    for cooperative, name in ((ke_sach, "Gạo"), (tran_de, "Hành tím")):
        product = make_product(session, cooperative, name=name, is_key_product=True)
        complete_batch(session, issuing_key, product, harvested_on=TEN_DAYS_AGO)
    bare = make_product(session, ke_sach, name="Bưởi", is_key_product=True)
    issue_code(session, issuing_key, make_batch(session, bare), utcnow())  # signed, incomplete
    session.commit()


def commune_order(response):
    markup = response.get_data(as_text=True)
    body = markup.split("<tbody>", 1)[1]
    return [chunk.split('"', 1)[0] for chunk in body.split('href="/communes/')[1:]]


def test_the_province_view_lists_its_communes_with_their_shares(
    client, operator, province_communes
):
    log_in(client, operator.email)
    response = english(client, "/provinces/92/13.4")
    assert response.status_code == 200
    text = text_of(response)
    assert "Thành phố Cần Thơ" in text
    assert "Xã Kế Sách 31528 2 1 50%" in text
    assert "Xã Trần Đề 31673 1 1 100%" in text
    assert "The rule A key product is traced when, in the 12 months" in text
    assert commune_order(response) == [f"{KE_SACH}/13.4", f"{TRAN_DE}/13.4"]


def test_the_province_view_sorts_by_share_and_key_products(client, operator, province_communes):
    log_in(client, operator.email)
    by_share = client.get("/provinces/92/13.4?sort=share")
    assert commune_order(by_share) == [f"{TRAN_DE}/13.4", f"{KE_SACH}/13.4"]
    markup = by_share.get_data(as_text=True)
    assert 'aria-sort="descending"' in markup
    assert 'href="/provinces/92/13.4?sort=share&amp;order=asc"' in markup  # flips
    ascending = client.get("/provinces/92/13.4?sort=share&order=asc")
    assert commune_order(ascending) == [f"{KE_SACH}/13.4", f"{TRAN_DE}/13.4"]
    by_count = client.get("/provinces/92/13.4?sort=key_products")
    assert commune_order(by_count) == [f"{KE_SACH}/13.4", f"{TRAN_DE}/13.4"]
    assert client.get("/provinces/92/13.4?sort=nonsense").status_code == 422


def test_the_province_csv_follows_the_chosen_order(client, operator, province_communes):
    log_in(client, operator.email)
    response = english(client, "/provinces/92/13.4.csv?sort=share")
    assert response.mimetype == "text/csv"
    assert "indicator-13.4-province-92-" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert [row[0] for row in rows[1:3]] == [TRAN_DE, KE_SACH]
    assert rows[3][1].startswith("Total")
    assert rows[5][0].startswith("The rule: A key product is traced when")


def test_every_commune_of_the_province_on_request(client, operator, province_communes):
    log_in(client, operator.email)
    few = commune_order(client.get("/provinces/92/13.4"))
    every = commune_order(client.get("/provinces/92/13.4?all=1"))
    assert len(every) > len(few) == 2


def test_an_unknown_province_is_not_found(client, operator):
    log_in(client, operator.email)
    assert client.get("/provinces/77/13.4").status_code == 404


def test_the_operator_jumps_from_the_dashboard_form(client, operator):
    log_in(client, operator.email)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert 'action="/indicator"' in dashboard
    response = client.get("/indicator?commune=+31528+")
    assert response.headers["Location"].endswith(f"/communes/{KE_SACH}/13.4")
    response = client.get("/indicator?province=92")
    assert response.headers["Location"].endswith("/provinces/92/13.4")
    assert client.get("/indicator").status_code == 422


def test_the_officers_dashboard_links_to_their_page(client, officer):
    log_in(client, officer.email)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/communes/{KE_SACH}/13.4"' in dashboard


def test_the_page_and_print_view_speak_vietnamese_by_default(client, officer, ke_sach):
    log_in(client, officer.email)
    pomelo_batch = f"{ke_sach['pomelo'].cooperative.code_prefix}-BNR-01"
    for path in (PAGE, f"{PAGE}/print"):
        text = text_of(client.get(path))
        shows(text, "Quy tắc đánh giá", "Một sản phẩm chủ lực được coi là đã truy xuất nguồn gốc")
        shows(text, "Kỳ đánh giá: từ ", f"Lô {pomelo_batch} còn thiếu: Ảnh sản phẩm;")
        shows(text, "Lô hàng đầy đủ thông tin", "Các đợt kiểm tra")
        assert "A key product is traced" not in text
    print_text = text_of(client.get(f"{PAGE}/print"))
    shows(print_text, "Người lập", "(Ký, ghi rõ họ tên)", "(Ký, ghi rõ họ tên và đóng dấu)")
