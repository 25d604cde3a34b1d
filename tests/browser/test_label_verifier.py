"""The label verifier in the browser gives the server's offline verdict for every code.

``trace/static/js/label-verifier.js`` is loaded from the live app, under its Content Security
Policy, into headless Chromium; each code goes through its ``verifyCode`` (WebCrypto Ed25519)
and through ``verify_offline`` in Python. The corpus in ``tests/data/codes`` is read as in
``tests/signing/test_corpus_surfaces.py``: offline, a code the corpus calls an unknown or a
recalled batch is simply valid.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from playwright.sync_api import Browser, ConsoleMessage, Page

from tests.browser.conftest import LiveServer
from trace.signing.codes import (
    InvalidKeySet,
    LabelData,
    b64url_encode,
    gtin_check_digit,
    issue_code,
)
from trace.verification.services import verify_offline

CORPUS = Path(__file__).resolve().parents[1] / "data" / "codes"
CASES = sorted(CORPUS.glob("*.json"))
MODULE = "/static/js/label-verifier.js"
# Verdicts only the online service gives; offline such a code checks out.
ONLINE_ONLY = {"unknown batch": "valid", "recalled batch": "valid"}

# Runs each {code, jwks} through verifyCode; the parsed code comes back as plain JSON values.
VERIFY_ALL = """async ([module, items]) => {
  const verifier = await import(module);
  const results = [];
  for (const {code, jwks} of items) {
    try {
      const {verdict, parsed} = await verifier.verifyCode(code, jwks);
      results.push({verdict, parsed: parsed && {
        ...parsed,
        signature: Array.from(parsed.signature),
        signedBytes: new TextDecoder().decode(parsed.signedBytes),
      }});
    } catch (error) {
      results.push({verdict: error.name});
    }
  }
  return results;
}"""

RECALL_OF = """async ([module, code, recalledLots]) => {
  const verifier = await import(module);
  return verifier.recallOf(code === null ? null : verifier.parseCode(code), recalledLots);
}"""


@pytest.fixture(scope="module")
def verifier_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """One page of the site for the whole module: the verifier module is imported once."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/")
    yield page
    context.close()


