"""Benchmark: ``backup`` and ``restore`` of the 1,000,000-batch database, as commands.

Run from the project root:
  PYTHONPATH=. .venv/bin/python tests/bench/bench_backup.py [--batches N]
      [--postgres URL] [--json]

The database is the one tests/bench/bench_public_page.py builds (and caches under
``--cache``, shared with it): 1,000,000 batches with their signed codes, one in ten with a
unit code and three events. Each step runs ``flask --app trace ...`` in a process of its
own, as an operator would:

1. the baseline: a plain copy of the database file (what a backup costs at the least);
2. ``backup`` of the SQLite database into a new archive;
3. ``restore`` of that archive into a new SQLite file;
4. with ``--postgres URL`` (its schema is DROPPED: never give a database others use):
   ``restore --force`` of the same archive into PostgreSQL, then ``backup`` of PostgreSQL.

Reported: seconds of each step and its ratio to the baseline, the CPU seconds the
command used (steadier than the seconds on a shared machine), the archive's size, and
whether every table's rows came back (the counts ``restore`` loaded against the manifest).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.bench_public_page import PASSPHRASE, SECRET, prepared_database
from trace.config import PROJECT_ROOT
from trace.db import make_engine


def cpu_seconds() -> float:
    """CPU time (user + system) of the commands run so far, pg_dump included; PostgreSQL's
    own server processes are not counted."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def flask(database_url: str, upload_dir: Path, *words: str) -> tuple[float, dict[str, Any], str]:
    """Run one command with ``--json``; its seconds, its JSON and its stderr."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "TRACE_DATABASE_URL": database_url,
        "TRACE_SECRET_KEY": SECRET,
        "TRACE_KEY_PASSPHRASE": PASSPHRASE,
        "TRACE_UPLOAD_DIR": str(upload_dir),
    }
    command = [str(Path(sys.executable).parent / "flask"), "--app", "trace", *words, "--json"]
    started = time.perf_counter()
    run = subprocess.run(command, cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if run.returncode != 0:
        sys.exit(f"{' '.join(words)} failed:\n{run.stderr[-2000:]}")
    return seconds, json.loads(run.stdout), run.stderr


def drop_schema(url: str) -> None:
    from sqlalchemy import text

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def measure(db_path: Path, work: Path, postgres: str | None) -> dict[str, Any]:
    uploads = work / "uploads"
    uploads.mkdir()
    sqlite_url = f"sqlite:///{db_path}"
    started = time.perf_counter()
    shutil.copyfile(db_path, work / "copy.db")
    baseline = time.perf_counter() - started
    (work / "copy.db").unlink()
    steps: list[dict[str, Any]] = []

    cpu = [cpu_seconds()]

    def step(name: str, seconds: float, **facts: Any) -> None:
        cpu.append(cpu_seconds())
        steps.append(
            {
                "step": name,
                "seconds": round(seconds, 1),
                "cpu_seconds": round(cpu[-1] - cpu[-2], 1),
                "ratio": round(seconds / baseline, 1),
                **facts,
            }
        )

    archive = work / "sqlite.tar"
    seconds, made, _ = flask(sqlite_url, uploads, "backup", str(archive))
    step("backup SQLite", seconds, archive_mb=round(made["bytes"] / 1e6, 1))
    restored = work / "restored.db"
    seconds, back, _ = flask(f"sqlite:///{restored}", uploads, "restore", str(archive))
    step("restore into SQLite", seconds, integrity=back["integrity_check"])
    same = back["tables"] == made["tables"]
    restored.unlink()
    if postgres:
        drop_schema(postgres)
        seconds, back, _ = flask(postgres, uploads, "restore", str(archive), "--force")
        step("restore into PostgreSQL", seconds)
        same = same and back["tables"] == made["tables"]
        seconds, again, _ = flask(postgres, uploads, "backup", str(work / "postgres.tar"))
        native = again["native"]["format"] or again["native"]["fallback"]
        step("backup PostgreSQL", seconds, archive_mb=round(again["bytes"] / 1e6, 1), native=native)
        same = same and again["tables"] == made["tables"]
    return {
        "database_mb": round(db_path.stat().st_size / 1e6, 1),
        "baseline_copy_seconds": round(baseline, 2),
        "rows": made["rows"],
        "tables": made["tables"],
        "steps": steps,
        "every_row_back": same,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=1_000_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/trace-bench-public"))
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also restore into and back up this database: its schema is DROPPED",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    # The public-page benchmark's base URL, so both share one cached database.
    db_path, _, built = prepared_database(args.cache, args.batches, "http://127.0.0.1:18765")
    with tempfile.TemporaryDirectory(prefix="trace-bench-backup-", dir=args.cache) as directory:
        report = {
            "batches": args.batches,
            "build_seconds": built,
            **measure(db_path, Path(directory), args.postgres),
        }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"{args.batches:,} batches: {report['rows']:,} rows in {len(report['tables'])} tables, "
        f"a {report['database_mb']:,} MB SQLite file; baseline (copying it) "
        f"{report['baseline_copy_seconds']} s, on {os.cpu_count()} cores"
    )
    for item in report["steps"]:
        extra = ", ".join(
            f"{key} {value}"
            for key, value in item.items()
            if key not in ("step", "seconds", "cpu_seconds", "ratio")
        )
        print(
            f"  {item['step']:26}{item['seconds']:8.1f} s ({item['cpu_seconds']:6.1f} s CPU)"
            f"  {item['ratio']:6.1f}x the copy  {extra}"
        )
    print(f"every table's rows back: {'yes' if report['every_row_back'] else 'NO'}")
    if not report["every_row_back"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
