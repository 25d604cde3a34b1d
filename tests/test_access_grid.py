"""The access grid: every route, tried by every role, on records of its own and another tenant.

``GRID`` lists every endpoint of the app with who may reach it. A route that is added
without a line here fails ``test_every_route_is_in_the_grid``; a route whose URL needs a
value the grid cannot fill fails until ``URL_VALUES`` learns it. Records in URLs belong to
cooperative A, so staff of cooperative B (and the officer of B's commune) must get a 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, select
from werkzeug.routing import Rule

from tests import factories
from trace.auth.models import Role, User
from trace.auth.services import issue_api_token
from trace.auth.sessions import SESSION_VERSION_KEY
from trace.config import PROJECT_ROOT
from trace.db import db
from trace.feedback.services import file_report
from trace.inspections.models import Inspection, InspectionOutcome
from trace.rolls.services import create_roll
from trace.signing.services import current_key
from trace.uploads.models import UploadPurpose

CALLERS = ["anonymous", "operator", "staff_a", "staff_b", "inspector", "officer_a", "officer_b"]
ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class Access:
    """Who may call a route: ``roles=None`` means anyone, signed in or not."""

    roles: frozenset[Role] | None
    is_api: bool = False
    # The URL names a record of cooperative A: other tenants must not see it exist.
    is_owned: bool = False
    # Answers everyone alike by the server's state, never by who asks: 200, or 503 (readyz).
    is_probe: bool = False
    # Reached only with a bearer token of its own setting (metrics): to every role, 404.
    needs_own_token: bool = False
    # Roles not named get a 404 too, as if the record did not exist (a job: its cooperative's).
    hides_from_other_roles: bool = False


PUBLIC = Access(roles=None)
PUBLIC_API = Access(roles=None, is_api=True)
PROBE = Access(roles=None, is_probe=True)
OWN_TOKEN = Access(roles=None, needs_own_token=True)
SIGNED_IN = Access(roles=ALL_ROLES)
ANY_TOKEN = Access(roles=ALL_ROLES, is_api=True)
# Registry pages: everyone signed in reads within their scope; staff and operators write.
REGISTRY_WRITERS = frozenset({Role.OPERATOR, Role.COOPERATIVE})
OWNED_PAGE = Access(roles=ALL_ROLES, is_owned=True)
NEW_RECORD = Access(roles=REGISTRY_WRITERS)
OWNED_WRITE = Access(roles=REGISTRY_WRITERS, is_owned=True)
OPERATORS_ONLY = frozenset({Role.OPERATOR})
# The registry API: the same rules, with a bearer token.
API_OWNED_READ = Access(roles=ALL_ROLES, is_api=True, is_owned=True)
API_NEW_RECORD = Access(roles=REGISTRY_WRITERS, is_api=True)
API_OWNED_WRITE = Access(roles=REGISTRY_WRITERS, is_api=True, is_owned=True)
# Inspectors and operators record inspections; staff read their own batches'; officers none.
INSPECTION_RECORDERS = frozenset({Role.OPERATOR, Role.INSPECTOR})
INSPECTION_READERS = INSPECTION_RECORDERS | {Role.COOPERATIVE}
# A commune's indicator 13.4 evidence: its officer (commune A's, as the grid's records are A's)
# and operators.
COMMUNE_READERS = frozenset({Role.OPERATOR, Role.COMMUNE_OFFICER})
PEOPLE_MANAGERS = frozenset({Role.OPERATOR, Role.COOPERATIVE})
JOB_READERS = frozenset({Role.OPERATOR, Role.COOPERATIVE})
JOB_OF_A = Access(roles=JOB_READERS, is_owned=True, hides_from_other_roles=True)
API_JOB_OF_A = Access(roles=JOB_READERS, is_api=True, is_owned=True, hides_from_other_roles=True)

GRID: dict[str, Access] = {
    "static": PUBLIC,
    "site.home": PUBLIC,
    "site.health": PUBLIC,
    # Public, for load balancers: 200 or 503 by the server's state alone.
    "site.readiness": PROBE,
    # TRACE_METRICS_TOKEN's bearer token only (tests/web/test_metrics.py): no session or API
    # token of any role reaches it.
    "metrics.metrics": OWN_TOKEN,
    "site.dashboard": SIGNED_IN,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.change_password": SIGNED_IN,
    # My account: everyone, each their own (tests/auth/test_account_views.py).
    "account.account_page": SIGNED_IN,
    "account.create_token": SIGNED_IN,
    "account.revoke_token": SIGNED_IN,
    # Signing keys and the audit records: operators only (tests/signing/test_key_pages.py,
    # tests/audit/test_views.py).
    "keys.key_list": Access(roles=OPERATORS_ONLY),
    "keys.create_key": Access(roles=OPERATORS_ONLY),
    "keys.rotate_key": Access(roles=OPERATORS_ONLY),
    "keys.revoke_key": Access(roles=OPERATORS_ONLY),
    "audit.records": Access(roles=OPERATORS_ONLY),
    "audit.records_csv": Access(roles=OPERATORS_ONLY),
    "i18n.set_language": PUBLIC,
    "signing.jwks": PUBLIC,
    "api-docs.openapi_json": PUBLIC_API,
    "api_accounts.me": ANY_TOKEN,
    "api_cooperatives.list_cooperatives": ANY_TOKEN,
    "registry.products": SIGNED_IN,
    "registry.new_product": NEW_RECORD,
    "registry.product": OWNED_PAGE,
    "registry.edit_product": OWNED_WRITE,
    "registry.archive_product": OWNED_WRITE,
    # A product's (or a batch's) links: read by all in scope, kept by staff and operators
    # (tests/registry/test_product_link_views.py).
    "registry.product_links": OWNED_PAGE,
    "registry.add_product_link": OWNED_WRITE,
    "registry.edit_product_link": OWNED_WRITE,
    "registry.move_product_link": OWNED_WRITE,
    "registry.delete_product_link": OWNED_WRITE,
    "batches.batch_links": OWNED_PAGE,
    "batches.add_batch_link": OWNED_WRITE,
    "registry.farming_areas": SIGNED_IN,
    "registry.new_farming_area": NEW_RECORD,
    "registry.farming_area": OWNED_PAGE,
    "registry.edit_farming_area": OWNED_WRITE,
    "registry.archive_farming_area": OWNED_WRITE,
    "registry.certificates": SIGNED_IN,
    "registry.new_certificate": NEW_RECORD,
    "registry.certificate": OWNED_PAGE,
    "registry.edit_certificate": OWNED_WRITE,
    "registry.revoke_certificate": OWNED_WRITE,
    "registry.archive_certificate": OWNED_WRITE,
    "registry.cooperatives": SIGNED_IN,
    "registry.new_cooperative": Access(roles=OPERATORS_ONLY),
    "registry.cooperative": OWNED_PAGE,
    "registry.edit_cooperative": OWNED_WRITE,
    "registry.archive_cooperative": Access(roles=OPERATORS_ONLY, is_owned=True),
    # A commune's key products: commune A's officer and operators keep the list; staff only
    # propose their own products (tests/registry/test_key_product_views.py).
    "registry.key_products": Access(roles=COMMUNE_READERS, is_owned=True),
    "registry.remove_key_product": Access(roles=COMMUNE_READERS, is_owned=True),
    "registry.confirm_key_product_proposal": Access(roles=COMMUNE_READERS, is_owned=True),
    "registry.decline_key_product_proposal": Access(roles=COMMUNE_READERS, is_owned=True),
    "registry.propose_key_product": Access(roles=frozenset({Role.COOPERATIVE}), is_owned=True),
    "api_cooperatives.get_cooperative": Access(roles=ALL_ROLES, is_api=True, is_owned=True),
    "api_cooperatives.create_cooperative": Access(roles=OPERATORS_ONLY, is_api=True),
    "api_cooperatives.update_cooperative": API_OWNED_WRITE,
    "api_cooperatives.archive_cooperative": Access(
        roles=OPERATORS_ONLY, is_api=True, is_owned=True
    ),
    "api_products.list_products": ANY_TOKEN,
    "api_products.get_product": API_OWNED_READ,
    "api_products.create_product": API_NEW_RECORD,
    "api_products.update_product": API_OWNED_WRITE,
    "api_products.archive_product": API_OWNED_WRITE,
    "api_products.list_product_links": API_OWNED_READ,
    "api_products.create_product_link": API_OWNED_WRITE,
    "api_products.update_product_link": API_OWNED_WRITE,
    "api_products.order_product_links": API_OWNED_WRITE,
    "api_products.delete_product_link": API_OWNED_WRITE,
    "api_farming_areas.list_farming_areas": ANY_TOKEN,
    "api_farming_areas.get_farming_area": API_OWNED_READ,
    "api_farming_areas.create_farming_area": API_NEW_RECORD,
    "api_farming_areas.update_farming_area": API_OWNED_WRITE,
    "api_farming_areas.archive_farming_area": API_OWNED_WRITE,
    "api_certificates.list_certificates": ANY_TOKEN,
    "api_certificates.get_certificate": API_OWNED_READ,
    "api_certificates.create_certificate": API_NEW_RECORD,
    "api_certificates.update_certificate": API_OWNED_WRITE,
    "api_certificates.revoke_certificate": API_OWNED_WRITE,
    "api_certificates.archive_certificate": API_OWNED_WRITE,
    "api_batches.list_batches": ANY_TOKEN,
    "api_batches.create_batch": API_NEW_RECORD,
    "api_batches.get_batch": API_OWNED_READ,
    "api_batches.update_batch": API_OWNED_WRITE,
    "api_batches.recall": API_OWNED_WRITE,
    "api_batches.list_events": API_OWNED_READ,
    "api_batches.record_event": API_OWNED_WRITE,
    "api_batches.get_event": API_OWNED_READ,
    "api_batches.update_event": API_OWNED_WRITE,
    "api_batches.completeness": API_OWNED_READ,
    "api_batches.trace": API_OWNED_READ,
    "api_batches.history": API_OWNED_READ,
    "api_batches.export_epcis": API_OWNED_READ,
    "api_codes.batch_code": API_OWNED_READ,
    "api_codes.issue_units": API_OWNED_WRITE,
    "api_codes.list_units": API_OWNED_READ,
    "api_codes.units_sold": API_OWNED_WRITE,
    "api_verify.verify": PUBLIC_API,
    "api_labels.batch_labels": API_OWNED_READ,
    "batches.batches": SIGNED_IN,
    "batches.new_batch": NEW_RECORD,
    "batches.batch": OWNED_PAGE,
    "batches.edit_batch": OWNED_WRITE,
    "batches.recall": OWNED_WRITE,
    "batches.batch_trace": OWNED_PAGE,
    "lookup.label_page": PUBLIC,
    "lookup.find_code": PUBLIC,
    "feedback.share_position": PUBLIC,
    "feedback.report": PUBLIC,
    "lookup.product_image": PUBLIC,
    "lookup.resolver_description": PUBLIC,
    "lookup.compressed_label": PUBLIC,
    "printing.labels": OWNED_WRITE,
    "printing.preview": OWNED_WRITE,
    # Pre-printed rolls (tests/rolls): staff of the owning cooperative and operators.
    "rolls.rolls": NEW_RECORD,
    "rolls.new_roll": NEW_RECORD,
    "rolls.roll": OWNED_WRITE,
    "rolls.roll_labels": OWNED_WRITE,
    "rolls.activate": OWNED_WRITE,
    "api_rolls.activate": API_OWNED_WRITE,
    # The rolls API: as the pages, staff and operators only, reads too (tests/rolls).
    "api_rolls.list_rolls": API_NEW_RECORD,
    "api_rolls.create_roll": API_NEW_RECORD,
    "api_rolls.get_roll": API_OWNED_WRITE,
    "api_rolls.roll_labels": API_OWNED_WRITE,
    "batches.new_event": OWNED_WRITE,
    "batches.edit_event": OWNED_WRITE,
    "batches.import_batches": NEW_RECORD,
    "batches.import_template": NEW_RECORD,
    "inspection.new_inspection": Access(roles=INSPECTION_RECORDERS),
    "inspection.inspections": Access(roles=INSPECTION_READERS),
    "inspection.inspection": Access(roles=INSPECTION_READERS, is_owned=True),
    "inspection.inspections_csv": Access(roles=INSPECTION_READERS),
    "inspection.report": Access(roles=INSPECTION_READERS),
    "api_inspections.list_inspections": Access(roles=INSPECTION_READERS, is_api=True),
    "api_inspections.record_inspection": Access(roles=INSPECTION_RECORDERS, is_api=True),
    "api_inspections.get_inspection": Access(roles=INSPECTION_READERS, is_api=True, is_owned=True),
    "alerts.alerts": Access(roles=INSPECTION_READERS),
    "api_alerts.list_alerts": Access(roles=INSPECTION_READERS, is_api=True),
    # Consumers' reports and a code's scans: inspectors and operators only.
    "reports.reports": Access(roles=INSPECTION_RECORDERS),
    "reports.report_status": Access(roles=INSPECTION_RECORDERS),
    "api_scans.list_scans": Access(roles=INSPECTION_RECORDERS, is_api=True),
    # The verify page, its offline lists, its queue and its service worker: inspectors and
    # operators only (tests/verification/test_views.py).
    "verify.page": Access(roles=INSPECTION_RECORDERS),
    "verify.check": Access(roles=INSPECTION_RECORDERS),
    "verify.offline": Access(roles=INSPECTION_RECORDERS),
    "verify.queued": Access(roles=INSPECTION_RECORDERS),
    "verify.service_worker": Access(roles=INSPECTION_RECORDERS),
    # Indicators 13.4 and 13.7: a commune's pages for its officer and operators (another commune's
    # officer gets a 404); a province's and the dashboard's jump form for operators
    # (tests/indicator/test_views.py).
    "indicator.commune": Access(roles=COMMUNE_READERS, is_owned=True),
    "indicator.commune_print": Access(roles=COMMUNE_READERS, is_owned=True),
    "indicator.commune_csv_file": Access(roles=COMMUNE_READERS, is_owned=True),
    "indicator.commune_online_csv_file": Access(roles=COMMUNE_READERS, is_owned=True),
    "indicator.commune_pdf_file": Access(roles=COMMUNE_READERS, is_owned=True),
    "indicator.province": Access(roles=OPERATORS_ONLY),
    "indicator.province_csv_file": Access(roles=OPERATORS_ONLY),
    "indicator.find": Access(roles=OPERATORS_ONLY),
    # A job of A started by staff A: only A's staff and operators see it, others get a 404.
    "jobs.job": JOB_OF_A,
    "jobs.job_json": JOB_OF_A,
    "jobs.download": JOB_OF_A,
    "api_jobs.job": API_JOB_OF_A,
    "api_jobs.job_file": API_JOB_OF_A,
    # Tried with a certificate scan of A; logos and product images are public (tests/uploads).
    # People: operators manage everyone; staff list and invite their own cooperative's
    # (tests/people). A link opens for anyone holding it; the grid's is unknown (a 410 page).
    "people.people": Access(roles=PEOPLE_MANAGERS),
    "people.invite": Access(roles=PEOPLE_MANAGERS),
    "people.person": Access(roles=OPERATORS_ONLY),
    "people.change_role": Access(roles=OPERATORS_ONLY),
    "people.disable": Access(roles=OPERATORS_ONLY),
    "people.enable": Access(roles=OPERATORS_ONLY),
    "people.reinvite": Access(roles=OPERATORS_ONLY),
    "people.reset_link": Access(roles=OPERATORS_ONLY),
    "people.bulk_invite": Access(roles=OPERATORS_ONLY),
    "people.bulk_template": Access(roles=OPERATORS_ONLY),
    "people.account_link": PUBLIC,
    "uploads.fetch": Access(
        roles=frozenset({Role.OPERATOR, Role.INSPECTOR, Role.COOPERATIVE}), is_owned=True
    ),
}


def _product_with_image(tenants) -> int:
    """Product A with its photo, which the public page shows (``lookup.product_image``)."""
    image = factories.make_upload(
        db.session, tenants.cooperative_a, purpose=UploadPurpose.PRODUCT_IMAGE
    )
    tenants.product_a.image_upload_id = image.id
    db.session.flush()
    return tenants.product_a.id


def _inspection_of_a(tenants) -> int:
    """An inspection of a batch of cooperative A by the inspector (tests/inspections records
    them through the service)."""
    batch = factories.make_batch(db.session, tenants.product_a)
    inspection = Inspection(
        inspector=tenants.inspector,
        batch=batch,
        cooperative_id=batch.cooperative_id,
        place="Chợ Sóc Trăng",
        outcome=InspectionOutcome.CONFORMING,
    )
    db.session.add(inspection)
    db.session.flush()
    return inspection.id


def _report() -> int:
    """A consumer's report (reports belong to the platform, not to a cooperative)."""
    report = file_report(
        db.session, code_text="http://127.0.0.1:5000/b/X", message="Tem lạ", contact=""
    )
    return report.id