def test_the_module_loads_under_the_sites_content_security_policy(page: Page):
    console: list[ConsoleMessage] = []
    page.on("console", lambda message: console.append(message))
    response = page.goto("/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    exported = page.evaluate("async (module) => Object.keys(await import(module)).sort()", MODULE)
    assert exported == [
        "InvalidKeySet",
        "MalformedCode",
        "VERDICTS",
        "isPreprinted",
        "parseCode",
        "recallOf",
        "verifyCode",
        "verifySignature",
    ]
    assert [message.text for message in console if message.type == "error"] == []


def python_verdict(code: Any, jwks: Any) -> str:
    """What the server's offline check says, or the name of the error it raises."""
    try:
        return verify_offline(code, jwks).verdict.value
    except InvalidKeySet:
        return "InvalidKeySet"


def browser_results(page: Page, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = page.evaluate(VERIFY_ALL, [MODULE, items])
    return results


def python_parsed(code: str) -> dict[str, Any]:
    """The server's reading of a code, in the shape ``parseCode`` returns it."""
    parsed = verify_offline(code, {"keys": []}).parsed
    assert parsed is not None
    data = parsed.data
    return {
        "baseUrl": data.base_url,
        "gtin": data.gtin,
        "lot": data.lot,
        "batchCode": data.batch_code,
        "serial": data.serial,
        "prefix": data.prefix,
        "dates": {
            name: day.isoformat() if day else None
            for name, day in {
                "producedOn": data.produced_on,
                "packedOn": data.packed_on,
                "expiresOn": data.expires_on,
                "harvestedOn": data.harvested_on,
            }.items()
        },
        "kid": parsed.kid,
        "signature": list(parsed.signature),
        "signedBytes": parsed.signed_text,
        "signedText": parsed.signed_text,
        "text": parsed.text,
    }


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.stem)
def test_every_corpus_code_gets_the_same_verdict_in_the_browser_and_on_the_server(
    verifier_page: Page, path: Path
):
    case = json.loads(path.read_text(encoding="utf-8"))
    expected = ONLINE_ONLY.get(case["expected"]["reason"], case["expected"]["reason"])
    [result] = browser_results(verifier_page, [{"code": case["code"], "jwks": case["jwks"]}])
    assert (result["verdict"], python_verdict(case["code"], case["jwks"])) == (expected, expected)
    if expected != "malformed code":
        assert result["parsed"] == python_parsed(case["code"])
    else:
        assert result["parsed"] is None


class Signer:
    """A fresh key pair with a random key id, as the JWK the platform would publish."""

    def __init__(self, rng: random.Random, *, revoked: bool = False) -> None:
        self.private_key = Ed25519PrivateKey.generate()
        self.kid = "".join(rng.choices(ALPHABET_B64URL, k=11))
        raw = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.jwk: dict[str, str] = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
        self.jwk["kid"] = self.kid
        if revoked:
            self.jwk["revoked_at"] = "2026-06-01T00:00:00Z"

    def issue(self, data: LabelData) -> str:
        return issue_code(data, self.kid, self.private_key)


ALPHABET_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# The GS1 AI 82 set, weighted towards what lots really hold.
VALUE_CHARS = "ABCDEFGHKMNPQRSTXYZ0123456789-" * 3 + "abcxyz._!\"%&'()*+,/:;<=>?"
BASES = ("https://truyxuat.ca-mau.gov.vn", "http://127.0.0.1:5000/qr", "https://x.vn:8443/a/b-c")


def random_value(rng: random.Random, longest: int) -> str:
    return "".join(rng.choices(VALUE_CHARS, k=rng.randint(1, longest)))


def random_label(rng: random.Random) -> LabelData:
    """A GTIN or a platform batch code, maybe a serial, any of the four dates; or a
    pre-printed roll code (a serial under a GTIN or a cooperative prefix, undated)."""
    first_13 = "0893" + "".join(rng.choices("0123456789", k=9))
    gtin = first_13 + gtin_check_digit(first_13)
    base_url = rng.choice(BASES)
    if rng.random() < 0.2:
        prefix = "".join(rng.choices("ABCDEFXYZ0123456789", k=rng.randint(2, 8)))
        on_gtin = rng.random() < 0.5
        return LabelData(
            base_url=base_url,
            gtin=gtin if on_gtin else None,
            prefix=None if on_gtin else prefix,
            serial=random_value(rng, 20),
        )
    days = [
        date(2000, 1, 1) + timedelta(days=rng.randrange(36524)) if rng.random() < 0.4 else None
        for _ in range(4)
    ]
    with_gtin = rng.random() < 0.5
    batch_code = f"{random_value(rng, 8)}-{random_value(rng, 20)}"
    return LabelData(
        base_url=base_url,
        gtin=gtin if with_gtin else None,
        lot=random_value(rng, 20) if with_gtin else None,
        batch_code=None if with_gtin else batch_code,
        serial=random_value(rng, 20) if rng.random() < 0.5 else None,
        produced_on=days[0],
        packed_on=days[1],
        expires_on=days[2],
        harvested_on=days[3],
    )


def flip_one_byte(rng: random.Random, code: str) -> str:
    """One bit of one character changed: a misread, a tampered or a forged label."""
    index = rng.randrange(len(code))
    return code[:index] + chr(ord(code[index]) ^ (1 << rng.randrange(7))) + code[index + 1 :]


def test_random_codes_and_their_one_byte_changes_get_the_same_verdicts(verifier_page: Page):
    rng = random.Random(20261124)
    current, revoked, stranger = Signer(rng), Signer(rng, revoked=True), Signer(rng)
    jwks = {"keys": [current.jwk, revoked.jwk]}
    items = []
    for number in range(200):
        signer = {1: revoked, 2: stranger}.get(number % 7, current)
        code = signer.issue(random_label(rng))
        items.append({"code": flip_one_byte(rng, code) if number % 3 else code, "jwks": jwks})
    in_browser = [result["verdict"] for result in browser_results(verifier_page, items)]
    on_server = [python_verdict(item["code"], item["jwks"]) for item in items]
    differing = [
        (item["code"], browser, server)
        for item, browser, server in zip(items, in_browser, on_server, strict=True)
        if browser != server
    ]
    assert differing == []
    assert set(on_server) == {
        "valid",
        "malformed code",
        "unknown key",
        "bad signature",
        "revoked key",
    }


def edge_cases() -> list[dict[str, Any]]:
    """Codes and key sets at the borders of the rules, where a port is most likely to slip."""
    rng = random.Random(8)
    signer = Signer(rng)
    jwks = {"keys": [signer.jwk]}

    def signed(**fields: Any) -> str:
        return signer.issue(LabelData(base_url="https://t.vn", **fields))

    gtin = "08934567000017"
    code = signed(gtin=gtin, lot="ST25")
    unsigned, _, signature = code.rpartition("&s=")
    texts = [
        signed(gtin=gtin, lot="%25", serial="%"),  # a percent sign is itself encoded
        signed(batch_code="01-b", serial="b"),  # reserved words as values
        signed(prefix="01", serial="b"),
        signed(gtin=gtin, lot="L", produced_on=date(2000, 2, 29), expires_on=date(2099, 12, 31)),
        signed(batch_code="A" * 28 + "-", serial="S" * 20),
        signed(gtin=gtin, serial="%/21"),  # pre-printed forms
        signed(prefix="HTXCM", serial="R0001-00001"),
        signed(prefix="HTXCM", serial="R0001-00001").replace("/b/HTXCM/", "/b/HTX.CM/"),
        signed(prefix="HTXCM", serial="R1").replace("/b/HTXCM/R1", "/b/HTXCM"),
        signed(gtin=gtin, serial="R1").replace("?k=", "?17=270101&k="),
        signed(gtin=gtin, serial="R1").replace("/21/R1", "/21/R1/21/R1"),
        code.replace("/01/" + gtin + "/10/ST25", "/b/HTXCMST25"),
        unsigned.replace("/10/ST25", "/10/ST25%") + "&s=" + signature,
        code.replace("https://t.vn/", "https://t.vn//"),
        code.replace("https://t.vn/", "https://t.vn/b/"),
        code.replace("?k=", "?11=010229&k="),
        code.replace("?k=", "?11=000000&k="),
        code.replace("?k=", "?k=&k="),
        code.replace("&s=", "?s="),
        code.replace("?k=", "/?k="),
        code.replace("/10/", "/%31%30/"),
        code.replace("https://", "http://"),
        code + "s=",
        code.replace("ST25", "ST25é"),
        "https://t.vn/01/" + gtin + "/10/ST25?s=" + signature,
        unsigned + "&s=" + signature[:-1] + "B",  # non-canonical last character
        "",
        "s=" + signature,
        code + "&x=1",
    ]
    items = [{"code": text, "jwks": jwks} for text in texts]
    x = signer.jwk["x"]
    key_sets: list[Any] = [
        {"keys": [{**signer.jwk, "x": x[:-1]}]},  # 31 bytes and a bit
        {"keys": [{**signer.jwk, "x": x[:-2] + "A" + x[-1]}]},  # another key
        {"keys": [{**signer.jwk, "x": b64url_encode(bytes(31))}]},
        {"keys": [{**signer.jwk, "x": x + "="}]},
        {"keys": [{**signer.jwk, "kty": "EC"}]},
        {"keys": [{**signer.jwk, "crv": "Ed448"}]},
        {"keys": [{**signer.jwk, "x": None}]},
        {"keys": [{**signer.jwk, "revoked_at": None}]},
        {"keys": [{**signer.jwk, "revoked_at": "2020-01-01T00:00:00Z"}]},
        {"keys": [{**signer.jwk, "kid": signer.kid.lower()}]},
        {"keys": [signer.jwk, signer.jwk]},
        {"keys": ["not a key", [], signer.jwk]},
        {"keys": {}},
        [],
    ]
    items += [{"code": code, "jwks": key_set} for key_set in key_sets]
    # The all-zero key is a point of small order: both sides accept the all-zero signature.
    zero_key = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(bytes(32)), "kid": "z"}
    zero_signed = "https://t.vn/b/Z-1?k=z&s=" + b64url_encode(bytes(64))
    items.append({"code": zero_signed, "jwks": {"keys": [zero_key]}})
    return items


