"""The public page at every label URL, and the GS1 resolver's answers around it.

``/01/{GTIN}/10/{lot}[/21/{serial}]`` and ``/b/{batch code}[/{serial}]``, with or without
``k`` and ``s``. Without any query (a typed-in or linked address: a label's QR code always
carries ``k`` and ``s``) the URL answers a 307 to its default link, the page in the
reader's language (``?lang=vi``); with one, the page itself. A malformed path answers 400
and an unknown label 404, each with a page that says what to do and a box to type the code
in (``/lookup``); ``?linkType=all`` answers the links as an RFC 9264 linkset. HEAD and
OPTIONS are Flask's own. Pages are revalidated on every visit (``no-cache`` with an ETag of
the body), so a repeat scan costs a 304 and every visit reaches the server.

A batch code or lot in another case than registered (``/b/trande-st24-261201-01``) is
answered with a 301 to the registered spelling, without ``k`` and ``s`` (with the reader's
``lang`` when nothing else is kept, so that no second redirect follows): the signature
covers the registered spelling only, so the page there judges an address without one and
never shows the genuine verdict for a text that was not signed. 301 rather than 308: the
two are the same for GET and HEAD, and old phone browsers know 301. It is sent
``no-cache``, as the pages are, so a batch registered later in exactly that spelling is
found.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from trace.alerts.views import refresh_after_scans
from trace.db import db, write_after_reads
from trace.errors import NotFound
from trace.lookup import linkset
from trace.lookup.answers import (
    VARY,
    Item,
    default_redirect,
    is_resolver_request,
    json_not_found,
    json_response,
    reader_page_language,
    resolver_answer,
)
from trace.lookup.compression import decompressed
from trace.lookup.description import description_file
from trace.lookup.finding import (
    Answer,
    ProductFound,
    answer_typed,
    other_spellings,
    product_by_gtin,
    respelled_path,
)
from trace.lookup.images import page_image
from trace.lookup.links import resolver_links
from trace.lookup.linkset import ResolverLink
from trace.lookup.paths import (
    DISPLAY_PARAMETERS,
    LabelPath,
    MalformedPath,
    code_text,
    read_path,
)
from trace.lookup.resolver import ItemFacts, item_links
from trace.lookup.services import FoundLabel, PublicLabel, find_label, public_label
from trace.lookup.typed import UnreadableText, cleaned, read_lot, read_typed
from trace.registry.models import Product
from trace.rolls.activation import roll_code_at
from trace.rolls.models import RollCode
from trace.scans.services import record_scan, scan_summary, scan_token
from trace.signing.codes import Verdict
from trace.signing.services import key_set
from trace.uploads.models import Upload
from trace.uploads.services import upload_path
from trace.verification.answers import MESSAGES
from trace.verification.services import verify_code, verify_offline

blueprint = Blueprint("lookup", __name__)

IMAGE_MAX_AGE = 24 * 60 * 60
DESCRIPTION_MAX_AGE = 24 * 60 * 60


@blueprint.get("/01/<path:rest>")
@blueprint.get("/b/<path:rest>")
def label_page(rest: str) -> ResponseReturnValue:
    return _label_answer(*raw_request_uri())


@blueprint.get("/<compressed:segment>")
def compressed_label(segment: str) -> ResponseReturnValue:
    """A compressed Digital Link URI: the uncompressed URI's answer, which it names in a
    ``Link`` header (``owl:sameAs``), as the GS1-Conformant Resolver standard asks."""
    path, query = decompressed(segment)  # the converter let through only what decompresses
    sent_query = raw_request_uri()[1]
    if sent_query:
        query = f"{query}&{sent_query}" if query else sent_query
    uncompressed = f"{current_app.config['TRACE_PUBLIC_BASE_URL']}{path}"
    response = make_response(_label_answer(path, query))
    same_as = f'<{uncompressed}{"?" + query if query else ""}>; rel="owl:sameAs"'
    response.headers["Link"] = ", ".join(filter(None, [response.headers.get("Link"), same_as]))
    return response


def _label_answer(raw_path: str, raw_query: str | None) -> ResponseReturnValue:
    """The answer at a label URL: the page, the resolver's answer, or why neither."""
    # A trailing slash is tolerated (GS1 Digital Link); the code keeps it, as sent.
    label_path_text = raw_path[:-1] if raw_path.endswith("/") else raw_path
    try:
        path = read_path(label_path_text)
    except MalformedPath as error:
        return _page("lookup/bad_path.html", 400, reason=str(error))
    base_url = current_app.config["TRACE_PUBLIC_BASE_URL"]
    text = code_text(base_url, raw_path, raw_query)
    anchor = f"{base_url}{label_path_text}"
    names_a_label = path.lot or path.batch_code or path.is_preprinted
    found = find_label(db.session, path, text) if names_a_label else None
    if found is None:
        return _not_found(path, text, raw_query, anchor)
    if is_resolver_request():
        return resolver_answer(_batch_item(anchor, found), raw_query)
    if raw_query is None:
        return default_redirect(anchor, anchor)
    label = public_label(db.session, found, text)
    history = None
    if label.unit is not None and label.is_signed_by_us:
        history = scan_summary(db.session, label.unit.id)
    scan_id = write_after_reads(
        db.session, lambda: _record_scan(label, text or f"{base_url}{raw_path}")
    )
    refresh_after_scans()
    response = _page(
        "lookup/page.html",
        200,
        label=label,
        verdict_message=None if label.is_genuine else verdict_message(label),
        product_image=_product_image(label),
        scan_id=scan_id,
        # Only a unit's page offers to share a position; a batch page's body stays the same
        # for every visitor, so its ETag holds.
        scan_token=scan_token(scan_id, current_app.config["SECRET_KEY"]) if label.unit else None,
        history=history,
    )
    response.headers["Link"] = linkset.link_header(anchor)
    return response


