"""gunicorn's settings: a worker says it is ready and freezes its start-up objects, and
the server refuses to count rate limits in each worker apart in production (gunicorn loads
the file in tests/test_entry_points.py and tests/test_rate_limits_across_workers.py)."""

from __future__ import annotations

import gc
import logging
from types import SimpleNamespace

import pytest

from trace import gunicorn_config


def test_a_worker_says_it_is_ready_and_freezes_what_it_built_at_start_up(caplog):
    worker = SimpleNamespace(pid=4242, log=logging.getLogger("tests.gunicorn"))
    gc.unfreeze()
    try:
        with caplog.at_level(logging.INFO, "tests.gunicorn"):
            gunicorn_config.post_worker_init(worker)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    # What tests/bench/serving.py waits for before sending requests to several workers.
    assert [record.getMessage() for record in caplog.records] == ["Worker 4242 has loaded the app"]


class Arbiter:
    """What gunicorn's arbiter offers the ``on_starting`` hook: its settings and its log."""

    def __init__(self, workers: int) -> None:
        self.cfg = SimpleNamespace(workers=workers)
        self.log = logging.getLogger("tests.gunicorn")


@pytest.mark.parametrize("environment", ["production", "development"])
def test_one_worker_or_redis_needs_nothing_said(monkeypatch, caplog, environment):
    monkeypatch.setenv("TRACE_ENV", environment)
    monkeypatch.delenv("TRACE_REDIS_URL", raising=False)
    gunicorn_config.on_starting(Arbiter(workers=1))
    monkeypatch.setenv("TRACE_REDIS_URL", "redis://127.0.0.1:6379/6")
    gunicorn_config.on_starting(Arbiter(workers=4))
    assert caplog.records == []


def test_production_with_workers_counting_apart_refuses_to_start(monkeypatch):
    monkeypatch.setenv("TRACE_ENV", "production")
    monkeypatch.delenv("TRACE_REDIS_URL", raising=False)
    # gunicorn prints a RuntimeError as one "Error:" line and exits with status 1.
    with pytest.raises(RuntimeError, match=r"2 workers .* TRACE_REDIS_URL"):
        gunicorn_config.on_starting(Arbiter(workers=2))


def test_development_with_workers_counting_apart_warns_once(monkeypatch, caplog):
    monkeypatch.delenv("TRACE_ENV", raising=False)
    monkeypatch.delenv("TRACE_REDIS_URL", raising=False)
    with caplog.at_level(logging.WARNING, logger="tests.gunicorn"):
        gunicorn_config.on_starting(Arbiter(workers=2))
    [warning] = caplog.records
    assert warning.levelno == logging.WARNING
    assert "TRACE_REDIS_URL" in warning.getMessage()
