"""The ``flask --app trace ...`` commands, and what they share."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from trace.db import db
from trace.errors import TraceError


@contextmanager
def command_transaction(writes: bool = True) -> Iterator[None]:
    """Commit what a command did, or undo all of it and exit with a one-line reason.

    A command that writes begins its transaction as a writer (on SQLite it takes the write
    lock then), so beside the server it waits its turn instead of failing with "database is
    locked". One that only reads says so: it would keep writers waiting while it works.
    """
    if writes:
        db.begin_writing()
    try:
        yield
        db.session.commit()
    except TraceError as error:
        db.session.rollback()
        raise click.ClickException(one_line_reason(error)) from None
    except BaseException:
        db.session.rollback()
        raise


def one_line_reason(error: TraceError) -> str:
    """The error's message and each field's problems, all in the command's language (the
    fields' keys are the program's English names, so they are left out)."""
    details = " ".join(str(message) for messages in error.errors.values() for message in messages)
    return f"{error.message} ({details})" if details else str(error.message)


def echo_data(data: Any, as_json: bool, render_text: Callable[[Any], str]) -> None:
    """Print data as JSON for programs or as text for people."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(render_text(data))
