"""Progress of a backup or restore on stderr: a line per phase, a bar for large tables.

stdout stays for the result alone (text, or JSON with ``--json``), so a script can read it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

import click

RowT = TypeVar("RowT")
BAR_FROM_ROWS = 50_000  # smaller tables take under a second: one line is enough
STEP = 5_000


class Progress:
    """Tells the operator what is being done; ``quiet`` tells nothing (for callers in code)."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.started = time.monotonic()

    def say(self, message: str) -> None:
        if self.enabled:
            seconds = time.monotonic() - self.started
            click.echo(f"[{seconds:7.1f} s] {message}", err=True)

    def rows(self, label: str, rows: Iterable[RowT], total: int) -> Iterator[RowT]:
        """``rows`` passed through, with a bar on stderr when there are many."""
        if not self.enabled or total < BAR_FROM_ROWS:
            yield from rows
            return
        with click.progressbar(length=total, label=f"  {label}", file=sys.stderr) as bar:
            done = 0
            for row in rows:
                yield row
                done += 1
                if done % STEP == 0:
                    bar.update(STEP)
            bar.update(done % STEP)


def quiet() -> Progress:
    return Progress(enabled=False)
