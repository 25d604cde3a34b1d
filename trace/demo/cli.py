"""``flask --app trace demo``: load the demo data and print the demo logins."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import with_appcontext

from trace.common.cli import command_transaction, echo_data
from trace.db import db
from trace.demo.services import demo_logins, load_demo_data


def render_report(data: dict[str, Any]) -> str:
    """What was created, then the logins as a table a person can read at a glance."""
    counts = ", ".join(
        f"{count} {kind.replace('_', ' ')}" for kind, count in data["created"].items() if count
    )
    summary = f"Created {counts}." if counts else "Demo data already loaded: nothing created."
    return "\n".join([summary, "", "Demo logins:", _login_table(data["logins"])])


def _login_table(logins: list[dict[str, str]]) -> str:
    columns = ("email", "role", "password", "belongs_to")
    headers = {column: column.replace("_", " ").upper() for column in columns}
    rows = [headers, *logins]
    widths = {column: max(len(row[column]) for row in rows) for column in columns}
    return "\n".join(
        "  ".join(row[column].ljust(widths[column]) for column in columns).rstrip() for row in rows
    )


@click.command("demo")
@with_appcontext
@click.option(
    "--json", "as_json", is_flag=True, help="Print the counts created and the logins as JSON."
)
def demo(as_json: bool) -> None:
    """Load demo cooperatives, products, farming areas, certificates, batches and logins.

    Safe to run again: only missing records are created, existing ones are left as they are.
    """
    with command_transaction():
        created = load_demo_data(db.session)
    echo_data({"created": created, "logins": demo_logins()}, as_json, render_report)
