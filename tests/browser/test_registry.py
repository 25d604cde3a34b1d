"""The registry pages in a real browser on a phone, JavaScript off, used as a clerk would.

Each test signs in, finds its way from the dashboard, fills a form by its labels and
reads the page it lands on. Screenshots at 360 px go to ``TRACE_SCREENSHOT_DIR`` for
people to look at. The pages are English here (``Accept-Language``) so the tests do not
depend on the catalogues; ``test_screenshots_in_vietnamese`` shows the Vietnamese layout.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import LiveServer
from tests.factories import (
    DAI_TU,
    TEST_PASSWORD,
    make_certificate,
    make_cooperative,
    make_farming_area,
    make_product,
    make_upload,
    make_user,
)
from trace.auth.models import Role
from trace.db import db
from trace.registry.models import CertificateScheme, FarmingAreaKind

PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(os.environ.get("TRACE_SCREENSHOT_DIR", "/tmp/screens"))

pytestmark = pytest.mark.browser_context_args(locale="en-US", java_script_enabled=False)


@pytest.fixture
def console(page: Page) -> list[ConsoleMessage]:
    messages: list[ConsoleMessage] = []
    page.on("console", lambda message: messages.append(message))
    return messages


@pytest.fixture
def requested_urls(page: Page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


@pytest.fixture(autouse=True)
def upload_dir(live_server: LiveServer, tmp_path: Path) -> Path:
    """Files people choose are stored in this test's own folder."""
    directory = tmp_path / "uploads"
    live_server.app.config["TRACE_UPLOAD_DIR"] = str(directory)
    return directory


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    """A photo on the phone, as a clerk would take of the package."""
    from PIL import Image

    path = tmp_path / "gao-st25.jpg"
    Image.new("RGB", (640, 480), (222, 184, 84)).save(path, "JPEG")
    return path


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def records_nav(page: Page) -> Any:
    return page.get_by_role("navigation", name="Records")


def capture(page: Page, name: str) -> None:
    """A full-page screenshot, after checking that nothing is wider than the phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width}px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"registry-{name}-360.png"), full_page=True)


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def in_app(live_server: LiveServer, make: Callable[[], Any]) -> Any:
    """Create test data on the live server's database and commit it."""
    with live_server.app.app_context():
        result = make()
        db.session.commit()
        return result


def new_staff(live_server: LiveServer, cooperative_name: str, **values: Any) -> tuple[str, int]:
    """A cooperative with one staff account: (email, cooperative id)."""

    def make() -> tuple[str, int]:
        cooperative = make_cooperative(db.session, name=cooperative_name, **values)
        user = make_user(db.session, Role.COOPERATIVE, cooperative=cooperative)
        return user.email, cooperative.id

    result: tuple[str, int] = in_app(live_server, make)
    return result


def no_csp_violations(console: list[ConsoleMessage]) -> bool:
    return not [m.text for m in console if "Content Security Policy" in m.text]


