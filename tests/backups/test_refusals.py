"""What ``restore`` refuses, before changing anything, and what ``backup`` refuses."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile

import pytest
from sqlalchemy import inspect

from tests.backups.conftest import ENGINES, populate
from tests.conftest import base_config, make_test_app
from trace.db import db


@pytest.fixture
def archive(make_site, tmp_path):
    source = make_site("sqlite", "a")
    populate(source)
    path = tmp_path / "backup.tar"
    assert source.cli("backup", str(path)).exit_code == 0
    return path


def rewritten(path, out, change):
    """A copy of the archive with ``change(name, data)`` applied to each member's bytes."""
    with tarfile.open(path) as source, tarfile.open(out, "w") as target:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return out


def changed_manifest(path, out, **changes):
    def change(name, data):
        return (
            json.dumps({**json.loads(data), **changes}).encode()
            if name == "manifest.json"
            else data
        )

    return rewritten(path, out, change)


def one_line_reason(result):
    """The error line (progress lines may come before it, on stderr too)."""
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert "Traceback" not in result.output
    return errors[0]


def assert_refused_leaving_nothing(site, result, reason):
    assert result.exit_code != 0
    assert reason in one_line_reason(result)
    assert not site.uploads.exists() or not any(site.uploads.iterdir())


@pytest.mark.parametrize("engine", ENGINES)
def test_a_tampered_part_is_refused_and_nothing_is_restored(make_site, archive, tmp_path, engine):
    def flip_one_byte(name, data):
        if name != "data/batches.jsonl.gz":
            return data
        return data[:40] + bytes([data[40] ^ 1]) + data[41:]

    tampered = rewritten(archive, tmp_path / "tampered.tar", flip_one_byte)
    target = make_site(engine, "b")

    result = target.cli("restore", str(tampered))

    assert_refused_leaving_nothing(
        target, result, "data/batches.jsonl.gz does not match its SHA-256"
    )
    target.migrate()  # the database was left empty: the schema builds from nothing
    assert sum(target.counts().values()) == 1  # the watermark the migrations insert


def test_a_swapped_upload_file_is_refused(make_site, archive, tmp_path):
    def swap(name, data):
        return b"\x89PNG\r\n\x1a\n" + data[8:][::-1] if name.startswith("uploads/") else data

    target = make_site("sqlite", "b")
    result = target.cli("restore", str(rewritten(archive, tmp_path / "swapped.tar", swap)))

    assert_refused_leaving_nothing(target, result, "does not match its SHA-256")


def test_a_member_the_manifest_does_not_list_is_refused(make_site, archive, tmp_path):
    extended = tmp_path / "extended.tar"
    rewritten(archive, extended, lambda name, data: data)
    with tarfile.open(extended, "a") as target:
        extra = tarfile.TarInfo("data/intruders.jsonl.gz")
        extra.size = 3
        target.addfile(extra, io.BytesIO(b"abc"))
    target = make_site("sqlite", "b")

    result = target.cli("restore", str(extended))

    assert_refused_leaving_nothing(target, result, "is not listed in the manifest")


def test_a_path_out_of_the_upload_folder_is_refused(make_site, archive, tmp_path):
    escaping = tmp_path / "escaping.tar"
    rewritten(archive, escaping, lambda name, data: data)
    with tarfile.open(escaping, "a") as target:
        extra = tarfile.TarInfo("uploads/../../etc/cron.d/evil")
        extra.size = 3
        target.addfile(extra, io.BytesIO(b"abc"))

    result = make_site("sqlite", "b").cli("restore", str(escaping))

    assert result.exit_code != 0
    assert "which no backup of ours holds" in result.output


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"format_version": 99}, "archive format version 99 is unknown"),
        ({"schema_revision": "ffffffffffff"}, "schema revision 'ffffffffffff' is unknown"),
        ({"format": "something-else"}, "not a trace backup manifest"),
        ({"tables": ["batches"]}, "lacks its list of parts or of tables"),
    ],
)
def test_a_manifest_this_version_cannot_read_is_refused(
    make_site, archive, tmp_path, changes, reason
):
    target = make_site("sqlite", "b")
    changed = changed_manifest(archive, tmp_path / "changed.tar", **changes)

    result = target.cli("restore", str(changed))

    assert_refused_leaving_nothing(target, result, reason)


