// The label verifier in the browser: the verdict the server's offline check gives
// (trace.signing.verification.verify_offline) with nothing but the key set, so market
// inspectors can check labels with no network. A plain ES module: no build, no dependencies.
//
//   parseCode(text)             -> the code read strictly, or throws MalformedCode
//   await verifyCode(text, jwks) -> {verdict, parsed}: verdict is one of VERDICTS, the
//                                  "reason" strings of the verify API (trace/signing/answers.py)
//   recallOf(parsed, recalledLots) -> the entry of recalledLots naming the code's batch, or null
//
// jwks is the key set served at /.well-known/jwks.json. recalledLots is the list of recalled
// lots the verify page keeps with it, each entry
//   {gtin: "08934567000017" | null, lot: "ST25-260115-01" | null,
//    batch_code: "HTXCM-ST25-260115-01" | null, recalled_at: "<RFC 3339>", reason: "<text>"}
// A GTIN code (/01/{gtin}/10/{lot}) matches an entry by gtin and lot, a platform code
// (/b/{batch code}) by batch_code; a unit code matches the entry of its batch. A pre-printed
// code (/01/{gtin}/21/{serial} or /b/{PREFIX}/{serial}, printed on a roll before packing)
// names no batch until it is activated online: it matches no entry (isPreprinted).
//
// Every rule below mirrors a function of trace/signing/codes.py (named in its comment): a code
// is accepted only when it is exactly the text the platform writes, because the signature
// covers that text. Change both sides together; tests/browser/test_label_verifier.py runs
// the code corpus through both.

export const VERDICTS = Object.freeze({
  VALID: "valid",
  MALFORMED_CODE: "malformed code",
  UNKNOWN_KEY: "unknown key",
  BAD_SIGNATURE: "bad signature",
  REVOKED_KEY: "revoked key",
});

const MAX_CODE_LENGTH = 512;
const VALUE_MAX_LENGTH = 20;
const BATCH_CODE_MAX_LENGTH = 29;
const SIGNATURE_LENGTH = 86; // unpadded base64url of 64 bytes
const DATE_KEYS = ["11", "13", "17", "7007"];
const DATE_FIELDS = {
  "11": "producedOn", "13": "packedOn", "17": "expiresOn", "7007": "harvestedOn",
};

const UNRESERVED = new Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._");
// GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1).
const AI82 = new Set([...UNRESERVED, ..."!\"%&'()*+,/:;<=>?"]);
const BASE = /^(https?):\/\/([a-z0-9.-]+(?::[0-9]{1,5})?)((?:\/[A-Za-z0-9._~-]+)*)$/;
const ADDRESS = /^(https?:\/\/[^/?]+(?:\/[^/?]*)*?)\/(01|b)(\/[^?]*)$/;
const KID = /^[A-Za-z0-9_-]{1,64}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;
const B64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const URL_CHARS = /^[\x21-\x7e]*$/;
const PREFIX = /^[A-Z0-9]{2,8}$/;

/** Thrown by parseCode when a text is not a label code exactly as issued (MalformedCode). */
export class MalformedCode extends Error {
  constructor(reason) {
    super(reason);
    this.name = "MalformedCode";
    this.reason = reason;
  }
}

/** Thrown when the key set is not {keys: [...]} or repeats a key id (InvalidKeySet). */
export class InvalidKeySet extends Error {
  constructor(reason) {
    super(reason);
    this.name = "InvalidKeySet";
  }
}

/** Read a scanned code strictly; mirrors parse_code. */
export function parseCode(text) {
  if (typeof text !== "string") throw new MalformedCode("not text");
  if (text.length > MAX_CODE_LENGTH) {
    throw new MalformedCode(`longer than ${MAX_CODE_LENGTH} characters`);
  }
  if (!URL_CHARS.test(text)) {
    throw new MalformedCode("holds spaces or characters outside printable ASCII");
  }
  if (text.includes("#")) throw new MalformedCode("holds a fragment");
  // Python's text.rpartition("s="), then the one character before it.
  const at = text.lastIndexOf("s=");
  const before = at < 0 ? "" : text.slice(0, at);
  const signedText = before.slice(0, -1);
  const joiner = before.slice(-1);
  if (at < 0 || joiner !== (signedText.includes("?") ? "&" : "?")) {
    throw new MalformedCode("no signature: s must be the last parameter, after &");
  }
  const signature = decodeSignature(text.slice(at + 2));
  const question = signedText.indexOf("?");
  const address = question < 0 ? signedText : signedText.slice(0, question);
  const params = queryParams(question < 0 ? "" : signedText.slice(question + 1));
  const kid = params.get("k");
  params.delete("k");
  if (kid === undefined) throw new MalformedCode("no key id: k must come just before s");
  if (!KID.test(kid)) throw new MalformedCode("key id is not base64url");
  const data = labelData(address, params);
  if (buildUnsigned(data, kid) !== signedText) {
    throw new MalformedCode("not written as issued (order, case or percent-encoding)");
  }
  const signedBytes = new TextEncoder().encode(signedText);
  return {...data, kid, signature, signedBytes, text, signedText};
}

