"""``backup`` then ``restore``, through the commands, on real databases of both engines and
across them: every row and upload file back as it was, label codes still verifying."""

from __future__ import annotations

import gzip
import json
import sqlite3
import subprocess
import tarfile

import pytest

from tests.backups.conftest import ENGINES, populate
from tests.conftest import TEST_KEY_PASSPHRASE


def archive_members(path) -> dict[str, bytes]:
    """Every member's bytes, the compressed ones unpacked."""
    with tarfile.open(path) as archive:
        members = {}
        for member in archive.getmembers():
            data = archive.extractfile(member).read()
            members[member.name] = gzip.decompress(data) if member.name.endswith(".gz") else data
    return members


@pytest.mark.parametrize("target_engine", ENGINES)
@pytest.mark.parametrize("source_engine", ENGINES)
def test_a_backup_restores_every_row_and_file_into_either_engine(
    make_site, tmp_path, source_engine, target_engine
):
    source = make_site(source_engine, "a")
    sample = populate(source)
    archive = tmp_path / "backup.tar"

    made = source.cli("backup", str(archive), "--json")
    assert made.exit_code == 0, made.output
    summary = json.loads(made.stdout)
    target = make_site(target_engine, "b")
    restored = target.cli("restore", str(archive), "--json")

    assert restored.exit_code == 0, restored.output
    assert summary["tables"]["batches"] == 2
    assert summary["uploads"]["count"] == 2
    assert target.counts() == source.counts()
    assert target.rows() == source.rows()
    for key, data in sample.upload_files.items():
        assert (target.uploads / key).read_bytes() == data
    assert target.verdicts(sample.code_texts) == {"VALID"}
    result = json.loads(restored.stdout)
    assert result["source_engine"] == source_engine
    assert result["target_engine"] == target_engine
    assert result["signing_keys"]["passphrase_opens_them"] is True
    assert "TRACE_KEY_PASSPHRASE" in result["signing_keys"]["note"]
    if target_engine == "sqlite":
        assert result["integrity_check"] == "ok"


@pytest.mark.parametrize("engine", ENGINES)
def test_the_archive_holds_a_manifest_the_native_snapshot_and_never_the_passphrase(
    make_site, tmp_path, engine
):
    source = make_site(engine, "a")
    populate(source)
    archive = tmp_path / "backup.tar"

    made = source.cli("backup", str(archive))

    assert made.exit_code == 0, made.output
    assert "Backed up to" in made.stdout
    members = archive_members(archive)
    manifest = json.loads(members["manifest.json"])
    assert manifest["format"] == "trace-backup"
    assert manifest["engine"] == engine
    assert manifest["schema_revision"]
    assert manifest["app_version"]
    assert manifest["snapshot_at"].endswith("Z")
    assert manifest["tables"]["label_codes"] == 6
    assert set(manifest["parts"]) == set(members) - {"manifest.json"}
    native = "database/trace.sqlite3.gz" if engine == "sqlite" else "database/trace.pgdump"
    assert manifest["native"]["part"] == native
    assert manifest["native"]["fallback"] is None
    everything = b"".join(members.values())
    assert TEST_KEY_PASSPHRASE.encode() not in everything
    assert b"test-secret-key" not in everything
    assert b"ENCRYPTED PRIVATE KEY" in members["data/issuing_keys.jsonl.gz"]
    assert archive.stat().st_mode & 0o077 == 0  # password hashes: the owner's only
    if engine == "sqlite":
        assert members[native].startswith(b"SQLite format 3\x00")
    else:  # pg_restore reads the dump
        dump = tmp_path / "trace.pgdump"
        dump.write_bytes(members[native])
        listed = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True)
        assert listed.returncode == 0
        assert b"TABLE DATA public batches" in listed.stdout


def test_without_pg_dump_of_the_servers_version_the_backup_says_so_and_still_restores(
    make_site, tmp_path
):
    source = make_site("postgresql", "a", TRACE_PG_DUMP=str(tmp_path / "no-pg_dump"))
    sample = populate(source)
    archive = tmp_path / "backup.tar"

    made = source.cli("backup", str(archive), "--json")

    assert made.exit_code == 0, made.output
    assert "no pg_dump of PostgreSQL" in made.stderr
    native = json.loads(made.stdout)["native"]
    assert native["part"] is None
    assert "portable rows only" in native["fallback"]
    assert not any(name.startswith("database/") for name in archive_members(archive))
    target = make_site("sqlite", "b")
    assert target.cli("restore", str(archive)).exit_code == 0
    assert target.rows() == source.rows()
    assert target.verdicts(sample.code_texts) == {"VALID"}


def test_a_restore_says_the_keys_need_the_same_passphrase_and_warns_when_it_differs(
    make_site, tmp_path
):
    source = make_site("sqlite", "a")
    populate(source)
    archive = tmp_path / "backup.tar"
    source.cli("backup", str(archive))
    target = make_site("sqlite", "b", TRACE_KEY_PASSPHRASE="another passphrase")

    restored = target.cli("restore", str(archive))

    assert restored.exit_code == 0, restored.output
    assert "Private signing keys stay encrypted" in restored.stdout
    assert "the same TRACE_KEY_PASSPHRASE" in restored.stdout
    assert "does not open the restored keys" in restored.stdout


def test_restore_writes_progress_to_stderr_and_only_the_result_to_stdout(make_site, tmp_path):
    source = make_site("sqlite", "a")
    populate(source)
    archive = tmp_path / "backup.tar"
    source.cli("backup", str(archive))

    restored = make_site("sqlite", "b").cli("restore", str(archive), "--json")

    assert json.loads(restored.stdout)["rows"] > 0
    assert "archive checked" in restored.stderr
    assert "integrity_check: ok" in restored.stderr


def test_a_table_of_another_program_is_backed_up_and_left_out_of_the_restore(make_site, tmp_path):
    source = make_site("sqlite", "a")
    populate(source)
    path = source.app.config["TRACE_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE queue_tasks (id INTEGER PRIMARY KEY, data TEXT)")
        connection.execute("INSERT INTO queue_tasks (data) VALUES ('x')")
    archive = tmp_path / "backup.tar"
    source.cli("backup", str(archive))
    target = make_site("sqlite", "b")

    restored = target.cli("restore", str(archive), "--json")

    assert restored.exit_code == 0, restored.output
    assert json.loads(restored.stdout)["tables_left_out"] == ["queue_tasks"]
    assert "queue_tasks (1 rows) is no table of ours" in restored.stderr
    assert target.rows() == source.rows()


def test_an_upload_file_missing_on_disk_is_named_and_the_rest_is_backed_up(make_site, tmp_path):
    source = make_site("sqlite", "a")
    sample = populate(source)
    lost, kept = sorted(sample.upload_files)
    (source.uploads / lost).unlink()
    archive = tmp_path / "backup.tar"

    made = source.cli("backup", str(archive), "--json")

    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["uploads"] == {"count": 1, "missing": [lost]}
    assert "1 uploads named in the database are not in" in made.stderr
    as_text = source.cli("backup", str(tmp_path / "again.tar"))
    assert "Warning: 1 upload files were missing" in as_text.stdout
    target = make_site("sqlite", "b")
    assert target.cli("restore", str(archive)).exit_code == 0
    assert (target.uploads / kept).read_bytes() == sample.upload_files[kept]
    assert not (target.uploads / lost).exists()