def test_clerk_adds_a_product(
    phone: Page, live_server: LiveServer, console: list[ConsoleMessage], photo: Path
) -> None:
    email, _ = new_staff(live_server, "HTX Lúa gạo Trần Đề")
    sign_in(phone, email)
    phone.get_by_role("link", name="Add a product").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Add a product")

    phone.get_by_label("Product name").fill("Gạo ST25 Trần Đề")
    phone.get_by_label("Kind of product").fill("Rice")
    phone.get_by_label("Unit you sell in").fill("bag of 5 kg")
    phone.get_by_label("Description").fill("Fragrant rice grown with few chemicals.")
    phone.get_by_label("Photo of the product").set_input_files(photo)
    # The commune decides its key products: the form has no tick of its own any more.
    expect(phone.get_by_label("This is a key product of our commune")).to_have_count(0)
    capture(phone, "product-form")
    phone.get_by_role("button", name="Save the product").click()

    expect(phone).to_have_url(re.compile(r"/products/\d+$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Gạo ST25 Trần Đề")
    expect(phone.get_by_role("status")).to_contain_text("Product “Gạo ST25 Trần Đề” added.")
    expect(phone.get_by_text("bag of 5 kg")).to_be_visible()
    expect(phone.get_by_role("img", name="Photo of Gạo ST25 Trần Đề")).to_be_visible()
    expect(phone.get_by_text("No: the commune decides its key products")).to_be_visible()
    expect(phone.get_by_role("button", name="Propose to the commune")).to_be_visible()
    capture(phone, "product-detail")

    records_nav(phone).get_by_role("link", name="Products").click()
    expect(phone.get_by_role("link", name="Gạo ST25 Trần Đề")).to_be_visible()
    capture(phone, "product-list")
    assert no_csp_violations(console)


def test_clerk_adds_a_farming_area_in_another_province(
    phone: Page,
    live_server: LiveServer,
    console: list[ConsoleMessage],
    requested_urls: list[str],
) -> None:
    email, _ = new_staff(live_server, "HTX Tôm Đầm Dơi")
    sign_in(phone, email)
    records_nav(phone).get_by_role("link", name="Farming areas").click()
    phone.wait_for_url("**/farming-areas")  # the new page loaded, not the dashboard leaving
    capture(phone, "farming-area-empty")
    phone.get_by_role("link", name="Add the first farming area").click()

    # The form starts at the cooperative's own commune.
    expect(phone.get_by_label("Province or city")).to_have_value("92")
    expect(phone.get_by_label("Commune or ward")).to_have_value("31507")
    phone.get_by_label("Name of the area").fill("Ao nuôi tôm ấp 3")
    phone.get_by_label("Aquaculture area (shrimp, fish)").check()
    phone.get_by_label("Planting-area code").fill("vn-tn-0042")
    phone.get_by_label("Province or city").select_option(label="Thái Nguyên")
    phone.get_by_role("button", name="Show its communes").click()

    # Without JavaScript the page comes back with that province's communes and the typed text.
    expect(phone.get_by_label("Name of the area")).to_have_value("Ao nuôi tôm ấp 3")
    expect(phone.get_by_label("Aquaculture area (shrimp, fish)")).to_be_checked()
    phone.get_by_label("Commune or ward").select_option(label="Xã Đại Từ")
    phone.get_by_label("Latitude").fill("21.6338")
    phone.get_by_label("Longitude").fill("105.6357")
    phone.get_by_label("What is grown or raised").fill("White-leg shrimp")
    phone.get_by_label("Size in hectares").fill("2,5")
    capture(phone, "farming-area-form")
    # Enter in a text box saves, as people expect; it does not reload the communes.
    phone.get_by_label("Size in hectares").press("Enter")

    expect(phone).to_have_url(re.compile(r"/farming-areas/\d+$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Ao nuôi tôm ấp 3")
    expect(phone.get_by_text("VN-TN-0042").first).to_be_visible()
    expect(phone.get_by_text("Xã Đại Từ, Thái Nguyên").first).to_be_visible()
    expect(phone.get_by_text("2.5 ha")).to_be_visible()
    expect(phone.get_by_role("img", name="Where in Vietnam")).to_be_visible()
    osm = phone.get_by_role("link", name=re.compile("OpenStreetMap"))
    expect(osm).to_have_attribute(
        "href",
        "https://www.openstreetmap.org/?mlat=21.633800&mlon=105.635700#map=15/21.633800/105.635700",
    )
    capture(phone, "farming-area-detail")
    assert no_csp_violations(console)
    assert all(url.startswith(live_server.url + "/") for url in requested_urls), requested_urls


def test_farming_area_map_needs_no_other_server(phone: Page, live_server: LiveServer) -> None:
    """With every other host unreachable, the page still draws both maps."""
    email, cooperative_id = new_staff(live_server, "HTX Chè Tân Cương")

    def make() -> int:
        from trace.registry.models import Cooperative

        cooperative = db.session.get(Cooperative, cooperative_id)
        ring = [[105.974, 9.603], [105.978, 9.603], [105.979, 9.607], [105.973, 9.606]]
        area = make_farming_area(
            db.session,
            cooperative,
            name="Đồi chè Tân Cương",
            polygon={"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
            area_hectares=Decimal("14.2"),
        )
        return int(area.id)

    area_id = in_app(live_server, make)
    elsewhere: list[str] = []

    def only_our_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url + "/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    phone.route("**/*", only_our_server)
    sign_in(phone, email)
    phone.goto(f"/farming-areas/{area_id}")
    expect(phone.get_by_role("img", name="Where in Vietnam")).to_be_visible()
    expect(phone.get_by_role("img", name=re.compile("Outline: about"))).to_be_visible()
    expect(phone.get_by_text("14.2 ha")).to_be_visible()
    assert elsewhere == []
    capture(phone, "farming-area-outline")


def test_clerk_adds_a_certificate_for_a_product_and_an_area(
    phone: Page, live_server: LiveServer
) -> None:
    email, cooperative_id = new_staff(live_server, "HTX Rau an toàn Kế Sách")

    def make() -> None:
        from trace.registry.models import Cooperative

        cooperative = db.session.get(Cooperative, cooperative_id)
        make_product(db.session, cooperative, name="Rau muống")
        make_farming_area(db.session, cooperative, name="Cánh đồng rau ấp 5")

    in_app(live_server, make)
    sign_in(phone, email)
    phone.get_by_role("link", name="Add a certificate").click()
    phone.get_by_label("Kind of certificate").select_option(label="VietGAP")
    phone.get_by_label("Certificate number").fill("VietGAP-TT-20-01")
    phone.get_by_label("Issued by").fill("Quacert")
    start = date.today() - timedelta(days=30)
    phone.get_by_label("Valid from").fill(start.isoformat())
    phone.get_by_label("Valid until").fill((start + timedelta(days=700)).isoformat())
    phone.get_by_label("Rau muống").check()
    phone.get_by_label(re.compile("Cánh đồng rau ấp 5")).check()
    capture(phone, "certificate-form")
    phone.get_by_role("button", name="Save the certificate").click()

    expect(phone).to_have_url(re.compile(r"/certificates/\d+$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("VietGAP-TT-20-01")
    expect(phone.locator(".page-head .status")).to_have_text("Valid")
    expect(phone.get_by_role("link", name="Rau muống")).to_be_visible()
    expect(phone.get_by_role("link", name="Cánh đồng rau ấp 5")).to_be_visible()
    capture(phone, "certificate-detail")


def test_operator_adds_a_cooperative(phone: Page, live_server: LiveServer) -> None:
    email = in_app(live_server, lambda: make_user(db.session, Role.OPERATOR).email)
    sign_in(phone, email)
    records_nav(phone).get_by_role("link", name="Cooperatives").click()
    phone.get_by_role("link", name="Add a cooperative").click()

    phone.get_by_label("Name of the cooperative").fill("HTX Nông nghiệp Đại Từ")
    phone.get_by_label("Tax code").fill("4600123459")
    phone.get_by_label("Label code prefix").fill("daitu")
    phone.get_by_label("Province or city").select_option(label="Thái Nguyên")
    phone.get_by_role("button", name="Show its communes").click()
    phone.get_by_label("Commune or ward").select_option(DAI_TU)
    phone.get_by_label("Street address").fill("Tổ dân phố 5")
    phone.get_by_label("Phone").fill("0208 3824 123")
    capture(phone, "cooperative-form")
    phone.get_by_role("button", name="Save", exact=True).click()

    expect(phone).to_have_url(re.compile(r"/cooperatives/\d+$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("HTX Nông nghiệp Đại Từ")
    expect(phone.get_by_text("DAITU")).to_be_visible()
    expect(phone.get_by_text("Xã Đại Từ, Thái Nguyên").first).to_be_visible()
    capture(phone, "cooperative-detail")


def test_mistakes_are_shown_next_to_their_fields(phone: Page, live_server: LiveServer) -> None:
    email, _ = new_staff(live_server, "HTX Bưởi Năm Roi")
    sign_in(phone, email)
    phone.goto("/farming-areas/new")
    phone.get_by_label("Planting-area code").fill("mã ??")
    phone.get_by_label("Latitude").fill("abc")
    phone.get_by_label("Longitude").fill("150")
    phone.get_by_role("button", name="Save the farming area").click()

    expect(phone.get_by_role("alert")).to_contain_text("Please check the form")
    name = phone.get_by_label("Name of the area")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(re.compile("This field is required."))
    expect(phone.get_by_label("Planting-area code")).to_have_value("mã ??")
    expect(phone.get_by_label("Planting-area code")).to_have_accessible_description(
        re.compile("Enter the code as issued")
    )
    expect(phone.get_by_label("Latitude")).to_have_accessible_description(
        re.compile("Enter a number, such as 9.6031.")
    )
    expect(phone.get_by_label("Longitude")).to_have_accessible_description(
        re.compile("This place is outside Vietnam.")
    )
    capture(phone, "farming-area-errors")

    # A mistake under "More details" opens that part, so the message is seen.
    phone.goto("/products/new")
    phone.get_by_label("Product name").fill("Bưởi Năm Roi")
    phone.get_by_text("More details (optional)").click()
    phone.get_by_label("Barcode number (GTIN)").fill("8931234567891")
    phone.get_by_role("button", name="Save the product").click()
    gtin = phone.get_by_label("Barcode number (GTIN)")
    expect(gtin).to_be_visible()
    expect(gtin).to_have_accessible_description(re.compile("check digit is wrong"))
    capture(phone, "product-errors")


def test_screenshots_in_vietnamese(browser: Any, live_server: LiveServer) -> None:
    """The busiest pages with real records, in Vietnamese, for people to look at."""
    email, cooperative_id = new_staff(live_server, "Hợp tác xã Nông nghiệp Dịch vụ Thạnh Phú")
    ids = in_app(live_server, lambda: _records_for_screens(cooperative_id))
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page).to_have_url(f"{live_server.url}/dashboard")
        capture(page, "vi-dashboard")
        for name, path in (
            ("vi-products", "/products"),
            ("vi-farming-areas", "/farming-areas"),
            ("vi-certificates", "/certificates"),
            ("vi-certificate-revoked", f"/certificates/{ids['revoked']}"),
            ("vi-certificate-warning", f"/certificates/{ids['long']}"),
            ("vi-product-ocop", f"/products/{ids['ocop_product']}"),
            ("vi-my-cooperative", f"/cooperatives/{cooperative_id}"),
            ("vi-cooperative-edit", f"/cooperatives/{cooperative_id}/edit"),
            ("vi-farming-area-new", "/farming-areas/new"),
            ("vi-archive", f"/products/{ids['ocop_product']}/archive"),
        ):
            page.goto(path)
            capture(page, name)
    finally:
        context.close()


def _records_for_screens(cooperative_id: int) -> dict[str, int]:
    from trace.registry.models import Cooperative

    cooperative = db.session.get(Cooperative, cooperative_id)
    assert cooperative is not None
    today = date.today()
    ocop = make_certificate(
        db.session,
        cooperative,
        scheme=CertificateScheme.OCOP,
        number="OCOP-CT-2026-118",
        valid_from=today - timedelta(days=300),
        valid_to=today + timedelta(days=40),
    )
    product = make_product(
        db.session,
        cooperative,
        name="Gạo ST25 Thạnh Phú",
        category="Gạo",
        ocop_stars=4,
        ocop_certificate=ocop,
        is_key_product=True,
        shelf_life_days=365,
        image_upload_id=make_upload(db.session, cooperative).id,
    )
    make_product(db.session, cooperative, name="Tôm khô", category="Thủy sản")
    make_farming_area(db.session, cooperative, name="Cánh đồng lớn ấp Tân Trung", crops="Lúa")
    make_farming_area(
        db.session, cooperative, name="Ao tôm", kind=FarmingAreaKind.AQUACULTURE, crops="Tôm sú"
    )
    revoked = make_certificate(
        db.session,
        cooperative,
        number="VietGAP-TT-19-07",
        valid_from=today - timedelta(days=100),
        valid_to=today + timedelta(days=500),
        revocation_reason="Thu hồi sau đợt kiểm tra tháng 3",
    )
    revoked.revoked_at = revoked.created_at
    long_one = make_certificate(
        db.session,
        cooperative,
        number="VietGAP-TT-21-99",
        valid_from=today - timedelta(days=10),
        valid_to=today + timedelta(days=1000),
    )
    make_certificate(
        db.session,
        cooperative,
        number="VietGAP-TT-18-03",
        valid_from=today - timedelta(days=800),
        valid_to=today - timedelta(days=70),
    )
    return {"ocop_product": product.id, "revoked": revoked.id, "long": long_one.id}
