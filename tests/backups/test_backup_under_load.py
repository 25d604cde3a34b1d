"""A backup taken while 10 API clients register batches and record events, restored into a
fresh database: every write acknowledged before the snapshot's time is there, none sent
well after it is, and no transaction is there in part (a batch without its code, links or
audit record; an event without its batch link or audit record); SQLite's integrity_check is
ok and the label codes issued before the snapshot verify.

The app is served over HTTP by werkzeug's threaded server in this process (each request in
a thread, one commit per request as in production); the writers are threads with a token
each, as in tests/bench/bench_concurrency.py. The figures are printed (``pytest -s``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from tests.backups.conftest import ENGINES, Site, database_url
from tests.bench.bench_concurrency import (
    Client,
    free_port,
    new_batch,
    new_event,
    prepare_database,
    request,
    server_config,
)
from tests.conftest import make_test_app
from trace import create_app
from trace.audit.models import AuditRecord, AuditSubject
from trace.batches.models import Batch, Event, EventBatch, LabelCode, batch_farming_areas
from trace.db import db

WRITERS = 10
# Writes acknowledged before the backup starts, and after it ends, before the writers stop.
WRITES_BEFORE, WRITES_AFTER = 150, 100
# A request sent this long after the snapshot's time cannot have committed before the
# snapshot's first read, which follows the noted time at once.
WELL_AFTER = 1.0


@dataclass(frozen=True)
class Write:
    kind: str  # "batch" or "event"
    id: int
    sent_at: float  # epoch seconds
    acknowledged_at: float


def write_until(
    base_url: str, client: Client, stop: threading.Event, writes: list[Write], failures: list[str]
) -> None:
    """Register a batch, record an event on it, again, until told to stop."""
    number = 0
    while not stop.is_set():
        number += 1
        batch = post(
            base_url,
            client,
            "/api/v1/batches",
            new_batch(client, f"W{client.number:02d}-{number:05d}"),
        )
        if isinstance(batch, str):
            failures.append(batch)
            return
        writes.append(Write("batch", *batch))
        if stop.is_set():
            return
        event = post(base_url, client, f"/api/v1/batches/{batch[0]}/events", new_event())
        if isinstance(event, str):
            failures.append(event)
            return
        writes.append(Write("event", *event))


def post(base_url: str, client: Client, path: str, body: dict) -> tuple[int, float, float] | str:
    """The id created, when the request was sent and when acknowledged; or what went wrong."""
    sent = time.time()
    answer = request(base_url, "POST", path, client.token, body)
    if answer.created_id is None:
        return f"{path} answered {answer.status}"
    return answer.created_id, sent, time.time()


def wait_for_writes(
    per_writer: list[list[Write]], count: int, sent_after: float = 0.0, seconds: float = 60
) -> None:
    """Until ``count`` writes sent after the time ``sent_after`` are acknowledged."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if sum(w.sent_at > sent_after for writes in per_writer for w in list(writes)) >= count:
            return
        time.sleep(0.05)


