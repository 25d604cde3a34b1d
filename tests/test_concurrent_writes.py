"""Concurrent API clients against gunicorn as production runs it, on the embedded SQLite:
no answer is a server error, and every write acknowledged is stored.

A smaller run of tests/bench/bench_concurrency.py: 8 clients (4 writing, 4 reading) for a
few seconds. Before writing requests began as writers, about half of them, and half the
reads (each recorded its token's use), failed with "database is locked".
"""

from __future__ import annotations

from tests.bench.bench_concurrency import bench, sqlite_url


def test_concurrent_clients_get_no_server_error_and_every_write_is_stored(tmp_path):
    report = bench(sqlite_url(tmp_path), clients=8, seconds=4, workdir=tmp_path)

    kinds = report["kinds"]
    assert report["5xx"] == 0, (kinds, report["server_errors"])
    assert report["not_2xx"] == 0, kinds
    assert min(kinds[kind]["requests"] for kind in kinds) > 0, kinds
    assert report["writes_acknowledged"] > 0
    assert report["all_writes_stored"], report["missing_writes"]
