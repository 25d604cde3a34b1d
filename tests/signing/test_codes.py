"""Label codes: the public format (README, "Label codes"), built, signed, parsed strictly,
verified."""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import json
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.bench.code_sizes import sample_codes
from tests.code_checks import check_code, qr_version
from trace.signing.codes import (
    CodeError,
    InvalidKeySet,
    InvalidLabelData,
    LabelData,
    MalformedCode,
    ParsedCode,
    Verdict,
    build_unsigned,
    encode_value,
    issue_code,
    parse_code,
    sign_code,
    verify_signature,
)

BASE = "https://truyxuat.ca-mau.gov.vn"
KID = "kid-one_001"
GTIN = "08934567000017"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))


def jwk(key: Ed25519PrivateKey, kid: str, **extra: Any) -> dict[str, Any]:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, **extra}


JWKS = {"keys": [jwk(KEY, KID)]}

BATCH = LabelData(BASE, gtin=GTIN, lot="ST25-260115-01")
UNIT = LabelData(BASE, gtin=GTIN, lot="ST25-260115-01", serial="K7Q2M9X4TB")
DATED = LabelData(
    BASE,
    gtin=GTIN,
    lot="ST25-260115-01",
    produced_on=date(2026, 1, 15),
    packed_on=date(2026, 1, 16),
    expires_on=date(2027, 1, 15),
    harvested_on=date(2026, 1, 10),
)
PLAIN_BATCH = LabelData(BASE, batch_code="HTXCM-ST25-260115-01")
PLAIN_UNIT = LabelData(BASE, batch_code="HTXCM-ST25-260115-01", serial="K7Q2M9X4TB")
ROLL_GTIN = LabelData(BASE, gtin=GTIN, serial="R0001-00001")
ROLL_PREFIX = LabelData(BASE, prefix="HTXCM", serial="R0001-00001")


def independent_verify(code: str, jwks: dict[str, Any]) -> bool:
    """The check a third party writes from the README alone: only ``cryptography`` and the JWKS."""
    signed, _, signature = code.rpartition("&s=")
    kid = signed.rpartition("k=")[2]
    (key,) = [k for k in jwks["keys"] if k["kid"] == kid]
    public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(key["x"] + "=="))
    try:
        public.verify(base64.urlsafe_b64decode(signature + "=="), signed.encode("utf-8"))
    except InvalidSignature:
        return False
    return True


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (BATCH, f"{BASE}/01/{GTIN}/10/ST25-260115-01?k={KID}"),
        (UNIT, f"{BASE}/01/{GTIN}/10/ST25-260115-01/21/K7Q2M9X4TB?k={KID}"),
        (
            DATED,
            f"{BASE}/01/{GTIN}/10/ST25-260115-01?11=260115&13=260116&17=270115&7007=260110&k={KID}",
        ),
        (PLAIN_BATCH, f"{BASE}/b/HTXCM-ST25-260115-01?k={KID}"),
        (PLAIN_UNIT, f"{BASE}/b/HTXCM-ST25-260115-01/K7Q2M9X4TB?k={KID}"),
        (ROLL_GTIN, f"{BASE}/01/{GTIN}/21/R0001-00001?k={KID}"),
        (ROLL_PREFIX, f"{BASE}/b/HTXCM/R0001-00001?k={KID}"),
    ],
)
def test_build_then_sign_then_parse_and_verify(data: LabelData, expected: str) -> None:
    unsigned = build_unsigned(data, KID)
    assert unsigned == expected
    code = sign_code(unsigned, KID, KEY)
    assert code.startswith(unsigned + "&s=")
    assert len(code) == len(unsigned) + 3 + 86
    parsed = parse_code(code)
    assert parsed.data == data
    assert parsed.kid == KID
    assert parsed.signed_bytes == unsigned.encode()
    assert KEY.public_key().verify(parsed.signature, unsigned.encode()) is None
    assert verify_signature(parsed, JWKS) is Verdict.VALID
    assert independent_verify(code, JWKS)


