"""Fixtures shared by the whole suite: the app on each database, clients, a login helper.

Every database test runs on SQLite and, when ``TRACE_TEST_POSTGRES_URL`` is set, on
PostgreSQL too. The schema comes from the migrations (so they are tested on both). The
app is built once per database; each test runs inside a transaction that is rolled back
afterwards, and gets the app's configuration and rate limits as they were
(``tests/test_isolation.py``).
"""

from __future__ import annotations

import contextvars
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import Migrate
from limits.storage import MemoryStorage
from limits.strategies import STRATEGIES
from sqlalchemy import Engine, text

from tests import factories
from tests.factories import TEST_PASSWORD
from trace import create_app
from trace.config import PROJECT_ROOT
from trace.db import db, make_engine
from trace.extensions import limiter
from trace.signing import services as keys

# The fixtures of the tests of scans, alerts, feedback, inspections and verification.
pytest_plugins = ["tests.scan_fixtures"]

POSTGRES_URL = os.environ.get("TRACE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"]
SKIPPED_LOUDLY: set[str] = set()

# argon2 at its production cost takes about 0.1 s a hash; tests use the cheapest settings.
FAST_PASSWORD_HASHING = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


TEST_KEY_PASSPHRASE = "the test suite's key passphrase"

# Uploads made by tests land here, never in the project's instance folder.
TEST_UPLOAD_DIR = Path(tempfile.mkdtemp(prefix="trace-test-uploads-"))


def base_config(database_url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "TRACE_UPLOAD_DIR": str(TEST_UPLOAD_DIR),
        "TRACE_DATABASE_URL": database_url,
        "TRACE_SECRET_KEY": "test-secret-key",
        "PASSWORD_HASH_PARAMETERS": FAST_PASSWORD_HASHING,
        "TRACE_KEY_PASSPHRASE": TEST_KEY_PASSPHRASE,
        # The clone rules run after every request that records scans, not every 10 s.
        "ALERT_REFRESH_SECONDS": 0,
        # Each app its own job queue: a worker a test starts sees only that app's jobs.
        "JOB_QUEUE_FILE": str(TEST_UPLOAD_DIR / f"jobs-queue-{secrets.token_hex(4)}.db"),
    }


def migrate_to_head(database_url: str) -> None:
    """Build the schema the way production does: ``flask db upgrade``."""
    app = create_app(base_config(database_url))
    with app.app_context():
        migrate_extension: Migrate = app.extensions["migrate"].migrate
        command.upgrade(migrate_extension.get_config(), "head")
        db.engine.dispose()


def reset_postgres(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def compile_catalogues() -> None:
    """Compile any ``.po`` newer than its ``.mo``, as ``make translations`` does before tests.

    The ``.mo`` files are build output (not in git); this lets ``pytest`` alone run too.
    """
    for po_path in (PROJECT_ROOT / "trace" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalogue)


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues() -> None:
    compile_catalogues()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, empty database of each kind, built once per session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'trace.db'}"
    else:
        if not POSTGRES_URL:
            SKIPPED_LOUDLY.add("PostgreSQL (set TRACE_TEST_POSTGRES_URL to run on it)")
            pytest.skip("TRACE_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped")
        url = POSTGRES_URL
        engine = make_engine(url)
        reset_postgres(engine)
        engine.dispose()
    migrate_to_head(url)
    return url


@pytest.fixture(scope="session")
def database_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


class IsolatedClient(FlaskClient):
    """Serves each request in a fresh context, as a real server does.

    Without this, a request would reuse the test's own app context: its database session
    (so a request's rollback would undo the test's setup) and its ``g`` (so a signed-out
    user would stay cached for the next request). The body is read in that context too, as a
    server reads it: a streamed answer (``stream_with_context``) needs the request's context.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


class IsolatedCliRunner(FlaskCliRunner):
    """Runs each command in a fresh context with its own session, as the real CLI does."""

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().invoke, *args, **kwargs)


def make_test_app(config: dict[str, Any]) -> Flask:
    """An app as the tests use it: each request and command in a fresh context."""
    app = create_app(config)
    app.test_client_class = IsolatedClient
    app.test_cli_runner_class = IsolatedCliRunner
    return app


@pytest.fixture(scope="session")
def shared_app(database_url: str) -> Iterator[Flask]:
    """One app per database for the whole session.

    Building an app costs 0.1-0.4 s, three quarters of it flask-smorest's OpenAPI document;
    once per test that was most of the suite's time. What a test may change in it (the
    configuration, the rate limits, the connection it is bound to) is reset by ``app``.
    """
    app = make_test_app(base_config(database_url))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(
    request: pytest.FixtureRequest, database_url: str, database_engine: Engine
) -> Iterator[Flask]:
    """The app bound to a connection whose transaction is rolled back after the test.

    A test marked ``fresh_app`` gets an app of its own, built with the marker's settings
    (one that adds routes needs this: Flask refuses new routes once an app has served).
    """
    marker = request.node.get_closest_marker("fresh_app")
    if marker is None:
        app = request.getfixturevalue("shared_app")
    else:
        app = make_test_app({**base_config(database_url), **marker.kwargs})
    config = dict(app.config)
    _reset_rate_limits()
    connection = database_engine.connect()
    transaction = connection.begin()
    db.bind_to(app, connection)
    try:
        with app.app_context():
            yield app
    finally:
        transaction.rollback()
        connection.close()
        db.bind_to(app, app.extensions["trace.db"].engine)
        app.config.clear()
        app.config.update(config)
        if marker is not None:
            with app.app_context():
                db.engine.dispose()


def _reset_rate_limits() -> None:
    """Empty in-memory rate limits for the test, whichever app last bound the limiter.

    ``limiter`` is one object shared by every app, holding whatever storage the last
    ``init_app`` gave it: an app built with ``TRACE_REDIS_URL`` would leave the following
    tests counting in Redis. ``_storage`` and ``_limiter`` are Flask-Limiter's (4.x) own.
    """
    if not isinstance(limiter.storage, MemoryStorage):
        limiter._storage = MemoryStorage()
        limiter._limiter = STRATEGIES[limiter._strategy or "fixed-window"](limiter._storage)
    limiter.reset()


@pytest.fixture
def session(app: Flask) -> Any:
    return db.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the form has no CSRF token"
    return match.group(1)


def log_in(client: FlaskClient, email: str, password: str = TEST_PASSWORD) -> Any:
    """Sign in through the real form, CSRF token and all."""
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def tenants(session: Any) -> factories.Tenants:
    """Two cooperatives in different provinces, one user of each role, and a current issuing
    key so that batches can be registered (they get their signed code then)."""
    keys.create_key(session, TEST_KEY_PASSPHRASE.encode())
    return factories.make_tenants(session)


def pytest_sessionfinish() -> None:
    shutil.rmtree(TEST_UPLOAD_DIR, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SKIPPED_LOUDLY:
        terminalreporter.section("NOT TESTED ON THIS MACHINE", sep="!", bold=True, red=True)
        for what in sorted(SKIPPED_LOUDLY):
            terminalreporter.line(f"  skipped: {what}", red=True, bold=True)
