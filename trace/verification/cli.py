"""``flask --app trace verify CODE_OR_IMAGE [--keys FILE] [--json]``: check a label.

With ``--keys`` the check is the offline one: the key set file and nothing else, neither
the database nor the network, so an inspector's laptop can run it in a market. Exits 0
only when every code checked is valid, 1 when one is not, 2 on bad input. A code's text
comes from whoever printed the label: what a terminal would act on is shown escaped.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from trace.common.formats import local_moment
from trace.common.languages import DEFAULT_LANGUAGE, LANGUAGES
from trace.db import db
from trace.errors import InvalidInput
from trace.signing.codes import CodeError, Verdict
from trace.uploads.images import MAX_PIXELS, opened_within_limits
from trace.verification.answers import VERDICT_TITLES, verification_json
from trace.verification.services import Verification, verify_code, verify_offline

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff")
# What Pillow is asked to open; a phone's JPEG may then say it is an MPO.
OPENED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
READABLE_FORMATS = (*OPENED_FORMATS, "MPO")
DECODED_MODES = ("L", "RGB", "RGBA")


class BadImage(click.ClickException):
    """Raised for an image that cannot be checked: one line, and exit 2 as for bad input."""

    exit_code = 2


@click.command("verify")
@with_appcontext
@click.argument("code_or_image")
@click.option(
    "--keys",
    "keys_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A key set (as served at /.well-known/jwks.json): check offline, with no database.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the verify answer as JSON.")
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="The language of the messages (the JSON's fixed values stay as they are).",
)
def verify(code_or_image: str, keys_file: Path | None, as_json: bool, language: str) -> None:
    """Check CODE_OR_IMAGE: the text of a label's QR code, or a PNG/JPEG photo of the label.

    Exits 0 only when the code is valid. A photo holding several codes checks each; --json
    then prints a list of answers instead of one.
    """
    with force_locale(language):
        _verify(code_or_image, keys_file, as_json)


def _verify(code_or_image: str, keys_file: Path | None, as_json: bool) -> None:
    texts = codes_in(code_or_image)
    if keys_file is not None:
        key_set = read_key_set(keys_file)
        verifications = [_offline(text, key_set) for text in texts]
    else:
        verifications = _online(texts)
    answers = [verification_json(verification) for verification in verifications]
    data = answers[0] if len(answers) == 1 else answers
    click.echo(_json_text(data) if as_json else _render(data))
    sys.exit(0 if all(verification.is_valid for verification in verifications) else 1)


def codes_in(code_or_image: str) -> list[str]:
    """The code itself, or the text of every QR code found in the image file it names."""
    path = Path(code_or_image)
    looks_like_code = code_or_image.lower().startswith(("http://", "https://"))
    if not looks_like_code and _is_file(path):
        return decode_image(path)
    if not looks_like_code and path.suffix.lower() in IMAGE_SUFFIXES:
        raise BadImage(_("No such file: %(path)s", path=shown(code_or_image)))
    return [code_or_image]


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a code too long to be a file's name, say
        return False


def decode_image(path: Path, max_pixels: int = MAX_PIXELS) -> list[str]:
    """Every QR code zxing-cpp finds in the photo, in reading order, each once.

    The image's header is checked first against the upload pixel limit, so a small file
    declaring a huge image is refused before it is decoded.
    """
    import zxingcpp

    try:
        with opened_within_limits(path, OPENED_FORMATS, max_pixels) as image:
            image.load()
            pixels = image if image.mode in DECODED_MODES else image.convert("RGB")
            qr_codes = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
            barcodes = zxingcpp.read_barcodes(pixels, formats=qr_codes)
    except InvalidInput as refused:
        reasons = " ".join(str(reason) for reasons in refused.errors.values() for reason in reasons)
        raise BadImage(f"{shown(str(path))}: {reasons}") from None
    texts = list(dict.fromkeys(barcode.text for barcode in barcodes if barcode.valid))
    if not texts:
        raise click.ClickException(_("No QR code could be read in %(path)s", path=shown(str(path))))
    return texts


def shown(text: str) -> str:
    """Text with what is not printable escaped as Python writes it (``\\x1b``, ``\\u202e``):
    a code cannot move the cursor, clear the screen or reorder what the terminal shows."""
    return "".join(
        character if character.isprintable() else character.encode("unicode_escape").decode()
        for character in text
    )


def _json_text(data: Any) -> str:
    """The answer as JSON; JSON escapes only C0 controls, so the C1 ones (``\\x9b`` starts a
    terminal sequence) and the invisible format characters are escaped here too."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return "".join(
        character if character.isprintable() or character == "\n" else _json_escape(character)
        for character in text
    )


def _json_escape(character: str) -> str:
    units = character.encode("utf-16-be")
    return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))


def read_key_set(path: Path) -> Mapping[str, Any]:
    """The key set file as JSON; its shape is checked when a key is looked up in it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        message = _(
            "%(path)s is not a JSON key set (%(error)s)", path=path, error=type(error).__name__
        )
        raise click.BadParameter(message, param_hint="--keys") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        message = _('%(path)s is not a key set: expected {"keys": [...]}', path=path)
        raise click.BadParameter(message, param_hint="--keys")
    return data


def _online(texts: list[str]) -> list[Verification]:
    try:
        return [verify_code(db.session, text) for text in texts]
    except SQLAlchemyError as error:
        message = _(
            "The database cannot be read (%(error)s): run `flask --app trace db upgrade`, or "
            "check offline with --keys FILE (the key set from /.well-known/jwks.json).",
            error=type(error).__name__,
        )
        raise click.ClickException(message) from None


def _offline(text: str, key_set: Mapping[str, Any]) -> Verification:
    try:
        return verify_offline(text, key_set)
    except CodeError as error:
        message = _("The key set is not usable: %(reason)s", reason=error)
        raise click.BadParameter(message, param_hint="--keys") from None


def _render(answer: dict[str, Any] | list[dict[str, Any]]) -> str:
    answers = answer if isinstance(answer, list) else [answer]
    return "\n\n".join(_render_one(one) for one in answers)


def _render_one(answer: dict[str, Any]) -> str:
    verdict = _("VALID") if answer["valid"] else _("NOT VALID")
    lines = [f"{verdict}: {VERDICT_TITLES[Verdict(answer['reason'])]}", answer["message"]]
    batch, label = answer["batch"], answer["label"]
    if batch is not None:
        product, cooperative = batch["product"]["name"], batch["cooperative"]["name"]
        lines.append(
            _(
                "%(product)s · lot %(lot)s · %(cooperative)s",
                product=product,
                lot=batch["lot"],
                cooperative=cooperative,
            )
        )
        if batch["recall_reason"]:
            recalled_at = local_moment(datetime.fromisoformat(batch["recalled_at"]))
            lines.append(
                _(
                    "Recalled at %(when)s: %(reason)s",
                    when=recalled_at,
                    reason=batch["recall_reason"],
                )
            )
    elif label is not None:
        if label["gtin"]:
            named = _("GTIN %(gtin)s, lot %(lot)s", gtin=label["gtin"], lot=label["lot"])
        else:
            named = label["batch_code"]
        lines.append(_("The code names %(named)s, key %(key)s", named=named, key=label["key_id"]))
    if answer["unit"] is not None:
        lines.append(_("Unit %(serial)s", serial=answer["unit"]["serial"]))
    lines.append(answer["code"])
    return "\n".join(shown(line) for line in lines)