def test_base_url_trailing_slash_and_path_prefix() -> None:
    data = LabelData("http://127.0.0.1:5000/trace/", batch_code="A-1")
    code = issue_code(data, KID, KEY)
    assert code.startswith("http://127.0.0.1:5000/trace/b/A-1?k=")
    assert parse_code(code).base_url == "http://127.0.0.1:5000/trace"


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("ST25-01._x", "ST25-01._x"),
        ("A/B", "A%2FB"),
        ("50%", "50%25"),
        ("a!\"&'()*+,:;<=>?", "a%21%22%26%27%28%29%2A%2B%2C%3A%3B%3C%3D%3E%3F"),
    ],
)
def test_percent_encoding_keeps_unreserved_only(value: str, encoded: str) -> None:
    assert encode_value(value) == encoded
    code = issue_code(LabelData(BASE, gtin=GTIN, lot=value, serial=value), KID, KEY)
    assert f"/10/{encoded}/21/{encoded}?" in code
    parsed = parse_code(code)
    assert (parsed.data.lot, parsed.data.serial) == (value, value)


@pytest.mark.parametrize(
    "data",
    [
        LabelData(BASE, gtin="08934567000018", lot="A"),  # check digit
        LabelData(BASE, gtin="8934567000017", lot="A"),  # 13 digits
        LabelData(BASE, gtin=GTIN),  # no lot
        LabelData(BASE, gtin=GTIN, lot="A" * 21),
        LabelData(BASE, gtin=GTIN, lot="Lô-1"),  # outside AI 82
        LabelData(BASE, gtin=GTIN, lot="A", serial="~"),
        LabelData(BASE),  # neither GTIN nor batch code
        LabelData(BASE, batch_code="A" * 30),
        LabelData("ftp://example.org", batch_code="A"),
        LabelData("https://Example.org", batch_code="A"),
        LabelData("https://example.org/b", batch_code="A"),
        LabelData("https://example.org?x=1", batch_code="A"),
        LabelData(BASE, batch_code="A-1", expires_on=date(2100, 1, 1)),
        LabelData(BASE, batch_code="HTXCM"),  # a batch code holds a hyphen
        LabelData(BASE, batch_code="HTXCM", serial="1"),
        LabelData(BASE, prefix="HTXCM"),  # a prefix alone names nothing
        LabelData(BASE, prefix="HTXCM", batch_code="HTXCM-1", serial="1"),
        LabelData(BASE, prefix="HTXCM", gtin=GTIN, serial="1"),
        LabelData(BASE, prefix="htxcm", serial="1"),  # lower case
        LabelData(BASE, prefix="H", serial="1"),  # too short
        LabelData(BASE, prefix="HTXCM-1", serial="1"),  # a hyphen: that is a batch code
        LabelData(BASE, prefix="ABCDEFGHI", serial="1"),  # 9 characters
        LabelData(BASE, prefix="HTXCM", serial="1", expires_on=date(2027, 1, 1)),  # undated
        LabelData(BASE, gtin=GTIN, serial="1", packed_on=date(2027, 1, 1)),
        LabelData(BASE, gtin="08934567000018", serial="1"),
        LabelData(BASE, gtin=GTIN, serial="S" * 21),
    ],
)
def test_data_that_cannot_make_a_code_is_refused(data: LabelData) -> None:
    with pytest.raises(InvalidLabelData):
        build_unsigned(data, KID)


def test_sign_code_checks_its_key_and_kid() -> None:
    unsigned = build_unsigned(BATCH, KID)
    with pytest.raises(InvalidLabelData):
        sign_code(unsigned, "another", KEY)
    with pytest.raises(InvalidLabelData):
        sign_code(unsigned, KID, "not a key")  # type: ignore[arg-type]
    with pytest.raises(InvalidLabelData):
        build_unsigned(BATCH, "bad kid!")


SIGNED = issue_code(DATED, KID, KEY)
SIGNED_UNIT = issue_code(UNIT, KID, KEY)
SIG = SIGNED.rpartition("&s=")[2]
SIGNED_ROLL_GTIN = issue_code(ROLL_GTIN, KID, KEY)
SIGNED_ROLL_PREFIX = issue_code(ROLL_PREFIX, KID, KEY)


