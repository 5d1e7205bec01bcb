"""Rows for the GDAP list tests: admin relationships in a given status, written directly (the reads
under test don't care how a relationship got there; the lifecycle tests cover that)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from gdap.models import AdminRelationship, RelationshipStatus, RoleDefinition

_names = itertools.count(1)
DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"


def relationship(partner, customer, status=RelationshipStatus.ACTIVE, *, ends_in=timedelta(days=200),  # noqa: ANN001, ANN201
                 name: str = "", roles=(DIRECTORY_READERS,), auto_extend: bool = False):
    now = timezone.now()
    live_or_ended = status not in (RelationshipStatus.CREATED, RelationshipStatus.APPROVAL_PENDING)
    rel = AdminRelationship.objects.create(
        partner=partner, customer=customer, display_name=name or f"GDAP {next(_names):05d}",
        duration=timedelta(days=365), status=status,
        auto_extend_duration=timedelta(days=180) if auto_extend else timedelta(0),
        activated_at=now - timedelta(days=30) if live_or_ended else None,
        end_at=now + ends_in if live_or_ended else None,
    )
    rel.roles.set(RoleDefinition.objects.filter(pk__in=list(roles)))
    return rel
