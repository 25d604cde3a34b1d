"""The people list and inviting one person."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue

from trace.auth.access import roles_required
from trace.auth.models import Role, User
from trace.common.forms import read_id
from trace.common.views import caller, form_status, list_query, submit
from trace.db import db
from trace.errors import Conflict, InvalidInput
from trace.people import services
from trace.people.forms import InviteForm, cooperative_choices, cooperative_filter
from trace.people.listing import PeopleFilter, list_people
from trace.people.services import AccountStatus, IssuedLink
from trace.people.views.common import blueprint, link_url, mail_links

PEOPLE_MANAGERS = (Role.OPERATOR, Role.COOPERATIVE)
STATUSES = (AccountStatus.ACTIVE, AccountStatus.INVITED, AccountStatus.DISABLED)


@blueprint.get("/users")
@roles_required(*PEOPLE_MANAGERS)
def people() -> ResponseReturnValue:
    user = caller()
    query = list_query()
    wanted = _filter_from_request(user)
    page = list_people(db.session, user, query, wanted)
    return render_template(
        "people/list.html",
        page=page,
        query=query,
        wanted=wanted,
        is_operator=user.role is Role.OPERATOR,
        cooperative_records=cooperative_filter(db.session) if user.role is Role.OPERATOR else [],
        statuses=STATUSES,
        account_status=services.account_status,
    )


def _filter_from_request(user: User) -> PeopleFilter:
    """The list's filters from the query string; anything unknown is ignored."""
    role_text = request.args.get("role", "")
    status = request.args.get("status", "")
    commune = request.args.get("commune", "").strip()
    wanted = PeopleFilter(
        role=Role(role_text) if role_text in {role.value for role in Role} else None,
        commune_code=commune if commune.isdigit() and len(commune) == 5 else None,
        status=status if status in STATUSES else None,
    )
    cooperative = read_id(request.args.get("cooperative_id", ""))
    if user.role is Role.OPERATOR and cooperative is not None and cooperative > 0:
        wanted.cooperative_id = cooperative
    return wanted


@blueprint.route("/users/invite", methods=["GET", "POST"])
@roles_required(*PEOPLE_MANAGERS)
def invite() -> ResponseReturnValue:
    user = caller()
    form = InviteForm()
    if user.role is Role.OPERATOR:
        form.cooperative.choices = cooperative_choices(db.session)
    else:
        form.for_staff()
    if form.is_submitted():

        def save(values: Mapping[str, Any]) -> IssuedLink:
            # Staff have no role to choose: the service binds them to their cooperative.
            chosen = {"role": Role.COOPERATIVE.value, **values}
            try:
                return services.invite_person(db.session, user, **chosen)
            except Conflict as error:
                raise InvalidInput(errors={"email": [str(error.message)]}) from error

        issued = submit(form, save)
        if issued is not None:
            return render_template(
                "people/link.html",
                issued=issued,
                url=link_url(issued.token),
                mailed=mail_links([issued]),
            )
    return render_template("people/invite.html", form=form), form_status(form)