def back_up_under_load(source_url: str, archive, uploads) -> tuple[dict, list[Write]]:
    """Serve the app, start the writers, back up between two stretches of writing."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    clients = prepare_database(source_url, base_url, WRITERS)
    config = {**server_config(source_url, base_url), "TRACE_UPLOAD_DIR": str(uploads)}
    served, backing_up = create_app(config), make_test_app(config)
    server = make_server("127.0.0.1", port, served, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    stop = threading.Event()
    per_writer: list[list[Write]] = [[] for _ in clients]
    failures: list[str] = []
    writers = [
        threading.Thread(target=write_until, args=(base_url, client, stop, writes, failures))
        for client, writes in zip(clients, per_writer, strict=True)
    ]
    try:
        for writer in writers:
            writer.start()
        wait_for_writes(per_writer, WRITES_BEFORE)
        made = backing_up.test_cli_runner().invoke(args=["backup", str(archive), "--json"])
        if made.exit_code == 0:
            snapshot = datetime.fromisoformat(json.loads(made.stdout)["snapshot_at"])
            wait_for_writes(per_writer, WRITES_AFTER, snapshot.timestamp() + WELL_AFTER)
    finally:
        stop.set()
        for writer in writers:
            writer.join(timeout=60)
        server.shutdown()
        for app in (served, backing_up):
            with app.app_context():
                db.engine.dispose()
    assert made.exit_code == 0, made.output
    assert failures == []
    return json.loads(made.stdout), [write for writes in per_writer for write in writes]


def restored_facts(site: Site) -> dict:
    """What the restored database holds, to judge each write by."""
    with site.app.app_context():
        session = db.session

        def ids(query):
            return set(session.scalars(query))

        def audited(subject: AuditSubject) -> set[int]:
            return ids(select(AuditRecord.subject_id).where(AuditRecord.subject == subject))

        return {
            "batch": ids(select(Batch.id)),
            "event": ids(select(Event.id)),
            "coded": ids(select(LabelCode.batch_id)),
            "placed": ids(select(batch_farming_areas.c.batch_id)),
            "audited batch": audited(AuditSubject.BATCH),
            "audited event": audited(AuditSubject.EVENT),
            "linked event": ids(select(EventBatch.event_id)),
            "codes": dict(
                session.execute(
                    select(LabelCode.batch_id, func.min(LabelCode.text)).group_by(
                        LabelCode.batch_id
                    )
                ).all()
            ),
        }


@pytest.mark.parametrize("engine", ENGINES)
def test_a_backup_under_write_load_restores_exactly_the_writes_before_its_snapshot(
    make_site, tmp_path, engine
):
    archive, uploads = tmp_path / "under-load.tar", tmp_path / "uploads-load"
    manifest, writes = back_up_under_load(
        database_url(engine, "load_source", tmp_path), archive, uploads
    )
    snapshot = datetime.fromisoformat(manifest["snapshot_at"]).timestamp()
    target = make_site(engine, "load_target")

    restored = target.cli("restore", str(archive), "--json")

    assert restored.exit_code == 0, restored.output
    facts = restored_facts(target)
    before = [write for write in writes if write.acknowledged_at < snapshot]
    after = [write for write in writes if write.sent_at > snapshot + WELL_AFTER]
    missing = [write for write in before if write.id not in facts[write.kind]]
    present_after = [write for write in after if write.id in facts[write.kind]]
    batches, events = facts["batch"], facts["event"]
    half_batches = batches - (facts["coded"] & facts["placed"] & facts["audited batch"])
    half_events = events - (facts["linked event"] & facts["audited event"])
    codes = [facts["codes"][write.id] for write in before if write.kind == "batch"]
    verdicts = target.verdicts(codes)
    integrity = json.loads(restored.stdout)["integrity_check"]
    if engine == "sqlite":
        path = target.app.config["TRACE_DATABASE_URL"].removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    print(
        f"\n{engine}: {WRITERS} writers, {len(writes)} writes acknowledged "
        f"({sum(w.kind == 'batch' for w in writes)} batches, "
        f"{sum(w.kind == 'event' for w in writes)} events); {len(before)} before the "
        f"snapshot, all restored: {not missing}; {len(after)} sent over {WELL_AFTER} s after "
        f"it, restored: {len(present_after)}; restored {len(batches)} batches and "
        f"{len(events)} events, in part: {len(half_batches) + len(half_events)}; "
        f"{len(codes)} codes verified: {sorted(verdicts)}; integrity_check: {integrity}"
    )
    assert len(before) >= WRITES_BEFORE
    assert len(after) >= WRITES_AFTER
    assert missing == []
    assert present_after == []
    assert half_batches == set()
    assert half_events == set()
    assert verdicts == {"VALID"}
    assert integrity in ("ok", None)
    assert manifest["tables"]["batches"] == len(batches)
