"""Indicator 13.4 pages: a commune's evidence (page, print view, CSV, PDF) and a province's
communes.

Commune officers see their own commune only; another commune's pages answer 404, as other
tenants' records do everywhere. Operators see any commune and every province.
"""

from __future__ import annotations

import dataclasses

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from trace.auth.access import roles_required
from trace.auth.models import Role
from trace.common.communes import normalise_commune_code
from trace.common.languages import DEFAULT_LANGUAGE, LANGUAGES
from trace.common.views import caller
from trace.db import db
from trace.errors import InvalidInput, NotFound
from trace.indicator.exports import (
    CERTIFICATE_STATUS_LABELS,
    commune_csv,
    missing_in_words,
    province_csv,
    rule_lines,
)
from trace.indicator.online import RULE as ONLINE_RULE
from trace.indicator.online_exports import online_csv
from trace.indicator.pdf import render_commune_pdf
from trace.indicator.qr_svg import QrDrawing, qr_drawing
from trace.indicator.services import (
    RULE,
    SORT_KEYS,
    CommuneEvidence,
    ProvinceOverview,
    SortKey,
    commune_evidence,
    province_overview,
    sort_rows,
)
from trace.scans.places import all_provinces
from trace.uploads.views import content_disposition

blueprint = Blueprint("indicator", __name__)
blueprint.add_app_template_global(all_provinces, "indicator_provinces")

COMMUNE_READERS = (Role.OPERATOR, Role.COMMUNE_OFFICER)
# The direction a column sorts in when its head is first clicked: names A to Z, numbers high
# to low (the communes furthest along first).
FIRST_DESCENDING: dict[SortKey, bool] = {"name": False, "share": True, "key_products": True}
SORT_TITLES: dict[SortKey, object] = {
    "name": _l("Commune"),
    "share": _l("Share traced"),
    "key_products": _l("Key products"),
}


@blueprint.get("/communes/<commune_code>/13.4")
@roles_required(*COMMUNE_READERS)
def commune(commune_code: str) -> ResponseReturnValue:
    evidence = evidence_for_caller(commune_code)
    return render_template("indicator/commune.html", evidence=evidence, **_words(evidence))


@blueprint.get("/communes/<commune_code>/13.4/print")
@roles_required(*COMMUNE_READERS)
def commune_print(commune_code: str) -> ResponseReturnValue:
    evidence = evidence_for_caller(commune_code)
    return render_template(
        "indicator/print.html",
        evidence=evidence,
        qr_codes=qr_codes(evidence),
        status_labels=CERTIFICATE_STATUS_LABELS,
        **_words(evidence),
    )


@blueprint.get("/communes/<commune_code>/13.4.csv")
@roles_required(*COMMUNE_READERS)
def commune_csv_file(commune_code: str) -> ResponseReturnValue:
    language = document_language()
    evidence = evidence_for_caller(commune_code)
    with force_locale(language):
        content = commune_csv(evidence).encode("utf-8")
    return attachment(
        content,
        "text/csv",
        f"indicator-13.4-{evidence.commune.code}-{evidence.as_of.isoformat()}.csv",
    )


@blueprint.get("/communes/<commune_code>/13.7.csv")
@roles_required(*COMMUNE_READERS)
def commune_online_csv_file(commune_code: str) -> ResponseReturnValue:
    """Indicator 13.7's own CSV: 13.4's keeps its columns, which other programs read."""
    language = document_language()
    evidence = evidence_for_caller(commune_code)
    with force_locale(language):
        content = online_csv(evidence.online, evidence.as_of).encode("utf-8")
    return attachment(
        content,
        "text/csv",
        f"indicator-13.7-{evidence.commune.code}-{evidence.as_of.isoformat()}.csv",
    )


@blueprint.get("/communes/<commune_code>/13.4.pdf")
@roles_required(*COMMUNE_READERS)
def commune_pdf_file(commune_code: str) -> ResponseReturnValue:
    language = document_language()
    evidence = evidence_for_caller(commune_code)
    with force_locale(language):
        content = render_commune_pdf(evidence)
    return attachment(
        content,
        "application/pdf",
        f"indicator-13.4-{evidence.commune.code}-{evidence.as_of.isoformat()}.pdf",
    )


