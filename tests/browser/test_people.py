"""Accounts in a real browser on a phone, JavaScript off: an operator invites a person, who
sets a password through the link and signs in; disabling them stops their open session and
their API token at once; a CSV with one bad row invites no one and names the row.

The pages are English here (``Accept-Language``) so the tests do not depend on the
catalogues. Screenshots at 360 px go to ``TRACE_SCREENSHOT_DIR``.
"""

from __future__ import annotations

import csv
import io
import os
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from tests.browser.conftest import LiveServer
from tests.factories import TEST_PASSWORD, make_cooperative, make_user
from trace.auth.models import Role, User
from trace.auth.services import issue_api_token
from trace.db import db
from trace.people.services import invite_person

PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(os.environ.get("TRACE_SCREENSHOT_DIR", "/tmp/screens"))
NEW_PASSWORD = "buffalo crossing the red river at dawn"
PHONE_CONTEXT = {"locale": "en-US", "java_script_enabled": False, "viewport": PHONE}

pytestmark = pytest.mark.browser_context_args(**PHONE_CONTEXT)


def capture(page: Page, name: str) -> None:
    """A full-page screenshot, after checking that nothing is wider than the phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width}px wide"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"people-{name}-360.png"), full_page=True)


def in_app(live_server: LiveServer, make: Any) -> Any:
    with live_server.app.app_context():
        result = make()
        db.session.commit()
        return result


def new_operator(live_server: LiveServer) -> str:
    return in_app(live_server, lambda: make_user(db.session, Role.OPERATOR).email)


def sign_in(page: Page, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard"))


def api_status(live_server: LiveServer, token: str) -> int:
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)


def test_invite_set_a_password_then_disable(page: Page, browser: Browser, live_server):
    cooperative = in_app(
        live_server, lambda: make_cooperative(db.session, name="HTX Lúa Gạo Mỹ Xuyên")
    )
    tax_code = cooperative.tax_code
    sign_in(page, new_operator(live_server))
    page.get_by_role("navigation", name="Records").get_by_role("link", name="People").click()
    page.wait_for_url("**/users")  # the new page loaded, not the dashboard leaving
    capture(page, "list")
    page.get_by_role("link", name="Invite a person").first.click()
    page.get_by_label("Email").fill("thu.pham@htx-myxuyen.vn")
    page.get_by_label("Full name").fill("Phạm Thị Thu")
    page.get_by_label("Role").select_option("cooperative")
    page.get_by_label("Cooperative").select_option(tax_code)
    capture(page, "invite")
    page.get_by_role("button", name="Invite").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("thu.pham@htx-myxuyen.vn")
    capture(page, "invited")
    link = page.get_by_label("Link to pass on").input_value().strip()
    assert "/account/link/" in link

    invitee_context = browser.new_context(**PHONE_CONTEXT, base_url=live_server.url)
    invitee = invitee_context.new_page()
    try:
        invitee.goto(link)
        expect(invitee.get_by_role("heading", level=1)).to_have_text("Choose your password")
        capture(invitee, "set-password")
        invitee.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        invitee.get_by_label("New password, again").fill(NEW_PASSWORD)
        invitee.get_by_role("button", name="Set the password and sign in").click()
        expect(invitee).to_have_url(re.compile(r"/dashboard"))
        expect(invitee.get_by_text("HTX Lúa Gạo Mỹ Xuyên").first).to_be_visible()
        # The link worked once: opening it again says so.
        invitee.goto(link)
        expect(invitee.get_by_role("heading", level=1)).to_have_text("This link no longer works")
        invitee.goto("/dashboard")
        expect(invitee).to_have_url(re.compile(r"/dashboard"))

        def token_for_invitee() -> str:
            user = db.session.scalar(select(User).where(User.email == "thu.pham@htx-myxuyen.vn"))
            return issue_api_token(db.session, user, "phone")

        token = in_app(live_server, token_for_invitee)
        assert api_status(live_server, token) == 200

        page.goto("/users?q=thu.pham")
        page.get_by_role("link", name="Phạm Thị Thu").click()
        page.get_by_role("link", name="Disable the account").click()
        page.get_by_role("button", name="Yes, disable it").click()
        expect(page.get_by_text("is disabled").first).to_be_visible()

        # Their open session and their token stop at once.
        invitee.goto("/dashboard")
        expect(invitee).to_have_url(re.compile(r"/login"))
        assert api_status(live_server, token) == 401
        sign_in_refused = invitee_context.new_page()
        sign_in_refused.goto("/login")
        sign_in_refused.get_by_label("Email").fill("thu.pham@htx-myxuyen.vn")
        sign_in_refused.get_by_label("Password").fill(NEW_PASSWORD)
        sign_in_refused.get_by_role("button", name="Sign in").click()
        expect(sign_in_refused).to_have_url(re.compile(r"/login"))
    finally:
        invitee_context.close()


def test_a_csv_with_one_bad_row_invites_no_one(page: Page, live_server, tmp_path: Path):
    sign_in(page, new_operator(live_server))
    upload = tmp_path / "nguoi-dung.csv"
    upload.write_bytes(
        "\ufeffemail,họ tên,vai trò,mã số thuế HTX hoặc mã xã\n"
        "hoa.le@qltt-example.vn,Lê Thị Hoa,inspector,\n"
        "not-an-email,Người Sai,inspector,\n".encode()
    )
    page.goto("/users")
    page.get_by_role("link", name="Invite many from a CSV file").click()
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Check and invite").click()
    expect(page.get_by_text("1 row needs correcting; no one was invited.")).to_be_visible()
    problem = page.locator("table.import-problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.first).to_contain_text("Row 3")
    expect(problem.first).to_contain_text("email")
    capture(page, "bulk-refused")

    def invited() -> Any:
        return db.session.scalar(select(User.id).where(User.email == "hoa.le@qltt-example.vn"))

    assert in_app(live_server, invited) is None

    # Corrected, the file invites both; their links download as a CSV, without JavaScript.
    upload.write_bytes(upload.read_bytes().replace(b"not-an-email", b"an.nguyen@qltt-example.vn"))
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Check and invite").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2 people invited")
    capture(page, "bulk-done")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the links (CSV)").click()
    saved = tmp_path / "links.csv"
    download.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["hoa.le@qltt-example.vn", "an.nguyen@qltt-example.vn"]
    assert all("/account/link/" in row[3] for row in rows[1:])
    assert in_app(live_server, invited) is not None


def test_the_people_pages_fit_a_phone_in_vietnamese(browser: Browser, live_server):
    """Vietnamese runs longer than English: every people page still fits 360 px."""
    context = browser.new_context(
        locale="vi-VN", java_script_enabled=False, viewport=PHONE, base_url=live_server.url
    )
    phone = context.new_page()

    def person_and_link() -> tuple[int, str]:
        operator = db.session.scalar(
            select(User).where(User.role == Role.OPERATOR, User.is_active.is_(True))
        )
        issued = invite_person(
            db.session,
            operator,
            email="nguyen.van.an@ubnd-xa-example.vn",
            display_name="Nguyễn Văn An",
            role="inspector",
        )
        return issued.user.id, issued.token

    try:
        phone.goto("/login")
        phone.locator("input[name=email]").fill(new_operator(live_server))
        phone.locator("input[name=password]").fill(TEST_PASSWORD)
        phone.locator("form button[type=submit]").last.click()
        expect(phone).to_have_url(re.compile(r"/dashboard"))
        person_id, token = in_app(live_server, person_and_link)
        for name, path in (
            ("dashboard", "/dashboard"),
            ("list", "/users"),
            ("invite", "/users/invite"),
            ("person", f"/users/{person_id}"),
            ("role", f"/users/{person_id}/role"),
            ("disable", f"/users/{person_id}/disable"),
            ("bulk", "/users/import"),
            ("set-password", f"/account/link/{token}"),
            ("link-gone", "/account/link/no-such-link"),
        ):
            phone.goto(path)
            expect(phone.locator("html")).to_have_attribute("lang", "vi")
            capture(phone, f"vi-{name}")
    finally:
        context.close()
