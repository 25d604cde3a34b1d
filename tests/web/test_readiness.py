"""``/readyz``: ready with a reachable database at the migrations' head and a current
signing key; 503 naming each reason otherwise, on SQLite and PostgreSQL. ``/healthz`` stays
the liveness check it was."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from tests.conftest import POSTGRES_URL, TEST_KEY_PASSPHRASE, base_config, make_test_app
from trace.db import db, make_engine
from trace.signing import services as keys
from trace.web.readiness import MIGRATIONS, head_revisions

PASSPHRASE = TEST_KEY_PASSPHRASE.encode()


def _readyz(client) -> tuple[int, dict]:
    answer = client.get("/readyz")
    assert answer.headers["Cache-Control"] == "no-store"
    return answer.status_code, answer.get_json()


def test_ready_with_the_schema_at_head_and_a_current_key(app, client, session):
    keys.create_key(session, PASSPHRASE)
    session.flush()
    assert _readyz(client) == (200, {"status": "ready"})


def test_healthz_still_answers_as_before(client):
    answer = client.get("/healthz")
    assert (answer.status_code, answer.get_json()) == (200, {"status": "ok"})


def test_no_current_key_is_a_reason_and_is_never_cached(app, client, session):
    assert _readyz(client) == (503, {"status": "unready", "reasons": ["no_current_signing_key"]})
    key = keys.create_key(session, PASSPHRASE)
    session.flush()
    assert _readyz(client)[0] == 200
    keys.revoke_key(session, key.kid, "Lost with a laptop")
    session.flush()
    assert _readyz(client) == (503, {"status": "unready", "reasons": ["no_current_signing_key"]})
    keys.rotate_key(session, PASSPHRASE)
    session.flush()
    assert _readyz(client)[0] == 200


def test_a_retired_key_alone_does_not_sign(app, client, session):
    """A key that was current and is no longer (no successor) signs nothing."""
    key = keys.create_key(session, PASSPHRASE)
    key.is_current = False
    session.flush()
    assert _readyz(client)[1]["reasons"] == ["no_current_signing_key"]


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'no-such-folder' / 'trace.db'}"
    # A port on which nothing listens: the connection is refused at once.
    return "postgresql+psycopg://postgres@127.0.0.1:9/trace?connect_timeout=2"


def test_an_unreachable_database_is_a_reason(unreachable_url):
    app = make_test_app(base_config(unreachable_url))
    status, body = _readyz(app.test_client())
    assert (status, body) == (503, {"status": "unready", "reasons": ["database_unreachable"]})


@pytest.fixture(params=["sqlite", "postgresql"])
def behind_url(request, tmp_path: Path) -> Iterator[str]:
    """A database of its own, migrated to head with a current key, then downgraded by one."""
    if request.param == "sqlite":
        yield from _migrated_then_downgraded(f"sqlite:///{tmp_path / 'behind.db'}")
        return
    with _postgres_database_of_its_own("readyz_behind") as url:
        yield from _migrated_then_downgraded(url)


@contextmanager
def _postgres_database_of_its_own(suffix: str) -> Iterator[str]:
    """An empty PostgreSQL database named after this run's (test_hN_suffix), dropped after."""
    if not POSTGRES_URL:
        pytest.skip("TRACE_TEST_POSTGRES_URL is not set")
    base, own = POSTGRES_URL.rsplit("/", 1)
    name = f"{own}_{suffix}"
    server = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{base}/{name}"
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.engine.dispose()


def _migrated_then_downgraded(url: str) -> Iterator[str]:
    app = make_test_app(base_config(url))
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        command.upgrade(config, "head")
        keys.create_key(db.session, PASSPHRASE)
        db.session.commit()
        command.downgrade(config, "-1")
    with app.app_context():
        db.engine.dispose()
    yield url


def test_a_schema_one_revision_behind_is_a_reason(behind_url):
    app = make_test_app(base_config(behind_url))
    status, body = _readyz(app.test_client())
    assert (status, body) == (503, {"status": "unready", "reasons": ["schema_not_at_head"]})
    with app.app_context():
        [revision] = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
    with app.app_context():
        db.engine.dispose()
    assert (revision,) != head_revisions()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path: Path) -> Iterator[str]:
    """A database of its own with no tables at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with _postgres_database_of_its_own("readyz_empty") as url:
        yield url


def test_a_database_never_migrated_names_both_reasons(empty_url):
    app = make_test_app(base_config(empty_url))
    status, body = _readyz(app.test_client())
    with app.app_context():
        db.engine.dispose()
    assert status == 503
    assert body["reasons"] == ["schema_not_at_head", "no_current_signing_key"]


def test_the_head_is_the_revision_no_other_revises():
    sources = [path.read_text() for path in MIGRATIONS.glob("versions/*.py")]
    [head] = head_revisions()
    assert sum(f"revision = '{head}'" in source for source in sources) == 1
    assert not any(f"down_revision = '{head}'" in source for source in sources)
