"""The GDAP sweep on two workers at once, on real PostgreSQL (threads released by a barrier): each
transition, extension and mail happens once; the request expiry racing the link sweep, and the sweep
racing a partner's "Terminate", end in one consistent outcome. The moment is handed to the sweep
(time_sweep(now=…)) instead of travelling, so the threads' barrier and join timeouts run on real time."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from customers.services import reseller_relationship_ensure
from gdap import services
from gdap.events import GdapEvents
from gdap.models import AUTO_EXTEND_DURATION, AdminRelationship, GdapApproval, RelationshipStatus
from gdap.services.time import time_sweep
from links.models import LinkStatus
from links.services import links_expire
from partnercenter.errors import DomainError
from partnercenter.models import ActivityLog, OutboxEmail
from partnercenter.roles import Role
from tests.concurrency import outcomes, race, require_postgres
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
DAY = timedelta(days=1)


def _parties():  # noqa: ANN202
    partner, customer = PartnerFactory(), TenantFactory()
    admins = [member(partner, Role.GLOBAL_ADMIN), member(partner, Role.ADMIN_AGENT),
              member(customer, Role.CUSTOMER_GLOBAL_ADMIN)]
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    return partner, customer, admins


def _active(n: int = 1, **kwargs):  # noqa: ANN003, ANN202
    partner, customer, admins = _parties()
    rels = []
    for i in range(n):
        rel, raw = services.request_relationship(partner=partner, actor=admins[0], customer=customer,
                                                 display_name=f"Race {i}", roles=[DIRECTORY_READERS],
                                                 duration="P90D", **kwargs)
        services.approval_submit(raw_token=raw, user=admins[2], customer=customer)  # processed on commit
        rel.refresh_from_db()
        assert rel.status == RelationshipStatus.ACTIVE
        rels.append(rel)
    return partner, customer, admins, rels


def _ok(results) -> list:  # noqa: ANN001
    assert outcomes(results) == Counter(ok=len(results)), results
    return [value for _kind, value in results]


def _logged(kind: str) -> Counter:
    return Counter(ActivityLog.objects.filter(kind=kind).values_list("tenant_id", flat=True))


def test_two_sweeps_at_once_send_each_reminder_once_and_move_each_relationship_once():
    require_postgres()
    partner, customer, _admins, rels = _active(n=12)
    moment = rels[0].end_at - 7 * DAY + timedelta(hours=1)  # within 7 days of every end (approved in a row)
    results = _ok(race(2, lambda i: time_sweep(now=moment)))
    assert sum(result["approaching"] for result in results) == 12  # shared, not done twice
    assert set(AdminRelationship.objects.values_list("status", flat=True)) == {RelationshipStatus.EXPIRING}
    assert _logged(GdapEvents.EXPIRING) == {partner.pk: 12, customer.pk: 12}
    keys = list(OutboxEmail.objects.filter(kind="gdap_reminder").values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys)) == 12 * 3  # three recipients each, the 7-day reminder only
    assert {key.split(":")[3] for key in keys} == {"remind7"}

    _ok(race(2, lambda i: time_sweep(now=moment + timedelta(hours=1))))  # and again, a run later
    assert OutboxEmail.objects.filter(kind="gdap_reminder").count() == 36


def test_two_sweeps_at_the_end_expire_once_and_extend_once():
    require_postgres()
    partner, customer, _admins, rels = _active(n=3)
    extending = rels[0]
    AdminRelationship.objects.filter(pk=extending.pk).update(auto_extend_duration=AUTO_EXTEND_DURATION)
    end = extending.end_at

    _ok(race(2, lambda i: time_sweep(now=rels[-1].end_at + timedelta(minutes=1))))
    extending.refresh_from_db()
    assert extending.status == RelationshipStatus.ACTIVE and extending.end_at == end + AUTO_EXTEND_DURATION
    assert _logged(GdapEvents.EXTENDED) == {partner.pk: 1, customer.pk: 1}
    assert _logged(GdapEvents.EXPIRED) == {partner.pk: 2, customer.pk: 2}
    assert OutboxEmail.objects.filter(kind="gdap_expired").count() == 2 * 3


def test_the_request_expiry_racing_the_link_sweep_expires_once():
    require_postgres()
    partner, customer, admins = _parties()
    rel, _raw = services.request_relationship(partner=partner, actor=admins[0], customer=customer,
                                              display_name="Late", roles=[DIRECTORY_READERS], duration="P30D")
    GdapApproval.objects.filter(relationship=rel).update(expires_at=timezone.now() - timedelta(minutes=1))

    _ok(race(2, lambda i: time_sweep() if i == 0 else links_expire()))
    # Whichever came second found the link taken (skipped it) or already expired; a sweep run later
    # finishes what a skip left over. Either way: one expiry each.
    time_sweep()
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.EXPIRED
    assert GdapApproval.objects.get(relationship=rel).status == LinkStatus.EXPIRED
    assert _logged(GdapEvents.LINK_EXPIRED) == {partner.pk: 1}
    assert OutboxEmail.objects.filter(kind="gdap_request_expired").count() == 2  # Global admin, Admin agent


def test_the_sweep_racing_terminate_ends_one_way_with_that_way_s_mails():
    require_postgres()
    _partner, _customer, admins, (rel,) = _active()
    end = rel.end_at

    def run(i: int):  # noqa: ANN202
        if i == 0:
            return time_sweep(now=end + timedelta(minutes=1))
        return services.terminate(rel, actor=admins[0], side="partner")

    results = race(2, run)
    errors = [value for kind, value in results if kind == "error"]
    assert all(isinstance(error, DomainError) for error in errors), errors  # terminate after expiry: refused
    rel.refresh_from_db()
    assert rel.status in (RelationshipStatus.EXPIRED, RelationshipStatus.TERMINATED)
    expired = OutboxEmail.objects.filter(kind="gdap_expired").count()
    terminated = OutboxEmail.objects.filter(kind="gdap_terminated").count()
    assert (expired, terminated) == ((3, 0) if rel.status == RelationshipStatus.EXPIRED else (0, 3))
    assert bool(errors) == (rel.status == RelationshipStatus.EXPIRED)
