"""The box to type a code in, on the unknown-code pages and at /lookup, and batch codes and
lots found whatever their case, never with the genuine verdict for an unsigned spelling."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from tests.factories import make_batch, make_product
from tests.lookup.conftest import BASE, GTIN
from tests.lookup.test_page import english, page, verdict_of
from tests.lookup.test_scans import scans
from tests.query_plans import query_plan
from tests.registry.test_views_common import text_of
from trace.batches.services import issuing
from trace.lookup import finding


@pytest.fixture
def plain_batch(session, tenants):
    """A batch of a product without a GTIN: its label is /b/{batch code}."""
    product = make_product(session, tenants.cooperative_a, name="Gạo ST24")
    batch = make_batch(session, product, lot="ST24-261201-01")
    session.commit()
    return batch


def _input_value(response, name="code"):
    match = re.search(rf'name="{name}" value="([^"]*)"', response.get_data(as_text=True))
    return match[1] if match else None


def test_a_batch_code_in_lower_case_is_redirected_to_its_registered_spelling(client, plain_batch):
    response = page(client, f"/b/{plain_batch.code.lower()}")
    assert response.status_code == 301
    # Straight to the page in the reader's language: a URL without a query would redirect
    # once more.
    assert response.headers["Location"] == f"/b/{plain_batch.code}?lang=vi"
    assert response.headers["Cache-Control"] == "public, no-cache"
    assert "Accept-Language" in response.headers["Vary"]
    followed = page(client, response.headers["Location"])
    assert followed.status_code == 200
    assert plain_batch.code in text_of(followed)
    in_english = english(client, f"/b/{plain_batch.code.lower()}")
    assert in_english.headers["Location"] == f"/b/{plain_batch.code}?lang=en"


def test_a_signed_label_in_another_case_loses_its_signature_on_the_way(client, label):
    lot = label.batch.lot
    changed = label.path.replace(f"/10/{lot}", f"/10/{lot.lower()}")
    response = page(client, changed + "&lang=en")
    assert response.status_code == 301
    # The lot as registered, the language kept, the signature (over the other spelling) not.
    assert response.headers["Location"] == f"/01/{GTIN}/10/{lot}?lang=en"
    followed = page(client, response.headers["Location"])
    assert verdict_of(followed) == ""
    text = text_of(followed)
    assert "carries no signature" in text
    assert "Genuine label" not in text


def test_a_unit_and_a_linkset_keep_their_place_in_the_redirect(client, plain_batch):
    unit = page(client, f"/b/{plain_batch.code.lower()}/AB12")
    assert unit.headers["Location"] == f"/b/{plain_batch.code}/AB12?lang=vi"
    linkset = page(client, f"/b/{plain_batch.code.lower()}?linkType=all")
    assert linkset.headers["Location"] == f"/b/{plain_batch.code}?linkType=all"


def test_an_unknown_serial_of_a_batch_spelled_right_is_not_found_without_a_loop(
    client, plain_batch
):
    assert page(client, f"/b/{plain_batch.code}/NOSUCH").status_code == 404
    respelled = page(client, f"/b/{plain_batch.code.lower()}/NOSUCH")
    assert respelled.headers["Location"] == f"/b/{plain_batch.code}/NOSUCH?lang=vi"
    assert page(client, respelled.headers["Location"]).status_code == 404


def test_a_copied_key_signing_another_spelling_is_still_recorded_before_the_redirect(
    client, session, plain_batch
):
    """A code signed by our key for a spelling we never issued is the sign of a copied key:
    it is recorded for the alerts even though the visitor is sent to the registered one."""
    signer = issuing.signer_for(session)
    lower = plain_batch.code.lower()
    forged = signer.sign(issuing.code_data(BASE, None, plain_batch.lot.lower(), lower, None))
    response = page(client, forged.removeprefix(BASE))
    assert response.headers["Location"] == f"/b/{plain_batch.code}?lang=vi"
    [scan] = scans(session)
    assert (scan.verdict, scan.is_signature_valid, scan.code_text) == (
        "unknown batch",
        True,
        forged,
    )


def test_codes_differing_only_in_case_are_offered_as_a_choice(client, session, tenants):
    product = make_product(session, tenants.cooperative_a, name="Nếp cái hoa vàng")
    upper = make_batch(session, product, lot="NEP-A1")
    lower = make_batch(session, product, lot="nep-a1")
    session.commit()
    exact = english(client, f"/b/{lower.code}?lang=en")
    assert exact.status_code == 200  # the exact spelling is its own batch
    response = english(client, f"/b/{upper.code.replace('NEP', 'Nep')}")
    assert response.status_code == 404
    markup = response.get_data(as_text=True)
    assert f'href="/b/{upper.code}"' in markup
    assert f'href="/b/{lower.code}"' in markup


def test_the_unknown_code_page_has_a_box_to_type_the_code_in(client):
    response = page(client, "/b/NOPE-1")
    assert response.status_code == 404
    markup = response.get_data(as_text=True)
    assert 'action="/lookup"' in markup
    assert 'method="get"' in markup
    assert 'name="code"' in markup
    assert "Mã trên tem" in text_of(response)
    malformed = page(client, "/01/123/10/ST25")
    assert malformed.status_code == 400
    assert 'action="/lookup"' in malformed.get_data(as_text=True)
    assert "gõ mã in bên dưới" not in text_of(malformed)


def test_the_lookup_page_is_vietnamese_first_with_the_english_switch(client):
    response = page(client, "/lookup")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.get_data(as_text=True)
    assert "Tra cứu mã" in text_of(response)
    in_english = page(client, "/lookup?code=NOPE&lang=en")
    assert "No batch has this code" in text_of(in_english)
    # The language switch keeps what was typed.
    assert "next=/lookup?code%3DNOPE" in in_english.get_data(as_text=True)


@pytest.mark.parametrize(
    "typed",
    [
        lambda batch: batch.code.lower(),
        lambda batch: f"  {batch.code}\n",
        lambda batch: batch.lot.lower(),
        lambda batch: f"{BASE}/b/{batch.code.lower()}",
        lambda batch: f"https://another-site.example/b/{batch.code}?k=x&s=y",
        lambda batch: f"127.0.0.1:5000/b/{batch.code}",
        lambda batch: f"/b/{batch.code}",
    ],
    ids=["code", "spaces", "lot", "our address", "another site", "no scheme", "path"],
)
def test_a_typed_batch_code_leads_to_its_page(client, plain_batch, typed):
    response = client.get("/lookup", query_string={"code": typed(plain_batch)})
    assert response.status_code == 303
    # Straight to the page, in the reader's language: no second redirect.
    assert response.headers["Location"] == f"/b/{plain_batch.code}?lang=vi"
    assert page(client, response.headers["Location"]).status_code == 200


def test_a_typed_code_leads_to_the_page_in_the_language_of_the_box_or_the_reader(
    client, plain_batch
):
    typed = {"code": plain_batch.code}
    english_box = client.get("/lookup", query_string={**typed, "lang": "en"})
    assert english_box.headers["Location"] == f"/b/{plain_batch.code}?lang=en"
    english_reader = client.get(
        "/lookup", query_string=typed, headers={"Accept-Language": "en-GB, vi;q=0.5"}
    )
    assert english_reader.headers["Location"] == f"/b/{plain_batch.code}?lang=en"


def test_a_pasted_label_address_is_judged_as_if_scanned(client, label):
    response = client.get("/lookup", query_string={"code": label.code, "lang": "en"})
    assert response.status_code == 303
    assert response.headers["Location"] == label.path + "&lang=en"
    followed = page(client, response.headers["Location"])
    assert verdict_of(followed) == "valid"
    # The same address on another host carries a signature made for another text: dropped.
    moved = label.code.replace(BASE, "https://truyxuat-gia.example")
    elsewhere = client.get("/lookup", query_string={"code": moved})
    assert elsewhere.headers["Location"] == label.path.split("?")[0] + "?lang=vi"


@pytest.mark.parametrize("query", ["k=ằ&s=x y", "k=%ZZ&s=\u202e", "s=" + "A" * 400])
def test_an_odd_query_on_our_own_address_is_never_a_500(client, plain_batch, query):
    typed = f"{BASE}/b/{plain_batch.code}?{query}"
    response = client.get("/lookup", query_string={"code": typed})
    assert response.status_code == 303
    followed = english(client, response.headers["Location"])
    assert followed.status_code == 200
    assert verdict_of(followed) != "valid"


def test_the_text_under_a_barcode_and_a_gtin_lead_to_the_lot_or_the_product(client, label):
    lot = label.batch.lot
    lot_page = f"/01/{GTIN}/10/{lot}"
    element_string = f"(01){GTIN}(17)270519(10){lot.lower()}"
    assert client.get("/lookup", query_string={"code": element_string}).location == (
        f"{lot_page}?lang=vi"
    )
    # A GTIN-13 as printed under an EAN barcode: the product, asking for its lot.
    product = english(client, f"/lookup?code={GTIN[1:]}")
    assert product.status_code == 200
    assert label.batch.product.name in text_of(product)
    assert 'name="lot"' in product.get_data(as_text=True)
    found = client.get("/lookup", query_string={"code": GTIN[1:], "lot": lot})
    assert found.location == f"{lot_page}?lang=vi"
    wrong = english(client, f"/lookup?code={GTIN}&lot=NO-SUCH-LOT")
    assert wrong.status_code == 200
    assert "No batch of this product has the lot NO-SUCH-LOT" in text_of(wrong)
    assert _input_value(wrong, "lot") == "NO-SUCH-LOT"
    check_digit = english(client, f"/lookup?code={GTIN[:-1]}9")
    assert check_digit.status_code == 400
    assert "last digit of this product number is wrong" in text_of(check_digit)


def test_an_unknown_code_is_not_found_again_with_the_form_kept_filled(client, label):
    response = english(client, "/lookup?code=NOPE-42")
    assert response.status_code == 404
    assert _input_value(response) == "NOPE-42"
    assert "No batch has this code" in text_of(response)
    # A GTIN nobody registered is not found either: no product page for it.
    assert english(client, "/lookup?code=4006381333931").status_code == 404


def test_a_product_without_a_batch_is_not_shown_by_its_gtin(client, session, tenants):
    """Only a product with a batch has labels, and so anything public."""
    make_product(session, tenants.cooperative_a, name="Sản phẩm chưa có lô", gtin="04006381333931")
    session.commit()
    response = english(client, "/lookup?code=4006381333931")
    assert response.status_code == 404
    assert "Sản phẩm chưa có lô" not in text_of(response)


@pytest.mark.parametrize(
    "typed",
    [
        "A" * 100_000,
        "ST25\x00\x1b[31m-01",
        "\u202eST25-01",
        "https://evil.example/phish?x=1",
        "javascript:alert(1)",
        "<script>alert(1)</script>",
        "((((((",
        "(01)",
        "%00%ff",
        "/b/../../etc/passwd",
        "/01/" + "9" * 5000,
        "http://[::1",
        "Gạo ST25 Sóc Trăng",
        "0" * 14,
    ],
)
def test_odd_input_is_answered_clearly_never_with_a_500(client, typed):
    response = english(client, "/lookup?" + _query(typed))
    assert response.status_code in (303, 400, 404), response.status_code
    markup = response.get_data(as_text=True)
    assert "<script>alert" not in markup
    if response.status_code != 303:
        assert 'name="code"' in markup
        assert len(_input_value(response) or "") <= 512


def test_odd_label_paths_are_never_a_500(client):
    for path in ("/b/%00", "/b/" + "a" * 5000, "/b/%C3%A1", "/01/08934567000017/10/%E2%80%AE"):
        assert page(client, path).status_code in (400, 404), path


def _query(text):
    return urlencode({"code": text})


@pytest.mark.parametrize(
    ("statement", "values", "index"),
    [
        (finding.BY_CODE_ANY_CASE, {"code": "TRANDE-ST24-1"}, "ix_batches_upper_code"),
        (finding.BY_LOT_ANY_CASE, {"lot": "ST24-1"}, "ix_batches_upper_lot"),
    ],
)
def test_a_look_up_in_any_case_uses_its_index(session, statement, values, index):
    """A miss costs an index probe, not a read of every batch (a public page anyone can
    ask for unknown codes)."""
    assert index in query_plan(session.connection(), statement, values)
