"""``/metrics``: off without ``TRACE_METRICS_TOKEN``, hidden from anyone without the token,
and counting requests by endpoint (never by URL), scans by verdict once committed, keys by
state and the process. Several gunicorn workers: ``tests/web/test_metrics_workers.py``."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests import factories
from tests.conftest import TEST_KEY_PASSPHRASE
from tests.scan_fixtures import scan_of
from trace.auth.services import issue_api_token
from trace.config import ConfigError, build_config
from trace.jobs.models import JobState
from trace.signing import services as keys
from trace.signing.codes import Verdict

TOKEN = "metrics-token-for-the-tests-0123456789abcdef"
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}"}
metrics_on = pytest.mark.fresh_app(TRACE_METRICS_TOKEN=TOKEN)


def samples(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, by name and labels."""
    answer = client.get("/metrics", headers=AUTHORIZED)
    assert answer.status_code == 200, answer.status_code
    assert answer.headers["Content-Type"].startswith("text/plain; version=")
    assert "no-store" in answer.headers["Cache-Control"]
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.get_data(as_text=True))
        for sample in family.samples
    }


def requests_of(scrape, endpoint: str, method: str = "GET", status: str = "200") -> float:
    labels = (("endpoint", endpoint), ("method", method), ("status", status))
    return scrape.get(("trace_http_requests_total", labels), 0.0)


def scans_of(scrape, verdict: Verdict) -> float:
    return scrape.get(("trace_scans_total", (("verdict", verdict.value),)), 0.0)


def unknown_url_page(client) -> bytes:
    """The 404 page of a URL that no route takes, as it would read at /metrics."""
    return client.get("/no-such-page").get_data().replace(b"/no-such-page", b"/metrics")


def test_without_a_token_metrics_are_off_and_look_like_any_unknown_url(client):
    for headers in ({}, AUTHORIZED):
        answer = client.get("/metrics", headers=headers)
        assert answer.status_code == 404
        assert answer.get_data() == unknown_url_page(client)


