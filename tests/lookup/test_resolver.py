"""The label URLs as a GS1-conformant resolver (Conformant Resolver 1.2, Digital Link 1.6):
the description file, the linkset, Link headers, link types, languages and walking up."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import jsonschema
import pytest
from werkzeug.serving import make_server

from tests.factories import make_certificate
from tests.lookup.conftest import BASE, GTIN
from tests.registry.test_views_common import text_of
from trace.batches.services import codes
from trace.batches.services.recall import recall_batch
from trace.lookup.linkset import ResolverLink
from trace.lookup.resolver import chosen_links, page_language, passed_on
from trace.registry.services import product_links

VENDORED = Path(__file__).parent.parent / "data" / "gs1-linkset"
GS1_VOC = "https://gs1.org/voc/"
# The part of GS1's description-file schema (ref.gs1.org/standards/resolver/1.2.0/
# description-file-schema) a description file must meet: the two required members, the
# primary keys' values, the CURIE prefix's form.
DESCRIPTION_SCHEMA = {
    "type": "object",
    "required": ["resolverRoot", "supportedPrimaryKeys"],
    "properties": {
        "resolverRoot": {"type": "string", "pattern": "^https?://"},
        "supportedPrimaryKeys": {
            "type": "array",
            "items": {"enum": ["all", "01", "8006", "8013", "8010", "414", "417", "00"]},
        },
        "name": {"type": "string"},
        "supportedLinkType": {
            "type": "array",
            "items": {"properties": {"prefix": {"pattern": "^[a-zA-Z_][A-Za-z0-9_-]*?:$"}}},
        },
        "linkTypeDefaultCanBeLinkset": {"type": "boolean"},
    },
}


def bare(label) -> str:
    return label.path.split("?")[0]


def assert_valid_linkset(document) -> None:
    """Valid against the schema GS1's resolver suite checks linksets with. (The vendored
    ``linkset-schema.json`` is an older one that forbids the ``itemDescription`` this one
    requires: no linkset can meet both.)"""
    schema = json.loads((VENDORED / "gs1-linkset-schema.json").read_text())
    jsonschema.validate(document, schema)


def test_the_description_file_is_public_json_valid_against_gs1s_schema(client):
    response = client.get("/.well-known/gs1resolver")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = response.get_json()
    jsonschema.validate(document, DESCRIPTION_SCHEMA)
    assert document["resolverRoot"] == BASE
    assert document["supportedPrimaryKeys"] == ["01"]
    assert document["supportedLinkType"] == [{"namespace": GS1_VOC, "prefix": "gs1:"}]


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("?linkType=linkset", {}),
        ("?linkType=all", {}),
        ("", {"Accept": "application/linkset+json"}),
    ],
)
def test_the_linkset_is_served_three_ways_and_validates(client, label, query, headers):
    response = client.get(bare(label) + query, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/linkset+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = response.get_json()
    assert_valid_linkset(document)
    [item] = document["linkset"]
    assert item["anchor"] == BASE + bare(label)
    assert item["itemDescription"].startswith("Gạo")
    # The page in the reader's language (Vietnamese when none is asked for): never the bare
    # item URL, which redirects to it.
    assert item[f"{GS1_VOC}defaultLink"] == [
        {"href": BASE + bare(label) + "?lang=vi", "title": "Thông tin truy xuất nguồn gốc"}
    ]
    types = {key.removeprefix(GS1_VOC) for key in item if key.startswith(GS1_VOC)}
    assert types == {
        "defaultLink", "pip", "verificationService", "recallStatus", "traceability",
    }  # fmt: skip


def test_a_batch_with_a_certificate_links_it(client, session, tenants, label):
    make_certificate(session, tenants.cooperative_a).products = [tenants.product_a]
    session.commit()
    document = client.get(bare(label) + "?linkType=linkset").get_json()
    assert_valid_linkset(document)
    [link] = document["linkset"][0][f"{GS1_VOC}certificationInfo"]
    assert link["href"] == f"{BASE}{bare(label)}#certificates"
    asked = client.get(bare(label) + "?linkType=gs1:certificationInfo")
    assert asked.status_code == 307
    assert asked.headers["Location"] == f"{BASE}{bare(label)}#certificates"


def test_gs1s_own_examples_meet_the_schema_as_gs1_says():
    """The validator agrees with GS1: its valid example passes, its invalid one does not."""
    assert_valid_linkset(json.loads((VENDORED / "valid-gs1-example.json").read_text()))
    with pytest.raises(jsonschema.ValidationError):
        assert_valid_linkset(json.loads((VENDORED / "invalid-gs1-example.json").read_text()))


def test_the_cooperatives_links_join_the_linkset_and_answer_their_type(
    client, session, tenants, label
):
    product_id = tenants.product_a.id
    shop = {"link_type": "gs1:hasRetailers", "href": "https://shopee.vn/gao-st25-1"}
    recipe = {
        "link_type": "gs1:recipeInfo",
        "href": "https://example.vn/com-tam",
        "title_vi": "Cơm tấm",
        "title_en": "Broken rice",
    }
    product_links.add_link(session, tenants.staff_a, product_id, shop)
    product_links.add_link(session, tenants.staff_a, product_id, recipe, batch_id=label.batch.id)
    session.commit()
    document = client.get(bare(label) + "?linkType=linkset").get_json()
    assert_valid_linkset(document)
    [item] = document["linkset"]
    assert item[f"{GS1_VOC}hasRetailers"] == [
        {"href": "https://shopee.vn/gao-st25-1", "title": "Shopee", "type": "text/html"}
    ]
    english = client.get(bare(label) + "?linkType=all", headers={"Accept-Language": "en"})
    [recipe_link] = english.get_json()["linkset"][0][f"{GS1_VOC}recipeInfo"]
    assert recipe_link["title"] == "Broken rice"
    asked = client.get(bare(label) + "?linkType=gs1:hasRetailers&utm_source=qr")
    assert asked.status_code == 307
    assert asked.headers["Location"] == "https://shopee.vn/gao-st25-1?utm_source=qr"
    # The product level (a GTIN alone) lists the product's links, not one batch's.
    product_level = client.get(f"/01/{GTIN}?linkType=linkset").get_json()["linkset"][0]
    assert f"{GS1_VOC}hasRetailers" in product_level
    assert f"{GS1_VOC}recipeInfo" not in product_level


def test_a_recalled_batch_is_sold_nowhere_in_its_linkset(client, session, tenants, label):
    shop = {"link_type": "gs1:hasRetailers", "href": "https://tiki.vn/gao-st25"}
    product_links.add_link(session, tenants.staff_a, tenants.product_a.id, shop)
    recall_batch(session, tenants.staff_a, label.batch.id, "Dư lượng thuốc vượt mức")
    session.commit()
    document = client.get(bare(label) + "?linkType=linkset").get_json()
    assert f"{GS1_VOC}hasRetailers" not in document["linkset"][0]
    assert client.get(bare(label) + "?linkType=gs1:hasRetailers").status_code == 404


def test_a_plain_scan_lands_on_the_page_with_link_headers(client, label):
    response = client.get(label.path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    link = response.headers["Link"]
    assert f'<{BASE}{bare(label)}?linkType=linkset>; rel="linkset"' in link
    assert 'rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"' in link
    assert "Accept" in response.headers["Vary"]


def test_every_answer_carries_the_link_header_and_cors(client, label):
    answers = [
        client.options(bare(label)),
        client.head(bare(label)),
        client.get(bare(label) + "?linkType=gs1:pip"),
        client.get(bare(label) + "?linkType=linkset"),
        client.get(bare(label) + "?linkType=gs1:nosuchlt"),
    ]
    for response in answers:
        assert f"<{BASE}{bare(label)}?linkType=linkset>" in response.headers["Link"]
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "OPTIONS" in answers[0].headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(
    "link_type",
    [
        "gs1:verificationService",
        "https://gs1.org/voc/verificationService",
        "https%3A%2F%2Fgs1.org%2Fvoc%2FverificationService",
        "https://ref.gs1.org/voc/verificationService",
    ],
)
def test_a_link_type_the_item_has_redirects_to_it(client, label, link_type):
    response = client.get(f"{bare(label)}?linkType={link_type}")
    assert response.status_code == 307
    assert response.headers["Location"] == f"{BASE}/api/v1/verify"


def test_the_rest_of_the_query_is_passed_on(client, label):
    signature = label.path.split("?")[1]
    response = client.get(f"{bare(label)}?foo=bar&linkType=gs1:defaultLink")
    assert response.headers["Location"] == f"{BASE}{bare(label)}?foo=bar&lang=vi"
    signed = client.get(f"{label.path}&linkType=gs1:pip", headers={"Accept-Language": "en"})
    assert signed.headers["Location"] == f"{BASE}{bare(label)}?{signature}&lang=en"
    # The page there still judges the signed code, and in the chosen language.
    landed = client.get(signed.headers["Location"].removeprefix(BASE))
    assert "Genuine label" in text_of(landed)


@pytest.mark.parametrize("link_type", ["gs1:nosuchlt", "schema:offers", "gs1:certificationInfo"])
def test_a_link_type_the_item_lacks_is_a_404(client, label, link_type):
    response = client.get(f"{bare(label)}?linkType={link_type}")
    assert response.status_code == 404
    assert response.mimetype == "application/json"


@pytest.mark.parametrize(
    ("accept_language", "chosen"),
    [
        ("en;q=0.9, vi;q=0.4", "en"),
        ("vi-VN, en;q=0.5", "vi"),
        ("en-GB", "en"),
        ("", "vi"),
    ],
)
def test_accept_language_chooses_among_the_pages(client, label, accept_language, chosen):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = client.get(f"{bare(label)}?linkType=gs1:pip", headers=headers)
    assert response.status_code == 307
    assert response.headers["Location"] == f"{BASE}{bare(label)}?lang={chosen}"


def test_links_that_fit_equally_answer_300_with_the_list(client, label):
    response = client.get(f"{bare(label)}?linkType=gs1:pip", headers={"Accept-Language": "fr"})
    assert response.status_code == 300
    document = response.get_json()
    assert_valid_linkset(document)
    pages = document["linkset"][0][f"{GS1_VOC}pip"]
    assert {page["hreflang"][0] for page in pages} == {"vi", "en"}


def test_choosing_weighs_languages_then_media_types():
    page = ResolverLink("pip", "https://a.example/vi", "Trang", ("vi",))
    pdf = ResolverLink("pip", "https://a.example/vi.pdf", "PDF", ("vi",), "application/pdf")
    anywhere = ResolverLink("pip", "https://a.example/", "Any")
    links = [page, pdf, anywhere]
    assert chosen_links(links, "pip", [("vi", 1.0)], [("application/pdf", 1.0)]) == [pdf]
    assert chosen_links(links, "pip", [("vi", 1.0)], []) == [page, pdf]
    assert chosen_links(links, "pip", [("de", 1.0)], []) == [anywhere]
    assert chosen_links(links, "gtin", [("vi", 1.0)], []) == []


def test_passing_on_keeps_the_fragment_and_the_links_own_query():
    assert passed_on("https://a.example/p?lang=vi#x", "k=1&lang=en&linkType=gs1:pip") == (
        "https://a.example/p?k=1&lang=vi#x"
    )
    assert passed_on("https://a.example/p", "linkType=gs1:pip") == "https://a.example/p"


def test_a_trailing_slash_is_tolerated(client, label):
    assert client.get(bare(label) + "/?lang=en").status_code == 200
    typed = client.get(bare(label) + "/")
    assert typed.status_code == 307
    assert typed.headers["Location"] == f"{BASE}{bare(label)}?lang=vi"
    slashed = client.get(bare(label) + "/?linkType=gs1:verificationService")
    assert slashed.status_code == 307
    assert slashed.headers["Location"] == f"{BASE}/api/v1/verify"
    assert client.get(f"/01/{GTIN}/").headers["Location"] == f"{BASE}/01/{GTIN}?lang=vi"
    assert client.get(f"/01/{GTIN}/?lang=vi").status_code == 200


def test_a_url_without_a_query_redirects_to_its_default_link(client, session, tenants, label):
    """A typed-in or linked address (a QR code always carries k and s) is redirected to the
    linkset's default link, the page in the reader's language."""
    [unit] = codes.issue_units(session, tenants.staff_a, label.batch.id, 1).units
    session.commit()
    unit_path = unit.text.removeprefix(BASE).split("?")[0]
    for path in (bare(label), unit_path, f"/01/{GTIN}"):
        for accept_language, language in [(None, "vi"), ("en-GB, vi;q=0.5", "en"), ("fr", "vi")]:
            headers = {"Accept-Language": accept_language} if accept_language else {}
            response = client.get(path, headers=headers)
            assert response.status_code == 307, (path, accept_language)
            location = response.headers["Location"]
            assert location == f"{BASE}{path}?lang={language}"
            [item] = client.get(f"{path}?linkType=linkset", headers=headers).get_json()["linkset"]
            assert item[f"{GS1_VOC}defaultLink"][0]["href"] == location
            assert "Accept-Language" in response.headers["Vary"]
            assert f"<{BASE}{path}?linkType=linkset>" in response.headers["Link"]
            landed = client.get(location.removeprefix(BASE))
            assert landed.status_code == 200
            assert f'<html lang="{language}">' in landed.get_data(as_text=True)
    assert client.head(bare(label)).status_code == 307
    # Any query keeps the page itself: a scan, a chosen language.
    assert client.get(label.path).status_code == 200
    assert client.get(bare(label) + "?lang=en").status_code == 200


def test_without_a_query_unknown_and_malformed_addresses_are_not_redirected(client, label):
    unknown_gtin = "08936052470015"
    assert client.get(f"/01/{unknown_gtin}").status_code == 404
    assert client.get(f"/01/{unknown_gtin}/10/NO-SUCH-LOT").status_code == 404
    assert client.get("/b/NOPE-1").status_code == 404
    assert client.get("/01/123/10/ST25").status_code == 400


def test_the_page_language_follows_the_readers_q_values():
    assert page_language([]) == "vi"
    assert page_language([("en", 0.9), ("vi", 0.4)]) == "en"
    assert page_language([("vi-VN", 1.0), ("en", 0.5)]) == "vi"
    assert page_language([("en-US", 1.0)]) == "en"
    assert page_language([("fr", 1.0)]) == "vi"
    assert page_language([("*", 1.0)]) == "vi"


def test_a_gtin_alone_answers_the_products_page_and_links(client, label):
    response = client.get(f"/01/{GTIN}?lang=en")
    assert response.status_code == 200
    text = text_of(response)
    assert "Gạo" in text
    assert "Type the lot printed beside the barcode" in text
    assert f"<{BASE}/01/{GTIN}?linkType=linkset>" in response.headers["Link"]
    document = client.get(f"/01/{GTIN}?linkType=linkset").get_json()
    assert_valid_linkset(document)
    [item] = document["linkset"]
    assert item["anchor"] == f"{BASE}/01/{GTIN}"
    assert f"{GS1_VOC}recallStatus" not in item


def test_an_unknown_lot_or_serial_walks_up_to_the_product(client, label):
    signature = label.path.split("?")[1]
    for path, notice in [
        (f"/01/{GTIN}/10/NO-SUCH-LOT?{signature}", "No batch of this product has the lot"),
        (f"{bare(label)}/21/AAAA?lang=en", "has the serial AAAA here"),
    ]:
        response = client.get(path, headers={"Accept-Language": "en"})
        assert response.status_code == 200, path
        text = text_of(response)
        assert notice in text
        assert "Genuine label" not in text
        assert 'data-verdict="valid"' not in response.get_data(as_text=True)
        assert f"<{BASE}/01/{GTIN}?linkType=linkset>" in response.headers["Link"]
    linkset = client.get(f"/01/{GTIN}/10/NO-SUCH-LOT?linkType=linkset").get_json()
    assert linkset["linkset"][0]["anchor"] == f"{BASE}/01/{GTIN}"
    # Typed in without a query: to the same URL's page, which still names the lot.
    typed = client.get(f"/01/{GTIN}/10/NO-SUCH-LOT", headers={"Accept-Language": "en"})
    assert typed.status_code == 307
    assert typed.headers["Location"] == f"{BASE}/01/{GTIN}/10/NO-SUCH-LOT?lang=en"
    landed = client.get(typed.headers["Location"].removeprefix(BASE))
    assert "No batch of this product has the lot NO-SUCH-LOT" in text_of(landed)


def test_an_unknown_gtin_is_still_a_404(client, label):
    assert client.get("/01/08936052470015").status_code == 404
    assert client.get("/01/08936052470015?linkType=linkset").status_code == 404


def test_a_full_uri_in_the_query_is_read_as_query_by_the_test_client(client, label):
    response = client.get(f"{bare(label)}?linkType=https://gs1.org/voc/pip&lang=en")
    assert response.status_code == 307
    assert response.headers["Location"] == f"{BASE}{bare(label)}?lang=en"


def raw_request(port: int, target: str) -> str:
    """The status line and headers a real server answers to a raw request line."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        connection.sendall(request.encode("ascii"))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer.decode("utf-8", "replace").split("\r\n\r\n")[0]


@pytest.mark.parametrize("absolute", [False, True])
def test_a_full_uri_in_the_query_is_read_as_query_by_a_real_server(app, label, absolute):
    server = make_server("127.0.0.1", 0, app)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        origin = f"http://127.0.0.1:{server.port}" if absolute else ""
        target = f"{origin}{bare(label)}?linkType=https://gs1.org/voc/pip&lang=en"
        head = raw_request(server.port, target)
    finally:
        server.shutdown()
    assert head.split("\r\n")[0].split(" ")[1] == "307", head
    assert f"Location: {BASE}{bare(label)}?lang=en" in head
