"""The role catalog shipped with the portal (gdap/data/roles.json): the Microsoft Entra built-in roles GDAP
offers, with their real role template ids and en/de/hu descriptions, and the actions of gdap.access
mapped to the roles that cover them (the file's `source_notes` say where each came from)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CATALOG_PATH = Path(__file__).resolve().parent / "data" / "roles.json"


@cache
def catalog() -> dict[str, Any]:
    return json.loads(CATALOG_PATH.read_text(encoding="utf-8"))


def action_roles() -> dict[str, frozenset[str]]:
    """{action: the role template ids (str) any of which allows it}."""
    return {action: frozenset(ids) for action, ids in catalog()["actions"].items()}


def roles_seed(model: Any) -> int:
    """Create or refresh the shipped roles (data migration and transactional tests, which flush tables).
    An operator's `is_active` choice is kept; rows the operator added are left alone."""
    count = 0
    for role in catalog()["roles"]:
        description = role.get("description") or {}
        model.objects.update_or_create(
            id=role["id"],
            defaults={
                "name": role["name"],
                "category": role.get("category", ""),
                "description_en": description.get("en", ""),
                "description_de": description.get("de", ""),
                "description_hu": description.get("hu", ""),
                "highlight": bool(role.get("highlight")),
            },
        )
        count += 1
    return count
