"""Browser tests: the real app served on a local port, driven by Debian's Chromium.

Playwright's own browsers are never installed: we launch ``/usr/bin/chromium``. Without it
the browser tests are skipped (and named in the summary), or fail under
``TRACE_REQUIRE_BROWSER=1``, as CI sets.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import SKIPPED_LOUDLY, TEST_KEY_PASSPHRASE, base_config, migrate_to_head
from tests.factories import make_cooperative, make_user
from trace import create_app
from trace.auth.models import Role
from trace.db import db
from trace.signing import services as keys

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A page that breaks our CSP on purpose, to prove a violation would be noticed.
CSP_PROBE_PATH = "/test/csp-probe"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        if os.environ.get("TRACE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"TRACE_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        SKIPPED_LOUDLY.add(f"browser tests ({CHROMIUM} is missing: apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def browser_type_launch_args(chromium_path: str) -> dict[str, Any]:
    return {"executable_path": chromium_path, "headless": True, "args": CHROMIUM_ARGS}


@dataclass
class LiveServer:
    """The app answering on a real port, with its own SQLite database file."""

    url: str
    app: Flask

    def cooperative_user(self, cooperative_name: str) -> str:
        """A cooperative and one staff account for it; returns the email to sign in with."""
        with self.app.app_context():
            cooperative = make_cooperative(db.session, name=cooperative_name)
            user = make_user(db.session, Role.COOPERATIVE, cooperative=cooperative)
            email = user.email
            db.session.commit()
        return email


@pytest.fixture(scope="session")
def live_server(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'trace.db'}"
    migrate_to_head(database_url)
    app = create_app({**base_config(database_url), "TRACE_LOGIN_RATE_LIMIT": "1000 per minute"})
    app.add_url_rule(CSP_PROBE_PATH, "csp_probe", _csp_probe)
    with app.app_context():
        keys.create_key(db.session, TEST_KEY_PASSPHRASE.encode())  # batches are signed
        db.session.commit()
    server = make_server("127.0.0.1", 0, _closed_before_sent(app), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    # Labels name the server the browser reaches: a label URL without a query redirects to
    # its page under this base.
    app.config["TRACE_PUBLIC_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def _closed_before_sent(app: WSGIApplication) -> WSGIApplication:
    """The app with each answer read whole, and its body closed, before it is sent.

    Werkzeug's development server closes a body only after draining the socket, and a
    browser that drops the connection (a favicon cancelled by the next navigation) makes
    that drain raise first: the file behind a static answer is left open, and its
    ResourceWarning fails whichever test happens to be running.
    """

    def serve(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return serve


def _csp_probe() -> str:
    return '<!doctype html><html lang="en"><body><p style="color: red">probe</p></body></html>'


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """pytest-playwright opens relative URLs (``page.goto("/")``) on the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A visitor whose phone is set to Vietnamese, like most of ours."""
    return {**browser_context_args, "locale": "vi-VN"}
