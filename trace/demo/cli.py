"""``flask --app trace demo``: load the demo data and print the demo logins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trace.auth.cli import ROLE_NAMES
from trace.auth.models import Role
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
KEPT_PASSWORD = _l("(unchanged)")
KIND_NAMES = {
    "keys": _l("%(count)d signing keys"),
    "cooperatives": _l("%(count)d cooperatives"),
    "products": _l("%(count)d products"),
    "farming_areas": _l("%(count)d farming areas"),
    "certificates": _l("%(count)d certificates"),
    "batches": _l("%(count)d batches"),
    "users": _l("%(count)d accounts"),
    "events": _l("%(count)d production steps"),
    "key_products": _l("%(count)d key products"),
    "key_product_proposals": _l("%(count)d key product proposals"),
    "product_links": _l("%(count)d product links"),
    "rolls": _l("%(count)d pre-printed label rolls"),
}
COLUMN_NAMES = {
    "email": _l("EMAIL"),
    "role": _l("ROLE"),
    "password": _l("PASSWORD"),
    "belongs_to": _l("BELONGS TO"),
}


def render_report(data: dict[str, Any]) -> str:
    """What was created, then the logins as a table a person can read at a glance."""
    counts = ", ".join(
        KIND_NAMES[kind] % {"count": count} for kind, count in data["created"].items() if count
    )
    if counts:
        summary = _("Created %(counts)s.", counts=counts)
    else:
        summary = _("Demo data already loaded: nothing created.")
    lines = [summary, "", _("Demo logins:"), _login_table(data["logins"])]
    if data["passwords_shown_once"]:
        lines += [
            "",
            _(
                "Each new account's random password is shown only this once: keep it now. "
                "Accounts that were already there keep their passwords."
            ),
        ]
    return "\n".join(lines)


def _login_table(logins: list[dict[str, str | None]]) -> str:
    columns = ("email", "role", "password", "belongs_to")
    headers = {column: str(COLUMN_NAMES[column]) for column in columns}
    rows: list[Mapping[str, str | None]] = [headers]
    rows += (
        {
            **login,
            "role": str(ROLE_NAMES[Role(login["role"] or "")]),
            "password": login["password"] or str(KEPT_PASSWORD),
        }
        for login in logins
    )
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
            _(
                "TRACE_ENV=production: the demo accounts would sign in with the README's "
                "public password. Run `flask --app trace demo --force` to load them with "
                "random passwords, printed once."
            )
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
