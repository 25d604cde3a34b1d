"""``flask --app trace users disable|enable|set-password``: the web's services, audited."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from trace.auth import services as accounts
from trace.common.cli import command_transaction
from trace.db import db
from trace.people import services


@click.command("disable")
@with_appcontext
@click.argument("email")
def disable_user(email: str) -> None:
    """Stop EMAIL signing in: their sessions end and their API tokens are revoked at once."""
    with command_transaction():
        user = accounts.find_user_by_email(db.session, email)
        services.disable_person(db.session, None, user)
    click.echo(_("Disabled %(email)s: signed out everywhere, API tokens revoked", email=user.email))


@click.command("enable")
@with_appcontext
@click.argument("email")
def enable_user(email: str) -> None:
    """Let a disabled EMAIL sign in again (revoked tokens stay revoked)."""
    with command_transaction():
        user = accounts.find_user_by_email(db.session, email)
        services.enable_person(db.session, None, user)
    click.echo(_("Enabled %(email)s", email=user.email))


@click.command("set-password")
@with_appcontext
@click.argument("email")
@click.password_option(
    "--password",
    prompt="New password",
    envvar="TRACE_NEW_USER_PASSWORD",
    help="At least 12 characters, not common, without the email or name; asked for twice, "
    "hidden, when not given.",
)
def set_password(email: str, password: str) -> None:
    """Give EMAIL a new password: their sessions end and their API tokens are revoked."""
    with command_transaction():
        user = accounts.find_user_by_email(db.session, email)
        services.set_password_by_command(db.session, user, password)
    message = _(
        "New password set for %(email)s: signed out everywhere, API tokens revoked",
        email=user.email,
    )
    click.echo(message)


COMMANDS = (disable_user, enable_user, set_password)