@pytest.mark.parametrize(
    "text",
    [
        "",
        SIGNED.replace("https://", "ftp://"),
        SIGNED.replace("https://", "HTTPS://"),
        SIGNED.replace("truyxuat", "TRUYXUAT"),
        SIGNED.replace("/01/", "/1/"),
        SIGNED.replace(GTIN, "08934567000018"),  # check digit
        SIGNED.replace(GTIN, GTIN[1:]),
        SIGNED.replace("/10/", "/22/"),
        SIGNED_UNIT.replace("/21/", "/22/"),
        SIGNED_UNIT.replace("/21/K7Q2M9X4TB", "/21/K7Q2M9X4TB/21/X"),
        SIGNED.replace("ST25-260115-01", "ST25-260115-01-ABCDEF"),  # lot > 20
        SIGNED.replace("ST25-260115-01", "ST25%2d260115-01"),  # lower-case hex
        SIGNED.replace("ST25-260115-01", "ST25%2D260115-01"),  # encodes an unreserved char
        SIGNED.replace("ST25-260115-01", "ST25!260115-01"),  # raw reserved char
        SIGNED.replace("ST25-260115-01", "ST25%7E260115-01"),  # ~ is not AI 82
        SIGNED.replace("ST25-260115-01", "ST25%C3%B4"),  # non-ASCII
        SIGNED.replace("ST25-260115-01", "ST25%2"),
        SIGNED.replace("/10/ST25-260115-01", "/10/ST25-260115-01/"),  # trailing slash
        SIGNED.replace("11=260115", "11=260231"),  # not a day
        SIGNED.replace("11=260115", "11=260100"),  # day 00 is refused
        SIGNED.replace("11=260115", "11=26011"),
        SIGNED.replace("11=260115&13=260116", "13=260116&11=260115"),  # reordered
        SIGNED.replace("11=260115", "11=260115&11=260115"),  # repeated
        SIGNED.replace("11=260115", "10=260115"),  # unknown
        SIGNED.replace("11=260115", "11="),
        SIGNED.replace(f"k={KID}&", ""),  # no key id
        SIGNED.replace(f"&k={KID}", "") + f"&k={KID}",  # k after s
        SIGNED.replace(f"k={KID}", "k=bad!kid"),
        SIGNED[:-1],  # truncated signature
        SIGNED + "A",
        SIGNED + "==",  # padded
        SIGNED[:-3] + "+/A",  # standard base64 alphabet
        SIGNED + "#x",
        SIGNED + " ",
        " " + SIGNED,
        SIGNED.replace("&s=", "&x=1&s="),
        SIGNED.replace("?", "/?"),
        f"{BASE}/b/?k={KID}&s={SIG}",
        f"{BASE}/b/A/B/C?k={KID}&s={SIG}",
        f"{BASE}/x/A?k={KID}&s={SIG}",
        f"{BASE}/b/A?s={SIG}",  # ?s= with no key id
        f"https://{'a' * 500}.vn/b/A?k={KID}&s={SIG}",  # over-long
        # Pre-printed forms: exactly /01/{gtin}/21/{serial} and /b/{PREFIX}/{serial}, undated.
        SIGNED_ROLL_GTIN.replace("/21/", "/22/"),
        SIGNED_ROLL_GTIN.replace(GTIN, "08934567000018"),
        SIGNED_ROLL_GTIN.replace("/21/R0001-00001", "/21/"),
        SIGNED_ROLL_GTIN.replace("/21/R0001-00001", "/21/R0001-00001/"),
        SIGNED_ROLL_GTIN.replace("/21/R0001-00001", "/21/R0001-00001/21/X"),
        SIGNED_ROLL_GTIN.replace("R0001-00001", "R0001%2D000001"),
        SIGNED_ROLL_GTIN.replace("R0001-00001", "R" * 21),
        SIGNED_ROLL_GTIN.replace("?k=", "?17=270101&k="),  # a roll is printed undated
        SIGNED_ROLL_PREFIX.replace("/b/HTXCM/", "/b/htxcm/"),
        SIGNED_ROLL_PREFIX.replace("/b/HTXCM/", "/b/H/"),
        SIGNED_ROLL_PREFIX.replace("/b/HTXCM/", "/b/ABCDEFGHI/"),
        SIGNED_ROLL_PREFIX.replace("/b/HTXCM/", "/b/HTX%43M/"),
        SIGNED_ROLL_PREFIX.replace("/b/HTXCM/", "/b/HTX.CM/"),
        SIGNED_ROLL_PREFIX.replace("/R0001-00001", ""),  # a prefix alone
        SIGNED_ROLL_PREFIX.replace("/R0001-00001", "/R0001-00001/X"),
        SIGNED_ROLL_PREFIX.replace("?k=", "?13=270101&k="),
    ],
)
def test_malformed_codes_are_refused(text: str) -> None:
    with pytest.raises(MalformedCode) as caught:
        parse_code(text)
    assert caught.value.reason
    assert check_code(text, JWKS) is Verdict.MALFORMED_CODE