def _key_product_of_a(tenants) -> int:
    """Product A on its commune's list of key products."""
    return factories.make_key_product(db.session, tenants.product_a).id


def _proposal_of_a(tenants) -> int:
    """A new product of cooperative A, proposed by its staff to commune A."""
    product = factories.make_product(db.session, tenants.cooperative_a)
    return factories.make_key_product_proposal(db.session, product, tenants.staff_a).id


def _compressed_gtin_of_a(tenants) -> str:
    """``/01/08934567000017`` compressed by GS1's toolkit, that GTIN given to product A."""
    tenants.product_a.gtin = "08934567000017"
    factories.make_batch(db.session, tenants.product_a)
    return "ARBAe2Jvog"


def _first_static_file() -> str:
    static = PROJECT_ROOT / "trace" / "static"
    return next(str(path.relative_to(static)) for path in static.rglob("*") if path.is_file())


URL_VALUES: dict[str, Any] = {
    "cooperative_id": lambda tenants: tenants.cooperative_a.id,
    "product_id": lambda tenants: _product_with_image(tenants),
    "farming_area_id": lambda tenants: tenants.farming_area_a.id,
    "certificate_id": lambda tenants: tenants.certificate_a.id,
    "batch_id": lambda tenants: factories.make_batch(db.session, tenants.product_a).id,
    "event_id": lambda tenants: (
        factories.make_event(db.session, factories.make_batch(db.session, tenants.product_a)).id
    ),
    "code": lambda tenants: "en",
    # A label path: malformed (a 400 page) is enough to see that anyone may ask.
    "rest": lambda tenants: "A/B/C",
    # A compressed label URI: product A's GTIN alone, answered by walking up to it.
    "segment": lambda tenants: _compressed_gtin_of_a(tenants),
    "scan_id": lambda tenants: 1,
    "filename": lambda tenants: _first_static_file(),
    "extension": lambda tenants: "xlsx",
    "inspection_id": lambda tenants: _inspection_of_a(tenants),
    "report_id": lambda tenants: _report(),
    "commune_code": lambda tenants: tenants.cooperative_a.commune_code,
    "entry_id": _key_product_of_a,
    "link_id": lambda tenants: factories.make_product_link(db.session, tenants.product_a).id,
    "proposal_id": _proposal_of_a,
    "province_code": lambda tenants: "92",  # cooperative A's commune is in Cần Thơ
    # A new colleague of cooperative A, so that disabling or re-linking touches no caller.
    "user_id": lambda tenants: (
        factories.make_user(db.session, Role.COOPERATIVE, cooperative=tenants.cooperative_a).id
    ),
    "token": lambda tenants: "no-such-link",
    "roll_id": lambda tenants: (
        create_roll(
            db.session,
            tenants.staff_a,
            {"target": f"prefix:{tenants.cooperative_a.id}", "count": 2},
        ).id
    ),
    # The tenants' current key (``tenants`` makes one).
    "kid": lambda tenants: current_key(db.session).kid,
    "public_id": lambda tenants: (
        factories.make_job(db.session, tenants.cooperative_a, tenants.staff_a).public_id
    ),
    "storage_key": lambda tenants: (
        factories.make_upload(
            db.session, tenants.cooperative_a, purpose=UploadPurpose.CERTIFICATE_SCAN
        ).storage_key
    ),
}


