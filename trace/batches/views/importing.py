"""The spreadsheet import page: upload a CSV or XLSX of batches, or download the template."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage

from trace.auth.access import WRITERS, roles_required
from trace.auth.models import Role, User
from trace.batches.jobs import is_large_import, start_import_job
from trace.batches.services.importing import import_batches
from trace.batches.services.importing import template as import_template
from trace.batches.services.importing.checks import ImportProblem, ImportRefused
from trace.batches.views.common import blueprint
from trace.common.forms import RegistryForm, TextSelectField, chosen_id, is_typed_id
from trace.common.spreadsheets import MAX_FILE_BYTES
from trace.common.views import caller
from trace.db import db
from trace.errors import InvalidInput
from trace.extensions import csrf
from trace.jobs.models import JobKind
from trace.jobs.services import recent_jobs
from trace.jobs.status import job_status
from trace.registry.views.common import prepare_owner_field

# The page lists this many problems; a file with more is mostly wrong in one way.
MAX_PROBLEMS_SHOWN = 1000
# Room for the form's other fields and the multipart envelope around the file.
MAX_REQUEST_BYTES = MAX_FILE_BYTES + 1024 * 1024
SPREADSHEET_TYPES = (
    ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# What each column holds, in the reader's language; the headers themselves stay Vietnamese.
COLUMN_HINTS = {
    "product": _l("The product's code (such as ST25) or its GTIN."),
    "farming_areas": _l("One or more planting-area codes, separated by ;"),
    "lot": _l("Optional: left empty, the lot is made from the product code and harvest day."),
    "harvested_on": _l("dd/mm/yyyy or yyyy-mm-dd; not after today."),
    "packed_on": _l("dd/mm/yyyy or yyyy-mm-dd; not before the harvest."),
    "expires_on": _l("Optional: left empty, counted from the product's shelf life."),
    "quantity": _l("A number greater than 0, with a decimal comma or point."),
    "unit": _l("Optional: the product's unit when empty."),
}


class ImportForm(RegistryForm):
    cooperative_id = TextSelectField(_l("Cooperative"))
    file = FileField(
        _l("Spreadsheet file"),
        description=_l(
            "CSV or Excel (.xlsx), one batch a row, at most %(size)d MB.",
            size=MAX_FILE_BYTES // (1024 * 1024),
        ),
        render_kw={"accept": SPREADSHEET_TYPES},
    )


@blueprint.route("/batches/import", methods=["GET", "POST"], endpoint="import_batches")
@csrf.exempt  # checked below, once the larger size limit of this page is in force
@roles_required(*WRITERS)
def import_batches_page() -> ResponseReturnValue:
    # A spreadsheet may be larger than the photos other forms take.
    request.max_content_length = MAX_REQUEST_BYTES
    if request.method == "POST":
        csrf.protect()
    user = caller()
    form = ImportForm()
    prepare_owner_field(form, user, is_new=True)
    problems: list[ImportProblem] = []
    if form.is_submitted():
        try:
            job_url, count = _import(form, user)
        except ImportRefused as refused:
            problems = refused.problems
        except InvalidInput as error:
            form.attach_errors(error.errors)
        else:
            if job_url:
                return redirect(job_url, 303)
            message = ngettext("%(num)d batch imported.", "%(num)d batches imported.", count)
            flash(message, "success")
            return redirect(url_for("batches.batches"))
    page = render_template(
        "batches/import.html",
        form=form,
        columns=import_template.COLUMNS,
        column_hints=COLUMN_HINTS,
        problems=problems[:MAX_PROBLEMS_SHOWN],
        problem_count=len(problems),
        bad_row_count=len({problem.row for problem in problems}),
        template_cooperative=_example_cooperative_id(user),
        recent_jobs=[job_status(job) for job in recent_jobs(db.session, user, JobKind.IMPORT)],
    )
    return page, 422 if problems or form.errors else 200


def _import(form: ImportForm, user: User) -> tuple[str | None, int]:
    """Import a small file at once (the count); queue a large one (its job page's URL).

    The file is saved whole before the request ends, and a worker imports it as the
    request would; ``TRACE_JOB_THRESHOLD_ROWS`` says which is large.
    """
    chosen = form.file.data
    if not isinstance(chosen, FileStorage) or not chosen.filename:
        raise InvalidInput(errors={"file": [str(_l("Choose the file to import."))]})
    cooperative_id = chosen_id(form.cooperative_id) if "cooperative_id" in form else None
    data = chosen.read(MAX_FILE_BYTES + 1)
    if len(data) <= MAX_FILE_BYTES and is_large_import(data, chosen.filename):
        job = start_import_job(db.session, user, data, chosen.filename, cooperative_id)
        return url_for("jobs.job", public_id=job.public_id), 0
    result = import_batches(db.session, user, data, chosen.filename, cooperative_id)
    return None, result.count


@blueprint.get("/batches/import/template.<any(csv, xlsx):extension>", endpoint="import_template")
@roles_required(*WRITERS)
def import_template_file(extension: str) -> ResponseReturnValue:
    """The template with an example row made of the cooperative's own codes."""
    example = import_template.example_row(db.session, _example_cooperative_id(caller()))
    if extension == "csv":
        body = import_template.template_csv(example)
    else:
        body = import_template.template_xlsx(example)
    return Response(
        body,
        mimetype=TEMPLATE_TYPES[extension],
        headers={"Content-Disposition": f'attachment; filename="lo-hang-mau.{extension}"'},
    )


def _example_cooperative_id(user: User) -> int | None:
    if user.role is Role.COOPERATIVE:
        return user.cooperative_id
    text = request.args.get("cooperative", "") or str(request.form.get("cooperative_id", ""))
    return int(text) if is_typed_id(text) else None
