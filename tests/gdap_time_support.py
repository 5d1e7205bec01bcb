"""Shared helpers of the tests/test_gdap_time_*.py modules: an active relationship at a known moment
(time-machine), the sweep run at a given moment, and the GDAP mails in the outbox."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import time_machine

from customers.services import reseller_relationship_ensure
from gdap import services
from gdap.models import AdminRelationship
from gdap.services.time import time_sweep
from partnercenter.models import ActivityLog, OutboxEmail, Tenant, User

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def pending(partner: Tenant, actor: User, customer: Tenant, *, name: str = "Adatum support",
            at: datetime = START, **kwargs: object) -> tuple[AdminRelationship, str]:
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    with time_machine.travel(at, tick=False):
        return services.request_relationship(partner=partner, actor=actor, customer=customer, display_name=name,
                                             roles=[DIRECTORY_READERS, GLOBAL_READER], duration="P90D", **kwargs)


def active(partner: Tenant, actor: User, customer: Tenant, approver: User, *, at: datetime = START,
           **kwargs: object) -> AdminRelationship:
    """Approved at `at`: ends at `at` + 90 days."""
    rel, raw = pending(partner, actor, customer, at=at, **kwargs)
    with time_machine.travel(at, tick=False):
        request = services.approval_submit(raw_token=raw, user=approver, customer=customer)
        assert services.approval_process(request_id=str(request.pk)) == "succeeded"
    rel.refresh_from_db()
    assert rel.end_at == at + timedelta(days=90)
    return rel


def sweep_at(moment: datetime) -> dict[str, int]:
    with time_machine.travel(moment, tick=False):
        return time_sweep()


def mails(kind: str, rel: AdminRelationship | None = None) -> list[OutboxEmail]:
    rows = OutboxEmail.objects.filter(kind=kind).order_by("to_email", "id")
    if rel is not None:
        rows = rows.filter(dedupe_key__startswith=f"gdap:{rel.pk}:")
    return list(rows)


def reminder_keys(rel: AdminRelationship) -> Counter:
    """How many reminder mails of each kind (remind30, remind7, remind1) were written."""
    return Counter(row.dedupe_key.split(":")[3] for row in mails("gdap_reminder", rel))


def kinds_logged(tenant: Tenant, kind: str) -> int:
    return ActivityLog.objects.filter(tenant=tenant, kind=kind).count()