def _rules(app) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint)


def test_every_route_is_in_the_grid(app):
    missing = sorted({rule.endpoint for rule in _rules(app)} - set(GRID))
    assert not missing, f"add these endpoints to GRID in {__file__}: {missing}"


def _url_for(app, rule: Rule, tenants) -> str:
    unknown = set(rule.arguments) - set(URL_VALUES)
    assert not unknown, f"teach URL_VALUES how to fill {unknown} for {rule.rule}"
    values = {name: URL_VALUES[name](tenants) for name in rule.arguments}
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def _expected(access: Access, caller: str, user) -> str:
    if access.needs_own_token:
        return "hidden"
    if access.roles is None:
        return "allowed"
    if user is None:
        return "unauthorized" if access.is_api else "sign-in"
    if user.role not in access.roles:
        return "hidden" if access.hides_from_other_roles else "forbidden"
    if access.is_owned and caller in ("staff_b", "officer_b"):
        return "hidden"
    return "allowed"


def _outcome(response, access: Access) -> str:
    if access.is_probe and response.status_code == 503:
        return "allowed"  # unready, to everyone alike: the answer it exists to give
    if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
        return "sign-in"
    return {401: "unauthorized", 403: "forbidden", 404: "hidden", 503: "unavailable"}.get(
        response.status_code, "allowed" if response.status_code < 500 else "server error"
    )


