"""``flask --app trace alerts refresh``: run the clone rules over the scans not judged yet."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from trace.alerts.services import refresh_alerts
from trace.common.cli import command_transaction, echo_data
from trace.db import db


@click.group("alerts")
def alerts_group() -> None:
    """Clone alerts: the rules that flag copied labels."""


@alerts_group.command("refresh")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="Print the count as JSON.")
def refresh(as_json: bool) -> None:
    """Run the clone rules over the scans that arrived since the last run (also done after
    each scan, at most every few seconds per worker); safe to run from cron."""
    with command_transaction():
        stored = refresh_alerts(db.session)
    echo_data(
        {"alerts_stored": stored}, as_json, lambda data: _("%(count)d new alert(s).", count=stored)
    )