def test_codes_and_key_sets_at_the_borders_get_the_same_verdicts(verifier_page: Page):
    items = edge_cases()
    in_browser = [result["verdict"] for result in browser_results(verifier_page, items)]
    on_server = [python_verdict(item["code"], item["jwks"]) for item in items]
    assert list(zip(in_browser, on_server, strict=True)) == [(v, v) for v in on_server]
    assert {
        "valid",
        "malformed code",
        "unknown key",
        "bad signature",
        "revoked key",
        "InvalidKeySet",
    } <= set(on_server)


def test_a_code_that_is_not_text_is_malformed_in_the_browser(verifier_page: Page):
    items = [{"code": value, "jwks": {"keys": []}} for value in (None, 42, ["https://t.vn"])]
    assert [result["verdict"] for result in browser_results(verifier_page, items)] == [
        "malformed code"
    ] * 3


RECALLED = [
    {
        "gtin": "08934567000017",
        "lot": "ST25-260115-02",
        "batch_code": "HTXCM-ST25-260115-02",
        "recalled_at": "2026-02-01T08:00:00Z",
        "reason": "Dư lượng thuốc bảo vệ thực vật",
    },
    {
        "gtin": "08934567000024",
        "lot": "ST25-260115-01",
        "batch_code": "HTXAB-ST25-260115-01",
        "recalled_at": "2026-02-02T08:00:00Z",
        "reason": "another product, the same lot",
    },
    {
        "gtin": "08934567000017",
        "lot": "ST25-260115-01",
        "batch_code": "HTXCM-ST25-260115-01",
        "recalled_at": "2026-02-03T08:00:00Z",
        "reason": "Nhiễm khuẩn",
    },
]


