"""A large import in a real browser on a phone: the job page updates by itself, with
JavaScript off (its meta refresh) and on (its script), until the batches are imported."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.batches.import_helpers import csv_bytes, good_row, make_catalogue
from tests.browser.conftest import LiveServer
from tests.factories import TEST_PASSWORD, make_cooperative, make_user
from tests.jobs.worker import running_worker
from trace.auth.models import Role
from trace.db import db

PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(os.environ.get("TRACE_SCREENSHOT_DIR", "/tmp/screens"))


@pytest.fixture
def site(live_server: LiveServer, tmp_path: Path) -> Iterator[LiveServer]:
    """Small thresholds and a fresh upload folder, as they were afterwards."""
    config = live_server.app.config
    saved = {name: config[name] for name in ("TRACE_JOB_THRESHOLD_ROWS", "TRACE_UPLOAD_DIR")}
    config.update(TRACE_JOB_THRESHOLD_ROWS=5, TRACE_UPLOAD_DIR=str(tmp_path / "uploads"))
    yield live_server
    config.update(saved)


def staff_with_file(live_server: LiveServer, rows: int) -> tuple[str, bytes]:
    """A cooperative with a product and farming areas, its staff's email, a good file."""
    with live_server.app.app_context():
        cooperative = make_cooperative(db.session, name="HTX Công việc nền")
        email = make_user(db.session, Role.COOPERATIVE, cooperative=cooperative).email
        catalogue = make_catalogue(db.session, cooperative)
        data = csv_bytes([good_row(catalogue) for _ in range(rows)])
        db.session.commit()
    return email, data


def upload_large_file(page: Page, base_url: str, email: str, data: bytes) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/dashboard"))
    page.goto(f"{base_url}/batches/import?lang=en")
    page.set_input_files(
        "input[name=file]", files=[{"name": "lo.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Check and import").click()
    expect(page).to_have_url(re.compile(r"/jobs/[A-Za-z0-9_-]{22}$"))
    expect(page.get_by_text("Job waiting")).to_be_visible()


def test_without_javascript_the_job_page_refreshes_until_done(site, browser: Browser):
    email, data = staff_with_file(site, rows=8)
    context = browser.new_context(locale="en-US", java_script_enabled=False)
    page = context.new_page()
    try:
        upload_large_file(page, site.url, email, data)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "job-waiting-360.png", full_page=True)
        with running_worker(site.app):
            expect(page.get_by_text("8 batches imported.")).to_be_visible(timeout=30_000)
        page.screenshot(path=SCREENSHOTS / "job-done-360.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        job_url = page.url
        page.goto(f"{site.url}/batches/import?lang=en")  # the job is found again from here
        page.get_by_role("link", name="lo.csv").click()
        expect(page).to_have_url(job_url)
    finally:
        context.close()


def test_with_javascript_the_page_follows_the_job_by_itself(site, browser: Browser):
    email, data = staff_with_file(site, rows=7)
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    problems: list[Any] = []
    page.on("console", lambda message: _keep_errors(problems, message))
    polls: list[str] = []
    page.on(
        "request", lambda request: polls.append(request.url) if ".json" in request.url else None
    )
    try:
        upload_large_file(page, site.url, email, data)
        with running_worker(site.app):
            expect(page.get_by_text("7 batches imported.")).to_be_visible(timeout=30_000)
        assert polls, "the page's script never asked for the job's state"
        assert not problems, problems
    finally:
        context.close()


def _keep_errors(problems: list[Any], message: ConsoleMessage) -> None:
    if message.type == "error":
        problems.append(message.text)
