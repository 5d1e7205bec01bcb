"""The one role picker (templates/gdap/_role_picker.html + static/js/role_picker.js): the catalog grouped by
category, in the reader's language, with the checked roles marked. Every GDAP form that picks roles
(Request admin relationship, role templates and their group lines, a relationship's access assignments)
renders it with `role_picker(field)`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from gdap.selectors import role_catalog

# The role catalog's categories (gdap/data/roles.json), in the picker's order: the most used first
# (Global Administrator, Global Reader, Directory Readers: general).
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
SEARCH_FROM = 8  # fewer roles on offer than this: no search box (they all fit at a glance)


@dataclass
class PickerGroup:
    key: str
    label: str
    roles: list[Any] = field(default_factory=list)


def role_picker(bound_field: Any, offered: Iterable[Any] | None = None) -> dict[str, Any]:
    """Template context for one picker: the bound form field (role ids), its groups (category label,
    roles), the ids that are checked (the submitted or initial value) and whether it is searchable.
    `offered` (role rows) limits it to those roles, inactive ones included (an access assignment offers
    the roles of its relationship, even one the catalog no longer offers)."""
    value = bound_field.value() or []
    checked = {str(v) for v in (value if isinstance(value, list | tuple | set) else [value])}
    if offered is None:
        catalog = role_catalog()
    else:
        ids = {role.pk for role in offered}
        catalog = [(key, [role for role in roles if role.pk in ids])
                   for key, roles in role_catalog(include_inactive=True)]
    order = list(CATEGORY_LABELS)
    groups = [PickerGroup(key or "other", str(CATEGORY_LABELS.get(key, _("Other"))), roles)
              for key, roles in sorted(catalog, key=lambda g: order.index(g[0]) if g[0] in order else len(order))
              if roles]
    return {"field": bound_field, "groups": groups, "checked": checked,
            "searchable": sum(len(group.roles) for group in groups) >= SEARCH_FROM,
            # The script fills in %(count)s; written here, a template's {% translate %} would need %%.
            "text_shown": _("Roles shown: %(count)s"), "text_many": _("%(count)s roles selected")}


def role_choices() -> list[tuple[str, str]]:
    """(id, name) of every offered role, for the form fields the picker renders."""
    return [(str(role.pk), role.name) for _key, roles in role_catalog() for role in roles]
