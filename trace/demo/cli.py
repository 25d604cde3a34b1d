"""``flask --app trace demo``: load the demo data and print the demo logins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from trace.common.cli import command_transaction, echo_data
from trace.config import PRODUCTION
from trace.db import db
from trace.demo.services import (
    demo_logins,
    load_demo_data,
    random_passwords,
    shared_passwords,
)

# What the table shows for an account that was there before: its password was not changed.
KEPT_PASSWORD = "(unchanged)"  # noqa: S105


def render_report(data: dict[str, Any]) -> str:
    """What was created, then the logins as a table a person can read at a glance."""
    counts = ", ".join(
        f"{count} {kind.replace('_', ' ')}" for kind, count in data["created"].items() if count
    )
    summary = f"Created {counts}." if counts else "Demo data already loaded: nothing created."
    lines = [summary, "", "Demo logins:", _login_table(data["logins"])]
    if data["passwords_shown_once"]:
        lines += [
            "",
            "Each new account's random password is shown only this once: keep it now. "
            "Accounts that were already there keep their passwords.",
        ]
    return "\n".join(lines)


def _login_table(logins: list[dict[str, str | None]]) -> str:
    columns = ("email", "role", "password", "belongs_to")
    headers = {column: column.replace("_", " ").upper() for column in columns}
    rows: list[Mapping[str, str | None]] = [headers]
    rows += ({**login, "password": login["password"] or KEPT_PASSWORD} for login in logins)
    widths = {column: max(len(row[column] or "") for row in rows) for column in columns}
    return "\n".join(
        "  ".join((row[column] or "").ljust(widths[column]) for column in columns).rstrip()
        for row in rows
    )


@click.command("demo")
@with_appcontext
@click.option(
    "--json", "as_json", is_flag=True, help="Print the counts created and the logins as JSON."
)
@click.option(
    "--force",
    is_flag=True,
    help="Load the demo in production too (TRACE_ENV=production): each account it creates "
    "gets a random password, printed this once.",
)
def demo(as_json: bool, force: bool) -> None:
    """Load demo cooperatives, products, farming areas, certificates, batches and logins.

    Safe to run again: only missing records are created, existing ones are left as they are.
    In development the accounts get the README's shared password; production refuses to
    load them unless --force, and then gives each one a random password.
    """
    is_production = current_app.config["TRACE_ENV"] == PRODUCTION
    if is_production and not force:
        raise click.ClickException(
            "TRACE_ENV=production: the demo accounts would sign in with the README's public "
            "password. Run `flask --app trace demo --force` to load them with random "
            "passwords, printed once."
        )
    passwords = random_passwords() if is_production else shared_passwords()
    with command_transaction():
        loaded = load_demo_data(db.session, passwords)
    shown: dict[str, str | None] = dict(passwords)
    if is_production:
        # A random password is news only for an account created now; the others keep theirs.
        shown = {email: passwords[email] for email in loaded.new_accounts}
    data = {
        "created": loaded.created,
        "logins": demo_logins(shown),
        "passwords_shown_once": is_production,
    }
    echo_data(data, as_json, render_report)
