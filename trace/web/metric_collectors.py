"""Metrics computed when ``/metrics`` is scraped rather than counted as things happen.

``SCRAPED`` holds gauges read from the database by the worker that answers the scrape: the
database is the one place every worker's work meets, so they are right under any number of
workers. A new one is one line at the end of this module, for instance the background
jobs by state::

    SCRAPED.register(DatabaseGauge("trace_jobs", "Background jobs by state.", "state", job_counts))

``WorkerProcesses`` gives each live gunicorn worker's memory, CPU and open files:
prometheus_client's process collector only sees the process it runs in.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.process_collector import ProcessCollector
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from trace.db import db
from trace.jobs.services import jobs_by_state
from trace.signing.models import IssuingKey

# A worker's files are named after its process id: counter_1234.db, histogram_1234.db...
_WORKER_FILE = re.compile(r"_(\d+)\.db$")


class DatabaseGauge:
    """A gauge with one label, whose values ``read`` counts in the database at each scrape
    (with the request's session: ``/metrics`` is an ordinary request)."""

    def __init__(
        self,
        name: str,
        documentation: str,
        label: str,
        read: Callable[[Session], Mapping[str, int]],
    ) -> None:
        self.name, self.documentation, self.label, self.read = name, documentation, label, read

    def describe(self) -> list[Metric]:
        return [GaugeMetricFamily(self.name, self.documentation, labels=[self.label])]

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(self.name, self.documentation, labels=[self.label])
        for value, count in sorted(self.read(db.session).items()):
            family.add_metric([value], count)
        yield family


def issuing_keys_by_state(session: Session) -> dict[str, int]:
    """Keys that sign (at most one), retired ones that only verify, and revoked ones: an
    alert on no current key catches what ``/readyz`` reports, with its history."""
    state = case(
        (IssuingKey.revoked_at.is_not(None), "revoked"),
        (IssuingKey.is_current, "current"),
        else_="retired",
    )
    counts = {"current": 0, "retired": 0, "revoked": 0}
    for name, count in session.execute(select(state, func.count()).group_by(state)):
        counts[name] = count
    return counts


class WorkerProcesses:
    """Memory, CPU time, open files and start time of every live worker, labelled by pid.

    The workers are those that have written metric files in the multiprocess directory;
    those whose process is gone are left out (their counts stay in the totals).
    """

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)

    def collect(self) -> Iterator[Metric]:
        families: dict[str, Metric] = {}
        for pid in self._live_pids():
            collector = ProcessCollector(pid=lambda pid=pid: pid, registry=None)  # type: ignore[misc]
            for family in collector.collect():
                merged = families.setdefault(
                    family.name, Metric(family.name, family.documentation, family.type)
                )
                for sample in family.samples:
                    merged.add_sample(sample.name, {**sample.labels, "pid": str(pid)}, sample.value)
        yield from families.values()

    def _live_pids(self) -> list[int]:
        pids = {
            int(match[1])
            for path in self.directory.glob("*.db")
            if (match := _WORKER_FILE.search(path.name))
        }
        return sorted(pid for pid in pids if os.path.exists(f"/proc/{pid}"))


SCRAPED = CollectorRegistry()
SCRAPED.register(
    DatabaseGauge(
        "trace_issuing_keys",
        "Issuing keys by state: current, retired, revoked.",
        "state",
        issuing_keys_by_state,
    )
)
SCRAPED.register(DatabaseGauge("trace_jobs", "Background jobs by state.", "state", jobs_by_state))