/** Parse and verify: the offline verdict, as verify_offline gives it. */
export async function verifyCode(text, jwks) {
  let parsed;
  try {
    parsed = parseCode(text);
  } catch (error) {
    if (error instanceof MalformedCode) return {verdict: VERDICTS.MALFORMED_CODE, parsed: null};
    throw error;
  }
  return {verdict: await verifySignature(parsed, jwks), parsed};
}

/**
 * Check a parsed code's signature against the key set; mirrors verify_signature.
 *
 * The signature is checked before revocation, so "revoked key" means the key really signed
 * the label; any revoked_at counts, whatever the clock (a code carries no signing time).
 */
export async function verifySignature(parsed, jwks) {
  const jwk = findKey(jwks, parsed.kid);
  if (jwk === null) return VERDICTS.UNKNOWN_KEY;
  const raw = publicKeyBytes(jwk);
  if (raw === null) return VERDICTS.UNKNOWN_KEY;
  if (!(await signatureChecks(raw, parsed.signature, parsed.signedBytes))) {
    return VERDICTS.BAD_SIGNATURE;
  }
  return own(jwk, "revoked_at") != null ? VERDICTS.REVOKED_KEY : VERDICTS.VALID;
}

// Ed25519 over the signed bytes. A browser without Ed25519 throws NotSupportedError: that is
// no verdict, so it propagates for the page to say it cannot check offline. Python accepts
// any 32 bytes as a key and fails the signature when they are not a curve point; a browser
// refusing such a key (DataError) gives the same "bad signature" (Chromium 156 accepts them).
async function signatureChecks(raw, signature, signedBytes) {
  let key;
  try {
    key = await crypto.subtle.importKey("raw", raw, {name: "Ed25519"}, false, ["verify"]);
  } catch (error) {
    if (error.name === "DataError") return false;
    throw error;
  }
  return crypto.subtle.verify({name: "Ed25519"}, key, signature, signedBytes);
}

/** The recall entry naming the batch of a parsed code, or null (see the top of this file). */
export function recallOf(parsed, recalledLots) {
  if (!parsed || !Array.isArray(recalledLots) || isPreprinted(parsed)) return null;
  const found = recalledLots.find((entry) =>
    parsed.gtin !== null
      ? entry.gtin === parsed.gtin && entry.lot === parsed.lot
      : entry.batch_code === parsed.batchCode,
  );
  return found ?? null;
}

// Mirrors build_unsigned (and _path, _check_value): the text up to k= as the platform writes
// it. Its InvalidLabelData becomes MalformedCode here, as parse_code turns it.
function buildUnsigned(data, kid) {
  const base = data.baseUrl.replace(/\/+$/, "");
  if (!isBaseUrl(base)) throw new MalformedCode(`base URL ${base} is not http(s)://host[/path]`);
  if (!KID.test(kid)) throw new MalformedCode("key id must be 1 to 64 base64url characters");
  const query = DATE_KEYS.filter((key) => data.dates[DATE_FIELDS[key]] !== null).map(
    (key) => `${key}=${yymmdd(data.dates[DATE_FIELDS[key]])}`,
  );
  query.push(`k=${kid}`);
  return `${base}${path(data)}?${query.join("&")}`;
}

/** A code printed on a roll before packing: a serial under a GTIN or a prefix alone. */
export function isPreprinted(parsed) {
  return parsed.serial !== null && parsed.lot === null && parsed.batchCode === null;
}

function path(data) {
  const {gtin, lot, batchCode, serial, prefix} = data;
  if (serial !== null) checkValue("serial", serial, VALUE_MAX_LENGTH);
  if (isPreprinted(data)) return preprintedPath(data);
  if (prefix !== null) throw new MalformedCode("a cooperative prefix goes with a serial alone");
  if (gtin !== null) {
    if (!isGtin14(gtin)) throw new MalformedCode("GTIN must be 14 digits with a right check digit");
    if (lot === null) throw new MalformedCode("a GTIN code needs a lot");
    checkValue("lot", lot, VALUE_MAX_LENGTH);
    const unit = serial !== null ? `/21/${encodeValue(serial)}` : "";
    return `/01/${gtin}/10/${encodeValue(lot)}${unit}`;
  }
  if (batchCode === null) throw new MalformedCode("a code without a GTIN needs a batch code");
  checkValue("batch code", batchCode, BATCH_CODE_MAX_LENGTH);
  if (!batchCode.includes("-")) throw new MalformedCode("a batch code holds a hyphen (prefix-lot)");
  const unit = serial !== null ? `/${encodeValue(serial)}` : "";
  return `/b/${encodeValue(batchCode)}${unit}`;
}

