"""The inspectors' verify page: check a label by its code, a photo of it or the camera, with or
without a network.

``/verify`` works without JavaScript: the server checks pasted codes and decodes photos.
With it, ``verify-page.js`` checks codes in the browser when there is no network, against
``/verify/offline.json`` (kept by the service worker at ``/verify/sw.js``), and sends the
checks it queued to ``/verify/queued`` once the network is back.
"""

from __future__ import annotations

import hashlib
from http import HTTPStatus
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from flask_wtf.file import FileField
from marshmallow import ValidationError
from wtforms import TextAreaField
from wtforms.validators import Length

from trace.alerts.views import refresh_after_scans
from trace.auth.access import roles_required
from trace.auth.models import Role
from trace.common.views import caller
from trace.config import PROJECT_ROOT
from trace.db import db, utcnow
from trace.errors import InvalidInput
from trace.extensions import csrf
from trace.scans.history import DEFAULT_LIMIT as HISTORY_LIMIT
from trace.signing.codes import MAX_CODE_LENGTH
from trace.validation_messages import translated_errors
from trace.verification.answers import (
    MESSAGES,
    OFFLINE_PREPRINTED,
    OFFLINE_VALID,
    VERDICT_TITLES,
)
from trace.verification.checks import CodeCheck, judge_codes, record_checks, with_history
from trace.verification.offline_lists import offline_lists
from trace.verification.photos import codes_in_photo
from trace.verification.queue import judge_queued, load_queued, store_queued

blueprint = Blueprint("verify", __name__)

INSPECTING_ROLES = (Role.INSPECTOR, Role.OPERATOR)
# A photo of a whole sheet holds up to 40 labels; more answers than that are not read.
MAX_CODES_PER_CHECK = 40
PAGE_PATH = "/verify"
# What the service worker keeps besides the page and the lists: served from the cache first.
CACHED_STATIC_FILES = (
    "css/site.css",
    "css/verify-page.css",
    "js/label-verifier.js",
    "js/verify-page.js",
    "js/verify-queue.js",
    "img/logo.svg",
    "favicon.svg",
)
SERVICE_WORKER_TEMPLATE = "verification/verify_sw.js"
PRIVATE = "private, no-cache"


class VerifyForm(FlaskForm):
    code = TextAreaField(
        _l("Code on the label"),
        validators=[Length(max=MAX_CODES_PER_CHECK * (MAX_CODE_LENGTH + 2))],
        render_kw={"rows": 3, "spellcheck": "false", "autocapitalize": "off"},
    )
    photo = FileField(
        _l("Photo of a label"),
        render_kw={"accept": "image/*", "capture": "environment"},
    )


@blueprint.get(PAGE_PATH)
@roles_required(*INSPECTING_ROLES)
def page() -> ResponseReturnValue:
    """The empty page; ``?code=`` fills the code in (a link from a report), checks nothing."""
    form = VerifyForm(code=request.args.get("code", "")[:MAX_CODE_LENGTH])
    return _render(form, [], 200)


@blueprint.post(PAGE_PATH)
@roles_required(*INSPECTING_ROLES)
def check() -> ResponseReturnValue:
    """Check the pasted codes or those in the photo; each check is recorded as a scan."""
    form = VerifyForm()
    if not form.validate_on_submit():
        return _render(form, [], 422)
    try:
        texts, skipped = _codes_of(form)
    except InvalidInput as error:
        for name, messages in error.errors.items():
            form[name].errors = [*form[name].errors, *messages]
        return _render(form, [], 422)
    judged = judge_codes(db.session, texts)
    scan_ids = record_checks(
        db.session,
        judged,
        user=caller(),
        remote_addr=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
    )
    refresh_after_scans()
    checks = with_history(db.session, judged, scan_ids)
    return _render(VerifyForm(formdata=None), checks, 200, skipped=skipped)


@blueprint.get(f"{PAGE_PATH}/offline.json")
@roles_required(*INSPECTING_ROLES)
def offline() -> ResponseReturnValue:
    """The key set and the recalled lots, for checking labels in the browser."""
    response = jsonify(offline_lists(db.session))
    response.headers["Cache-Control"] = PRIVATE
    return response


@blueprint.post(f"{PAGE_PATH}/queued")
@csrf.exempt
@roles_required(*INSPECTING_ROLES)
def queued() -> ResponseReturnValue:
    """Checks made offline: checked again, recorded as scans at their times."""
    # Checked here rather than before the request, so a refused token answers JSON too.
    if current_app.config["WTF_CSRF_ENABLED"]:
        try:
            csrf.protect()
        except CSRFError as error:
            message = _("Reload the verify page, then send the checks again.")
            return _json_error(400, message, {"X-CSRFToken": [str(error.description)]})
    now = utcnow()
    try:
        checks = load_queued(request.get_json(silent=True), now)
    except ValidationError as error:
        errors = translated_errors(_string_keys(error.messages))
        return _json_error(422, str(InvalidInput.message), errors)
    judged = judge_queued(db.session, checks, now)
    results = store_queued(
        db.session,
        judged,
        user=caller(),
        remote_addr=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
    )
    refresh_after_scans()
    return jsonify(recorded=sum(result["recorded"] for result in results), results=results)


