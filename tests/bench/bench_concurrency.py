"""Benchmark: concurrent API writers and readers against gunicorn, on SQLite or PostgreSQL.

Run from the project root:
  PYTHONPATH=. .venv/bin/python tests/bench/bench_concurrency.py [--clients 20] [--duration 30]
      [--postgres URL [--skip-sqlite]] [--json]

A fresh database (a new SQLite file; with ``--postgres``, that PostgreSQL database too, whose
schema is DROPPED and rebuilt: never give a database that others use) is migrated and given
three cooperatives, an issuing key and one cooperative user with an API token per client.
gunicorn serves it as production does (``trace/gunicorn_config.py``, 2 sync workers,
``TRACE_ENV=production``) on 127.0.0.1 only. After a few batches are registered for the
readers, the clients run for ``--duration`` seconds, each on a thread with its own token and
one request at a time: half register batches and record an event on each one they
registered, half read batches (``GET /api/v1/batches/<id>``, the public fields of one). Then
gunicorn is stopped and every write acknowledged with a 201 (its batch or event id) is
looked up in the database.

Reported per kind of request: count, answers by class, 5xx, rate, p50/p99 latency; the
writes acknowledged and whether all are stored; what the gunicorn log says went wrong.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import random
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import flask_migrate
from sqlalchemy import select, text

from tests.bench.serving import production_gunicorn
from trace import create_app
from trace.auth.models import Role
from trace.auth.services import create_user, issue_api_token
from trace.batches.models import Batch, Event
from trace.common.clock import local_today
from trace.db import db, make_engine
from trace.registry.models import Cooperative
from trace.signing import services as keys

SECRET = PASSPHRASE = "bench"
PASSWORD = "bench-password-0"
READ_TARGETS = 5  # batches of each cooperative registered before the run, to read
REQUEST_TIMEOUT = 60.0  # seconds: beyond the 15 s busy timeout and gunicorn's 30 s
VIETNAM = timedelta(hours=7)
KINDS = ("register batch", "record event", "read batch")


@dataclass(frozen=True)
class Client:
    """One API client: its token, and what it writes with (its cooperative's records)."""

    number: int
    token: str
    product_id: int
    farming_area_id: int


@dataclass
class Answer:
    kind: str
    status: int  # 0: no answer (connection refused, reset, timed out)
    seconds: float
    created_id: int | None = None


@dataclass
class Load:
    """What the clients saw, kept by each thread and gathered after."""

    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answers: list[Answer]) -> None:
        with self.lock:
            self.answers.extend(answers)


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'bench.db'}"


def server_config(database_url: str, base_url: str) -> dict[str, str]:
    return {
        "TRACE_DATABASE_URL": database_url,
        "TRACE_SECRET_KEY": SECRET,
        "TRACE_KEY_PASSPHRASE": PASSPHRASE,
        "TRACE_PUBLIC_BASE_URL": base_url,
    }


