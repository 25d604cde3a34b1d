"""Traceability for agricultural goods.

Importing the package builds nothing: ``create_app`` (reachable as ``trace:create_app``
for ``flask --app trace`` and gunicorn) loads the application's modules when first
called, so a pure module such as ``trace.signing.codes`` imports without Flask or
SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application (see ``trace.app.create_app``)."""
    from trace.app import create_app as build_app

    return build_app(config)
