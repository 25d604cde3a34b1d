"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import trace.models  # noqa: F401
from tests.conftest import POSTGRES_URL, base_config
from trace import create_app
from trace.config import PROJECT_ROOT
from trace.db import Base, db, make_engine

VERSIONS = PROJECT_ROOT / "migrations" / "versions"
REVISION_FILE = re.compile(r"^\d{8}_[0-9a-f]{12}_[a-z0-9_]+\.py$")


def test_models_and_migrations_agree(database_engine):
    with database_engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    assert differences == [], "run `flask --app trace db migrate -m '...'` and review it"


def test_sqlite_runs_with_wal_foreign_keys_a_busy_timeout_and_no_memory_map(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        # Every scan from another worker would unmap it (trace/db.py).
        assert connection.exec_driver_sql("PRAGMA mmap_size").scalar() == 0
    engine.dispose()


def _round_trip(url: str) -> None:
    """Upgrade an empty database, downgrade it to nothing, upgrade again."""
    app = create_app(base_config(url))
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        command.upgrade(config, "head")
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "cooperatives", "batches", "alembic_version"} <= tables
        command.downgrade(config, "base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        db.engine.dispose()


def test_upgrade_and_downgrade_on_an_empty_sqlite_database(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'empty.db'}")


def test_upgrade_and_downgrade_on_an_empty_postgresql_database():
    if not POSTGRES_URL:
        pytest.skip("TRACE_TEST_POSTGRES_URL is not set")
    engine = make_engine(POSTGRES_URL)
    server = engine.execution_options(isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS trace_migration_check"))
        connection.execute(text("CREATE DATABASE trace_migration_check"))
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/trace_migration_check"
    try:
        _round_trip(url)
    finally:
        with server.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS trace_migration_check"))
        engine.dispose()


@pytest.mark.parametrize("path", sorted(VERSIONS.glob("*.py")), ids=lambda path: path.name)
def test_revision_files_are_dated_described_and_reversible(path: Path):
    assert REVISION_FILE.match(path.name), "name revisions YYYYMMDD_<rev>_<slug>.py"
    module = ast.parse(path.read_text())
    assert (ast.get_docstring(module) or "").strip(), "describe the revision in its docstring"
    downgrade = next(
        node
        for node in module.body
        if isinstance(node, ast.FunctionDef) and node.name == "downgrade"
    )
    assert not all(isinstance(statement, ast.Pass) for statement in downgrade.body)


def test_checks_made_before_scans_knew_them_are_found_by_their_audit_records(tmp_path):
    """f3a9d0c61b27: a scan audited as an inspector's check becomes one; others stay buyers'."""
    app = create_app(base_config(f"sqlite:///{tmp_path / 'backfill.db'}"))
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        command.upgrade(config, "e81f0b7c2d45")
        with db.engine.begin() as connection:
            for scan_id in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO scans (id, scanned_at, code_text, verdict, is_signature_valid,"
                        " network, user_agent_family) VALUES (:id, '2026-11-20 08:00:00', 'x',"
                        " 'valid', 1, '10.0.0.0/24', 'Android Chrome')"
                    ),
                    {"id": scan_id},
                )
            connection.execute(
                text(
                    "INSERT INTO audit_records (recorded_at, actor, subject, subject_id, action,"
                    " changes) VALUES ('2026-11-20 08:00:00', 'Thanh tra', 'scan', 2, 'verified',"
                    " '{}')"
                )
            )
        command.upgrade(config, "f3a9d0c61b27")
        with db.engine.connect() as connection:
            flags = dict(connection.execute(text("SELECT id, is_inspection FROM scans")).all())
        db.engine.dispose()

    assert flags == {1: False, 2: True}
