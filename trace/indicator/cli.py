"""``flask --app trace report 13.4 --commune CODE --format pdf|csv --out FILE [--json]``.

Also ``--province CODE --format csv`` for a province's communes. A commune's PDF and JSON
hold indicator 13.7 too; ``report 13.7 --commune CODE --out FILE`` writes 13.7's own CSV.
The file is written whole or not at all; the words in it are in ``--language``
(Vietnamese unless asked).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _

from trace.common.cli import command_transaction, echo_data
from trace.common.communes import normalise_commune_code
from trace.common.languages import DEFAULT_LANGUAGE, LANGUAGES
from trace.db import db
from trace.errors import InvalidInput
from trace.indicator.exports import commune_csv, commune_evidence_data, province_csv
from trace.indicator.online_exports import online_csv, online_data
from trace.indicator.pdf import render_commune_pdf
from trace.indicator.services import commune_evidence, province_overview

FORMATS = ("pdf", "csv")
LANGUAGE_OPTION = click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="The language of the report.",
)


@click.group("report")
def report_group() -> None:
    """Evidence reports for the new-rural criteria."""


@report_group.command("13.4")
@with_appcontext
@click.option("--commune", default=None, help="The commune's official 2025 code (31528).")
@click.option(
    "--province", default=None, help="A province's official code (92): its communes, as CSV."
)
@click.option(
    "--all-communes",
    is_flag=True,
    help="With --province: every commune, also those with no cooperative.",
)
@click.option(
    "--format", "output_format", type=click.Choice(FORMATS), required=True, help="pdf or csv."
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write.",
)
@LANGUAGE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the evidence as JSON.")
def indicator_13_4(
    commune: str | None,
    province: str | None,
    all_communes: bool,
    output_format: str,
    out: Path,
    language: str,
    as_json: bool,
) -> None:
    """Indicator 13.4 (key products traced): a commune's evidence, or a province's communes."""
    if (commune is None) == (province is None):
        raise click.UsageError(_("Give either --commune or --province."))
    if commune is not None and normalise_commune_code(commune) is None:
        message = _("A commune code has up to five digits.")
        raise click.BadParameter(message, param_hint="--commune")
    if province is not None and output_format != "csv":
        message = _("A province overview is written as CSV.")
        raise click.BadParameter(message, param_hint="--format")
    with command_transaction(writes=False), force_locale(language):
        if commune is not None:
            data = _commune_report(commune, output_format, out)
        else:
            data = _province_report(province or "", all_communes, out)
        echo_data(data, as_json, _summary)


@report_group.command("13.7")
@with_appcontext
@click.option("--commune", required=True, help="The commune's official 2025 code (31528).")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The CSV file to write.",
)
@LANGUAGE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the evidence as JSON.")
def indicator_13_7(commune: str, out: Path, language: str, as_json: bool) -> None:
    """Indicator 13.7 (key products sold online): a commune's evidence as CSV."""
    if normalise_commune_code(commune) is None:
        message = _("A commune code has up to five digits.")
        raise click.BadParameter(message, param_hint="--commune")
    with command_transaction(writes=False), force_locale(language):
        evidence = commune_evidence(db.session, commune)
        write_whole(out, online_csv(evidence.online, evidence.as_of).encode("utf-8"))
        data = {
            "file": str(out),
            "format": "csv",
            "commune": {"code": evidence.commune.code, "name": evidence.commune.name},
            "as_of": evidence.as_of.isoformat(),
            **online_data(evidence.online),
        }
        echo_data(data, as_json, _online_summary)


def _online_summary(data: dict[str, Any]) -> str:
    return _(
        "Wrote %(file)s: %(commune)s, %(sold)d of %(key_products)d key products sold online "
        "(indicator 13.7).",
        file=data["file"],
        commune=data["commune"]["name"],
        sold=data["sold_online"],
        key_products=data["key_products"],
    )


def _commune_report(commune: str, output_format: str, out: Path) -> dict[str, Any]:
    evidence = commune_evidence(db.session, commune)
    if output_format == "pdf":
        content = render_commune_pdf(evidence)
    else:
        content = commune_csv(evidence).encode("utf-8")
    write_whole(out, content)
    return {"file": str(out), "format": output_format, **commune_evidence_data(evidence)}


def _province_report(province: str, all_communes: bool, out: Path) -> dict[str, Any]:
    overview = province_overview(db.session, province, include_all=all_communes)
    write_whole(out, province_csv(overview).encode("utf-8"))
    return {
        "file": str(out),
        "format": "csv",
        "province": {"code": overview.province_code, "name": overview.province_name},
        "as_of": overview.as_of.isoformat(),
        "key_products": overview.key_products,
        "traced": overview.traced,
        "communes_meeting_indicator": overview.communes_meeting_indicator,
        "communes": [
            {
                "code": row.commune_code,
                "name": row.commune_name,
                "key_products": row.key_products,
                "traced": row.traced,
                "share": row.share,
            }
            for row in overview.rows
        ],
    }


def _summary(data: dict[str, Any]) -> str:
    if "province" in data:
        return _(
            "Wrote %(file)s: %(communes)d communes of %(province)s, %(traced)d of "
            "%(key_products)d key products traced, %(meeting)d communes meet indicator 13.4.",
            file=data["file"],
            communes=len(data["communes"]),
            province=data["province"]["name"],
            traced=data["traced"],
            key_products=data["key_products"],
            meeting=data["communes_meeting_indicator"],
        )
    if data["meets_indicator"]:
        summary = _(
            "Wrote %(file)s: %(commune)s meets indicator 13.4 (%(traced)d of %(key_products)d "
            "key products traced).",
            **_summary_values(data),
        )
    else:
        summary = _(
            "Wrote %(file)s: %(commune)s does not meet indicator 13.4 (%(traced)d of "
            "%(key_products)d key products traced).",
            **_summary_values(data),
        )
    online = data["indicator_13_7"]
    return "\n".join(
        [
            str(summary),
            _(
                "Indicator 13.7: %(sold)d of %(key_products)d key products sold online.",
                sold=online["sold_online"],
                key_products=online["key_products"],
            ),
        ]
    )


def _summary_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "file": data["file"],
        "commune": data["commune"]["name"],
        "traced": data["traced"],
        "key_products": data["key_products"],
    }


def write_whole(out: Path, content: bytes) -> None:
    """Write the file whole or not at all (a temporary file renamed into place)."""
    folder = out.resolve().parent
    if not folder.is_dir():
        raise InvalidInput(errors={"out": [_("No such folder: %(folder)s", folder=folder)]})
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".report-", suffix=out.suffix)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
