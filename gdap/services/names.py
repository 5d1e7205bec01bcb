"""The display names the portal suggests for new admin relationships: the customer's name on "Request
admin relationship", "<template> – <customer>" for a bulk request. Either is made unique for the partner
ignoring case (gdap.rules.display_name_clean's rule; the unique index on lower(display_name)), also
among the names given out together: a taken name gets " (2)", " (3)", … within the 50 characters."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.db.models.functions import Lower

from gdap import rules
from gdap.models import AdminRelationship
from partnercenter.models import Tenant

NAME_SEPARATOR = " – "
TEMPLATE_PART_MAX = 20  # of the 50 characters of a display name, when both parts do not fit


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


def display_name_for(template_name: str, customer_name: str, suffix: str = "") -> str:
    """"<template> – <customer>" in at most 50 characters (with `suffix`, e.g. " (2)"): the customer's
    name is what tells relationships apart, so the template's part is shortened first (to 20), then
    the customer's."""
    room = rules.DISPLAY_NAME_MAX - len(suffix)
    template_part, customer_part = " ".join(template_name.split()), " ".join(customer_name.split())
    if len(template_part) + len(NAME_SEPARATOR) + len(customer_part) > room:
        template_part = _clip(template_part, min(len(template_part), TEMPLATE_PART_MAX))
        customer_part = _clip(customer_part, room - len(template_part) - len(NAME_SEPARATOR))
    return f"{template_part}{NAME_SEPARATOR}{customer_part}{suffix}"[: rules.DISPLAY_NAME_MAX]


def customer_display_name(customer_name: str, suffix: str = "") -> str:
    """The customer's name (spaces collapsed) cut to 50 characters with `suffix`."""
    base = " ".join(customer_name.split())[: rules.DISPLAY_NAME_MAX].strip() or "GDAP"
    return base[: rules.DISPLAY_NAME_MAX - len(suffix)].rstrip() + suffix if suffix else base


def unique_names(partner: Tenant, wanted: dict[Any, Callable[[str], str]]) -> dict[Any, str]:
    """{key: name(suffix)} → {key: name}: for each key the first of name(""), name(" (2)"), name(" (3)"), …
    that no relationship of the partner has (ignoring case) and no other key got. One query a round."""
    names: dict[Any, str] = {}
    pending = dict(wanted)
    taken_here: set[str] = set()
    attempt = 1
    while pending:
        suffix = f" ({attempt})" if attempt > 1 else ""
        candidates = {key: name(suffix) for key, name in pending.items()}
        lowered = {name.lower() for name in candidates.values()}
        taken = set(AdminRelationship.objects.filter(partner=partner).annotate(lname=Lower("display_name"))
                    .filter(lname__in=lowered).values_list("lname", flat=True))
        for key, name in candidates.items():
            if name.lower() in taken or name.lower() in taken_here:
                continue
            taken_here.add(name.lower())
            names[key] = name
            del pending[key]
        attempt += 1
    return names


def unique_display_names(partner: Tenant, wanted: dict[Any, tuple[str, str]]) -> dict[Any, str]:
    """{key: (template name, customer name)} → {key: display name} of a bulk request (display_name_for)."""
    return unique_names(partner, {key: partial(display_name_for, t, c) for key, (t, c) in wanted.items()})


def display_name_suggest(partner: Tenant, customer: Tenant) -> str:
    """"Request admin relationship"'s suggestion: the customer's name, numbered when the partner uses it."""
    return unique_names(partner, {customer.pk: partial(customer_display_name, customer.name)})[customer.pk]
