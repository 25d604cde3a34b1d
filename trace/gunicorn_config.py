"""gunicorn's settings for this application, read with ``--config python:trace.gunicorn_config``.

Options given on the command line (``--workers``, ``--bind``) still apply beside these, and
take precedence over them (``--access-logfile``, ``--access-logformat`` too).
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from gunicorn.glogging import Logger

from trace.config import PRODUCTION, ConfigError, check_rate_limit_storage
from trace.web.logs import ENVIRON_ENDPOINT, ENVIRON_REQUEST_ID, UNMATCHED, JsonFormatter

# prometheus_client's variable: where each worker writes its metrics for the others to read.
METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"
_made_metrics_dir: list[str] = []  # the folder on_starting made, which on_exit removes


def on_starting(server: Any) -> None:
    """Before any worker starts: refuse production whose workers would each count the rate
    limits alone (a ``ConfigError`` is a ``RuntimeError``, which gunicorn prints as one
    ``Error:`` line before exiting with status 1); in development, warn once."""
    warning = check_rate_limit_storage(os.environ, server.cfg.workers)
    if warning:
        server.log.warning("Rate limits: %s", warning)
    if os.environ.get("TRACE_METRICS_TOKEN"):
        _prepare_metrics_dir(server)


def _prepare_metrics_dir(server: Any) -> None:
    """Give the workers a folder for their metrics, empty: files left by a previous run
    would be added to this one's counts (prometheus_client's multiprocess mode).

    The folder is ``PROMETHEUS_MULTIPROC_DIR`` when set (emptied of its metric files), else
    a new temporary one, removed when gunicorn exits. The variable must be set before a
    worker imports prometheus_client, so the app must not be loaded in the arbiter first.
    """
    if getattr(server.cfg, "preload_app", False):
        raise ConfigError(
            "metrics (TRACE_METRICS_TOKEN) need the app loaded in each worker: drop --preload"
        )
    given = os.environ.get(METRICS_DIR)
    if given:
        directory = Path(given)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
    else:
        directory = Path(tempfile.mkdtemp(prefix="trace-metrics-"))
        _made_metrics_dir.append(str(directory))
        os.environ[METRICS_DIR] = str(directory)
    server.log.info("Metrics: each worker writes its own in %s", directory)


def child_exit(server: Any, worker: Any) -> None:
    """A worker has gone: its live gauges' files go with it; its counters stay counted."""
    if os.environ.get(METRICS_DIR):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """Remove the metrics folder on_starting made (never one the operator gave)."""
    while _made_metrics_dir:
        shutil.rmtree(_made_metrics_dir.pop(), ignore_errors=True)


def post_worker_init(worker: Any) -> None:
    """Say the worker is ready (gunicorn only says it is booting, before the app loads,
    which can take seconds on a busy machine), then put what it built at start-up out of
    the garbage collector's sight.

    The app, its modules and their objects (about 190,000) live as long as the worker, yet
    every full collection walked them all again: 64 ms, during which a visitor waited.
    Frozen, they are never walked; under load the label pages' p99 went from 23-30 ms to
    21-23 ms (tests/bench, five alternating runs each).
    """
    worker.log.info("Worker %s has loaded the app", worker.pid)
    gc.freeze()


class JsonLogger(Logger):
    """gunicorn's own lines and its access log as JSON lines, like the app's (web/logs.py).

    An access line names the request's id, method, endpoint, status and duration, never the
    path or the query (which hold label codes and tokens). An access log format given on
    the command line is written as given instead, raw path and all.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in (*self.error_log.handlers, *self.access_log.handlers):
            handler.setFormatter(JsonFormatter())

    def exception(self, msg: str, *args: Any, **kwargs: Any) -> None:
        """A worker's error while serving names the request's method, not its path."""
        if msg == "Error handling request %s %s":
            msg, args = "Error handling request %s (path not logged)", args[:1]
        elif msg == "Error handling request %s":
            msg, args = "Error handling request (path not logged)", ()
        super().exception(msg, *args, **kwargs)

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        if self.cfg.access_log_format != self.cfg.settings["access_log_format"].default:
            super().access(resp, req, environ, request_time)
            return
        status = str(resp.status).split(None, 1)[0]
        method = environ.get("REQUEST_METHOD", "-")
        endpoint = environ.get(ENVIRON_ENDPOINT, UNMATCHED)
        self.access_log.info(
            "%s %s %s",
            method,
            endpoint,
            status,
            extra={
                "request_id": environ.get(ENVIRON_REQUEST_ID),
                "method": method,
                "endpoint": endpoint,
                "status": int(status) if status.isdigit() else status,
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "pid": os.getpid(),
            },
        )


if os.environ.get("TRACE_ENV") == PRODUCTION:
    logger_class = JsonLogger
    accesslog = "-"  # to stdout, one JSON line per answer
