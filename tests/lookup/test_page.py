"""The public page at a label URL: the verdict, the facts, languages, caching, resolver answers."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, date, datetime

import pytest
from flask import request
from flask_login import user_accessed

from tests.factories import make_certificate, make_event
from tests.lookup.conftest import GTIN
from tests.registry.test_views_common import text_of
from trace.batches.models import EventType, InputKind
from trace.batches.services import codes
from trace.batches.services.recall import recall_batch
from trace.registry.models import CertificateScheme
from trace.signing import services as keys


def page(client, path, **headers):
    return client.get(path, headers=headers)


def english(client, path):
    """The page in English, asked the way a phone set to English asks."""
    return page(client, path, **{"Accept-Language": "en"})


def test_a_genuine_label_says_so_first_and_shows_every_required_fact(
    client, session, tenants, label
):
    response = english(client, label.path)
    assert response.status_code == 200
    assert '<html lang="en">' in response.get_data(as_text=True)
    text = text_of(response)
    assert text.index("Genuine label") < text.index("Traceability code")
    for fact in (
        tenants.product_a.name,
        tenants.cooperative_a.name,
        label.batch.code,
        GTIN,
        label.batch.lot,
        "Lúa thơm Sóc Trăng",
        "OCOP ★★★★",
        "November 18, 2026",
        "November 19, 2026",
        "May 19, 2027",
        tenants.farming_area_a.code,
        "Phường Sóc Trăng, Thành phố Cần Thơ",
        "See it on a map",
        "Production steps",
        "Standards and certificates",
    ):
        assert fact in text, fact
    assert "could not be verified" not in text


def test_vietnamese_is_the_default_and_english_follows_the_browser(client, label):
    vietnamese = page(client, label.path)
    assert '<html lang="vi">' in vietnamese.get_data(as_text=True)
    assert "Tem thật" in text_of(vietnamese)
    english = page(client, label.path, **{"Accept-Language": "en-US,en;q=0.9"})
    assert "Genuine label" in text_of(english)


def test_a_unit_page_shows_its_serial(client, session, tenants, label):
    [unit] = codes.issue_units(session, tenants.staff_a, label.batch.id, 1).units
    session.commit()
    response = english(client, unit.text.removeprefix("http://127.0.0.1:5000"))
    assert response.status_code == 200
    text = text_of(response)
    assert "Genuine label" in text
    assert unit.serial in text


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda path: path.split("?")[0] + "?lang=en", "carries no signature"),
        (lambda path: path.replace("?17=270519", "?17=270619"), "does not match the code"),
        (lambda path: path.replace("&k=", "&k=X"), "key the platform does not know"),
    ],
)
def test_a_label_that_does_not_verify_warns_but_shows_the_batch(client, label, change, reason):
    response = english(client, change(label.path))
    assert response.status_code == 200
    text = text_of(response)
    assert "This label could not be verified" in text
    assert reason in text
    assert "Genuine label" not in text
    assert label.batch.code in text


def verdict_of(response):
    return re.search(r'data-verdict="([^"]*)"', response.get_data(as_text=True))[1]


@pytest.mark.parametrize(
    "change",
    [
        lambda code: code + "&",
        lambda code: code + "?",
        lambda code: code.replace("?", "?&", 1),
        lambda code: code.replace("?", "?lang=en&", 1),
        lambda code: code.replace("&k=", "&&k=", 1),
        lambda code: code.replace("?17=270519", "?17=270519&17=270519"),
        lambda code: code.replace("&s=", "%26s="),
    ],
    ids=[
        "trailing &",
        "trailing ?",
        "empty first",
        "lang first",
        "&&",
        "repeated",
        "%26s=",
    ],
)
def test_another_spelling_of_a_genuine_code_gets_the_apis_verdict(client, label, change):
    changed = change(label.code)
    response = english(client, changed.removeprefix("http://127.0.0.1:5000"))
    assert response.status_code == 200
    answer = client.post("/api/v1/verify", json={"code": changed}).get_json()
    assert (verdict_of(response), answer["reason"]) == ("malformed code", "malformed code")
    assert "Genuine label" not in text_of(response)


def test_a_language_chosen_after_the_signature_is_the_pages_not_the_codes(client, label):
    """The public contract: a label URL answers in English with ?lang=en. Added after the
    signature it picks the page's language; the same text given to the API as a code is not
    one of ours (a QR code never holds it)."""
    response = page(client, label.path + "&lang=en")
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert verdict_of(response) == "valid"
    assert "Genuine label" in text_of(response)
    answer = client.post("/api/v1/verify", json={"code": label.code + "&lang=en"}).get_json()
    assert answer["reason"] == "malformed code"


def test_only_a_url_without_a_code_takes_its_language_from_the_query(client, label):
    bare = label.path.split("?")[0]
    for query in ("?lang=vi", "?lang=en"):
        assert verdict_of(page(client, bare + query)) == "", query
    asked = page(client, bare + "?linkType=gs1:pip&lang=en")
    assert asked.status_code == 307
    assert asked.headers["Location"] == f"http://127.0.0.1:5000{bare}?lang=en"
    in_english = page(client, bare + "?lang=en")
    assert '<html lang="en">' in in_english.get_data(as_text=True)
    assert "carries no signature" in text_of(in_english)


def test_a_revoked_key_warns(client, session, label):
    keys.revoke_key(session, keys.current_key(session).kid, "stolen")
    session.commit()
    text = text_of(english(client, label.path))
    assert "signed with a key that has been revoked" in text


def test_a_recalled_batch_says_why_and_when(client, session, tenants, label):
    recall_batch(session, tenants.staff_a, label.batch.id, "Dư lượng thuốc vượt mức")
    session.commit()
    text = text_of(english(client, label.path))
    assert "This batch was recalled on" in text
    assert "Dư lượng thuốc vượt mức" in text
    assert "Genuine label" not in text
    assert "could not be verified" not in text  # the signature itself is good


def test_certificates_show_their_status_on_the_harvest_day_and_today(
    client, session, tenants, label
):
    expired = make_certificate(
        session,
        tenants.cooperative_a,
        scheme=CertificateScheme.VIETGAP,
        number="VG-OLD-1",
        valid_from=date(2024, 1, 1),
        valid_to=date(2025, 12, 31),
    )
    expired.products = [tenants.product_a]
    session.commit()
    text = text_of(english(client, label.path))
    assert "VG-OLD-1" in text
    assert "Expired" in text


def test_steps_are_shown_without_private_details(client, session, tenants, label):
    make_event(
        session,
        label.batch,
        type=EventType.INPUT_APPLIED,
        address="Ruộng số 3",
        occurred_at=datetime(2026, 10, 2, 1, 0, tzinfo=UTC),
        input_kind=InputKind.PESTICIDE,
        input_name="Anvil 5SC",
        input_dose="1 lít/ha",
        pre_harvest_interval_days=7,
        notes="ghi chú nội bộ",
        party_name="",
    )
    make_event(
        session,
        label.batch,
        type=EventType.SHIPPING,
        address="Kho",
        party_name="Đại lý bí mật",
        quantity=10,
        unit="kg",
    )
    session.commit()
    text = text_of(english(client, label.path))
    assert "Anvil 5SC (1 lít/ha)" in text
    assert "7 days" in text
    assert "ghi chú nội bộ" not in text
    assert "Đại lý bí mật" not in text


def test_only_public_steps_are_in_the_timeline(client, session, label):
    make_event(session, label.batch, type=EventType.HARVEST, address="Ruộng thu hoạch")
    make_event(session, label.batch, type=EventType.RECALL, address="Kho thu hồi nội bộ")
    session.commit()
    text = text_of(page(client, label.path))
    assert "Ruộng thu hoạch" in text
    assert "Kho thu hồi nội bộ" not in text


def test_the_page_never_loads_the_visitors_account(client, label):
    """A consumer's page shows no account, so it does not look the visitor's account up; a
    page with the account links still does."""
    accessed = []
    with user_accessed.connected_to(lambda sender: accessed.append(request.path)):
        assert page(client, label.path).status_code == 200
        assert accessed == []
        assert client.get("/login").status_code == 200
    assert accessed == ["/login"]


def test_user_text_is_shown_as_text(client, session, tenants, label):
    tenants.product_a.name = '<script>alert("x")</script>Gạo'
    tenants.cooperative_a.name = "<b>HTX</b> & <img src=x onerror=alert(1)>"
    tenants.product_a.description = "<iframe src=//evil></iframe>"
    session.commit()
    markup = page(client, label.path).get_data(as_text=True)
    assert "<script>alert" not in markup
    assert "<img src=x" not in markup
    assert "<iframe" not in markup
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;Gạo" in markup


def test_an_unknown_code_is_a_404_page_that_says_how_to_report(client, label):
    for path in ("/01/08936052470015/10/NO-SUCH-LOT", "/b/NOPE-1", "/b/NOPE-1/AAAA"):
        response = english(client, path)
        assert response.status_code == 404, path
        text = text_of(response)
        assert "This code is not registered" in text
        assert "market inspectors" in text


@pytest.mark.parametrize(
    "path", ["/01/123/10/ST25", f"/01/{GTIN}/10", f"/01/{GTIN}/22/X/10/Y", "/b/A/B/C"]
)
def test_a_malformed_gs1_path_is_a_400_page_never_a_200(client, path):
    response = page(client, path + "?lang=en")
    assert response.status_code == 400
    assert "This is not the address of a label" in text_of(response)


def test_link_type_all_answers_a_linkset_with_cors(client, label):
    anchor = "http://127.0.0.1:5000" + label.path.split("?")[0]
    response = page(client, label.path.split("?")[0] + "?linkType=all")
    assert response.status_code == 200
    assert response.mimetype == "application/linkset+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    [links] = response.get_json()["linkset"]
    assert links["anchor"] == anchor
    assert links["https://gs1.org/voc/defaultLink"][0]["href"] == anchor + "?lang=vi"
    assert {link["hreflang"][0] for link in links["https://gs1.org/voc/pip"]} == {"vi", "en"}
    missing = page(client, "/b/NOPE?linkType=all")
    assert missing.status_code == 404
    assert missing.mimetype == "application/json"


def test_head_and_options_work(client, label):
    head = client.head(label.path)
    assert head.status_code == 200
    assert head.data == b""
    options = client.options(label.path)
    assert options.status_code == 200
    assert "GET" in options.headers["Allow"]
    assert options.headers["Access-Control-Allow-Origin"] == "*"


def test_repeat_visits_revalidate_and_a_changed_batch_changes_the_etag(
    client, session, tenants, label
):
    first = page(client, label.path)
    assert first.headers["Cache-Control"] == "public, no-cache"
    etag = first.headers["ETag"]
    assert page(client, label.path, **{"If-None-Match": etag}).status_code == 304
    make_event(session, label.batch, type=EventType.PACKING, address="Xưởng mới")
    session.commit()
    changed = page(client, label.path, **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_the_page_weighs_under_30_kb_gzipped_and_asks_no_other_host(client, label):
    response = page(client, label.path)
    markup = response.get_data(as_text=True)
    loaded = re.findall(r'<(?:link|img|script)\b[^>]*\b(?:href|src)="([^"]+)"', markup)
    assert loaded
    assert all(url.startswith("/") and not url.startswith("//") for url in loaded), loaded
    total = len(gzip.compress(response.get_data()))
    for url in loaded:
        asset = client.get(url)
        assert asset.status_code == 200, url
        total += len(gzip.compress(asset.get_data()))
        asset.close()
    assert total < 30 * 1024, total