// Mirrors _preprinted_path.
function preprintedPath({gtin, serial, prefix, dates}) {
  if (Object.values(dates).some((day) => day !== null)) {
    throw new MalformedCode("a pre-printed code carries no date");
  }
  if (gtin !== null) {
    if (prefix !== null) {
      throw new MalformedCode("a pre-printed code names a GTIN or a prefix, not both");
    }
    if (!isGtin14(gtin)) throw new MalformedCode("GTIN must be 14 digits with a right check digit");
    return `/01/${gtin}/21/${encodeValue(serial)}`;
  }
  if (prefix === null || !PREFIX.test(prefix)) {
    throw new MalformedCode("a pre-printed code needs a GTIN or a prefix of 2-8 A-Z or 0-9");
  }
  return `/b/${prefix}/${encodeValue(serial)}`;
}

function checkValue(name, value, maxLength) {
  if (value.length < 1 || value.length > maxLength) {
    throw new MalformedCode(`${name} must be 1 to ${maxLength} characters`);
  }
  if (![...value].every((char) => AI82.has(char))) {
    throw new MalformedCode(`${name} holds a character outside the GS1 AI 82 set`);
  }
}

// Mirrors encode_value: unreserved characters stay, every other one becomes %XX (upper case).
function encodeValue(value) {
  const hex = (char) => char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");
  return [...value].map((char) => (UNRESERVED.has(char) ? char : `%${hex(char)}`)).join("");
}

// Mirrors is_base_url and _reserved_segment.
function isBaseUrl(text) {
  const match = BASE.exec(text.replace(/\/+$/, ""));
  const reserved = (segment) => segment === "01" || segment === "b";
  return match !== null && !match[3].split("/").some(reserved);
}

// Mirrors _yymmdd; dates here are ISO strings 20YY-MM-DD, so always within 2000-2099.
function yymmdd(isoDay) {
  return isoDay.slice(2, 4) + isoDay.slice(5, 7) + isoDay.slice(8, 10);
}

// Mirrors gtin_check_digit and is_gtin14.
function isGtin14(text) {
  if (!/^[0-9]{14}$/.test(text)) return false;
  let total = 0;
  for (let index = 0; index < 13; index += 1) {
    total += Number(text[index]) * (index % 2 === 0 ? 3 : 1);
  }
  return String((10 - (total % 10)) % 10) === text[13];
}

// Mirrors _decode_signature.
function decodeSignature(text) {
  if (text.length !== SIGNATURE_LENGTH) {
    throw new MalformedCode(`signature must be ${SIGNATURE_LENGTH} base64url characters`);
  }
  const raw = b64urlDecode(text);
  if (raw === null) throw new MalformedCode("signature is not unpadded base64url");
  return raw;
}

// Mirrors _query_params; a Map, so that no name can reach an object's prototype.
function queryParams(query) {
  const params = new Map();
  for (const pair of query ? query.split("&") : []) {
    const equals = pair.indexOf("=");
    const name = equals < 0 ? pair : pair.slice(0, equals);
    const value = equals < 0 ? "" : pair.slice(equals + 1);
    if (equals < 0 || !value) throw new MalformedCode(`parameter ${name} has no value`);
    if (!DATE_KEYS.includes(name) && name !== "k") {
      throw new MalformedCode(`unknown parameter ${name}`);
    }
    if (params.has(name)) throw new MalformedCode(`parameter ${name} is repeated`);
    params.set(name, value);
  }
  return params;
}

