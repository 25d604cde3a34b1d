"""What the batch pages share: their blueprint."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("batches", __name__)
