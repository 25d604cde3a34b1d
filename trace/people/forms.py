"""The people pages' forms (Flask-WTF: each carries a CSRF token)."""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from trace.auth.models import Role
from trace.common.forms import RegistryForm, TextSelectField
from trace.registry.models import Cooperative

ROLE_CHOICES = (
    (Role.COOPERATIVE.value, _l("Cooperative staff")),
    (Role.COMMUNE_OFFICER.value, _l("Commune officer")),
    (Role.INSPECTOR.value, _l("Market inspector")),
    (Role.OPERATOR.value, _l("Platform operator")),
)


def cooperative_choices(session: Session) -> list[tuple[str, str]]:
    """Every cooperative, archived ones aside, by its tax code (what ``users create`` takes)."""
    rows = session.execute(
        select(Cooperative.tax_code, Cooperative.name)
        .where(Cooperative.archived_at.is_(None))
        .order_by(Cooperative.name)
    ).all()
    return [("", str(_l("Choose the cooperative")))] + [
        (tax_code, f"{name} ({tax_code})") for tax_code, name in rows
    ]


def cooperative_filter(session: Session) -> list[Any]:
    """Every cooperative by id and name, for the people list's filter."""
    return list(
        session.execute(select(Cooperative.id, Cooperative.name).order_by(Cooperative.name)).all()
    )


class BindingFields:
    """Role, then the cooperative (staff) or commune (officers) it binds to."""

    role = TextSelectField(_l("Role"), choices=ROLE_CHOICES)
    cooperative = TextSelectField(_l("Cooperative"), description=_l("Only for cooperative staff."))
    commune_code = StringField(
        _l("Commune code"),
        description=_l("Only for commune officers: the official 2025 code, such as 31660."),
        render_kw={"inputmode": "numeric", "maxlength": 5, "autocomplete": "off"},
    )

    def binding_values(self) -> dict[str, Any]:
        form: Any = self
        return {
            "role": form.role.data or "",
            "cooperative_tax_code": (form.cooperative.data or "").strip() or None,
            "commune_code": (form.commune_code.data or "").strip() or None,
        }


class InviteForm(RegistryForm, BindingFields):
    ERROR_FIELDS: ClassVar[dict[str, str]] = {"commune": "commune_code"}
    REQUIRED = ("email", "display_name")

    email = EmailField(_l("Email"), render_kw={"autocomplete": "off"})
    display_name = StringField(_l("Full name"), render_kw={"autocomplete": "off"})

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "email": self.email.data or "",
            "display_name": self.display_name.data or "",
        }
        if "role" in self:
            values.update(self.binding_values())
        return values

    def for_staff(self) -> None:
        """Staff invite into their own cooperative as staff: there is nothing to choose."""
        for name in ("role", "cooperative", "commune_code"):
            del self[name]


class BindingForm(RegistryForm, BindingFields):
    ERROR_FIELDS: ClassVar[dict[str, str]] = {"commune": "commune_code"}

    def values(self) -> dict[str, Any]:
        return self.binding_values()


class BulkForm(RegistryForm):
    file = FileField(
        _l("CSV file"),
        description=_l("UTF-8 CSV (Excel: “CSV UTF-8”) or .xlsx, one person a row."),
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )


class SetPasswordForm(FlaskForm):
    """The person's own new password, twice, through an invitation or reset link."""

    password = PasswordField(
        _l("New password"), validators=[DataRequired(_l("Enter a new password."))]
    )
    password_again = PasswordField(
        _l("New password, again"),
        validators=[
            DataRequired(_l("Enter the new password again.")),
            EqualTo("password", _l("The two new passwords differ.")),
        ],
    )
