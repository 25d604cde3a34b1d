"""Rate limits mean what they say when gunicorn runs several workers: with
``TRACE_REDIS_URL`` they count every worker's answers together, so the first 429 comes
exactly one attempt past the limit; without it, production refuses to start.

Before, each worker counted alone: with 2 workers the sign-in limit of 10 a minute gave its
first 429 at attempt 21, and the verify limit of 60 at call 110.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from tests.bench.serving import production_gunicorn
from tests.conftest import SKIPPED_LOUDLY, csrf_token_from, migrate_to_head
from trace.config import PROJECT_ROOT

REDIS_URL = os.environ.get("TRACE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SECRET = "rate-limit-test-secret-key"
# Flask-Limiter's keys, under the app's RATELIMIT_KEY_PREFIX ("trace").
LIMITER_KEYS = "LIMITS:LIMITER/trace/"
# One access-log line per answer: the worker's process id, the method, the path, the status.
ACCESS_LOG = "--access-logfile - --access-logformat 'served %(p)s %(m)s %(U)s %(s)s'"
SERVED = re.compile(r"served <(\d+)> (\w+) (\S+) (\d+)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _status(request: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def first_refused(attempt: Callable[[], int], most: int) -> int | None:
    """The number of the first attempt answered 429, or None within ``most`` attempts.

    Attempts go two at a time: a sync worker answers one request at a time, so the second
    of a pair is taken by the other worker, and both workers count (one after the other,
    the kernel may hand every request to the same worker). The limits tried here are even,
    so the first refused attempt opens a pair and both of that pair are refused.
    """
    with ThreadPoolExecutor(max_workers=2) as pool:
        for number in range(1, most + 1, 2):
            statuses = list(pool.map(lambda _: attempt(), range(2)))
            if 429 in statuses:
                return number + statuses.index(429)
    return None


def sign_in_attempt(base_url: str) -> Callable[[], int]:
    """A wrong password for one address, with the form's CSRF token and session cookie.

    The cookie is sent by hand: production marks it Secure, and this is plain HTTP.
    """
    with urllib.request.urlopen(f"{base_url}/login", timeout=30) as page:
        cookie = next(
            header.split(";", 1)[0]
            for header in page.headers.get_all("Set-Cookie")
            if header.startswith("trace_session=")
        )
        token = csrf_token_from(page.read().decode())
    body = urllib.parse.urlencode(
        {"email": "who@example.vn", "password": "wrong password", "csrf_token": token}
    ).encode()

    def attempt() -> int:
        request = urllib.request.Request(
            f"{base_url}/login", data=body, headers={"Cookie": cookie}, method="POST"
        )
        return _status(request)

    return attempt


def verify_call(base_url: str) -> Callable[[], int]:
    body = json.dumps({"code": "http://127.0.0.1:5000/b/NOT-A-CODE"}).encode()

    def attempt() -> int:
        request = urllib.request.Request(
            f"{base_url}/api/v1/verify",
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        return _status(request)

    return attempt


def workers_that_served(log_path: Path, method: str, path: str) -> set[str]:
    lines = log_path.read_text(errors="replace").splitlines()
    return {
        match.group(1)
        for match in map(SERVED.search, lines)
        if match and match.group(2) == method and match.group(3) == path
    }


@pytest.fixture
def redis_store():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        SKIPPED_LOUDLY.add(f"rate limits across workers (no Redis at {REDIS_URL})")
        pytest.skip(f"no Redis at {REDIS_URL}")
    _forget_counts(client)
    yield client
    _forget_counts(client)
    client.close()


def _forget_counts(client: redis.Redis) -> None:
    """Only this app's limiter counts: the database may hold others' keys."""
    for key in client.scan_iter(match=f"{LIMITER_KEYS}*"):
        client.delete(key)


def test_two_workers_with_redis_refuse_exactly_past_each_limit(tmp_path, redis_store):
    database_url = f"sqlite:///{tmp_path / 'limits.db'}"
    migrate_to_head(database_url)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings = {
        "TRACE_DATABASE_URL": database_url,
        "TRACE_SECRET_KEY": SECRET,
        "TRACE_REDIS_URL": REDIS_URL,
        "TRACE_LOGIN_RATE_LIMIT": "10 per minute",
        "TRACE_VERIFY_RATE_LIMIT": "60 per minute",
        "GUNICORN_CMD_ARGS": ACCESS_LOG,
    }
    log_path = tmp_path / "gunicorn.log"
    with production_gunicorn(settings, port, log_path):
        sign_in = first_refused(sign_in_attempt(base_url), most=30)
        verify = first_refused(verify_call(base_url), most=130)
    print(f"first 429: sign-in at attempt {sign_in}, verify at call {verify}")
    assert (sign_in, verify) == (11, 61)
    # Both workers answered each kind of request: the counts were shared, not one worker's.
    assert len(workers_that_served(log_path, "POST", "/login")) == 2, log_path.read_text()
    assert len(workers_that_served(log_path, "POST", "/api/v1/verify")) == 2


def _gunicorn(environment: dict[str, str], workers: int) -> subprocess.Popen[str]:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        "python:trace.gunicorn_config",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{_free_port()}",
        "trace:create_app()",
    ]
    return subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("TRACE_")}
    return {
        **environment,
        "PYTHONPATH": str(PROJECT_ROOT),
        "TRACE_SECRET_KEY": SECRET,
        "TRACE_DATABASE_URL": f"sqlite:///{tmp_path / 'refused.db'}",
        **settings,
    }


def test_production_with_two_workers_and_no_redis_refuses_to_start(tmp_path):
    server = _gunicorn(_environment(tmp_path, TRACE_ENV="production"), workers=2)
    try:
        _, stderr = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.communicate()
        pytest.fail("gunicorn started 2 workers counting rate limits apart")
    assert server.returncode == 1
    [error] = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert "TRACE_REDIS_URL" in error
    assert "Booting worker" not in stderr