def _request(client, session, method: str, path: str, access: Access, user) -> Any:
    headers = {}
    if user is not None and access.is_api:
        headers["Authorization"] = f"Bearer {issue_api_token(session, user)}"
    elif user is not None:
        with client.session_transaction() as browser_session:
            browser_session["_user_id"] = str(user.id)
            browser_session["_fresh"] = True
            # The version a sign-in would store: POST /logout raises it (trace/auth/sessions.py).
            browser_session[SESSION_VERSION_KEY] = session.scalar(
                select(User.session_version).where(User.id == user.id)
            )
    return client.open(path, method=method, headers=headers)


@pytest.mark.parametrize("caller", CALLERS)
def test_every_route_answers_each_role_as_the_grid_says(app, session, tenants, caller):
    # CSRF has tests of its own; here a refused token would hide the access decision.
    app.config["WTF_CSRF_ENABLED"] = False
    user = None if caller == "anonymous" else tenants.user(caller)
    mismatches = []
    for rule in _rules(app):
        access = GRID[rule.endpoint]
        path = _url_for(app, rule, tenants)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = _request(app.test_client(), session, method, path, access, user)
            expected, actual = _expected(access, caller, user), _outcome(response, access)
            response.close()
            if expected != actual:
                mismatches.append(f"{method} {path}: expected {expected}, got {actual}")
    assert not mismatches, "\n".join(mismatches)