def test_signature_trailing_bits_must_be_zero() -> None:
    # The 86th character holds 4 bits; the two spare bits must be zero (canonical base64url).
    last = SIGNED[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    sibling = alphabet[alphabet.index(last) + 1]
    with pytest.raises(MalformedCode):
        parse_code(SIGNED[:-1] + sibling)


def test_verdicts_of_keys() -> None:
    parsed = parse_code(SIGNED)
    assert verify_signature(parsed, {"keys": []}) is Verdict.UNKNOWN_KEY
    assert verify_signature(parsed, {"keys": [jwk(OTHER_KEY, KID)]}) is Verdict.BAD_SIGNATURE
    revoked = {"keys": [jwk(KEY, KID, revoked_at="2026-03-01T00:00:00Z")]}
    assert verify_signature(parsed, revoked) is Verdict.REVOKED_KEY
    for wrong in ({"kty": "EC"}, {"crv": "X25519"}, {"x": "AAAA"}, {"x": 5}, {"x": "!"}):
        assert verify_signature(parsed, {"keys": [{**jwk(KEY, KID), **wrong}]}) is (
            Verdict.UNKNOWN_KEY
        )
    forged = issue_code(DATED, KID, OTHER_KEY)
    assert check_code(forged, revoked) is Verdict.BAD_SIGNATURE
    assert check_code(SIGNED.replace("truyxuat.", "truyxuat-"), JWKS) is Verdict.BAD_SIGNATURE


@pytest.mark.parametrize("jwks", [{}, {"keys": {}}, [], {"keys": [jwk(KEY, KID), jwk(KEY, KID)]}])
def test_a_broken_key_set_raises_our_error(jwks: Any) -> None:
    with pytest.raises(InvalidKeySet):
        check_code(SIGNED, jwks)


def test_qr_versions_meet_the_goals() -> None:
    codes = sample_codes()
    assert qr_version(codes["GTIN batch"]) <= 9
    assert qr_version(codes["GTIN batch, expiry"]) <= 9
    assert qr_version(codes["GTIN unit"]) <= 10
    assert all(qr_version(code) <= 10 for code in codes.values())


values = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._!\"%&'()*+,/:;<=>?",
    min_size=1,
    max_size=20,
)
days = st.none() | st.dates(date(2000, 1, 1), date(2099, 12, 31))
gtins = st.text(alphabet="0123456789", min_size=13, max_size=13).map(
    lambda digits: (
        digits
        + str((10 - sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(digits)) % 10) % 10)
    )
)
batch_codes = st.tuples(values, values).map(lambda pair: f"{pair[0][:8]}-{pair[1]}")
prefixes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=2, max_size=8)
label_data = (
    st.builds(
        LabelData,
        base_url=st.sampled_from([BASE, "http://127.0.0.1:5000", "https://x.vn/qr"]),
        gtin=gtins,
        lot=values,
        serial=st.none() | values,
        produced_on=days,
        packed_on=days,
        expires_on=days,
        harvested_on=days,
    )
    | st.builds(
        LabelData,
        base_url=st.just(BASE),
        batch_code=batch_codes,
        serial=st.none() | values,
        expires_on=days,
    )
    | st.builds(LabelData, base_url=st.just(BASE), gtin=gtins, serial=values)
    | st.builds(LabelData, base_url=st.just(BASE), prefix=prefixes, serial=values)
)


@settings(max_examples=200, deadline=None)
@given(data=label_data)
def test_issue_then_verify_is_valid(data: LabelData) -> None:
    code = issue_code(data, KID, KEY)
    assert parse_code(code).data == data
    assert check_code(code, JWKS) is Verdict.VALID
    assert independent_verify(code, JWKS)


