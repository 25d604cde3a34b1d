"""What the tests of gunicorn serving metrics and logs share: a free port and a Redis database
(production refuses two workers without a shared rate-limit store)."""

from __future__ import annotations

import os
import socket

import pytest
import redis

from tests.conftest import SKIPPED_LOUDLY

REDIS_URL = os.environ.get("TRACE_TEST_SERVING_REDIS_URL", "redis://127.0.0.1:6379/13")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def redis_url() -> str:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        SKIPPED_LOUDLY.add(f"gunicorn with several workers (no Redis at {REDIS_URL})")
        pytest.skip(f"no Redis at {REDIS_URL}")
    finally:
        client.close()
    return REDIS_URL