// Mirrors _label_data: what the path and the date parameters say.
function labelData(address, dateParams) {
  const match = ADDRESS.exec(address);
  if (match === null) throw new MalformedCode("not an http(s) URL with a /01/ or /b/ path");
  const [, baseUrl, kind, rest] = match;
  const segments = rest.split("/").slice(1).map(decodeValue);
  const dates = {producedOn: null, packedOn: null, expiresOn: null, harvestedOn: null};
  for (const [key, value] of dateParams) dates[DATE_FIELDS[key]] = parseDate(key, value);
  if (kind === "01") {
    if (segments.length === 3 && segments[1] === "21") {
      if (!isGtin14(segments[0])) {
        throw new MalformedCode("GTIN is not 14 digits with a right check digit");
      }
      return {
        baseUrl, gtin: segments[0], lot: null, batchCode: null, serial: segments[2], dates,
        prefix: null,
      };
    }
    const unitMarkerOk = segments.length === 3 || segments[3] === "21";
    if (![3, 5].includes(segments.length) || segments[1] !== "10" || !unitMarkerOk) {
      throw new MalformedCode(
        "a GS1 path is /01/{gtin}/10/{lot}[/21/{serial}] or /01/{gtin}/21/{serial}",
      );
    }
    if (!isGtin14(segments[0])) {
      throw new MalformedCode("GTIN is not 14 digits with a right check digit");
    }
    const serial = segments.length === 5 ? segments[4] : null;
    return {baseUrl, gtin: segments[0], lot: segments[2], batchCode: null, serial, dates, prefix: null};
  }
  if (![1, 2].includes(segments.length)) {
    throw new MalformedCode("a batch path is /b/{batch code}[/{serial}] or /b/{prefix}/{serial}");
  }
  const serial = segments.length === 2 ? segments[1] : null;
  if (!segments[0].includes("-")) {
    // No batch code lacks a hyphen: a first segment without one is a cooperative prefix.
    if (serial === null) throw new MalformedCode("a batch code holds a hyphen; a prefix needs a serial");
    return {baseUrl, gtin: null, lot: null, batchCode: null, serial, dates, prefix: segments[0]};
  }
  return {baseUrl, gtin: null, lot: null, batchCode: segments[0], serial, dates, prefix: null};
}

// Mirrors _decode_value: each %XX becomes one character; the result must be GS1 AI 82.
function decodeValue(segment) {
  const decoded = segment.replace(/%([0-9A-Fa-f]{2})/g, (_, hex) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
  if (!decoded || ![...decoded].every((char) => AI82.has(char))) {
    throw new MalformedCode("a path value is empty or outside the GS1 AI 82 set");
  }
  return decoded;
}

// Mirrors _parse_date: YYMMDD read as 20YY, a real calendar day; returned as 20YY-MM-DD.
function parseDate(key, value) {
  if (!/^[0-9]{6}$/.test(value)) throw new MalformedCode(`date ${key} is not YYMMDD`);
  const year = 2000 + Number(value.slice(0, 2));
  const month = Number(value.slice(2, 4));
  const day = Number(value.slice(4));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) {
    throw new MalformedCode(`date ${key} is not a calendar day`);
  }
  return `${year}-${value.slice(2, 4)}-${value.slice(4)}`;
}

// Mirrors _find_key: only own members count, as in a Python dict read from JSON.
function findKey(jwks, kid) {
  const keys = isObject(jwks) ? own(jwks, "keys") : undefined;
  if (!Array.isArray(keys)) throw new InvalidKeySet("a key set is an object with a list of keys");
  const matches = keys.filter((jwk) => isObject(jwk) && own(jwk, "kid") === kid);
  if (matches.length > 1) throw new InvalidKeySet(`key id ${kid} appears more than once`);
  return matches.length ? matches[0] : null;
}

// Mirrors _public_key: the 32 raw bytes of a well-formed OKP/Ed25519 JWK, or null.
function publicKeyBytes(jwk) {
  const x = own(jwk, "x");
  if (own(jwk, "kty") !== "OKP" || own(jwk, "crv") !== "Ed25519" || typeof x !== "string") {
    return null;
  }
  const raw = b64urlDecode(x);
  return raw !== null && raw.length === 32 ? raw : null;
}

// Mirrors b64url_decode: unpadded base64url in its one canonical spelling, else null.
function b64urlDecode(text) {
  if (!B64URL.test(text) || text.length % 4 === 1) return null;
  const raw = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of text) {
    buffer = (buffer << 6) | B64URL_ALPHABET.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      raw[index++] = (buffer >> bits) & 0xff;
      buffer &= (1 << bits) - 1;
    }
  }
  // Leftover bits must be zero: another spelling of the same bytes is refused.
  return b64urlEncode(raw) === text ? raw : null;
}

// Mirrors b64url_encode.
function b64urlEncode(raw) {
  let text = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of raw) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      text += B64URL_ALPHABET[(buffer >> bits) & 63];
    }
    buffer &= (1 << bits) - 1;
  }
  return bits > 0 ? text + B64URL_ALPHABET[(buffer << (6 - bits)) & 63] : text;
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function own(object, name) {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}
