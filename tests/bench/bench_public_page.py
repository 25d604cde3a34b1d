"""Benchmark: the public label page under load, served by gunicorn from 1,000,000 batches.

Run from the project root (needs wrk, the Debian package ``wrk``: ``apt-get install wrk``):
  PYTHONPATH=. .venv/bin/python tests/bench/bench_public_page.py [--batches N] [--rounds N]
      [--json]

A SQLite file is built once under ``--cache`` (migrations, one issuing key, three
cooperatives with a GTIN product and a product without one, farming areas, certificates,
then the batches in bulk, each with its signed batch code; one batch in ten also has a unit
code and three events) and reused while its stamp (size, base URL, migration head) holds.
Beside it, 100,000 random code paths as a phone requests them (one in ten a unit's).

gunicorn serves it with 2 sync workers on 127.0.0.1, with the settings production uses
(``trace/gunicorn_config.py``); after a short warm-up, wrk, bounded (fixed connections and
time, on the same 2 cores), loads the same server's ``/healthz`` (one ``SELECT 1``: the
baseline), then the label pages, a random code each request, and again, ``--rounds`` times;
its Lua script counts every answer that is not a 200 with "ok" or with the genuine verdict.
Beside each rate, the workers' CPU time per request (from /proc), which varies less from
run to run than the rate on a machine shared with other work.
Compared, round by round and as the median of the rounds: pages/s against trivial
requests/s, and the goal of at least 1,000 pages/s with p99 under 25 ms. Each page visit
records a scan, as in production.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from base64 import b32encode
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import flask_migrate
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from tests.bench.serving import production_gunicorn
from trace import create_app
from trace.batches import models as batch_models
from trace.batches.models import BatchStatus, EventBatchRole, EventType, LabelCode
from trace.batches.services import issuing
from trace.common.clock import local_today
from trace.config import PROJECT_ROOT
from trace.db import db, utcnow
from trace.registry import models as registry
from trace.signing import services as keys
from trace.signing.codes import gtin_check_digit

FORMAT = 2  # bump when the data built here changes: cached databases are then rebuilt
PATHS, CHUNK = 100_000, 20_000
SECRET = PASSPHRASE = "bench"
GENUINE = ">Tem thật</p>"  # the verdict's title on the page, in Vietnamese (the default)
GOAL_RATE, GOAL_P99_MS = 1000.0, 25.0
PHONE = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 Chrome/131.0 Mobile"
STEPS = ((EventType.PLANTING, -100), (EventType.HARVEST, 0), (EventType.PACKING, 1))
LUA = """-- A random path from the file for each request; counts answers without the expected text.
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("id", #threads) end
function init(args)
  paths, expected, unexpected = {}, args[2], 0
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() * 100 + id)
  wrk.headers["User-Agent"], wrk.headers["Accept-Language"] = args[3], "vi-VN,vi;q=0.9"
