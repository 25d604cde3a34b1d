"""The forms of a commune's key products: add one by decision, remove one, answer a
cooperative's proposal, and the cooperative's proposal itself."""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from trace.common.forms import DateTextField, RegistryForm, TextSelectField, read_date
from trace.registry.services.key_products import Decision

DECISION_NUMBER_HINT = _l("As written on the decision, such as 125/QĐ-UBND.")


class DecisionForm(RegistryForm):
    """The commune's decision: its number and date, and an optional note."""

    REQUIRED: ClassVar[tuple[str, ...]] = ("decision_number", "decided_on")

    decision_number = StringField(_l("Decision number"), description=DECISION_NUMBER_HINT)
    decided_on = DateTextField(_l("Date of the decision"))
    note = TextAreaField(
        _l("Note"), description=_l("Optional: such as the programme the decision belongs to.")
    )

    def decision(self) -> Decision:
        return Decision(
            number=self.decision_number.data or "",
            decided_on=read_date(self.decided_on.data),
            note=self.note.data or "",
        )

    def values(self) -> dict[str, Any]:
        return {"decision": self.decision()}


class AddKeyProductForm(DecisionForm):
    """A product of the commune, put on the list by a decision."""

    REQUIRED = ("product_id", "decision_number", "decided_on")

    product_id = TextSelectField(
        _l("Product"), description=_l("The products of the cooperatives in the commune.")
    )

    def values(self) -> dict[str, Any]:
        return {"product_id": self.product_id.data or "", "decision": self.decision()}


class RemoveKeyProductForm(RegistryForm):
    REQUIRED = ("removed_on", "removal_reason")

    removed_on = DateTextField(_l("Removed from the list on"))
    removal_reason = TextAreaField(
        _l("Why does it leave the list?"),
        description=_l("Such as: replaced by decision 88/QĐ-UBND of 2 March 2027."),
    )

    def values(self) -> dict[str, Any]:
        return {
            "removed_on": read_date(self.removed_on.data),
            "reason": self.removal_reason.data or "",
        }


class DeclineProposalForm(RegistryForm):
    REQUIRED = ("decline_reason",)

    decline_reason = TextAreaField(
        _l("Why does the commune decline it?"),
        description=_l("The cooperative reads this on the product's page."),
    )

    def values(self) -> dict[str, Any]:
        return {"reason": self.decline_reason.data or ""}


class ProposeKeyProductForm(RegistryForm):
    note = TextAreaField(
        _l("A word for the commune (optional)"),
        description=_l("Such as: grown on 40 ha of the commune, OCOP 4 stars."),
    )

    def values(self) -> dict[str, Any]:
        return {"note": self.note.data or ""}