@metrics_on
@pytest.mark.parametrize(
    "authorization",
    [None, "", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN, "Bearer"],
)
def test_a_missing_or_wrong_token_gets_the_unknown_url_answer(client, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = client.get("/metrics", headers=headers)
    assert answer.status_code == 404
    assert answer.get_data() == unknown_url_page(client)
    assert b"trace_" not in answer.get_data()


@metrics_on
def test_an_operator_s_session_or_api_token_does_not_open_it(client, tenants, session):
    operator = tenants.user("operator")
    api_token = {"Authorization": f"Bearer {issue_api_token(session, operator)}"}
    assert client.get("/metrics", headers=api_token).status_code == 404
    with client.session_transaction() as browser_session:
        browser_session["_user_id"] = str(operator.id)
        browser_session["_fresh"] = True
    assert client.get("/metrics").status_code == 404


@metrics_on
def test_requests_are_counted_by_endpoint_method_and_status(client):
    before = samples(client)
    for _ in range(3):
        client.get("/healthz")
    client.get("/no-such-page")
    client.open("/healthz", method="BREW")
    client.delete("/healthz")
    after = samples(client)
    assert requests_of(after, "site.health") - requests_of(before, "site.health") == 3
    assert (
        requests_of(after, "unmatched", status="404")
        - requests_of(before, "unmatched", status="404")
        == 1
    )
    # Unknown methods share one label; a method the route does not take has no route.
    assert (
        requests_of(after, "unmatched", "other", "405")
        - requests_of(before, "unmatched", "other", "405")
        == 1
    )
    assert (
        requests_of(after, "unmatched", "DELETE", "405")
        - requests_of(before, "unmatched", "DELETE", "405")
        == 1
    )
    count = ("trace_http_request_duration_seconds_count", (("endpoint", "site.health"),))
    assert after[count] - before.get(count, 0) == 3
    bucket = ("le", "30.0")
    slowest = ("trace_http_request_duration_seconds_bucket", (("endpoint", "site.health"), bucket))
    assert after[slowest] == after[count]


@metrics_on
def test_a_label_page_counts_its_scan_by_verdict_and_its_url_is_no_label(client, labelled, app):
    base = app.config["TRACE_PUBLIC_BASE_URL"]
    path = labelled.code.text.removeprefix(base)
    before = samples(client)
    assert client.get(path).status_code == 200
    # Unsigned: a malformed code. (Without a query it would be redirected to this page.)
    assert client.get(path.split("?")[0] + "?lang=vi").status_code == 200
    after = samples(client)
    assert scans_of(after, Verdict.VALID) - scans_of(before, Verdict.VALID) == 1
    assert scans_of(after, Verdict.MALFORMED_CODE) - scans_of(before, Verdict.MALFORMED_CODE) == 1
    assert requests_of(after, "lookup.label_page") - requests_of(before, "lookup.label_page") == 2
    scrape = client.get("/metrics", headers=AUTHORIZED).get_data(as_text=True)
    assert path.split("?")[0] not in scrape
    assert labelled.batch.lot not in scrape


@metrics_on
def test_a_scan_counts_only_once_its_transaction_commits(client, session, labelled):
    session.commit()  # the batch and its code stay; the test's outer transaction undoes all
    before = scans_of(samples(client), Verdict.RECALLED_BATCH)
    scan_of(session, labelled.code, verdict=Verdict.RECALLED_BATCH)
    session.rollback()
    assert scans_of(samples(client), Verdict.RECALLED_BATCH) == before
    scan_of(session, labelled.code, verdict=Verdict.RECALLED_BATCH)
    scan_of(session, labelled.code, verdict=Verdict.RECALLED_BATCH)
    assert scans_of(samples(client), Verdict.RECALLED_BATCH) == before
    session.commit()
    assert scans_of(samples(client), Verdict.RECALLED_BATCH) == before + 2


@metrics_on
def test_issuing_keys_by_state_are_read_at_each_scrape(client, session):
    def keys_by_state() -> dict[str, float]:
        scrape = samples(client)
        return {
            state: scrape[("trace_issuing_keys", (("state", state),))]
            for state in ("current", "retired", "revoked")
        }

    assert keys_by_state() == {"current": 0, "retired": 0, "revoked": 0}
    passphrase = TEST_KEY_PASSPHRASE.encode()
    first = keys.create_key(session, passphrase)
    keys.rotate_key(session, passphrase)
    keys.rotate_key(session, passphrase)
    keys.revoke_key(session, first.kid, "Copied")
    session.flush()
    assert keys_by_state() == {"current": 1, "retired": 1, "revoked": 1}


@metrics_on
def test_the_process_reports_its_memory_and_cpu(client):
    scrape = samples(client)
    assert scrape[("process_resident_memory_bytes", ())] > 10_000_000
    assert ("process_cpu_seconds_total", ()) in scrape


@pytest.mark.parametrize("token", ["short", "x" * 31, "has a space in it and is long enough"])
def test_a_guessable_or_malformed_token_refuses_to_start(tmp_path, token):
    with pytest.raises(ConfigError, match="TRACE_METRICS_TOKEN must be at least 32"):
        build_config({"TRACE_METRICS_TOKEN": token}, {"TRACE_SECRET_KEY": "k"}, tmp_path)


def test_an_empty_token_means_metrics_off(tmp_path):
    config = build_config({"TRACE_METRICS_TOKEN": "  "}, {"TRACE_SECRET_KEY": "k"}, tmp_path)
    assert config["TRACE_METRICS_TOKEN"] is None


@metrics_on
def test_jobs_by_state_are_read_at_each_scrape(client, session, tenants):
    def jobs_by_state() -> dict[str, float]:
        scrape = samples(client)
        return {state: scrape[("trace_jobs", (("state", state),))] for state in JobState}

    before = jobs_by_state()
    factories.make_job(session, tenants.cooperative_a, tenants.staff_a)
    factories.make_job(session, tenants.cooperative_a, tenants.staff_a, state=JobState.FAILED)
    session.flush()
    after = jobs_by_state()
    assert after == {
        **before,
        JobState.DONE: before[JobState.DONE] + 1,
        JobState.FAILED: before[JobState.FAILED] + 1,
    }
