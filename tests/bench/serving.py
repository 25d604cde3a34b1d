"""gunicorn as production runs it (2 sync workers, trace/gunicorn_config.py), for the
benchmarks and the concurrency test: started on loopback, stopped after."""

from __future__ import annotations

import os
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


def healthz_status(base_url: str) -> int:
    """The status of ``/healthz``, or 0 when nothing answers."""
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=5) as answer:
            return int(answer.status)
    except OSError as error:
        return int(getattr(error, "code", 0) or 0)


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
        "2",
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
        yield server
    finally:
        server.send_signal(signal.SIGINT)  # quick shutdown: every client has had its answer
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
