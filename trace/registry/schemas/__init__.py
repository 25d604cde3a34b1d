"""marshmallow schemas for the registry API, one module per entity."""
