"""The clone alerts page: codes whose scans suggest a copied label, newest first.

Inspectors and operators see every alert, filterable by province and cooperative; a
cooperative sees the alerts on its own codes. Reading the page writes nothing: the rules
run when scans arrive (``trace.alerts.services.refresh_soon``).
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from trace.alerts.services import alert_message, alerts_page, refresh_soon
from trace.alerts.signals import AlertRule
from trace.auth.access import roles_required
from trace.auth.models import Role
from trace.common.views import caller, list_query
from trace.db import db
from trace.registry.models import Cooperative
from trace.scans.places import all_provinces, province_by_code

blueprint = Blueprint("alerts", __name__)

READERS = (Role.OPERATOR, Role.INSPECTOR, Role.COOPERATIVE)
PER_PAGE = 50
RULE_TITLES = {
    AlertRule.IMPOSSIBLE_TRAVEL: _l("Scanned in two provinces too quickly"),
    AlertRule.SCANNED_AFTER_MARK: _l("Scanned after it was sold or checked"),
    AlertRule.BATCH_OVERSCANNED: _l("Batch code scanned more often than it has units"),
    AlertRule.UNKNOWN_BATCH: _l("Valid signature, but no such label was issued"),
}


def refresh_after_scans() -> None:
    """For views that record scans or positions: the clone rules run once the request is
    done, at most every ``ALERT_REFRESH_SECONDS`` in a worker."""
    refresh_soon(db.session, current_app.config["ALERT_REFRESH_SECONDS"])


@blueprint.get("/alerts")
@roles_required(*READERS)
def alerts() -> ResponseReturnValue:
    user = caller()
    query = list_query()
    province = province_by_code(request.args.get("province", ""))
    cooperative_id = query.cooperative_id
    if user.role is Role.COOPERATIVE:
        cooperative_id = user.cooperative_id
    page = alerts_page(
        db.session,
        province_code=province.code if province else None,
        cooperative_id=cooperative_id,
        page=query.page,
        per_page=PER_PAGE,
    )
    names = db.session.execute(select(Cooperative.id, Cooperative.name)).all()
    cooperatives: dict[int, str] = {row.id: row.name for row in names}
    return render_template(
        "alerts/list.html",
        page=page,
        messages={alert.id: alert_message(alert) for alert in page.items},
        rule_titles=RULE_TITLES,
        provinces=all_provinces(),
        chosen_province=province,
        cooperatives=sorted(cooperatives.items(), key=lambda item: item[1]),
        cooperative_names=cooperatives,
        chosen_cooperative=cooperative_id,
        can_filter_cooperatives=user.role is not Role.COOPERATIVE,
        province_by_code=province_by_code,
    )