def _not_found(
    path: LabelPath, text: str | None, raw_query: str | None, requested: str
) -> ResponseReturnValue:
    """A label we do not know: its registered spelling, else its product (walking up from
    an unknown lot or serial under a known GTIN, or a GTIN alone), else a 404.
    ``requested`` is the URL asked for, without its query. A pre-printed code not yet
    activated has a page of its own, which says so."""
    if path.is_preprinted:
        pending = roll_code_at(db.session, path.gtin, path.prefix, path.serial or "")
        if pending is not None:
            return _not_activated(pending, text)
    named = path.lot is not None or path.batch_code is not None
    choices = other_spellings(db.session, path) if named else []
    # The signature goes no further than here: its copied-key signal is kept now.
    if text is not None:
        _record_unknown_label(text)
    if len(choices) == 1:
        return _respelled(respelled_path(choices[0], path))
    product = product_by_gtin(db.session, path.gtin) if path.gtin is not None else None
    if product is not None:
        return _product_level(product, path, raw_query, requested)
    if is_resolver_request():
        return json_not_found(_("No label with this code is registered."))
    return _page("lookup/not_found.html", 404, choices=choices)


def _product_level(
    product: ProductFound, path: LabelPath, raw_query: str | None, requested: str
) -> ResponseReturnValue:
    """The product a GTIN names: its links, or its page asking for the lot (saying, when
    the URL named a lot or serial we do not know, that it is not registered here).

    Without a query the URL asked for is redirected to its own page in the reader's
    language: for a GTIN alone that is the product's default link; under an unknown lot,
    the page keeps saying which lot is not registered.
    """
    base_url = current_app.config["TRACE_PUBLIC_BASE_URL"]
    anchor = f"{base_url}/01/{product.gtin}"
    if is_resolver_request():
        language = reader_page_language()
        kept = resolver_links(db.session.connection(), product.id, None, language)
        facts = ItemFacts(
            anchor, _verify_url(), is_batch=False, language=language, kept=tuple(kept)
        )
        item = Item(anchor, product.name, lambda: item_links(facts))
        return resolver_answer(item, raw_query)
    if raw_query is None:
        return default_redirect(requested, anchor)
    lot_is_known = (
        path.lot is not None
        and path.serial is not None
        and (find_label(db.session, replace(path, serial=None)) is not None)
    )
    response = _page(
        "lookup/find.html",
        200,
        code=product.gtin,
        lot=path.lot or "",
        serial=path.serial if lot_is_known else None,
        answer=Answer(product=product),
    )
    response.headers["Link"] = linkset.link_header(anchor)
    return response


