"""What a buyer sees without scrolling, on a 360 x 740 phone, with JavaScript off.

The verdict, the product, the cooperative, where it was grown (commune and province, each
farming area and its planting-area code) and each certificate with its status must lie
within the first 740 px, for a batch-code URL and a GTIN URL, in both languages, with the
longest names of the demo. The positions measured go to ``TRACE_SCREENSHOT_DIR``
(``first-screen-positions.json``) beside the screenshots (``public-first-screen-*.png``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_batches import PHONE, SCREENSHOTS, in_app
from tests.browser.test_public_page import path_of
from tests.factories import make_certificate, make_cooperative, make_farming_area, make_product
from trace.batches.services import codes
from trace.batches.services.batches import create_batch
from trace.db import db
from trace.registry.models import CertificateScheme

TRAN_DE, KE_SACH = "31673", "31528"  # Xã Trần Đề and Xã Kế Sách, Thành phố Cần Thơ
# The demo's longest names, and a product name longer than any of its own.
COOPERATIVE = "Hợp tác xã Nông nghiệp Lúa thơm Trần Đề"
GTIN_PRODUCT = "Tôm sú sinh thái rừng ngập mặn"
CODE_PRODUCT = "Gạo ST25 lúa - tôm hữu cơ Trần Đề"
AREAS = (
    ("VN-STRG-0101", "Vùng nuôi tôm quảng canh ấp Thuận Lợi", TRAN_DE),
    ("VN-STRG-0102", "Cánh đồng lớn ấp Giồng Chát", KE_SACH),
    ("VN-STRG-0103", "Cánh đồng ấp An Khương", KE_SACH),
)
CERTIFICATES = (
    # Valid on the harvest day (18/11/2026) and today.
    (CertificateScheme.VIETGAP, "VietGAP-TT-19-04-22-0081", date(2025, 6, 1), date(2029, 5, 31)),
    # Valid on the harvest day, expired since: the longest line, with both statuses.
    (CertificateScheme.ORGANIC, "NL-VN-2025-0412", date(2025, 12, 1), date(2026, 11, 30)),
    (CertificateScheme.OCOP, "OCOP-92-2025-0147", date(2025, 9, 15), date(2028, 9, 14)),
)
WORDS = {
    "vi-VN": {"genuine": "Tem thật", "more_areas": "và 1 vùng trồng khác"},
    "en-US": {"genuine": "Genuine label", "more_areas": "and 1 more farming area"},
}


def _numbered(number: str, case: int) -> str:
    """The certificate's number in one case: a scheme's numbers are unique."""
    return f"{number[:-1]}{case}"


@dataclass(frozen=True)
class Batch:
    path: str
    areas: int
    certificates: int


def _registered(area_count: int, certificate_count: int, gtin: str) -> dict[str, Batch]:
    """A batch of a GTIN product and one of a product without, each with the areas and
    certificates asked for; the cooperative's address repeats its commune, as typed."""
    cooperative = make_cooperative(
        db.session,
        name=COOPERATIVE,
        commune_code=TRAN_DE,
        street_address="Ấp Giồng Chát, Xã Trần Đề",
        phone="0299 3851 234",
    )
    products = [
        make_product(db.session, cooperative, name=GTIN_PRODUCT, gtin=gtin, ocop_stars=4),
        make_product(db.session, cooperative, name=CODE_PRODUCT, code="ST25HC", ocop_stars=3),
    ]
    areas = [
        make_farming_area(db.session, cooperative, code=f"{code}-{area_count}{certificate_count}",
                          name=name, commune_code=commune)
        for code, name, commune in AREAS[:area_count]
    ]  # fmt: skip
    for scheme, number, valid_from, valid_to in CERTIFICATES[:certificate_count]:
        certificate = make_certificate(
            db.session, cooperative, scheme=scheme, number=_numbered(number, area_count),
            valid_from=valid_from, valid_to=valid_to,
        )  # fmt: skip
        certificate.products = products
    batches = {}
    for name, product in zip(("gtin", "batch code"), products, strict=True):
        batch = create_batch(
            db.session,
            None,
            {
                "cooperative_id": cooperative.id,
                "product_id": product.id,
                "farming_area_ids": [area.id for area in areas],
                "harvested_on": date(2026, 11, 18),
                "packed_on": date(2026, 11, 19),
            },
        )
        code = codes.batch_code(db.session, None, batch.id).text
        batches[name] = Batch(path_of(code), area_count, certificate_count)
    return batches


@pytest.fixture(scope="module")
def batches(live_server: LiveServer) -> dict[str, Batch]:
    """Two areas and two certificates (the issue's case), and three of each (the rule's)."""
    made: dict[str, Batch] = {}
    for (areas, certificates), gtin in (((2, 2), "08937064150018"), ((3, 3), "08937064150025")):
        for name, batch in in_app(
            live_server, lambda a=areas, c=certificates, g=gtin: _registered(a, c, g)
        ).items():
            made[f"{name} {areas}x{certificates}"] = batch
    return made


@pytest.fixture(scope="module")
def positions() -> Iterator[dict[str, Any]]:
    measured: dict[str, Any] = {}
    yield measured
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "first-screen-positions.json"
    path.write_text(json.dumps(measured, ensure_ascii=False, indent=1), encoding="utf-8")