WRITE_STATEMENT = re.compile(r'^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)', re.IGNORECASE)
# A GET writes only these: a label visit's scan, the clone rules that follow new scans, and
# a token's last use; views marked @writes may also issue label codes (trace/db.py).
WRITTEN_BY_GETS = {"scans", "alerts", "alert_watermarks", "api_tokens"}
WRITTEN_BY_MARKED_GETS = WRITTEN_BY_GETS | {"label_codes", "audit_records"}


@pytest.mark.parametrize("caller", ["anonymous", "operator", "staff_a", "inspector"])
def test_a_get_writes_nothing_but_scans_and_a_tokens_use(app, session, tenants, caller):
    user = None if caller == "anonymous" else tenants.user(caller)
    written: list[str] = []

    requested: list[str] = []  # the path being requested, while it is
    allowed: list[set[str]] = [WRITTEN_BY_GETS]

    def remember(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        match = WRITE_STATEMENT.match(statement)
        if requested and match and match.group(1) not in allowed[0]:
            written.append(f"{requested[0]}: {statement.split('(')[0][:80]}")

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", remember)
    try:
        for rule in _rules(app):
            if "GET" not in rule.methods:
                continue
            path = _url_for(app, rule, tenants)
            is_marked = getattr(app.view_functions[rule.endpoint], "trace_writes", False)
            allowed[0] = WRITTEN_BY_MARKED_GETS if is_marked else WRITTEN_BY_GETS
            requested.append(path)
            response = _request(app.test_client(), session, "GET", path, GRID[rule.endpoint], user)
            requested.clear()
            response.close()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert not written, "\n".join(written)
