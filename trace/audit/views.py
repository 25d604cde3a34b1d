"""The audit records browser, for operators: filters, pages newest first, and a CSV export."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_number
from flask_babel import gettext as _

from trace.audit import browser, presenting
from trace.audit.browser import AuditFilters
from trace.audit.models import AuditAction, AuditSubject
from trace.auth.access import roles_required
from trace.auth.models import Role
from trace.common.clock import LOCAL_TIMEZONE
from trace.common.forms import is_typed_id, without_control_characters
from trace.common.views import MAX_PAGE, caller, page_url
from trace.db import db

blueprint = Blueprint("audit", __name__)


@blueprint.context_processor
def _template_helpers() -> dict[str, object]:
    return {
        "page_url": page_url,
        "subject_label": presenting.subject_label,
        "action_label": presenting.action_label,
        "change_lines": presenting.change_lines,
        "subject_labels": presenting.SUBJECT_LABELS,
        "action_labels": presenting.ACTION_LABELS,
    }


@blueprint.get("/audit")
@roles_required(Role.OPERATOR)
def records() -> ResponseReturnValue:
    filters, problems = read_filters()
    page = browser.list_records(db.session, caller(), filters)
    return render_template(
        "audit/list.html",
        page=page,
        filters=filters,
        problems=problems,
        filter_args=filter_args(filters),
        cooperative_names=browser.cooperative_names(db.session, page.items),
    )


@blueprint.get("/audit.csv")
@roles_required(Role.OPERATOR)
def records_csv() -> ResponseReturnValue:
    """Streamed: an export of every record is written as it is read, a chunk at a time."""
    filters, _problems = read_filters()
    user = caller()
    count = browser.count_records(db.session, user, filters)
    if count > browser.EXPORT_MAX:
        message = _(
            "%(count)s records match, more than the %(most)s one file may hold: "
            "choose a shorter date range.",
            count=format_number(count),
            most=format_number(browser.EXPORT_MAX),
        )
        flash(message, "error")
        kept: dict[str, Any] = filter_args(filters)
        return redirect(url_for("audit.records", **kept))
    names = browser.all_cooperative_names(db.session)
    records = browser.export_records(db.session, user, filters)
    lines = stream_with_context(presenting.csv_lines(records, names))
    response = Response(lines, mimetype="text/csv")
    filename = f"audit-{datetime.now(LOCAL_TIMEZONE):%Y%m%d-%H%M}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def read_filters() -> tuple[AuditFilters, dict[str, str]]:
    """The filters from the query string; a value that cannot be read is left out and named."""
    args = request.args
    problems: dict[str, str] = {}
    subject_text, action_text = args.get("subject", ""), args.get("action", "")
    subject = AuditSubject(subject_text) if subject_text in set(AuditSubject) else None
    if subject_text and subject is None:
        problems["subject"] = _("Choose a record type from the list.")
    action = AuditAction(action_text) if action_text in set(AuditAction) else None
    if action_text and action is None:
        problems["action"] = _("Choose an action from the list.")
    id_text = args.get("subject_id", "").strip()
    if id_text and not is_typed_id(id_text):
        problems["subject_id"] = _("A record id is a whole number, such as 42.")
    date_from, date_to = _day("date_from", problems), _day("date_to", problems)
    if date_from and date_to and date_from > date_to:
        problems["date_to"] = _("The end date is before the start date.")
    page_text = args.get("page", "")
    filters = AuditFilters(
        person=without_control_characters(args.get("person", "").strip()[: browser.PERSON_MAX]),
        subject=subject,
        subject_id=int(id_text) if is_typed_id(id_text) else None,
        action=action,
        date_from=date_from,
        date_to=date_to,
        page=min(int(page_text), MAX_PAGE) if is_typed_id(page_text) and page_text != "0" else 1,
    )
    return filters, problems


def _day(name: str, problems: dict[str, str]) -> date | None:
    """A date picker's day (ISO); anything else is named as a problem."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    problems[name] = _("Enter a date such as 31/12/2026.")
    return None


def filter_args(filters: AuditFilters) -> dict[str, str]:
    """The filters in force as query arguments, for the CSV link and the pager."""
    values = {
        "person": filters.person,
        "subject": filters.subject.value if filters.subject else "",
        "subject_id": str(filters.subject_id or ""),
        "action": filters.action.value if filters.action else "",
        "date_from": filters.date_from.isoformat() if filters.date_from else "",
        "date_to": filters.date_to.isoformat() if filters.date_to else "",
    }
    return {name: value for name, value in values.items() if value}
