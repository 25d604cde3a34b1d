"""A real huey consumer for the tests: the app's queue, worked off by threads in this process."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask

from trace.jobs.queue import job_queue

# huey's consumer sets handlers for these in the main thread: they are pytest's again after.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextmanager
def running_worker(app: Flask, threads: int = 1) -> Iterator[Any]:
    """What ``flask --app trace jobs worker`` runs, started and stopped around a test."""
    handlers = {number: signal.getsignal(number) for number in SIGNALS}
    consumer = job_queue(app).huey.create_consumer(
        workers=threads, periodic=False, initial_delay=0.05, max_delay=0.2
    )
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
        for number, handler in handlers.items():
            signal.signal(number, handler)
