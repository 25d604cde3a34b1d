"""Prometheus metrics at ``/metrics``: requests and their latency by endpoint, scans by
verdict (``trace/scans/metrics.py``), gauges read from the database at each scrape
(``web/metric_collectors.py``) and the processes' own.

Off unless ``TRACE_METRICS_TOKEN`` is set: then nothing is measured per request and
``/metrics`` answers 404, as it does to a request without that bearer token, so that
nobody can tell whether metrics are on. Under gunicorn's several workers each worker
writes its values to files in ``PROMETHEUS_MULTIPROC_DIR`` (prepared by
``trace/gunicorn_config.py``), and whichever worker is scraped adds them all up.

Labels stay few: an endpoint is the route's name (``lookup.label_page``), never the URL,
which for a label page holds the scanned code; an unknown method is counted as "other".
"""

from __future__ import annotations

import hmac
import os
from time import perf_counter

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

from trace.web.metric_collectors import SCRAPED, WorkerProcesses

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own variable

REQUESTS = Counter(
    "trace_http_requests",
    "HTTP requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "trace_http_request_duration_seconds",
    "Time to answer a request, from the first to the last of the app's hooks, by endpoint.",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # no route: an unknown URL, or a method the route does not take

blueprint = Blueprint("metrics", __name__)


def init_app(app: Flask) -> None:
    """Measure every request when metrics are on. Call before any other extension adds
    hooks: the clock then starts before theirs and stops after theirs (the commit too)."""
    app.register_blueprint(blueprint)
    if app.config["TRACE_METRICS_TOKEN"]:
        app.before_request(_start_clock)
        app.after_request(_count_request)


def _start_clock() -> None:
    g.metrics_started = perf_counter()


def _count_request(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    rule = request.url_rule
    endpoint = rule.endpoint if rule is not None else UNMATCHED
    method = request.method if request.method in METHODS else "other"
    REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
    if started is not None:
        LATENCY.labels(endpoint).observe(perf_counter() - started)
    return response


@blueprint.get("/metrics")
def metrics() -> Response:
    """The metrics in Prometheus's text format, for a scraper holding the bearer token."""
    token = current_app.config["TRACE_METRICS_TOKEN"]
    if not token or not _bearer_matches(token):
        abort(404)
    body = b"".join(generate_latest(registry) for registry in (_process_registry(), SCRAPED))
    response = Response(body, content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def _bearer_matches(token: str) -> bool:
    """Whether the request carries ``Authorization: Bearer <token>``, compared in constant
    time so that the answer's timing tells nothing of the token."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def _process_registry() -> CollectorRegistry:
    """This process's metrics, or under gunicorn every worker's, added up from their files."""
    directory = os.environ.get(MULTIPROCESS_DIR)
    if not directory:
        return REGISTRY  # this process's metrics, with its memory, CPU, GC and platform
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)
    registry.register(WorkerProcesses(directory))
    return registry