@blueprint.get(f"{PAGE_PATH}/sw.js")
@roles_required(*INSPECTING_ROLES)
def service_worker() -> ResponseReturnValue:
    """The service worker; its scope is the page's path, which is not under ``/verify/``."""
    static_urls = [url_for("static", filename=name) for name in CACHED_STATIC_FILES]
    body = render_template(
        SERVICE_WORKER_TEMPLATE,
        version=_static_version(),
        page_url=url_for("verify.page"),
        lists_url=url_for("verify.offline"),
        static_urls=static_urls,
    )
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = url_for("verify.page")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _codes_of(form: VerifyForm) -> tuple[list[str], int]:
    """The codes to check (pasted ones a line each, then the photo's), and how many were left."""
    texts = [line.strip() for line in (form.code.data or "").splitlines() if line.strip()]
    if len(texts) > MAX_CODES_PER_CHECK:
        message = _("Check at most %(count)d codes at a time.", count=MAX_CODES_PER_CHECK)
        raise InvalidInput(errors={"code": [message]})
    if form.photo.data:
        max_bytes = current_app.config["TRACE_UPLOAD_MAX_BYTES"]
        texts += codes_in_photo(form.photo.data, max_bytes)
    if not texts:
        raise InvalidInput(errors={"code": [_("Paste a code, or choose a photo of a label.")]})
    unique = list(dict.fromkeys(texts))
    return unique[:MAX_CODES_PER_CHECK], max(0, len(unique) - MAX_CODES_PER_CHECK)


def _render(form: VerifyForm, checks: list[CodeCheck], status: int, skipped: int = 0) -> Response:
    body = render_template(
        "verification/verify.html",
        form=form,
        checks=checks,
        skipped=skipped,
        strings=browser_strings(),
        verdict_titles=VERDICT_TITLES,
        history_limit=HISTORY_LIMIT,
        photo_max_bytes=current_app.config["TRACE_UPLOAD_MAX_BYTES"],
    )
    response = Response(body, status)
    response.headers["Cache-Control"] = PRIVATE
    return response


def browser_strings() -> dict[str, Any]:
    """What ``verify-page.js`` says, in the reader's language; ``{name}`` marks a value."""
    return {
        "titles": {verdict.value: str(title) for verdict, title in VERDICT_TITLES.items()},
        "messages": {verdict.value: str(message) for verdict, message in MESSAGES.items()},
        "offline_valid": str(OFFLINE_VALID),
        "offline_preprinted": str(OFFLINE_PREPRINTED),
        "checked_offline": _("Checked offline, with the lists from %(age)s.", age="{age}"),
        "lists_age": _("Lists for checking offline: from %(age)s.", age="{age}"),
        "no_lists": _(
            "This phone has no lists for checking offline yet: open this page once with a network."
        ),
        "unsupported": _(
            "This browser cannot check signatures offline: use a recent Chrome or Safari."
        ),
        "queued": _("This check will be sent to the platform when the network is back."),
        "waiting": _("Checks waiting to be sent: %(count)s", count="{count}"),
        "sent": _("Checks made offline, now sent and recorded: %(count)s", count="{count}"),
        "refused": _(
            "Checks the platform refused (too old or not valid): %(count)s", count="{count}"
        ),
        "offline": _("No network: codes are checked on this phone."),
        "signed_out": _("Sign in again to send the waiting checks."),
        "photo_offline": _(
            "A photo can only be read with a network. Type the code, or scan it with the camera."
        ),
        "no_code": _("Paste a code, or choose a photo of a label."),
        "code_says": _("What the code says"),
        "fields": {
            "gtin": _("GTIN"),
            "lot": _("Lot number"),
            "batchCode": _("Traceability code"),
            "serial": _("Serial"),
            "prefix": _("Cooperative prefix"),
            "expiresOn": _("Expiry date"),
            "kid": _("Signing key"),
        },
        "recalled_on": _("This batch was recalled on %(day)s: do not eat or use it.", day="{day}"),
        "reason": _("Reason:"),
        "camera_failed": _("The camera could not be opened. Allow the camera, or take a photo."),
        "camera_stop": _("Stop the camera"),
    }


def _static_version() -> str:
    """A digest of what the worker caches: a change to any of them installs a new worker."""
    digest = hashlib.sha256()
    static = Path(current_app.static_folder or PROJECT_ROOT / "trace" / "static")
    template = PROJECT_ROOT / "templates" / SERVICE_WORKER_TEMPLATE
    for path in (template, *(static / name for name in CACHED_STATIC_FILES)):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _json_error(status: int, message: str, errors: dict[str, Any]) -> ResponseReturnValue:
    body = {"code": status, "status": HTTPStatus(status).phrase, "message": message}
    return jsonify(**body, errors=errors), status


def _string_keys(errors: Any) -> Any:
    """marshmallow keys a list's errors by index; JSON keys are text."""
    if isinstance(errors, dict):
        return {str(key): _string_keys(value) for key, value in errors.items()}
    return errors
