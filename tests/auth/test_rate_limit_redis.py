"""With TRACE_REDIS_URL set, sign-in limits are counted in Redis, shared by every worker."""

from __future__ import annotations

import os

import pytest
import redis

from tests.conftest import SKIPPED_LOUDLY, IsolatedClient, base_config, csrf_token_from
from trace import create_app
from trace.db import db
from trace.extensions import limiter

REDIS_URL = os.environ.get("TRACE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        SKIPPED_LOUDLY.add(f"Redis rate-limit storage (no Redis at {REDIS_URL})")
        pytest.skip(f"no Redis at {REDIS_URL}")
    yield client
    client.close()


def test_sign_in_attempts_are_counted_in_redis(database_url, redis_client):
    app = create_app({**base_config(database_url), "TRACE_REDIS_URL": REDIS_URL})
    app.test_client_class = IsolatedClient
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    with app.app_context():
        limiter.reset()
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    statuses = [
        client.post(
            "/login", data={"email": "who@example.vn", "password": "x", "csrf_token": token}
        ).status_code
        for _ in range(11)
    ]
    try:
        assert statuses[-1] == 429
        assert any(b"login" in key for key in redis_client.scan_iter("*trace*"))
    finally:
        with app.app_context():
            limiter.reset()
            db.engine.dispose()
