"""gunicorn as production runs it (2 sync workers, trace/gunicorn_config.py), for the
benchmarks and the concurrency test: started on loopback, stopped after."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from trace.config import PROJECT_ROOT

REDIS_URL = os.environ.get("TRACE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WORKERS = 2
WORKER_READY = re.compile(r"Worker (\d+) has loaded the app")


def healthz_status(base_url: str) -> int:
    """The status of ``/healthz``, or 0 when nothing answers."""
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=5) as answer:
            return int(answer.status)
    except OSError as error:
        return int(getattr(error, "code", 0) or 0)


def ready_workers(log_path: Path) -> set[int]:
    """The workers that have loaded the app (trace/gunicorn_config.post_worker_init)."""
    return {int(pid) for pid in WORKER_READY.findall(log_path.read_text(errors="replace"))}


def _wait_for_every_worker(server: subprocess.Popen[bytes], log_path: Path, deadline: float):
    """/healthz answers once the first worker has loaded the app; the second may load it
    seconds later on a busy machine, and until then every request goes to the first."""
    while len(ready_workers(log_path)) < WORKERS:
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn's workers did not all start; its log: {log_path}")
        time.sleep(0.1)


@contextmanager
def production_gunicorn(
    settings: Mapping[str, str], port: int, log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn with ``TRACE_ENV=production`` and ``settings`` on 127.0.0.1:port, once
    ``/healthz`` answers; its log goes to ``log_path``."""
    base_url = f"http://127.0.0.1:{port}"
    if healthz_status(base_url):
        raise RuntimeError(f"port {port} already answers HTTP: choose another")
    environment = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "TRACE_ENV": "production",
        # Production refuses several workers without a shared rate-limit store.
        "TRACE_REDIS_URL": REDIS_URL,
        **settings,
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--workers",
        str(WORKERS),
        "--config",
        "python:trace.gunicorn_config",
        "--bind",
        f"127.0.0.1:{port}",
        "trace:create_app()",
    ]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while healthz_status(base_url) != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /healthz; its log: {log_path}")
            time.sleep(0.2)
        _wait_for_every_worker(server, log_path, deadline)
        yield server
    finally:
        server.send_signal(signal.SIGINT)  # quick shutdown: every client has had its answer
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
