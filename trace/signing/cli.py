"""``flask --app trace keys ...``: create, list, rotate and revoke the issuing keys.

No command prints private key material: only ids, public keys and dates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from trace.common.cli import command_transaction, echo_data
from trace.common.formats import local_moment
from trace.db import db
from trace.signing import services as keys
from trace.signing.models import IssuingKey, KeyState

keys_group = AppGroup(
    "keys",
    help="Manage the Ed25519 keys that sign label codes (TRACE_KEY_PASSPHRASE encrypts them).",
)


def _describe(key: IssuingKey) -> dict[str, Any]:
    return {
        "kid": key.kid,
        "public_key": key.public_key,
        "created_at": keys.rfc3339(key.created_at),
        "is_current": key.is_current,
        "state": key.state.value,
        "activated_at": keys.rfc3339(key.activated_at) if key.activated_at else None,
        "revoked_at": keys.rfc3339(key.revoked_at) if key.revoked_at else None,
        "revocation_reason": key.revocation_reason,
    }


def _status(data: dict[str, Any]) -> str:
    if data["state"] == KeyState.REVOKED:
        when = local_moment(datetime.fromisoformat(data["revoked_at"]))
        return str(_("revoked %(when)s: %(reason)s", when=when, reason=data["revocation_reason"]))
    return str(_("current") if data["state"] == KeyState.CURRENT else _("verifies only"))


def _one_line(data: dict[str, Any]) -> str:
    created = _("created %(when)s", when=local_moment(datetime.fromisoformat(data["created_at"])))
    return f"{data['kid']}  {created}  {_status(data)}"


def _passphrase() -> bytes:
    passphrase = keys.key_passphrase(current_app.config)
    if keys.is_development_passphrase(passphrase):
        click.echo(
            _("Warning: TRACE_KEY_PASSPHRASE is not set; using the development passphrase."),
            err=True,
        )
    return passphrase


@keys_group.command("create")
@click.option("--json", "as_json", is_flag=True, help="Print the new key as JSON.")
def create_key(as_json: bool) -> None:
    """Create the first issuing key; it signs from now on. Refused when a key is current."""
    with command_transaction():
        key = keys.create_key(db.session, _passphrase())
    echo_data(
        _describe(key), as_json, lambda data: _("Created key %(kid)s (current)", kid=data["kid"])
    )


@keys_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the keys as JSON.")
def list_keys(as_json: bool) -> None:
    """List every key, oldest first: current, verifying only, or revoked."""
    described = [_describe(key) for key in keys.list_keys(db.session)]
    echo_data(
        described,
        as_json,
        lambda data: "\n".join(_one_line(item) for item in data) or _("No keys yet."),
    )


@keys_group.command("rotate")
@click.option("--json", "as_json", is_flag=True, help="Print the new key as JSON.")
def rotate_key(as_json: bool) -> None:
    """Make a new key current; older keys keep verifying. With no key yet, creates the first."""
    with command_transaction():
        key = keys.rotate_key(db.session, _passphrase())
    echo_data(
        _describe(key), as_json, lambda data: _("Key %(kid)s now signs new labels", kid=data["kid"])
    )


# A kid is base64url and may start with "-": take it as the argument, not as an option.
@keys_group.command("revoke", context_settings={"ignore_unknown_options": True})
@click.argument("kid")
@click.option("--reason", required=True, help="Why the key is revoked (kept in the audit).")
@click.option("--json", "as_json", is_flag=True, help="Print the revoked key as JSON.")
def revoke_key(kid: str, reason: str, as_json: bool) -> None:
    """Revoke KID for good: its labels stop verifying. Run `keys rotate` after revoking the
    current key, or no label can be signed."""
    with command_transaction():
        key = keys.revoke_key(db.session, kid, reason)
        signing_stopped = not keys.has_current_key(db.session)
    echo_data(_describe(key), as_json, lambda data: _("Revoked key %(kid)s", kid=data["kid"]))
    if signing_stopped:
        click.echo(_("No key is current now: run `flask --app trace keys rotate`."), err=True)
