"""Every case of the conformance corpus through the service, the API, the CLI and the public
page.

``tests/signing/test_codes.py`` checks the pure functions against the corpus; here the
same cases go through each surface a user meets. Online, the case's key set is loaded as
the platform's keys; a code the corpus calls valid is an "unknown batch" until the
platform has issued it, and valid once it has. The public page gets each code as a phone
asks for it (the path and query after the base URL) and must give the API's verdict.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.factories import make_batch, make_cooperative, make_product
from trace.batches.models import LabelCode
from trace.lookup.paths import LabelPath, MalformedPath, read_path
from trace.rolls.models import Roll, RollCode
from trace.rolls.serials import read_range_end, scope_of
from trace.signing.codes import is_base_url, parse_code
from trace.signing.models import IssuingKey
from trace.verification.services import verify_code, verify_offline

CORPUS = Path(__file__).resolve().parents[1] / "data" / "codes"
CASES = sorted(CORPUS.glob("*.json"))


# A code our public page can be asked for: a base URL the platform could be configured with,
# then a path whose first segment the server decodes to 01 or b. The others never reach the
# page as written: a browser lower-cases an upper-case scheme or host, the page is served at
# the root (no path prefix), /B/ or a bare host is another page, a #fragment is never sent
# (RFC 3986, 3.5) and a browser removes tabs and newlines from a URL (WHATWG URL): for those
# the page gets the code without them.
LABEL_URL = re.compile(r"(https?://[^/?#]+)(/([^/?#]*)/.*)", re.DOTALL)


def page_request(code: str) -> tuple[str, str] | None:
    """The base URL and the request a phone sends for ``code``, or None (see LABEL_URL)."""
    match = LABEL_URL.fullmatch(code)
    if match is None or set("#\t\n\r") & set(code) or not is_base_url(match[1]):
        return None
    if unquote(match[3]) not in ("01", "b"):
        return None
    return match[1], match[2]


# A ``&lang=`` after the signature is the page's language switch, not part of the code: the
# page shows the genuine label in that language (tests/lookup/test_page.py), while the same
# text given to the API as a code is malformed.
PAGE_LANGUAGE_CASES = {"display-parameter-after-signature"}
PAGE_CASES = [
    path
    for path in CASES
    if page_request(json.loads(path.read_text())["code"]) and path.stem not in PAGE_LANGUAGE_CASES
]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def load_keys(session, jwks: dict) -> dict[str, IssuingKey]:
    """The case's key set as the platform's keys (the private halves are not in the corpus)."""
    loaded = {}
    for jwk in jwks["keys"]:
        revoked_at = jwk.get("revoked_at")
        key = IssuingKey(
            kid=jwk["kid"],
            public_key=jwk["x"],
            private_key_pem="(held by the corpus generator)",
            is_current=False,
            revoked_at=datetime.fromisoformat(revoked_at) if revoked_at else None,
            revocation_reason="corpus" if revoked_at else None,
        )
        session.add(key)
        loaded[key.kid] = key
    session.flush()
    return loaded


def issue(session, code: str, key: IssuingKey) -> None:
    """Record a corpus code as issued by the platform, for a batch of its own."""
    cooperative = make_cooperative(session)
    batch = make_batch(session, make_product(session, cooperative))
    serial = parse_code(code).data.serial
    session.add(LabelCode(batch=batch, serial=serial, text=code, key=key))
    session.flush()


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.stem)
def test_the_offline_service_gives_the_expected_verdict(path):
    case = load(path)
    result = verify_offline(case["code"], case["jwks"])
    assert (result.verdict.value, result.is_valid) == (
        case["expected"]["reason"],
        case["expected"]["valid"],
    )


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.stem)
def test_the_api_and_the_online_service_give_the_expected_verdict(client, session, path):
    case = load(path)
    platform_keys = load_keys(session, case["jwks"])
    expected = case["expected"]
    if expected["valid"]:
        before = client.post("/api/v1/verify", json={"code": case["code"]}).get_json()
        assert (before["valid"], before["reason"]) == (False, "unknown batch")
        issue(session, case["code"], platform_keys[parse_code(case["code"]).kid])
    session.commit()
    answer = client.post("/api/v1/verify", json={"code": case["code"]}).get_json()
    assert (answer["reason"], answer["valid"]) == (expected["reason"], expected["valid"])
    assert verify_code(session, case["code"]).verdict.value == expected["reason"]


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.stem)
def test_the_cli_with_the_key_set_file_gives_the_expected_verdict(runner, tmp_path, path):
    case = load(path)
    key_file = tmp_path / "jwks.json"
    key_file.write_text(json.dumps(case["jwks"]))
    result = runner.invoke(args=["verify", case["code"], "--keys", str(key_file), "--json"])
    answer = json.loads(result.stdout)
    assert (answer["reason"], answer["valid"]) == (
        case["expected"]["reason"],
        case["expected"]["valid"],
    )
    assert result.exit_code == (0 if case["expected"]["valid"] else 1)


def label_for(session, request_path: str, code: str, key: IssuingKey) -> None:
    """The batch (and unit) a label path names, with ``code`` as its issued code; nothing
    when the page refuses the path (it answers 400)."""
    try:
        path = read_path(request_path.partition("?")[0])
    except MalformedPath:
        return
    if path.is_preprinted:
        activated_roll_code(session, path, code, key)
        return
    cooperative = make_cooperative(session)
    if path.gtin is not None:
        product = make_product(session, cooperative, gtin=path.gtin)
        batch = make_batch(session, product, lot=path.lot, code="CORPUS-1")
    else:
        batch = make_batch(session, make_product(session, cooperative), code=path.batch_code)
    session.add(LabelCode(batch=batch, serial=path.serial, text=code, key=key))
    session.flush()


def activated_roll_code(session, path: LabelPath, code: str, key: IssuingKey) -> None:
    """A pre-printed code, printed on a roll of its GTIN or prefix and activated on a batch."""
    end = read_range_end(path.serial or "")
    assert end is not None
    cooperative = make_cooperative(session, code_prefix=path.prefix or "CORPUS")
    product = make_product(session, cooperative, gtin=path.gtin)
    batch = make_batch(session, product)
    roll = Roll(
        cooperative_id=cooperative.id,
        product_id=product.id if path.gtin else None,
        gtin=path.gtin,
        prefix=path.prefix,
        scope=scope_of(path.gtin, path.prefix),
        number=end.number,
        count=end.sequence,
    )
    session.add(roll)
    session.flush()
    session.add(
        RollCode(
            roll_id=roll.id,
            sequence=end.sequence,
            serial=end.serial,
            text=code,
            key_id=key.id,
            batch_id=batch.id,
        )
    )
    session.add(LabelCode(batch=batch, serial=path.serial, text=code, key=key))
    session.flush()


def test_the_corpus_reaches_the_public_page_in_its_spelling_cases():
    names = {path.stem for path in PAGE_CASES}
    assert {
        "trailing-ampersand",
        "trailing-question-mark",
        "empty-parameter",
        "percent-lower-case",
        "reordered-dates",
        "duplicate-parameter",
        "signature-missing",
        "valid-gtin-unit",
        "percent-encoded-path-key",
    } <= names
    assert len(names) >= len(CASES) - 8 - len(PAGE_LANGUAGE_CASES)


@pytest.mark.parametrize("path", PAGE_CASES, ids=lambda path: path.stem)
def test_the_public_page_gives_the_verdict_the_api_gives(app, client, session, path):
    case = load(path)
    base, request_path = page_request(case["code"])
    platform_keys = load_keys(session, case["jwks"])
    label_for(session, request_path, case["code"], next(iter(platform_keys.values())))
    session.commit()
    app.config["TRACE_PUBLIC_BASE_URL"] = base
    api = client.post("/api/v1/verify", json={"code": case["code"]}).get_json()
    assert api["reason"] == case["expected"]["reason"]
    response = client.get(request_path)
    if "linkType=all" in request_path:  # the resolver's linkset: links, and no verdict
        assert (response.status_code, response.mimetype) == (200, "application/linkset+json")
        return
    if response.status_code == 400:  # the path itself is no label's
        page_verdict = "malformed code"
    else:
        assert response.status_code == 200
        page_verdict = re.search(r'data-verdict="([^"]*)"', response.get_data(as_text=True))[1]
    assert page_verdict == api["reason"]