end
function request() return wrk.format("GET", paths[math.random(#paths)]) end
function response(status, headers, body)
  if status ~= 200 or not body:find(expected, 1, true) then unexpected = unexpected + 1 end
end
function done()
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("unexpected") end
  io.write(("Unexpected answers: %d\\n"):format(total))
end
"""


@dataclass(frozen=True)
class Seed:
    """A cooperative's ids, as the batch rows need them: products as (id, GTIN or None)."""

    cooperative_id: int
    prefix: str
    products: tuple[tuple[int, str | None], ...]
    area_ids: tuple[int, ...]


def seed_registry(session: Session) -> list[Seed]:
    """Three cooperatives, each with a GTIN product, one without, 5 areas, 2 certificates."""
    today, seeds = local_today(), []
    for number, letter in enumerate("ABC"):
        cooperative = registry.Cooperative(
            name=f"HTX Bench {letter}",
            code_prefix=f"BENCH{letter}",
            tax_code=f"220078431{number}",
            commune_code="31507",
        )
        gtin = f"0893456700{number:03d}"
        products = [
            registry.Product(
                cooperative=cooperative,
                name="Gạo ST25",
                code="ST25",
                gtin=gtin + gtin_check_digit(gtin),
                shelf_life_days=365,
            ),
            registry.Product(cooperative=cooperative, name="Gạo lứt", code="GL"),
        ]
        areas = [
            registry.FarmingArea(
                cooperative=cooperative,
                code=f"VN-BENCH{letter}-{area:04d}",
                name=f"Cánh đồng {area}",
                kind=registry.FarmingAreaKind.CROP,
                commune_code="31507",
                latitude=Decimal("9.6"),
                longitude=Decimal("105.9"),
            )
            for area in range(5)
        ]
        schemes = registry.CertificateScheme
        session.add_all(
            [
                registry.Certificate(
                    cooperative=cooperative,
                    scheme=schemes.VIETGAP,
                    issuer="Bench",
                    number=f"VietGAP-BENCH-{letter}",
                    products=products,
                    valid_from=today - timedelta(700),
                    valid_to=today + timedelta(99),
                ),
                registry.Certificate(
                    cooperative=cooperative,
                    scheme=schemes.ORGANIC,
                    issuer="Bench",
                    number=f"TCVN-BENCH-{letter}",
                    farming_areas=areas[:2],
                    valid_from=today - timedelta(500),
                    valid_to=today + timedelta(99),
                ),
            ]
        )
        session.flush()
        seeds.append(
            Seed(
                cooperative.id,
                cooperative.code_prefix,
                tuple((p.id, p.gtin) for p in products),
                tuple(a.id for a in areas),
            )
        )
    return seeds


def insert_chunk(
    session: Session, signer: issuing.Signer, seeds: list[Seed], numbers: range, sampled: set[int]
) -> list[str]:
    """Batches with their areas, signed codes and events, as ``save_batches`` writes them;
    returns the sampled batches' code paths (the last code of each: its unit's, if any)."""
    batches: list[dict[str, Any]] = []
    links, codes, events, subjects = [], [], [], []
    today, now, paths = local_today(), utcnow(), []
    for number in numbers:
        seed = seeds[number % len(seeds)]
        product_id, gtin = seed.products[number // len(seeds) % 2]
        batch_id, lot = number + 1, f"L{number:07d}"
        code = f"{seed.prefix}-{lot}"
        harvested = today - timedelta(days=2 + number % 400)
        expires = harvested + timedelta(days=366)
        batches.append(
            {
                "id": batch_id,
                "cooperative_id": seed.cooperative_id,
                "product_id": product_id,
                "lot": lot,
                "code": code,
                "harvested_on": harvested,
                "expires_on": expires,
                "packed_on": harvested + timedelta(days=1),
                "quantity": Decimal(1000 + number % 500),
                "unit": "kg",
                "status": BatchStatus.ACTIVE,
                "recall_reason": "",
                "recalled_at": None,
                "created_at": now,
                "updated_at": now,
            }
        )
        areas = sorted({seed.area_ids[number % 5], seed.area_ids[(number + number % 3) % 5]})
        links += [{"batch_id": batch_id, "farming_area_id": area} for area in areas]
        unit_serial = b32encode(number.to_bytes(10, "big")).decode()[-10:]  # the issuing alphabet
        serials = [None] if number % 10 else [None, unit_serial]
        texts = [
            signer.sign(issuing.code_data(signer.base_url, gtin, lot, code, expires, serial))
            for serial in serials
        ]
        codes += [
            issuing.label_code_row(batch_id, text, signer.key, now, serial)
            for text, serial in zip(texts, serials, strict=True)
        ]
        if number in sampled:
            paths.append(texts[-1][len(signer.base_url) :])
        if number % 10 == 0:
            for step, (kind, days) in enumerate(STEPS):
                event_id = number // 10 * len(STEPS) + step + 1
                occurred = datetime.combine(harvested + timedelta(days), datetime.min.time(), UTC)
                events.append(
                    {
                        "id": event_id,
                        "cooperative_id": seed.cooperative_id,
                        "type": kind,
                        "occurred_at": occurred,
                        "farming_area_id": areas[0],
                    }
                )
                subjects.append(
                    {"event_id": event_id, "batch_id": batch_id, "role": EventBatchRole.SUBJECT}
                )
    models = (batch_models.Batch, LabelCode, batch_models.Event, batch_models.EventBatch)
    for model, rows in zip(models, (batches, codes, events, subjects), strict=True):
        if rows:  # Core executemany on the tables, as save_batches does
            session.execute(insert(cast(Table, model.__table__)), rows)
    session.execute(insert(batch_models.batch_farming_areas), links)
    return paths


def build_database(db_path: Path, paths_path: Path, batches: int, base_url: str) -> None:
    app = create_app(
        {
            "TRACE_DATABASE_URL": f"sqlite:///{db_path}",
            "TRACE_SECRET_KEY": SECRET,
            "TRACE_KEY_PASSPHRASE": PASSPHRASE,
            "TRACE_PUBLIC_BASE_URL": base_url,
        }
    )
    sampled = set(random.Random(2026).sample(range(batches), min(PATHS, batches)))
    paths: list[str] = []
    with app.app_context():
        flask_migrate.upgrade()
        session = db.session
        keys.create_key(session, PASSPHRASE.encode())
        seeds = seed_registry(session)
        session.commit()
        signer = issuing.signer_for(session)
        for start in range(0, batches, CHUNK):
            numbers = range(start, min(start + CHUNK, batches))
            paths += insert_chunk(session, signer, seeds, numbers, sampled)
            session.commit()
            print(f"\r  {numbers.stop:,} / {batches:,} batches", end="", flush=True)
        print()
        db.engine.dispose()
    random.Random(1).shuffle(paths)
    paths_path.write_text("\n".join(paths) + "\n")


def prepared_database(cache: Path, batches: int, base_url: str) -> tuple[Path, Path, float | None]:
    """The database and its paths file, built unless a matching one is cached; build seconds."""
    cache.mkdir(parents=True, exist_ok=True)
    db_path, paths_path, stamp_path = (
        cache / f"public-{batches}.{suffix}" for suffix in ("db", "paths", "stamp.json")
    )
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    stamp = {
        "format": FORMAT,
        "batches": batches,
        "base_url": base_url,
        "migrations": sorted(ScriptDirectory.from_config(config).get_heads()),
    }
    if stamp_path.exists() and json.loads(stamp_path.read_text()) == stamp:
        with sqlite3.connect(db_path) as connection:
            (stored,) = connection.execute("SELECT count(*) FROM batches").fetchone()
        if stored == batches and paths_path.exists():
            return db_path, paths_path, None
    for stale in (stamp_path, db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        stale.unlink(missing_ok=True)
    print(f"building {batches:,} batches in {db_path}")
    started = time.perf_counter()
    build_database(db_path, paths_path, batches, base_url)
    seconds = time.perf_counter() - started
    stamp_path.write_text(json.dumps(stamp))
    return db_path, paths_path, seconds


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def workers_cpu_seconds(self) -> float:
        """CPU time (user + system) the workers have used so far, from /proc."""
        ticks = 0
        for child in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split():
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def gunicorn(db_path: Path, port: int, log_path: Path) -> Iterator[Server]:
    """gunicorn as in production on the benchmark's database; stopped after."""
    base_url = f"http://127.0.0.1:{port}"
    settings = {
        "TRACE_DATABASE_URL": f"sqlite:///{db_path}",
        "TRACE_SECRET_KEY": SECRET,
        "TRACE_KEY_PASSPHRASE": PASSPHRASE,
        "TRACE_PUBLIC_BASE_URL": base_url,
    }
    with production_gunicorn(settings, port, log_path) as server:
        yield Server(base_url, server.pid)


def fetch(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"User-Agent": PHONE})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.read().decode("utf-8")
    except OSError as error:
        return getattr(error, "code", 0), ""


def load(
    server: Server, paths: Path, expected: str, seconds: int, args: argparse.Namespace
) -> dict[str, Any]:
    """wrk's figures for one bounded run: random paths from the file, every answer checked;
    and the workers' CPU time per request, steadier than the rate on a shared machine."""
    url = server.url
    script = args.cache / "random_path.lua"
    script.write_text(LUA)
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "--latency",
        "-s",
        str(script),
        url,
        "--",
        str(paths),
        expected,
        PHONE,
    ]
    cpu_before = server.workers_cpu_seconds()
    run = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if run.returncode != 0:
        sys.exit(f"wrk failed: {run.stderr or run.stdout}")
    figures = parse_wrk(run.stdout)
    cpu = server.workers_cpu_seconds() - cpu_before
    figures["cpu_ms"] = round(cpu * 1000 / figures["requests"], 3) if figures["requests"] else 0.0
    return figures


def parse_wrk(output: str) -> dict[str, Any]:
    def count(pattern: str) -> int:
        found = re.search(pattern, output)
        return int(found.group(1)) if found else 0

    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {
        f"p{share}": round(float(value) * scale[unit], 2)
        for share, value, unit in re.findall(
            r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE
        )
    }
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rate": float(rate.group(1)) if rate else 0.0,
        **latency,
        "requests": count(r"(\d+) requests in"),
        "non_2xx": count(r"Non-2xx or 3xx responses: (\d+)"),
        "socket_errors": sum(int(value) for value in errors.groups()) if errors else 0,
        "unexpected": count(r"Unexpected answers: (\d+)"),
    }


def commit_measured() -> str:
    """HEAD, and whether the served code (trace/, templates/) differs from it."""

    def git(*words: str) -> str:
        return subprocess.run(
            ["git", *words], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()

    changed = git("status", "--porcelain", "--", "trace", "templates")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if changed else "")


def count_scans(db_path: Path, delete: bool = False) -> int:
    with sqlite3.connect(db_path) as connection:
        (count,) = connection.execute("SELECT count(*) FROM scans").fetchone()
        if delete:  # each run starts from the same database
            connection.execute("DELETE FROM scans")
    return int(count)


def measure(db_path: Path, paths: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One page checked, both workers warmed up, then rounds of the trivial run and the pages
    run, alternating: a machine that slows down for a while slows both, and the medians of
    the rounds say what a single run on a shared machine cannot."""
    healthz = args.cache / "healthz.paths"
    healthz.write_text("/healthz\n")
    count_scans(db_path, delete=True)
    commit = commit_measured()
    rounds = []
    with gunicorn(db_path, args.port, args.cache / "gunicorn.log") as server:
        first = paths.read_text().split("\n", 1)[0]
        status, body = fetch(server.url + first)
        if status != 200 or GENUINE not in body:
            sys.exit(f"{first} answered {status} without the genuine verdict: not loading")
        for warm_up, expected in ((healthz, '"ok"'), (paths, GENUINE)):
            load(server, warm_up, expected, args.warmup, args)  # templates, catalogues, caches
        for _ in range(args.rounds):
            trivial = load(server, healthz, '"ok"', args.duration, args)
            scans_before = count_scans(db_path)
            pages = load(server, paths, GENUINE, args.duration, args)
            rounds.append(judged_round(trivial, pages, count_scans(db_path) - scans_before))
    log = (args.cache / "gunicorn.log").read_text(errors="replace")
    errors = Counter(re.findall(r"^[\w.]+(?:Error|Exception): .*$", log, re.MULTILINE))
    median = {
        "rate": statistics.median(run["pages"]["rate"] for run in rounds),
        "p99": statistics.median(run["pages"].get("p99", 1e9) for run in rounds),
        "ratio": statistics.median(run["ratio"] for run in rounds),
    }
    every_answer_right = all(run["failed"] == 0 for run in rounds)
    return {
        "server_errors": dict(errors.most_common(3)),
        "commit": commit,
        "batches": args.batches,
        "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s",
        "rounds": rounds,
        "median": median,
        "goal_met": median["rate"] >= GOAL_RATE
        and median["p99"] < GOAL_P99_MS
        and every_answer_right,
    }


def judged_round(trivial: dict[str, Any], pages: dict[str, Any], scans: int) -> dict[str, Any]:
    """One round's two runs, their ratio, the answers that were not right, the scans made."""
    pages["genuine_rate"] = round(pages["rate"] * (1 - pages["unexpected"] / pages["requests"]))
    return {
        "trivial": trivial,
        "pages": pages,
        "ratio": round(pages["rate"] / trivial["rate"], 3) if trivial["rate"] else 0.0,
        "failed": pages["non_2xx"] + pages["socket_errors"] + pages["unexpected"],
        "scans_recorded": scans,
    }


def print_table(report: dict[str, Any]) -> None:
    built = report["build_seconds"]
    how = f"built in {built:.0f} s" if built is not None else "reused from the cache"
    print(
        f"commit {report['commit']}; {report['batches']:,} batches ({how}); gunicorn 2 sync "
        f"workers; wrk {report['wrk']} on the same {os.cpu_count()} cores, "
        f"{len(report['rounds'])} rounds"
    )
    print(
        f"{'':23}{'req/s':>8}{'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'non-2xx':>9}"
        f"{'sock err':>9}{'wrong':>7}{'CPU ms/req':>12}"
    )
    for number, judged in enumerate(report["rounds"], 1):
        for label, run in (
            (f"{number}: /healthz", judged["trivial"]),
            (f"{number}: label pages", judged["pages"]),
        ):
            print(
                f"{label:23}{run['rate']:8,.0f}{run.get('p50', 0):8.2f}"
                f"{run.get('p90', 0):8.2f}{run.get('p99', 0):8.2f}{run['non_2xx']:9}"
                f"{run['socket_errors']:9}{run['unexpected']:7}{run['cpu_ms']:12.3f}"
            )
        pages = judged["pages"]
        print(
            f"{'':23}pages / trivial {judged['ratio']:.2f}x; {judged['scans_recorded']:,} "
            f"scans recorded, {pages['requests'] - pages['unexpected']:,} genuine pages"
        )
    median = report["median"]
    print(
        f"median of the rounds: {median['rate']:,.0f} pages/s, p99 {median['p99']:.2f} ms, "
        f"{median['ratio']:.2f}x the trivial rate"
    )
    print(
        f"goal (median >= {GOAL_RATE:,.0f} pages/s, p99 < {GOAL_P99_MS:.0f} ms, every page "
        f"genuine in every round): {'met' if report['goal_met'] else 'NOT met'}"
    )
    for line, count in report["server_errors"].items():
        print(f"gunicorn.log (warm-up included), {count:,} times: {line[:160]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=1_000_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/trace-bench-public"))
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--duration", type=int, default=15, help="seconds of each measured run")
    parser.add_argument("--rounds", type=int, default=3, help="trivial and pages runs, alternating")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk before measuring")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.rounds < 1 or args.duration < 1:
        sys.exit("--rounds and --duration must be at least 1")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install the Debian package (apt-get install wrk)")
    logging.disable(logging.INFO)  # alembic announces every migration
    base_url = f"http://127.0.0.1:{args.port}"
    db_path, paths, built = prepared_database(args.cache, args.batches, base_url)
    report = {"build_seconds": built, **measure(db_path, paths, args)}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