def corpus_code(name: str) -> str:
    code: str = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))["code"]
    return code


@pytest.mark.parametrize(
    ("case", "recalled", "expected"),
    [
        ("valid-gtin-batch", RECALLED, RECALLED[2]),
        ("valid-gtin-unit", RECALLED, RECALLED[2]),
        ("valid-b-batch", RECALLED, RECALLED[2]),
        ("valid-b-unit", RECALLED, RECALLED[2]),
        ("valid-gtin-batch", RECALLED[:2], None),
        ("valid-b-unit", RECALLED[:2], None),
        ("valid-b-unit", [{**RECALLED[2], "batch_code": None}], None),
        ("valid-gtin-unit", [{**RECALLED[2], "gtin": None, "lot": None}], None),
        ("valid-gtin-unit", [], None),
        # A roll code names no batch until activated online.
        ("valid-preprinted-gtin", [{**RECALLED[2], "lot": None, "batch_code": None}], None),
        ("valid-preprinted-prefix", [{**RECALLED[2], "gtin": None, "lot": None}], None),
        ("valid-preprinted-prefix", [{**RECALLED[2], "batch_code": None}], None),
        (None, RECALLED, None),
    ],
)
def test_recall_of_finds_the_entry_naming_the_codes_batch(
    verifier_page: Page, case: str | None, recalled: list[dict[str, Any]], expected: Any
):
    code = corpus_code(case) if case else None
    assert verifier_page.evaluate(RECALL_OF, [MODULE, code, recalled]) == expected