@blueprint.get("/provinces/<province_code>/13.4")
@roles_required(Role.OPERATOR)
def province(province_code: str) -> ResponseReturnValue:
    overview, sort, descending = sorted_overview(province_code)
    return render_template(
        "indicator/province.html",
        overview=overview,
        sort=sort,
        descending=descending,
        sort_titles=SORT_TITLES,
        rule=RULE,
        period_line=rule_lines(overview.as_of)[1],
        sort_args=lambda key: column_sort_args(key, sort, descending, overview),
        list_args=list_args(sort, descending, overview.includes_all_communes),
    )


@blueprint.get("/provinces/<province_code>/13.4.csv")
@roles_required(Role.OPERATOR)
def province_csv_file(province_code: str) -> ResponseReturnValue:
    overview, _, _ = sorted_overview(province_code)
    return attachment(
        province_csv(overview).encode("utf-8"),
        "text/csv",
        f"indicator-13.4-province-{overview.province_code}-{overview.as_of.isoformat()}.csv",
    )


@blueprint.get("/indicator")
@roles_required(Role.OPERATOR)
def find() -> ResponseReturnValue:
    """The operator's dashboard form: a commune code, else a province, to open its page."""
    commune_code = request.args.get("commune", "").strip()
    province_code = request.args.get("province", "").strip()
    if commune_code:
        return redirect(url_for(".commune", commune_code=commune_code))
    if province_code:
        return redirect(url_for(".province", province_code=province_code))
    raise InvalidInput(errors={"commune": [_l("Give a commune code or choose a province.")]})


def document_language() -> str:
    """The language a file is written in: ``?language=vi|en``, else the page's language
    (Vietnamese unless the visitor chose English)."""
    asked = request.args.get("language")
    if asked is None:
        return str(get_locale() or DEFAULT_LANGUAGE)
    if asked not in LANGUAGES:
        raise InvalidInput(errors={"language": [_l("Choose Vietnamese or English.")]})
    return asked


def evidence_for_caller(commune_code: str) -> CommuneEvidence:
    """The commune's evidence, if the caller may see it: an officer only their own commune."""
    user = caller()
    if user.role is Role.COMMUNE_OFFICER:
        own = normalise_commune_code(user.commune_code or "")
        if own is None or normalise_commune_code(commune_code) != own:
            raise NotFound()
    return commune_evidence(db.session, commune_code)


def qr_codes(evidence: CommuneEvidence) -> dict[int, QrDrawing]:
    """A QR code of each product's latest public page, by product id."""
    drawings = {}
    for product in evidence.products:
        drawing = qr_drawing(product.latest_code_url) if product.latest_code_url else None
        if drawing is not None:
            drawings[product.product_id] = drawing
    return drawings


def sorted_overview(province_code: str) -> tuple[ProvinceOverview, SortKey, bool]:
    """The province's overview in the order the query asks for (``sort``, ``order``, ``all``)."""
    sort = request.args.get("sort", "name")
    if sort not in SORT_KEYS:
        raise InvalidInput(errors={"sort": [_l("Sort by name, share or key products.")]})
    key: SortKey = sort  # narrowed by the check against SORT_KEYS
    order = request.args.get("order")
    descending = FIRST_DESCENDING[key] if order not in ("asc", "desc") else order == "desc"
    include_all = request.args.get("all") == "1"
    overview = province_overview(db.session, province_code, include_all=include_all)
    rows = tuple(sort_rows(overview.rows, key, descending))
    return dataclasses.replace(overview, rows=rows), key, descending


def list_args(sort: SortKey, descending: bool, include_all: bool) -> dict[str, str]:
    """The query arguments that reproduce this order (for the CSV link and the switch)."""
    args = {"sort": sort, "order": "desc" if descending else "asc"}
    if include_all:
        args["all"] = "1"
    return args


def column_sort_args(
    key: SortKey, sort: SortKey, descending: bool, overview: ProvinceOverview
) -> dict[str, str]:
    """A column head's link: the same column flips its order, another starts in its own."""
    next_descending = not descending if key == sort else FIRST_DESCENDING[key]
    return list_args(key, next_descending, overview.includes_all_communes)


def attachment(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition("attachment", filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _words(evidence: CommuneEvidence) -> dict[str, object]:
    """What both commune pages say besides the evidence: the rules and each product's gaps."""
    return {
        "rule": RULE,
        "online_rule": ONLINE_RULE,
        "period_line": rule_lines(evidence.as_of)[1],
        "missing_words": {
            product.product_id: missing_in_words(product) for product in evidence.products
        },
    }
