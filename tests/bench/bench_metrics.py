"""What metrics cost a request, in this process's memory and in prometheus_client's
multiprocess mode (files, as under gunicorn; run in a child with PROMETHEUS_MULTIPROC_DIR).

    PYTHONPATH=. .venv/bin/python tests/bench/bench_metrics.py [--requests 3000] [--rounds 5]

Two measures, medians of alternating rounds: the hooks alone (the metrics' clock, counter
and histogram; the request id's hooks beside them), called in one request's context; and
``GET /healthz`` through Flask's test client with metrics off and on, whose difference is
the same cost inside a whole request (noisier: the request takes about a millisecond).
``--json`` prints the numbers as JSON.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOKEN = "bench-metrics-token-0123456789abcdefghij"


def _per_request_us(metrics_on: bool, requests: int, database: Path) -> float:
    from tests.conftest import base_config, make_test_app

    config = {**base_config(f"sqlite:///{database}"), "TESTING": False}
    if metrics_on:
        config["TRACE_METRICS_TOKEN"] = TOKEN
    client = make_test_app(config).test_client()
    for _ in range(200):  # warm-up: templates, the engine's pool, the metrics' children
        client.get("/healthz")
    started = time.perf_counter()
    for _ in range(requests):
        client.get("/healthz")
    return (time.perf_counter() - started) / requests * 1e6


def _hooks_us(calls: int, database: Path) -> tuple[float, float]:
    """Microseconds per call of the metrics' hooks and of the request id's hooks."""
    from flask import Response

    from tests.conftest import base_config, make_test_app
    from trace.web import logs, metrics

    app = make_test_app({**base_config(f"sqlite:///{database}"), "TRACE_METRICS_TOKEN": TOKEN})
    response = Response("{}", status=200)
    with app.test_request_context("/healthz"):
        started = time.perf_counter()
        for _ in range(calls):
            metrics._start_clock()
            metrics._count_request(response)
        metrics_us = (time.perf_counter() - started) / calls * 1e6
        started = time.perf_counter()
        for _ in range(calls):
            logs._name_request()
            logs._echo_request_id(response)
        request_id_us = (time.perf_counter() - started) / calls * 1e6
    return metrics_us, request_id_us


def measure(requests: int, rounds: int) -> dict[str, float]:
    from tests.conftest import migrate_to_head

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        migrate_to_head(f"sqlite:///{database}")
        off, on, hooks, request_ids = [], [], [], []
        for _ in range(rounds):
            metrics_us, request_id_us = _hooks_us(requests * 10, database)
            hooks.append(metrics_us)
            request_ids.append(request_id_us)
            off.append(_per_request_us(False, requests, database))
            on.append(_per_request_us(True, requests, database))
    return {
        "metrics_hooks_us": round(statistics.median(hooks), 2),
        "request_id_hooks_us": round(statistics.median(request_ids), 2),
        "request_off_us": round(statistics.median(off), 1),
        "request_on_us": round(statistics.median(on), 1),
        "request_difference_us": round(statistics.median(on) - statistics.median(off), 1),
    }


def main() -> None:
    logging.disable(logging.INFO)  # the migrations' lines
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of each")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--mode", choices=["both", "here"], default="both", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.requests < 1 or args.rounds < 1:
        sys.exit("--requests and --rounds must be at least 1")
    results = {"memory": measure(args.requests, args.rounds)}
    if args.mode == "both":
        with tempfile.TemporaryDirectory() as files:
            child = subprocess.run(
                [
                    *(sys.executable, __file__, "--mode", "here", "--json"),
                    *("--requests", str(args.requests), "--rounds", str(args.rounds)),
                ],
                env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": files},
                check=True,
                capture_output=True,
                text=True,
            )
        results["multiprocess"] = json.loads(child.stdout)["memory"]
    if args.json:
        print(json.dumps(results))
        return
    for mode, numbers in results.items():
        print(
            f"{mode:>12}: metrics' hooks {numbers['metrics_hooks_us']} µs a request, request "
            f"id's {numbers['request_id_hooks_us']} µs; GET /healthz "
            f"{numbers['request_off_us']} µs with metrics off, {numbers['request_on_us']} µs "
            f"on ({numbers['request_difference_us']:+} µs)"
        )


if __name__ == "__main__":
    main()