@settings(max_examples=300, deadline=None)
@given(data=label_data, position=st.integers(min_value=0), replacement=st.characters())
def test_any_single_character_change_is_rejected(
    data: LabelData, position: int, replacement: str
) -> None:
    code = issue_code(data, KID, KEY)
    index = position % len(code)
    if code[index] == replacement:
        return
    tampered = code[:index] + replacement + code[index + 1 :]
    assert check_code(tampered, JWKS) is not Verdict.VALID


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=600) | st.builds(lambda t: SIGNED[: len(SIGNED) // 2] + t, st.text()))
def test_verification_raises_only_our_errors(text: str) -> None:
    with contextlib.suppress(CodeError):
        verify_signature(parse_code(text), JWKS)


CORPUS = Path(__file__).resolve().parents[1] / "data" / "codes"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("codes_corpus", CORPUS / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.json")), ids=lambda path: path.stem)
def test_conformance_case(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    assert set(case) == {"description", "code", "jwks", "now", "expected"}
    verdict = check_code(case["code"], case["jwks"])
    assert verdict.value == case["expected"]["reason"]
    assert verdict.is_valid is case["expected"]["valid"]


def test_conformance_corpus_is_large_and_reproducible(tmp_path: Path) -> None:
    written = load_generator().write(tmp_path)
    committed = sorted(CORPUS.glob("*.json"))
    assert len(committed) >= 30
    assert sorted(path.name for path in written) == [path.name for path in committed]
    for path in committed:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
    reasons = {json.loads(path.read_text())["expected"]["reason"] for path in committed}
    assert reasons == {"valid", "malformed code", "unknown key", "bad signature", "revoked key"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=12,
)
key_entries = st.fixed_dictionaries(
    {"kid": st.sampled_from([KID, "other"]) | st.text(max_size=5)},
    optional={
        "kty": st.sampled_from(["OKP", "EC", "RSA"]) | json_values,
        "crv": st.sampled_from(["Ed25519", "X25519"]) | json_values,
        "x": st.sampled_from([JWKS["keys"][0]["x"], jwk(OTHER_KEY, KID)["x"], "", "AA=="])
        | json_values,
        "revoked_at": json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(jwks=json_values | st.fixed_dictionaries({"keys": st.lists(key_entries | json_values)}))
def test_any_key_set_gives_a_verdict_or_our_error(jwks: Any) -> None:
    with contextlib.suppress(CodeError):
        assert isinstance(check_code(SIGNED, jwks), Verdict)


def test_a_parsed_code_with_a_short_signature_is_a_bad_signature() -> None:
    parsed = parse_code(SIGNED)
    short = ParsedCode(parsed.text, parsed.signed_text, parsed.kid, b"\0" * 10, parsed.data)
    assert verify_signature(short, JWKS) is Verdict.BAD_SIGNATURE


def test_preprinted_codes_name_no_batch_and_cannot_pass_for_one() -> None:
    gtin_roll = parse_code(SIGNED_ROLL_GTIN).data
    prefix_roll = parse_code(SIGNED_ROLL_PREFIX).data
    assert gtin_roll.is_preprinted
    assert prefix_roll.is_preprinted
    assert (gtin_roll.lot, gtin_roll.batch_code, gtin_roll.prefix) == (None, None, None)
    assert (prefix_roll.prefix, prefix_roll.batch_code) == ("HTXCM", None)
    assert not parse_code(SIGNED_UNIT).data.is_preprinted
    assert not parse_code(issue_code(PLAIN_UNIT, KID, KEY)).data.is_preprinted
    # A roll code re-spelled as a lot or a batch code no longer carries its signature.
    as_lot = SIGNED_ROLL_GTIN.replace("/21/", "/10/")
    assert parse_code(as_lot).data.lot == "R0001-00001"
    assert check_code(as_lot, JWKS) is Verdict.BAD_SIGNATURE
    as_batch = SIGNED_ROLL_PREFIX.replace("/b/HTXCM/", "/b/HTXCM-R/")
    assert check_code(as_batch, JWKS) is Verdict.BAD_SIGNATURE
