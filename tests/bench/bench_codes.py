"""Benchmark: label codes issued and verified per second on one core.

Run from the project root:  PYTHONPATH=. .venv/bin/python tests/bench/bench_codes.py [COUNT]

Baseline, measured in the same run: the raw Ed25519 sign and verify of a message as long
as a code (``cryptography``, one thread). Then, each as a ratio to its baseline:
- issue: build the canonical code text and sign it (``trace.signing.codes.issue_code``);
- verify offline: parse the text strictly and check the signature (``check_code``);
- unit run: the service that issues a serialised run into a SQLite file database (serials
  from the CSPRNG, uniqueness checks, signing, bulk insert);
- verify online: the service behind the API and the CLI (the key set from the database,
  the signature, then the issued code and its batch looked up), on the same database.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import flask_migrate
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.code_checks import check_code
from trace import create_app
from trace.batches.models import Batch, BatchStatus
from trace.batches.services import issuing
from trace.db import db
from trace.registry.models import Cooperative, FarmingArea, FarmingAreaKind, Product
from trace.signing import services as keys
from trace.signing.codes import LabelData, Verdict, issue_code
from trace.verification.services import verify_code

BASE = "https://truyxuat.soctrang.gov.vn"
GTIN = "08934567000017"


def per_second(count: int, run: Callable[[], object]) -> float:
    """Best of three runs, as operations a second."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return count / best


def label_data(count: int) -> list[LabelData]:
    return [
        LabelData(
            BASE,
            gtin=GTIN,
            lot=f"ST25-2611{number % 28 + 1:02d}-{number % 99:02d}",
            serial=f"K7Q2M{number:05d}",
            expires_on=date(2027, 11, 24),
        )
        for number in range(count)
    ]


def pure(count: int) -> dict[str, float]:
    private_key = Ed25519PrivateKey.generate()
    public_key = private_key.public_key()
    jwks = {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "bench", "x": _x(private_key)}]}
    data = label_data(count)
    codes = [issue_code(one, "bench", private_key) for one in data]
    messages = [code.rpartition("&s=")[0].encode() for code in codes]
    signed = [(private_key.sign(message), message) for message in messages]
    assert all(check_code(code, jwks) is Verdict.VALID for code in codes)
    return {
        "raw sign": per_second(count, lambda: [private_key.sign(m) for m in messages]),
        "raw verify": per_second(
            count, lambda: [public_key.verify(signature, m) for signature, m in signed]
        ),
        "issue": per_second(count, lambda: [issue_code(one, "bench", private_key) for one in data]),
        "verify offline": per_second(count, lambda: [check_code(code, jwks) for code in codes]),
    }


def services(count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app(
            {
                "TRACE_DATABASE_URL": url,
                "TRACE_SECRET_KEY": "bench",
                "TRACE_KEY_PASSPHRASE": "bench",
                "TRACE_PUBLIC_BASE_URL": BASE,
            }
        )
        with app.app_context():
            flask_migrate.upgrade()
            session = db.session
            keys.create_key(session, b"bench")
            batch = _batch(session)
            session.commit()
            runs: list[list[issuing.IssuedUnit]] = []

            def issue_run() -> None:
                runs.append(issuing.issue_unit_codes(session, batch, count))
                session.commit()

            issued = per_second(count, issue_run)
            texts = [unit.text for unit in runs[-1]]
            assert verify_code(session, texts[0]).verdict is Verdict.VALID
            verified = per_second(count, lambda: [verify_code(session, t) for t in texts])
            db.engine.dispose()
    return {"unit run (service, SQLite)": issued, "verify online (service, SQLite)": verified}


def _batch(session) -> Batch:
    cooperative = Cooperative(
        name="HTX Bench", tax_code="2200000001", code_prefix="BENCH", commune_code="31507"
    )
    product = Product(cooperative=cooperative, name="Gạo ST25", gtin=GTIN)
    area = FarmingArea(
        cooperative=cooperative,
        code="VN-BENCH-0001",
        name="Cánh đồng",
        kind=FarmingAreaKind.CROP,
        commune_code="31507",
        latitude=9.6,
        longitude=105.9,
    )
    batch = Batch(
        cooperative=cooperative,
        product=product,
        lot="ST25-261124-01",
        code="BENCH-ST25-261124-01",
        farming_areas=[area],
        expires_on=date(2027, 11, 24),
        status=BatchStatus.ACTIVE,
        recall_reason="",
    )
    session.add(batch)
    session.flush()
    return batch


def _x(private_key: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return keys.b64url(raw)


def main() -> None:
    logging.disable(logging.WARNING)
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    results = {**pure(count), **services(count)}
    baselines = {
        "issue": "raw sign",
        "unit run (service, SQLite)": "raw sign",
        "verify offline": "raw verify",
        "verify online (service, SQLite)": "raw verify",
    }
    print(
        f"{count:,} codes, one core, best of 3 (GTIN unit codes, {len(label_data(1)[0].lot)}"
        f"-character lot, expiry)"
    )
    for name, rate in results.items():
        baseline = baselines.get(name)
        ratio = f"  {results[baseline] / rate:5.2f}x the time of {baseline}" if baseline else ""
        print(f"  {name:34} {rate:10,.0f} /s{ratio}")


if __name__ == "__main__":
    main()
