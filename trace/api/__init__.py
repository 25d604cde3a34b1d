"""The JSON API under ``/api/v1``, described by marshmallow schemas as OpenAPI 3."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api as SmorestApi
from flask_smorest.spec.plugins import integerconverter2paramschema

from trace.api import (
    accounts,
    alerts,
    batches,
    certificates,
    codes,
    cooperatives,
    farming_areas,
    inspections,
    jobs,
    labels,
    products,
    rolls,
    scans,
    verify,
)
from trace.common.converters import IdConverter
from trace.extensions import csrf


class Api(SmorestApi):
    """flask-smorest's Api, leaving error responses to ``trace.errors`` for the whole app."""

    def _register_error_handlers(self) -> None:
        pass


api = Api()

BLUEPRINTS = (
    accounts.blueprint,
    cooperatives.blueprint,
    products.blueprint,
    farming_areas.blueprint,
    certificates.blueprint,
    batches.blueprint,
    codes.blueprint,
    labels.blueprint,
    rolls.blueprint,
    jobs.blueprint,
    verify.blueprint,
    inspections.blueprint,
    alerts.blueprint,
    scans.blueprint,
)


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {"description": "Traceability of agricultural goods: the JSON API."},
            "security": [{"bearerAuth": []}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                }
            },
        },
    )
    api.init_app(app)
    api.register_converter(IdConverter, integerconverter2paramschema)
    for blueprint in BLUEPRINTS:
        # The API authenticates with bearer tokens, never cookies, so CSRF does not apply.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix="/api/v1" + (blueprint.url_prefix or ""))
