"""Inviting many people from a CSV file, all or none, and the file's template."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from trace.auth.access import roles_required
from trace.auth.models import Role
from trace.common.spreadsheets import MAX_FILE_BYTES
from trace.common.views import caller
from trace.db import db
from trace.errors import InvalidInput
from trace.extensions import csrf
from trace.people import bulk
from trace.people.forms import BulkForm
from trace.people.views.common import blueprint, link_url, mail_links

MAX_PROBLEMS_SHOWN = 500
MAX_REQUEST_BYTES = MAX_FILE_BYTES + 1024 * 1024


@blueprint.route("/users/import", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the larger size limit of this page is in force
@roles_required(Role.OPERATOR)
def bulk_invite() -> ResponseReturnValue:
    request.max_content_length = MAX_REQUEST_BYTES
    if request.method == "POST":
        csrf.protect()
    form = BulkForm()
    problems: list[bulk.RowProblem] = []
    if form.is_submitted():
        chosen = form.file.data
        try:
            if not isinstance(chosen, FileStorage) or not chosen.filename:
                raise InvalidInput(errors={"file": [_("Choose the file to import.")]})
            data = chosen.read(MAX_FILE_BYTES + 1)
            issued = bulk.invite_from_file(db.session, caller(), data, chosen.filename)
        except bulk.BulkRefused as refused:
            problems = refused.problems
        except InvalidInput as error:
            form.attach_errors(error.errors)
        else:
            links_file = bulk.links_csv(issued, link_url)
            return render_template(
                "people/bulk_done.html",
                issued=issued,
                link_url=link_url,
                links_file="data:text/csv;charset=utf-8," + quote(links_file),
                mailed=mail_links(issued),
            )
    page = render_template(
        "people/bulk.html",
        form=form,
        problems=problems[:MAX_PROBLEMS_SHOWN],
        problem_count=len(problems),
        bad_row_count=len({problem.row for problem in problems}),
    )
    return page, 422 if problems or form.errors else 200


@blueprint.get("/users/import/template.csv")
@roles_required(Role.OPERATOR)
def bulk_template() -> ResponseReturnValue:
    return Response(
        bulk.template_csv(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="moi-nguoi-dung-mau.csv"'},
    )
