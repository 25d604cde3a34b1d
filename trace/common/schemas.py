"""What every registry API schema shares: safe text, ids, list arguments, page envelopes."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from trace.common.communes import find_commune

# Path and body ids are PostgreSQL ``integer`` columns: anything larger cannot exist.
MAX_ID = 2147483647
MAX_IDS_PER_LIST = 500


class Text(fields.String):
    """A string the databases can store: no NUL character, valid UTF-8 (no lone surrogates)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if text is not None and ("\x00" in text or not _encodes_as_utf8(text)):
            raise ValidationError(str(_l("Remove the characters that are not text.")))
        return text


def _encodes_as_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class StrictBoolean(fields.Boolean):
    """A JSON ``true`` or ``false``, not ``"yes"`` or ``1``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def record_id(**kwargs: Any) -> fields.Integer:
    """An id in a request body: a strict integer that could exist."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def id_list() -> fields.List:
    return fields.List(record_id(), validate=validate.Length(max=MAX_IDS_PER_LIST))


class InputSchema(Schema):
    """Request bodies: unknown fields are refused, so a typo is a 422, not silently lost."""

    class Meta:
        unknown = RAISE


def optional_copy(schema: type[Schema], name: str, exclude: Iterable[str] = ()) -> type[Schema]:
    """The same input with no field required: the body of a partial update (PATCH)."""
    optional: dict[str, Any] = {}
    for field_name, field in schema._declared_fields.items():
        if field_name not in exclude:
            optional[field_name] = copy.copy(field)
            optional[field_name].required = False
    return type(name, (InputSchema,), optional)


class ListArgs(InputSchema):
    """Query arguments every list takes."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    q = Text(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "Search text, case-insensitive, in names and codes."},
    )
    # Query strings carry booleans as the words OpenAPI uses; "1" or "yes" would be a guess.
    include_archived = fields.Boolean(
        load_default=False,
        truthy={"true"},
        falsy={"false"},
        metadata={"description": "Also list archived records."},
    )


class OwnedListArgs(ListArgs):
    """Lists of records that belong to a cooperative: operators and inspectors may pick one."""

    cooperative_id = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Only this cooperative's records (within what you may read)."},
    )


class PageOut(Schema):
    """A page of a list: its items, how many there are in all, and which page this is."""

    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


def page_schema(item_schema: type[Schema], name: str) -> type[PageOut]:
    """The envelope ``{"items", "total", "page", "per_page"}`` for a list of ``item_schema``."""
    items = fields.List(fields.Nested(item_schema), required=True)
    page_class: type[PageOut] = type(name, (PageOut,), {"items": items})
    return page_class


class CommuneOut(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    province_code = fields.String(required=True)
    province_name = fields.String(required=True)


class Computed(fields.Nested):
    """A nested object computed from the record (not one of its attributes)."""

    def __init__(self, nested: type[Schema], compute: Callable[[Any], Any], **kwargs: Any) -> None:
        super().__init__(nested, dump_only=True, **kwargs)
        self.compute = compute

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        return self.compute(obj)


def _commune_of(record: Any) -> Any:
    return find_commune(record.commune_code) if record.commune_code else None


def commune_field() -> Computed:
    """The commune named by the record's ``commune_code``, with its name and province."""
    return Computed(CommuneOut, _commune_of, required=True, allow_none=True)