def _batch_item(anchor: str, found: FoundLabel) -> Item:
    """A known label as the resolver answers for it."""
    unit = f" / {found.unit.serial}" if found.unit else ""
    description = f"{found.product.name}, {found.batch.code}{unit}"

    def links() -> list[ResolverLink]:
        certificates = public_label(db.session, found, None).certificates
        language = reader_page_language()
        kept = resolver_links(
            db.session.connection(),
            found.product.id,
            found.batch.id,
            language,
            is_recalled=found.batch.is_recalled,
        )
        facts = ItemFacts(
            anchor,
            _verify_url(),
            is_batch=True,
            has_certificates=bool(certificates),
            language=language,
            kept=tuple(kept),
        )
        return item_links(facts)

    return Item(anchor, description, links)


def _verify_url() -> str:
    return f"{current_app.config['TRACE_PUBLIC_BASE_URL']}/api/v1/verify"


@blueprint.get("/.well-known/gs1resolver")
def resolver_description() -> ResponseReturnValue:
    """The GS1 resolver description file (GS1-Conformant Resolver standard 1.2)."""
    document = description_file(current_app.config["TRACE_PUBLIC_BASE_URL"])
    return json_response(document, "application/json", DESCRIPTION_MAX_AGE)


@blueprint.get("/lookup")
def find_code() -> ResponseReturnValue:
    """The box to type or paste a code in: it leads to the label page the code names, to
    the product asking for its lot, to a choice of batches, or says it found nothing."""
    code, lot = cleaned(request.args.get("code", "")), cleaned(request.args.get("lot", ""))
    if not code:
        return _page("lookup/find.html", 200, code="", lot="")
    try:
        typed = read_typed(code, current_app.config["TRACE_PUBLIC_BASE_URL"])
        if lot and typed.gtin is not None and typed.lot is None:
            typed = replace(typed, lot=read_lot(lot))
    except UnreadableText as error:
        return _page("lookup/find.html", 400, code=code, lot=lot, problem=error.reason)
    answer = answer_typed(db.session, typed)
    if answer.location:
        return redirect(request.script_root + _with_language(answer.location), 303)
    status = 200 if answer.is_found else 404
    return _page("lookup/find.html", status, code=code, lot=typed.lot or "", answer=answer)


def _respelled(location: str) -> ResponseReturnValue:
    """A permanent redirect to the registered spelling (see the module docstring), in the
    reader's language when nothing else is kept: a URL without a query would redirect once
    more."""
    kept = [(key, request.args[key]) for key in DISPLAY_PARAMETERS if key in request.args]
    kept = kept or [("lang", reader_page_language())]
    query = f"?{urlencode(kept)}" if kept else ""
    response = redirect(request.script_root + location + query, 301)
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Vary"] = VARY
    return response


def _with_language(location: str) -> str:
    """``location`` in the language the box was used in, or, for a label URL without a
    query (which would redirect once more), in the reader's language."""
    if "?" not in location:
        return f"{location}?lang={reader_page_language()}"
    if request.args.get("lang") not in ("vi", "en"):
        return location
    return f"{location}&lang={reader_page_language()}"


def _record_scan(label: PublicLabel, code_text: str) -> int:
    """One INSERT a visit: what was scanned, the verdict, the network, the browser family."""
    verification = label.verification
    return record_scan(
        db.session,
        code_text=code_text,
        verdict=verification.verdict if verification else Verdict.MALFORMED_CODE,
        batch_id=label.batch.id,
        label_code_id=label.found.issued_code_id,
        remote_addr=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
    )


