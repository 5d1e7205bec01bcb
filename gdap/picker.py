"""The one role picker (templates/gdap/_role_picker.html + static/js/role_picker.js): the catalog grouped by
category, in the reader's language, with the checked roles marked. Every GDAP form that picks roles
(Request admin relationship, role templates, access assignments) renders it with `role_picker(field)`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from gdap.selectors import role_catalog

# In the picker's order: the most used first (Global Administrator, Global Reader, Directory Readers: general).
CATEGORY_LABELS = {
    "general": _("General"),
    "identity": _("Identity and access"),
    "security": _("Security"),
    "compliance": _("Compliance"),
    "devices": _("Devices"),
    "exchange": _("Exchange"),
    "sharepoint": _("SharePoint"),
    "teams": _("Teams and communications"),
    "billing": _("Billing"),
    "reports": _("Reports"),
}


@dataclass
class PickerGroup:
    key: str
    label: str
    roles: list[Any] = field(default_factory=list)


def role_picker(bound_field: Any) -> dict[str, Any]:
    """Template context for one picker: the bound form field (a MultipleChoiceField of role ids), its
    groups [(category label, roles)] and the ids that are checked (the submitted or initial value)."""
    value = bound_field.value() or []
    checked = {str(v) for v in (value if isinstance(value, list | tuple | set) else [value])}
    order = list(CATEGORY_LABELS)
    groups = [PickerGroup(key or "other", str(CATEGORY_LABELS.get(key, _("Other"))), roles)
              for key, roles in sorted(role_catalog(), key=lambda g: order.index(g[0]) if g[0] in order else len(order))]
    return {"field": bound_field, "groups": groups, "checked": checked}


def role_choices() -> list[tuple[str, str]]:
    """(id, name) of every offered role, for the form fields the picker renders."""
    return [(str(role.pk), role.name) for _key, roles in role_catalog() for role in roles]