def prepare_database(database_url: str, base_url: str, clients: int) -> list[Client]:
    """Migrate an empty database, add the key, the cooperatives and a user per client."""
    from tests.bench.bench_public_page import seed_registry  # its cooperatives, shared

    if not database_url.startswith("sqlite"):
        engine = make_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    cheap_hashing = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}  # only tokens sign in
    app = create_app(
        {**server_config(database_url, base_url), "PASSWORD_HASH_PARAMETERS": cheap_hashing}
    )
    prepared = []
    with app.app_context():
        flask_migrate.upgrade()
        session = db.session
        keys.create_key(session, PASSPHRASE.encode())
        seeds = seed_registry(session)
        for number in range(clients):
            seed = seeds[number % len(seeds)]
            cooperative = session.get(Cooperative, seed.cooperative_id)
            assert cooperative is not None
            user = create_user(
                session,
                email=f"client{number}@bench.example",
                password=PASSWORD,
                role=Role.COOPERATIVE,
                cooperative_tax_code=cooperative.tax_code,
            )
            prepared.append(
                Client(
                    number,
                    issue_api_token(session, user, "bench"),
                    seed.products[number // len(seeds) % 2][0],
                    seed.area_ids[0],
                )
            )
        session.commit()
        db.engine.dispose()
    return prepared


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(database_url: str, port: int, log_path: Path) -> Iterator[str]:
    """gunicorn as in production on ``database_url``; stopped after. Yields its base URL."""
    base_url = f"http://127.0.0.1:{port}"
    with production_gunicorn(server_config(database_url, base_url), port, log_path):
        yield base_url


def request(
    base_url: str,
    method: str,
    path: str,
    token: str | None = None,
    body: Any = None,
    kind: str = "",
) -> Answer:
    """One request on a connection of its own (gunicorn's sync workers close each one)."""
    host, port = base_url.removeprefix("http://").split(":")
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        data = response.read()
        status = response.status
    except OSError:
        return Answer(kind, 0, time.perf_counter() - started)
    finally:
        connection.close()
    seconds = time.perf_counter() - started
    created_id = None
    if status == 201:
        created_id = int(json.loads(data)["id"])
    return Answer(kind, status, seconds, created_id)


def new_batch(client: Client, lot: str) -> dict[str, Any]:
    return {
        "product_id": client.product_id,
        "farming_area_ids": [client.farming_area_id],
        "lot": lot,
        "harvested_on": local_today().isoformat(),
        "quantity": 1000,
        "unit": "kg",
    }


def new_event() -> dict[str, Any]:
    now = datetime.now(UTC) + VIETNAM
    return {
        "type": "inspecting",
        "occurred_at": now.strftime("%Y-%m-%dT%H:%M:%S+07:00"),
        "address": "Kho hợp tác xã",
        "notes": "Kiểm tra độ ẩm trước khi đóng bao.",
    }


def write_batches(base_url: str, client: Client, deadline: float, load: Load) -> None:
    """Register a batch, record an event on it, again, until the deadline."""
    answers, number = [], 0
    while time.monotonic() < deadline:
        number += 1
        lot = f"C{client.number:02d}-{number:06d}"
        registered = request(
            base_url,
            "POST",
            "/api/v1/batches",
            client.token,
            new_batch(client, lot),
            "register batch",
        )
        answers.append(registered)
        if registered.created_id is not None and time.monotonic() < deadline:
            answers.append(
                request(
                    base_url,
                    "POST",
                    f"/api/v1/batches/{registered.created_id}/events",
                    client.token,
                    new_event(),
                    "record event",
                )
            )
    load.add(answers)


def read_batches(
    base_url: str, client: Client, batch_ids: list[int], deadline: float, load: Load
) -> None:
    answers, chooser = [], random.Random(client.number)
    while time.monotonic() < deadline:
        path = f"/api/v1/batches/{chooser.choice(batch_ids)}"
        answers.append(request(base_url, "GET", path, client.token, kind="read batch"))
    load.add(answers)


def read_targets(base_url: str, clients: list[Client]) -> dict[int, list[int]]:
    """A few batches of each cooperative's first client, registered before the run: what
    the readers of that cooperative read (another cooperative's batch would answer 404)."""
    targets: dict[int, list[int]] = {}
    for client in clients[:3]:
        ids = []
        for number in range(READ_TARGETS):
            answer = request(
                base_url,
                "POST",
                "/api/v1/batches",
                client.token,
                new_batch(client, f"R{client.number:02d}-{number:06d}"),
            )
            if answer.created_id is None:
                raise RuntimeError(f"registering a batch before the run answered {answer.status}")
            ids.append(answer.created_id)
        targets[client.number % 3] = ids
    return targets


def run_load(base_url: str, clients: list[Client], seconds: float) -> Load:
    """Half the clients write, half read, each on its own thread, for ``seconds``."""
    targets = read_targets(base_url, clients)
    load = Load()
    deadline = time.monotonic() + seconds
    threads = []
    for client in clients:
        if client.number % 2 == 0:
            work: Any = (write_batches, (base_url, client, deadline, load))
        else:
            work = (read_batches, (base_url, client, targets[client.number % 3], deadline, load))
        threads.append(threading.Thread(target=work[0], args=work[1], daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 2 * REQUEST_TIMEOUT)
    return load


def missing_writes(database_url: str, load: Load) -> dict[str, int]:
    """The acknowledged writes (201 answers) the database does not hold, by kind."""
    acknowledged = {
        kind: {a.created_id for a in load.answers if a.kind == kind and a.created_id is not None}
        for kind in ("register batch", "record event")
    }
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            stored_batches = set(connection.execute(select(Batch.id)).scalars())
            stored_events = set(connection.execute(select(Event.id)).scalars())
    finally:
        engine.dispose()
    return {
        "register batch": len(acknowledged["register batch"] - stored_batches),
        "record event": len(acknowledged["record event"] - stored_events),
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def summarise(load: Load, seconds: float) -> dict[str, Any]:
    kinds = {}
    for kind in KINDS:
        answers = [a for a in load.answers if a.kind == kind]
        latencies = [a.seconds * 1000 for a in answers]
        statuses = Counter(str(a.status) for a in answers)
        kinds[kind] = {
            "requests": len(answers),
            "statuses": dict(sorted(statuses.items())),
            "5xx": sum(count for status, count in statuses.items() if status.startswith("5")),
            "no_answer": statuses.get("0", 0),
            "rate": round(len(answers) / seconds, 1),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else 0.0,
            "p99_ms": round(percentile(latencies, 0.99), 1),
        }
    everything = load.answers
    return {
        "requests": len(everything),
        "rate": round(len(everything) / seconds, 1),
        "5xx": sum(kind["5xx"] for kind in kinds.values()),
        "no_answer": sum(kind["no_answer"] for kind in kinds.values()),
        "not_2xx": sum(1 for a in everything if not 200 <= a.status < 300),
        "writes_acknowledged": sum(1 for a in everything if a.created_id is not None),
        "kinds": kinds,
    }


def server_errors(log_path: Path) -> dict[str, int]:
    log = log_path.read_text(errors="replace")
    found = Counter(re.findall(r"^[\w.]+(?:Error|Exception): .*$", log, re.MULTILINE))
    return {line[:160]: count for line, count in found.most_common(3)}


def bench(
    database_url: str, clients: int, seconds: float, workdir: Path, port: int | None = None
) -> dict[str, Any]:
    """One bounded run on a fresh database; the figures and whether every write is stored."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    prepared = prepare_database(database_url, base_url, clients)
    log_path = workdir / "gunicorn.log"
    with gunicorn(database_url, port, log_path) as served:
        load = run_load(served, prepared, seconds)
    missing = missing_writes(database_url, load)
    return {
        "database": database_url.split(":", 1)[0],
        "clients": clients,
        "seconds": seconds,
        **summarise(load, seconds),
        "missing_writes": missing,
        "all_writes_stored": not any(missing.values()),
        "server_errors": server_errors(log_path),
    }


def print_table(report: dict[str, Any]) -> None:
    print(
        f"{report['database']}: {report['clients']} clients for {report['seconds']:.0f} s "
        f"against gunicorn (2 sync workers) on {os.cpu_count()} cores"
    )
    print(
        f"  {'':16}{'requests':>9}{'per s':>8}{'5xx':>6}{'no answer':>10}{'p50 ms':>8}"
        f"{'p99 ms':>8}  answers"
    )
    for kind, figures in report["kinds"].items():
        print(
            f"  {kind:16}{figures['requests']:9,}{figures['rate']:8.1f}{figures['5xx']:6}"
            f"{figures['no_answer']:10}{figures['p50_ms']:8.1f}{figures['p99_ms']:8.1f}  "
            f"{figures['statuses']}"
        )
    print(
        f"  all: {report['requests']:,} requests, {report['rate']:.1f}/s, {report['5xx']} 5xx, "
        f"{report['not_2xx']} not 2xx; {report['writes_acknowledged']:,} writes acknowledged, "
        f"all stored: {'yes' if report['all_writes_stored'] else 'NO'} "
        f"(missing: {report['missing_writes']})"
    )
    for line, count in report["server_errors"].items():
        print(f"  gunicorn.log, {count:,} times: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="half write, half read")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also run on this PostgreSQL database: its schema is DROPPED",
    )
    parser.add_argument("--skip-sqlite", action="store_true", help="run on PostgreSQL only")
    parser.add_argument("--port", type=int, help="default: a free one")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.clients < 2 or args.duration <= 0:
        sys.exit("--clients must be at least 2 and --duration positive")
    if args.skip_sqlite and not args.postgres:
        sys.exit("--skip-sqlite needs --postgres URL")
    logging.disable(logging.INFO)  # alembic announces every migration
    reports = []
    with tempfile.TemporaryDirectory(prefix="trace-bench-concurrency-") as directory:
        workdir = Path(directory)
        urls = ([] if args.skip_sqlite else [sqlite_url(workdir)]) + (
            [args.postgres] if args.postgres else []
        )
        for url in urls:
            reports.append(bench(url, args.clients, args.duration, workdir, args.port))
            if not args.json:
                print_table(reports[-1])
    if args.json:
        print(json.dumps(reports, indent=2))
    if not all(report["5xx"] == 0 and report["all_writes_stored"] for report in reports):
        sys.exit(1)


if __name__ == "__main__":
    main()
