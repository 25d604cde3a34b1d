"""Every entry point must import our ``trace`` package, not the standard-library module.

Python puts the standard library before site-packages and before a path added late, so
each entry point only works because the project root comes first on its path. These
tests run each one for real and fail if the standard ``trace`` module is picked up.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import trace
from trace.config import PROJECT_ROOT

BIN = Path(sys.executable).parent


def _environment(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update({"TRACE_SECRET_KEY": "entry-point-test", **extra})
    return env


def test_the_standard_module_wins_without_the_project_root_first(tmp_path):
    """The hazard itself: from elsewhere, ``import trace`` finds the standard library."""
    found = subprocess.run(
        [sys.executable, "-c", "import trace; print(trace.__file__)"],
        cwd=tmp_path,
        env=_environment(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert Path(found.strip()).parent != PROJECT_ROOT / "trace"


def test_pytest_imports_our_package():
    assert Path(trace.__file__).parent == PROJECT_ROOT / "trace"
    assert callable(trace.create_app)


def test_flask_cli_imports_our_package():
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "trace", "routes"],
        cwd=PROJECT_ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "/api/v1/me" in result.stdout


def test_makefile_imports_our_package():
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "routes", f"BIN={BIN}"],
        cwd=PROJECT_ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "/api/v1/me" in result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_gunicorn_serves_our_app(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--config",
            "python:trace.gunicorn_config",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "trace:create_app()",
        ],
        cwd=PROJECT_ROOT,
        env=_environment(TRACE_DATABASE_URL=f"sqlite:///{tmp_path / 'gunicorn.db'}"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        body = _get_when_up(f"http://127.0.0.1:{port}/healthz", server)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert body == b'{"status":"ok"}\n', stderr


def _get_when_up(url: str, server: subprocess.Popen[str], wait_seconds: float = 30) -> bytes:
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail("gunicorn exited before serving")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body: bytes = response.read()
                return body
        except OSError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer in time")
