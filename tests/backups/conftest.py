"""Sites to back up and restore into: an app on a database and an upload folder of its own.

Backups commit and restores replace whole schemas, so these tests cannot run inside the
suite's rolled-back transaction: each site gets a database of its own, a new SQLite file
or a PostgreSQL database named after ``TRACE_TEST_POSTGRES_URL``'s (``<name>_backup_a``...),
created when missing and emptied before use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from tests import factories
from tests.conftest import (
    POSTGRES_URL,
    SKIPPED_LOUDLY,
    TEST_KEY_PASSPHRASE,
    base_config,
    make_test_app,
    reset_postgres,
)
from trace.batches.services import batches, codes
from trace.db import Base, db, make_engine
from trace.signing import services as keys
from trace.uploads.models import UploadPurpose
from trace.uploads.services import upload_path
from trace.verification.services import verify_code

ENGINES = ["sqlite", "postgresql"]


def postgres_database(name: str) -> str:
    """The URL of ``<test database>_<name>``, created if missing and emptied."""
    if not POSTGRES_URL:
        SKIPPED_LOUDLY.add("PostgreSQL (set TRACE_TEST_POSTGRES_URL to run on it)")
        pytest.skip("TRACE_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped")
    base = make_url(POSTGRES_URL)
    database = f"{base.database}_{name}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    url = base.set(database=database).render_as_string(hide_password=False)
    engine = make_engine(url)
    reset_postgres(engine)
    engine.dispose()
    return url


def database_url(engine: str, name: str, directory: Path) -> str:
    if engine == "sqlite":
        return f"sqlite:///{directory / f'{name}.db'}"
    return postgres_database(name)


@dataclass
class Site:
    """An app on its own database and upload folder, and what the tests ask of it."""

    app: Flask
    uploads: Path

    def cli(self, *words: str) -> Any:
        return self.app.test_cli_runner().invoke(args=list(words))

    def migrate(self, revision: str = "head") -> None:
        with self.app.app_context():
            flask_migrate.upgrade(revision=revision)

    def counts(self) -> dict[str, int]:
        """Rows per table of the models (every table of the latest schema)."""
        with self.app.app_context():
            return {
                table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables
            }

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table as the models read it (typed: aware datetimes,
        Decimals, dicts), sorted, to compare two databases of either engine."""
        with self.app.app_context():
            return {
                table.name: sorted(tuple(row) for row in db.session.execute(select(table)))
                for table in Base.metadata.sorted_tables
            }

    def verdicts(self, code_texts: list[str]) -> set[str]:
        with self.app.app_context():
            return {verify_code(db.session, code).verdict.name for code in code_texts}

    def dispose(self) -> None:
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture
def make_site(tmp_path: Path) -> Iterator[Any]:
    """``make_site(engine, name)``: a site on an empty database of that engine."""
    sites: list[Site] = []

    def make(engine: str, name: str, **settings: Any) -> Site:
        uploads = tmp_path / f"uploads-{name}"
        url = database_url(engine, f"backup_{name}", tmp_path)
        config = {**base_config(url), "TRACE_UPLOAD_DIR": str(uploads), **settings}
        sites.append(Site(make_test_app(config), uploads))
        return sites[-1]

    yield make
    for site in sites:
        site.dispose()


@dataclass
class Sample:
    """What ``populate`` made: label codes issued and the bytes of each upload file."""

    code_texts: list[str]
    upload_files: dict[str, bytes]


def populate(site: Site) -> Sample:
    """Migrate, then a key, two cooperatives with staff, batches with codes (batch and
    unit), an event, and uploads (a logo, which makes the cooperative-upload cycle)."""
    site.migrate()
    with site.app.app_context():
        session = db.session
        keys.create_key(session, TEST_KEY_PASSPHRASE.encode())
        tenants = factories.make_tenants(session)
        logo = factories.make_upload(session, tenants.cooperative_a)
        photo = factories.make_upload(
            session, tenants.cooperative_a, purpose=UploadPurpose.EVENT_PHOTO
        )
        tenants.cooperative_a.logo_upload_id = logo.id
        code_texts = []
        for day in (18, 19):
            values = {
                "product_id": tenants.product_a.id,
                "farming_area_ids": [tenants.farming_area_a.id],
                "harvested_on": date(2026, 11, day),
                "quantity": "1200.5",
                "unit": "kg",
            }
            batch = batches.create_batch(session, tenants.staff_a, values)
            code_texts.append(codes.batch_code(session, tenants.staff_a, batch.id).text)
            units = codes.issue_units(session, tenants.staff_a, batch.id, 2)
            code_texts += [unit.text for unit in units.units]
        factories.make_event(session, batch, notes="Đóng bao 50 kg")
        files = {upload.storage_key: upload_path(upload).read_bytes() for upload in (logo, photo)}
        session.commit()
    return Sample(code_texts, files)