def _span(locator: Locator) -> tuple[int, int]:
    """Where the element starts and ends on the page, in CSS pixels from the top."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None
    return round(box["y"]), round(box["y"] + box["height"])


def _first_screen(page: Page, batch: Batch, locale: str) -> dict[str, tuple[int, int]]:
    """Each fact the first screen must show, and where it is."""
    facts = page.locator(".key-facts")
    places = facts.locator(".key-facts__place")
    area_items = facts.locator(".key-facts__row").first.locator("li")
    certificates = facts.locator(".key-cert__line")
    shown_areas = min(batch.areas, 2)
    expect(places.first).to_have_text("Xã Trần Đề, Thành phố Cần Thơ")
    expect(area_items).to_have_count(shown_areas)
    expect(certificates).to_have_count(batch.certificates)
    found = {
        "verdict": _span(page.locator(".verdict")),
        "product": _span(page.get_by_role("heading", level=1)),
        "cooperative": _span(page.locator(".public-page__maker")),
    }
    expect(page.locator(".verdict")).to_contain_text(WORDS[locale]["genuine"])
    expect(page.locator(".public-page__maker")).to_contain_text(COOPERATIVE)
    for index in range(places.count()):
        found[f"commune and province {index + 1}"] = _span(places.nth(index))
    for index, (code, name, _commune) in enumerate(AREAS[:shown_areas]):
        item = area_items.nth(index)
        expect(item).to_contain_text(name)
        found[f"farming area {index + 1}"] = _span(item.locator(".key-facts__name"))
        expect(item.locator(".record__code")).to_have_text(
            f"{code}-{batch.areas}{batch.certificates}"
        )
        found[f"planting-area code {index + 1}"] = _span(item.locator(".record__code"))
    if batch.areas > shown_areas:
        more = facts.get_by_role("link", name=WORDS[locale]["more_areas"])
        found["more farming areas"] = _span(more)
    numbers = {_numbered(number, batch.areas) for _s, number, _f, _t in CERTIFICATES}
    for index in range(batch.certificates):
        line = certificates.nth(index)
        assert line.locator(".key-cert__number").inner_text() in numbers
        found[f"certificate {index + 1}"] = _span(line.locator(".key-cert__number"))
        statuses = line.locator(".status")
        for status in range(statuses.count()):
            found[f"certificate {index + 1} status {status + 1}"] = _span(statuses.nth(status))
    return found


@pytest.mark.parametrize("locale", ["vi-VN", "en-US"])
@pytest.mark.parametrize("case", ["batch code 2x2", "gtin 2x2", "batch code 3x3", "gtin 3x3"])
def test_the_first_screen_shows_verdict_product_producer_origin_and_certificates(
    browser: Browser,
    live_server: LiveServer,
    batches: dict[str, Batch],
    positions: dict[str, Any],
    case: str,
    locale: str,
) -> None:
    batch = batches[case]
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale=locale, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(batch.path)
    found = _first_screen(page, batch, locale)
    positions[f"{case} {locale}"] = found
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = f"public-first-screen-{case.replace(' ', '-')}-{locale}"
    page.screenshot(path=str(SCREENSHOTS / f"{name}-360.png"))
    page.screenshot(path=str(SCREENSHOTS / f"{name}-full-360.png"), full_page=True)
    below = {name: span for name, span in found.items() if span[1] > PHONE["height"]}
    assert not below, f"below the first screen: {below}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def test_the_page_reads_in_order_and_its_controls_are_big_enough(
    browser: Browser, live_server: LiveServer, batches: dict[str, Batch]
) -> None:
    """Headings go down one level at a time; every control outside running text (the
    header's links, a certificate's line, the link to more farming areas) is 44 px high."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(batches["gtin 3x3"].path)
    levels = page.eval_on_selector_all("h1, h2, h3, h4", "hs => hs.map(h => +h.tagName[1])")
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in pairwise(levels)), levels
    controls = page.locator(
        ".site-header a, .key-cert__line, .key-facts__more, .key-facts__others summary"
    )
    assert controls.count() >= 6
    for index in range(controls.count()):
        control = controls.nth(index)
        if not control.is_visible():
            continue
        box = control.bounding_box()
        assert box is not None
        assert box["height"] >= 44, (control.inner_text(), box)
    # A certificate's line opens on its issuer and dates, without JavaScript.
    organic = page.locator(".key-cert", has_text="NL-VN-2025-0413")
    body = organic.locator(".key-cert__body")
    expect(body).to_be_hidden()
    organic.locator(".key-cert__line").click()
    expect(body).to_be_visible()
    expect(body).to_contain_text(re.compile(r"1 tháng 12, 2025|December 1, 2025"))
    context.close()


def test_the_producers_address_names_its_commune_once(
    browser: Browser, live_server: LiveServer, batches: dict[str, Batch]
) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="vi-VN", java_script_enabled=False
    )
    page = context.new_page()
    page.goto(batches["batch code 2x2"].path)
    producer = page.locator("section", has=page.locator("#producer-title"))
    expect(producer).to_contain_text("Ấp Giồng Chát, Xã Trần Đề, Thành phố Cần Thơ")
    expect(producer).not_to_contain_text("Xã Trần Đề, Xã Trần Đề")
    context.close()
