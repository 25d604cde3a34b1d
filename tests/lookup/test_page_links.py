"""The cooperative's links on the public page: "where to buy" and the other kinds under
their own headings, titles in the page's language, safe to follow, none for a recalled batch."""

from __future__ import annotations

import re

from tests.factories import make_batch, make_product_link
from tests.registry.test_views_common import text_of
from trace.batches.services.recall import recall_batch


def sections(markup: str) -> dict[str, str]:
    """Each section of the page by its heading's text."""
    found = {}
    for body in re.findall(r'<section class="batch-section".*?</section>', markup, re.S):
        heading = re.search(r"<h2[^>]*>(.*?)</h2>", body, re.S)
        if heading:
            title = " ".join(re.sub(r"<[^>]+>", " ", heading.group(1)).split())
            found[title] = body
    return found


def test_links_are_grouped_by_kind_with_the_titles_of_the_pages_language(
    client, session, tenants, label
):
    product = tenants.product_a
    make_product_link(
        session, product, href="https://shopee.vn/st25", title_vi="Shopee HTX", title_en=""
    )
    make_product_link(
        session,
        product,
        link_type="gs1:recipeInfo",
        href="https://htx.vn/com-tam",
        title_vi="Cơm tấm",
        title_en="Broken rice",
    )
    make_product_link(
        session,
        product,
        batch_id=label.batch.id,
        href="https://postmart.vn/lo-1",
        title_vi="Lô này trên Postmart",
        title_en="This lot on Postmart",
    )
    other_batch = make_batch(session, product)
    make_product_link(session, product, batch_id=other_batch.id, title_vi="Lô khác")
    session.commit()

    vietnamese = client.get(label.path).get_data(as_text=True)
    found = sections(vietnamese)
    assert "Shopee HTX" in found["Mua ở đâu"]
    assert "Lô này trên Postmart" in found["Mua ở đâu"]
    assert "Lô khác" not in vietnamese
    assert "Cơm tấm" in found["Công thức nấu ăn"]
    links = re.findall(r'<a class="link-list__link" href="([^"]+)" rel="([^"]+)">', vietnamese)
    assert links == [
        ("https://shopee.vn/st25", "noopener noreferrer"),
        ("https://postmart.vn/lo-1", "noopener noreferrer"),
        ("https://htx.vn/com-tam", "noopener noreferrer"),
    ]

    english = client.get(label.path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    found = sections(english)
    assert "This lot on Postmart" in found["Where to buy"]
    assert "Shopee HTX" in found["Where to buy"]  # no English title: the Vietnamese one
    assert "Broken rice" in found["Recipes"]
    assert "Cơm tấm" not in english


def test_a_page_without_links_has_no_such_sections(client, label):
    text = text_of(client.get(label.path, headers={"Accept-Language": "en"}))
    assert "Where to buy" not in text


def test_titles_are_escaped(client, session, tenants, label):
    make_product_link(session, tenants.product_a, title_vi='<script>alert("x")</script>')
    session.commit()
    markup = client.get(label.path).get_data(as_text=True)
    assert "<script>alert" not in markup
    assert "&lt;script&gt;alert" in markup


def test_a_recalled_batch_sends_no_one_to_buy_it(client, session, tenants, label):
    make_product_link(session, tenants.product_a, title_vi="Shopee HTX")
    make_product_link(session, tenants.product_a, link_type="gs1:recipeInfo", title_vi="Cơm")
    recall_batch(session, tenants.staff_a, label.batch.id, "Nhiễm nấm mốc")
    session.commit()
    markup = client.get(label.path).get_data(as_text=True)
    assert "Mua ở đâu" not in markup
    assert "Shopee HTX" not in markup
    assert "Cơm" in sections(markup)["Công thức nấu ăn"]
