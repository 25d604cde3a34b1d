"""Scans by verdict, for Prometheus: counted in the worker that recorded them, once their
transaction commits.

A counter in each worker, rather than a count of the scans table at every scrape: the
table grows by every visit (millions of rows), a counter costs about a microsecond a scan,
and under gunicorn prometheus_client's multiprocess mode adds up every worker's counters
(``trace/web/metrics.py``). A scan whose transaction rolls back is not counted.
"""

from __future__ import annotations

from prometheus_client import Counter
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from trace.signing.codes import Verdict

SCANS = Counter(
    "trace_scans",
    "Label scans recorded (visits of a label page and inspectors' checks), by verdict.",
    ["verdict"],
)
_PENDING = "trace_scans_pending"  # a key of Session.info: verdicts not yet committed


def count_when_committed(session: Session, verdict: Verdict) -> None:
    """Count a scan of ``session``'s transaction when, and only if, that transaction commits."""
    session.info.setdefault(_PENDING, []).append(verdict.value)


@event.listens_for(Session, "after_commit")
def _count_committed(session: Session) -> None:
    for verdict in session.info.pop(_PENDING, ()):
        SCANS.labels(verdict).inc()


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    # No scan is recorded inside a savepoint: only the whole transaction's end matters.
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)
