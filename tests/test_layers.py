"""Pure modules stay pure: importing them loads no framework (the layers themselves are
import-linter contracts in setup.cfg, run by ``make test``)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from trace.config import PROJECT_ROOT

FRAMEWORKS = ("flask", "flask_babel", "flask_smorest", "sqlalchemy", "marshmallow", "werkzeug")


def _modules_loaded_by(statement: str) -> set[str]:
    """The top-level modules a fresh interpreter holds after running ``statement``."""
    program = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    return set(result.stdout.split())


@pytest.mark.parametrize(
    "statement", ["import trace.signing.codes", "import labels", "import trace"]
)
def test_pure_modules_load_no_framework(statement):
    loaded = _modules_loaded_by(statement)
    assert not loaded & set(FRAMEWORKS)
    assert "trace.app" not in loaded


def test_the_label_code_format_loads_only_itself_of_ours():
    loaded = _modules_loaded_by("import trace.signing.codes")
    assert {name for name in loaded if name.startswith("trace")} == {
        "trace",
        "trace.signing",
        "trace.signing.codes",
    }
