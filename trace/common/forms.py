"""What every form shares: text in, typed values out, the services' messages back.

The forms hold what the person typed, as text, and never refuse it themselves: the
services judge every value (so the web, the API and imports give the same messages).
``values()`` turns the text into the types the services expect; text that cannot be
read as such is passed on unchanged, so the service names the field to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, DateInput, ListWidget

from trace.common.place_choices import commune_choices, commune_in_province, province_choices

Choice = tuple[str, str]


def as_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Choices given as (value, label) pairs, in the form WTForms 3.3 expects."""
    if kwargs.get("choices") is not None:
        kwargs["choices"] = [SelectChoice(value, label) for value, label in kwargs["choices"]]
    return kwargs


class TextSelectField(SelectField):
    """A select whose value stays text; the service checks that it is one of the options."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, coerce=str, validate_choice=False, **as_options(kwargs))


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes, which work on any phone without JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, coerce=str, validate_choice=False, **as_options(kwargs))


IMAGE_TYPES = "image/jpeg,image/png,image/webp"


def photo_field(label: Any, description: Any, accept: str = IMAGE_TYPES) -> Any:
    """A file input for a photo or a scan; the uploads service checks what it really is."""
    return FileField(label, description=description, render_kw={"accept": accept})


class DateTextField(StringField):
    """A date picker (``<input type="date">``) whose text is read by ``read_date``."""

    widget = DateInput()


# Control characters no one types; PostgreSQL refuses NUL in text outright.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(value: Any) -> Any:
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    if isinstance(value, list):
        return [without_control_characters(item) for item in value]
    return value


class RegistryForm(FlaskForm):
    """A form whose fields carry the services' messages next to them."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            """Every field drops control characters from what was sent."""
            filters = [*unbound_field.kwargs.get("filters", ()), without_control_characters]
            return super().bind_field(form, unbound_field, {**options, "filters": filters})  # type: ignore[misc]

    # The service's name for a field, where it differs from the form's.
    ERROR_FIELDS: ClassVar[Mapping[str, str]] = {}
    # Fields that may never be left empty, on new records and on changes alike.
    REQUIRED: ClassVar[tuple[str, ...]] = ()

    def load(self, record: Any) -> None:
        """Fill an edit form with what is stored."""
        self.process(obj=record)

    def problems(self) -> dict[str, list[str]]:
        """What the form itself finds wrong, beyond what the service checks."""
        return self.missing_required()

    def missing_required(self) -> dict[str, list[str]]:
        """Required fields left empty: services check this only for new records."""
        return {
            name: [str(_l("This field is required."))]
            for name in self.REQUIRED
            if name in self and not str(self[name].data or "").strip()
        }

    def attach_errors(self, errors: Mapping[str, Iterable[str]], only_new: bool = False) -> None:
        """Show each message next to its field; messages for no field go above the form.

        With ``only_new``, fields that already show a message get no other.
        """
        for name, messages in errors.items():
            field = self._fields.get(self.ERROR_FIELDS.get(name, name))
            if only_new and field is not None and field.errors:
                continue
            if field is None or field.type in ("CSRFTokenField", "SubmitField"):
                self.form_errors.extend(str(message) for message in messages)
            else:
                new = [str(message) for message in messages if str(message) not in field.errors]
                field.errors = [*field.errors, *new]

    def error_links(self) -> list[tuple[str, str, str]]:
        """Every message with its field's id and label, for the summary above the form."""
        links = [("", "", str(message)) for message in self.form_errors]
        for name, field in self._fields.items():
            if name != "csrf_token":
                label = str(field.label.text)
                links.extend((field.id, label, str(message)) for message in field.errors)
        return links


class CommuneFields:
    """Province, then commune: about 100 communes to scroll through rather than 3,321.

    ``show_communes`` is a submit button: pressing it after choosing another province
    re-renders the form with that province's communes, keeping what was typed.
    """

    province = TextSelectField(_l("Province or city"))
    commune_code = TextSelectField(
        _l("Commune or ward"),
        description=_l(
            "If it is not in the list, choose the province above and press 'Show its communes'."
        ),
    )
    show_communes = SubmitField(_l("Show its communes"))

    def fill_place_choices(self) -> None:
        form: Any = self
        form.province.choices = [("", _l("Choose the province")), *province_choices()]
        communes = list(commune_choices(form.province.data or ""))
        placeholder = _l("Choose the commune") if communes else _l("Choose the province first")
        form.commune_code.choices = [("", placeholder), *communes]

    def wants_communes(self) -> bool:
        """True when the person pressed 'Show its communes' rather than 'Save'."""
        return bool(self.show_communes.data)

    def place_problems(self) -> dict[str, list[str]]:
        """A commune left over from another province is not what the person meant."""
        form: Any = self
        commune, province = form.commune_code.data or "", form.province.data or ""
        if commune and province and not commune_in_province(commune, province):
            return {"commune_code": [str(_l("Choose a commune of the province you chose."))]}
        return {}


def read_date(text: str | None) -> date | str | None:
    """An ISO date from a date picker; other text is returned for the service to refuse."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


def read_int(text: str | None) -> int | str | None:
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 10 else text


def read_ids(texts: Sequence[str] | None) -> list[int]:
    """Record ids from checkboxes; anything else becomes -1, which no record has."""
    return [int(text) if text.isdigit() and len(text) < 10 else -1 for text in texts or ()]


def is_typed_id(text: str | None) -> bool:
    return bool(text) and str(text).isdigit() and len(str(text)) < 10


def read_id(text: str | None) -> int | None:
    """A record id chosen from a list: None when nothing was chosen, -1 for anything odd."""
    text = (text or "").strip()
    if not text:
        return None
    return int(text) if is_typed_id(text) else -1


def plain_decimal(value: Any) -> str:
    """A stored number as people write it: 12.50 -> "12.5", 9.603000 -> "9.603"."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def chosen_id(field: SelectField) -> int | None:
    """The id chosen in a select, or None unless it is one of the options offered."""
    offered = {str(value) for value, *_ in field.choices or ()}
    text = str(field.data or "")
    return int(text) if text in offered and is_typed_id(text) else None


class TextRadioField(RadioField):
    """Radio buttons whose value stays text; the service checks it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, coerce=str, validate_choice=False, **as_options(kwargs))


class ConfirmForm(FlaskForm):
    """A button that changes something (archive): a POST with a CSRF token and nothing else."""