def _not_activated(pending: RollCode, text: str | None) -> Response:
    """A roll code printed ahead of packing and not activated yet: never shown as genuine.

    Its scan is recorded (as "not activated") when the signature checks, so a code copied
    off a roll before it reaches a package shows in its history.
    """
    verdict = verify_code(db.session, text).verdict if text is not None else None
    if verdict is Verdict.NOT_ACTIVATED and text is not None:
        _record_scan_of_no_label(text, Verdict.NOT_ACTIVATED)
    roll = pending.roll
    message = MESSAGES[verdict if verdict is not None else Verdict.NOT_ACTIVATED]
    return _page(
        "lookup/not_activated.html",
        200,
        verdict_message=str(message),
        verdict=(verdict or Verdict.NOT_ACTIVATED).value,
        title=roll.product.name if roll.product is not None else roll.cooperative.name,
        cooperative_name=roll.cooperative.name,
        serial=pending.serial,
    )


def _record_unknown_label(text: str) -> None:
    """A code signed by one of our keys for a label we never issued is the one sign of a
    copied key: its visit is recorded (as "unknown batch") for the inspectors' alerts.
    Anything else that is not ours (typos, forgeries, other platforms) is not recorded."""
    offline = verify_offline(text, key_set(db.session))
    if not offline.is_valid:
        return
    _record_scan_of_no_label(text, Verdict.UNKNOWN_BATCH)
    refresh_after_scans()


def _record_scan_of_no_label(text: str, verdict: Verdict) -> None:
    """A visit of a code that names no issued label (of no batch), with this verdict."""
    write_after_reads(
        db.session,
        lambda: record_scan(
            db.session,
            code_text=text,
            verdict=verdict,
            batch_id=None,
            label_code_id=None,
            remote_addr=request.remote_addr,
            user_agent=request.headers.get("User-Agent"),
        ),
    )


@blueprint.get("/p/<id:product_id>/image.jpg")
def product_image(product_id: int) -> ResponseReturnValue:
    """A product's photo as the public page shows it: at most 800 px wide, cached a day."""
    product = db.session.get(Product, product_id)
    if product is None or product.image_upload_id is None:
        raise NotFound()
    upload = db.session.get(Upload, product.image_upload_id)
    if upload is None or not upload_path(upload).is_file():
        raise NotFound()
    response = send_file(page_image(upload), mimetype="image/jpeg", conditional=True, etag=True)
    response.headers["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def verdict_message(label: PublicLabel) -> str:
    """Why a label is not shown as genuine, in the reader's words."""
    if label.verification is None:
        return _(
            "This address carries no signature: scan the QR code on the package itself to "
            "check the label."
        )
    return str(MESSAGES[label.verification.verdict])


def _product_image(label: PublicLabel) -> str | None:
    product = label.product
    if product.image_upload_id is None:
        return None
    return url_for("lookup.product_image", product_id=product.id)


def raw_request_uri() -> tuple[str, str | None]:
    """The path and query exactly as the client sent them, still percent-encoded; the query
    is None when there is no ``?`` at all, and ``""`` after a bare ``?``."""
    raw = (
        request.environ.get("RAW_URI")
        or request.environ.get("REQUEST_URI")
        # full_path ends in "?" even when there is no query.
        or (request.full_path if request.query_string else request.path)
    )
    if not raw.startswith("/"):  # absolute-form: scheme://authority/path?query
        target, question_mark, query = raw.partition("?")
        path = "/" + target.partition("://")[2].partition("/")[2]
        raw = f"{path}{question_mark}{query}"
    path, question_mark, query = raw.partition("?")
    return path, query if question_mark else None


def _page(template: str, status: int, **context: object) -> Response:
    body = render_template(template, **context)
    response = make_response(body, status)
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Vary"] = VARY
    if status == 200:
        response.set_etag(hashlib.sha256(body.encode("utf-8")).hexdigest()[:32])
        response.make_conditional(request)
    return response


@blueprint.after_request
def _resolver_headers(response: Response) -> Response:
    """Any origin may read the answers on label URLs (a GS1 resolver supports CORS), and
    each answer about an item names its linkset, OPTIONS included."""
    if request.endpoint not in ("lookup.label_page", "lookup.compressed_label"):
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Expose-Headers"] = "Link, Location"
    if "Link" not in response.headers and response.status_code < 400:
        raw_path = raw_request_uri()[0]
        anchor = current_app.config["TRACE_PUBLIC_BASE_URL"] + raw_path.rstrip("/")
        response.headers["Link"] = linkset.link_header(anchor)
    return response
