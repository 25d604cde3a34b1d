"""``flask --app trace users ...``: create users, issue and revoke API tokens."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trace.auth import services
from trace.auth.models import Role, User
from trace.auth.token_events import announce_created
from trace.common.cli import command_transaction, echo_data
from trace.db import db

# ``disable``, ``enable`` and ``set-password`` are added by ``trace.people.cli``, which
# audits them (the audit layer sits above accounts).
users = AppGroup(
    "users", help="Create, disable and re-enable users, set passwords, manage API tokens."
)


# What each role is called in the commands' text, as on the site.
ROLE_NAMES = {
    Role.OPERATOR: _l("Platform operator"),
    Role.COOPERATIVE: _l("Cooperative staff"),
    Role.INSPECTOR: _l("Market inspector"),
    Role.COMMUNE_OFFICER: _l("Commune officer"),
}


def _describe(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role.value,
        "cooperative_id": user.cooperative_id,
        "commune_code": user.commune_code,
    }


@users.command("create")
@click.argument("email")
@click.option(
    "--role", required=True, type=click.Choice([role.value for role in Role]), help="The role."
)
@click.option("--cooperative", "tax_code", help="Tax code of the cooperative (role cooperative).")
@click.option("--commune", "commune_code", help="Official commune code (role commune_officer).")
@click.option("--name", "display_name", default="", help="The name shown in the app.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="TRACE_NEW_USER_PASSWORD",
    help="At least 12 characters, not common, without the email or name; asked for when not given.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the new user as JSON.")
def create_user(
    email: str,
    role: str,
    tax_code: str | None,
    commune_code: str | None,
    display_name: str,
    password: str,
    as_json: bool,
) -> None:
    """Create a user who can sign in with EMAIL."""
    with command_transaction():
        user = services.create_user(
            db.session,
            email=email,
            password=password,
            role=role,
            display_name=display_name,
            cooperative_tax_code=tax_code,
            commune_code=commune_code,
        )
    echo_data(
        _describe(user),
        as_json,
        lambda data: _(
            "Created the account %(email)s (%(role)s)",
            email=data["email"],
            role=ROLE_NAMES[Role(data["role"])],
        ),
    )


@users.command("token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, shown in lists.")
def create_token(email: str, name: str) -> None:
    """Issue an API token for EMAIL; the token is printed alone on the last line, once."""
    with command_transaction():
        user = services.find_user_by_email(db.session, email)
        token, record = services.new_api_token(db.session, user, name)
        announce_created(db.session, None, record)
    message = _(
        "API token for %(email)s (store it now: it is never shown again):", email=user.email
    )
    click.echo(message, err=True)
    click.echo(token)


@users.command("revoke-token")
@click.argument("token")
@click.option("--json", "as_json", is_flag=True, help="Print the revoked token's record as JSON.")
def revoke_token(token: str, as_json: bool) -> None:
    """Revoke TOKEN, given in full or by its first 12 characters."""
    with command_transaction():
        revoked = services.revoke_api_token(db.session, token)
    record = {
        "prefix": revoked.prefix,
        "user": revoked.user.email,
        "revoked_at": revoked.revoked_at,
    }
    echo_data(
        record,
        as_json,
        lambda data: _(
            "Revoked %(prefix)s… of %(email)s", prefix=data["prefix"], email=data["user"]
        ),
    )
