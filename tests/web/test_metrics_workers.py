"""Metrics under gunicorn's several workers (prometheus_client's multiprocess mode): whichever
worker is scraped counts every worker's requests, a worker that dies keeps its counts in the
totals and leaves the process list, and the folder gunicorn made for them goes at exit."""

from __future__ import annotations

import os
import re
import signal
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.bench.serving import production_gunicorn
from tests.conftest import migrate_to_head
from tests.web.conftest import free_port

TOKEN = "metrics-token-for-the-workers-test-0123456789"
MADE_FOLDER = re.compile(r"Metrics: each worker writes its own in ([^\s\"]+)")


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return int(r.status), r.read().decode()
    except urllib.error.HTTPError as error:
        body = error.read().decode()
        error.close()
        return error.code, body


def _scrape(base_url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, body = _get(f"{base_url}/metrics", TOKEN)
    assert status == 200, body[:200]
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def _readyz_count(scrape) -> float:
    labels = (("endpoint", "site.readiness"), ("method", "GET"), ("status", "503"))
    return scrape.get(("trace_http_requests_total", labels), 0.0)


def _worker_pids(scrape) -> set[int]:
    return {
        int(dict(labels)["pid"])
        for name, labels in scrape
        if name == "process_resident_memory_bytes"
    }


def test_two_workers_add_up_and_a_dead_worker_keeps_its_counts(tmp_path: Path, redis_url):
    database_url = f"sqlite:///{tmp_path / 'metrics.db'}"
    migrate_to_head(database_url)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = {
        "TRACE_DATABASE_URL": database_url,
        "TRACE_SECRET_KEY": "metrics-workers-test-secret",
        "TRACE_REDIS_URL": redis_url,
        "TRACE_METRICS_TOKEN": TOKEN,
    }
    log_path = tmp_path / "gunicorn.log"
    with production_gunicorn(settings, port, log_path) as server:
        assert _get(f"{base_url}/metrics")[0] == 404
        # No signing key: every /readyz is a 503, counted under its endpoint's name.
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: _get(f"{base_url}/readyz")[0], range(200)))
        assert statuses == [503] * 200
        scrapes = [_scrape(base_url) for _ in range(6)]
        # Every scrape, whichever worker answered it, counts all 200.
        assert {_readyz_count(scrape) for scrape in scrapes} == {200}
        workers = set().union(*map(_worker_pids, scrapes))
        assert len(workers) == 2, log_path.read_text()
        assert server.pid not in workers  # the workers, not the arbiter

        dead = min(workers)
        os.kill(dead, signal.SIGKILL)  # gunicorn starts another in its place
        deadline = time.monotonic() + 30
        while dead in _worker_pids(_scrape(base_url)) and time.monotonic() < deadline:
            time.sleep(0.2)
        after = _scrape(base_url)
        assert dead not in _worker_pids(after)
        assert _readyz_count(after) == 200  # the dead worker's share is still counted
        folder = Path(MADE_FOLDER.search(log_path.read_text())[1])
        assert folder.is_dir()
    assert not folder.exists()