def test_a_file_that_is_no_archive_is_refused(make_site, tmp_path):
    not_an_archive = tmp_path / "notes.tar"
    not_an_archive.write_text("hello")

    result = make_site("sqlite", "b").cli("restore", str(not_an_archive))

    assert result.exit_code != 0
    assert "is not a backup archive" in result.output


@pytest.mark.parametrize("engine", ENGINES)
def test_a_database_with_data_is_refused_without_force_and_replaced_with_it(
    make_site, archive, engine
):
    target = make_site(engine, "b")
    populate(target)
    before = target.rows()

    refused = target.cli("restore", str(archive))

    assert refused.exit_code != 0
    assert "the database is not empty" in one_line_reason(refused)
    assert "--force" in refused.output
    assert target.rows() == before
    forced = target.cli("restore", str(archive), "--force")
    assert forced.exit_code == 0, forced.output
    assert target.counts()["batches"] == 2
    assert target.rows() != before


def test_backup_refuses_an_existing_file_and_a_missing_folder(make_site, archive, tmp_path):
    source = make_site("sqlite", "c")
    populate(source)

    existing = source.cli("backup", str(archive))
    missing = source.cli("backup", str(tmp_path / "no" / "such" / "backup.tar"))
    keep_into_file = source.cli("backup", "--keep", "3", str(archive))
    keep_zero = source.cli("backup", "--keep", "0", str(tmp_path))

    assert existing.exit_code != 0
    assert "exists already" in existing.output
    assert missing.exit_code != 0
    assert "is not a directory" in missing.output
    assert keep_into_file.exit_code != 0
    assert "is not a directory" in keep_into_file.output
    assert keep_zero.exit_code != 0
    assert not list(tmp_path.glob(".trace-backup-*"))
    assert not list(tmp_path.glob("*.partial"))


def test_an_unreachable_database_is_a_one_line_error(archive, tmp_path):
    unreachable = {
        **base_config(f"sqlite:///{tmp_path / 'no' / 'such' / 'trace.db'}"),
        "TRACE_UPLOAD_DIR": str(tmp_path / "uploads-x"),
    }
    runner = make_test_app(unreachable).test_cli_runner()

    restored = runner.invoke(args=["restore", str(archive)])
    made = runner.invoke(args=["backup", str(tmp_path / "x.tar")])

    assert "unable to open database file" in one_line_reason(restored)
    assert "no SQLite database file" in one_line_reason(made)
    assert not (tmp_path / "x.tar").exists()


def resealed(path, out, change):
    """The archive with ``change`` applied and the manifest's sums written anew: what only
    someone who rewrites the manifest too can make. The manifest is the last member."""
    sums = {}

    def change_and_sum(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            for part, (digest, size) in sums.items():
                manifest["parts"][part] = {"sha256": digest, "bytes": size}
            return json.dumps(manifest).encode()
        data = change(name, data)
        sums[name] = (hashlib.sha256(data).hexdigest(), len(data))
        return data

    return rewritten(path, out, change_and_sum)


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        (b'{"table": "batches", "columns": ["id"]}\n', "the columns of batches differ"),
        (None, "data/batches.jsonl.gz cannot be read"),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_rows_that_do_not_fit_their_table_are_refused_and_nothing_is_restored(
    make_site, archive, tmp_path, engine, rows, reason
):
    def bad_batches(name, data):
        if name != "data/batches.jsonl.gz":
            return data
        if rows is not None:
            return gzip.compress(rows)
        header, first, *rest = gzip.decompress(data).split(b"\n")
        return gzip.compress(b"\n".join([header, first[:-5] + b'"x"]', *rest]))

    target = make_site(engine, "b")
    result = target.cli("restore", str(resealed(archive, tmp_path / "resealed.tar", bad_batches)))

    assert_refused_leaving_nothing(target, result, reason)
    with target.app.app_context():
        assert inspect(db.engine).get_table_names() == []
