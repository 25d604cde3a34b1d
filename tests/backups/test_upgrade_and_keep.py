"""An archive of an older schema comes back upgraded; ``backup --keep N DIR`` rotates."""

from __future__ import annotations

import json
import re

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from tests.backups.conftest import ENGINES, populate
from trace.config import PROJECT_ROOT
from trace.db import db


def older_revision(steps_back: int) -> str:
    scripts = ScriptDirectory(str(PROJECT_ROOT / "migrations"))
    revision = scripts.get_current_head()
    for _ in range(steps_back):
        revision = scripts.get_revision(revision).down_revision
    return revision


def downgrade(site, revision: str) -> None:
    """Migrate the site's database down, foreign keys off on SQLite: the migrations rebuild
    ``users`` there, and with them on, dropping the old table fails on its references
    (``flask db downgrade`` itself does, with any data)."""
    with site.app.app_context(), db.engine.connect() as connection:
        config = site.app.extensions["migrate"].migrate.get_config()
        config.attributes["connection"] = connection
        driver = connection.connection.driver_connection
        is_sqlite = connection.dialect.name == "sqlite"
        if is_sqlite:
            driver.execute("PRAGMA foreign_keys = OFF")
        with connection.begin():
            command.downgrade(config, revision)
        if is_sqlite:
            driver.execute("PRAGMA foreign_keys = ON")


@pytest.mark.parametrize("target_engine", ENGINES)
@pytest.mark.parametrize("source_engine", ENGINES)
def test_an_archive_at_an_older_revision_is_restored_and_upgraded_to_the_latest(
    make_site, tmp_path, source_engine, target_engine
):
    source = make_site(source_engine, "a")
    sample = populate(source)
    latest_rows = source.rows()
    older = older_revision(2)
    downgrade(source, older)
    archive = tmp_path / "older.tar"
    made = source.cli("backup", str(archive), "--json")
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["schema_revision"] == older
    target = make_site(target_engine, "b")

    restored = target.cli("restore", str(archive), "--json")

    assert restored.exit_code == 0, restored.output
    result = json.loads(restored.stdout)
    assert result["archive_revision"] == older
    assert result["revision"] == older_revision(0)
    assert target.rows()["batches"] == latest_rows["batches"]
    assert target.rows()["label_codes"] == latest_rows["label_codes"]
    assert target.counts()["users"] == len(latest_rows["users"])
    assert target.verdicts(sample.code_texts) == {"VALID"}


def test_keep_writes_an_archive_named_by_the_time_and_keeps_the_newest(make_site, tmp_path):
    source = make_site("sqlite", "a")
    populate(source)
    directory = tmp_path / "backups"
    directory.mkdir()
    older = [f"trace-backup-2026010{day}T020000Z.tar" for day in range(1, 5)]
    strangers = ["notes.txt", "trace-backup-20260101T020000Z.tar.partial", "trace-backup.tar"]
    for name in older + strangers:
        (directory / name).write_bytes(b"x")

    result = source.cli("backup", "--keep", "2", str(directory), "--json")

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    new = summary["archive"].rsplit("/", 1)[1]
    assert re.fullmatch(r"trace-backup-\d{8}T\d{6}Z\.tar", new)
    assert sorted(path.name for path in directory.iterdir()) == sorted([older[-1], new, *strangers])
    assert sorted(summary["deleted"]) == sorted(str(directory / name) for name in older[:-1])
    restored = make_site("sqlite", "b").cli("restore", str(directory / new))
    assert restored.exit_code == 0, restored.output
