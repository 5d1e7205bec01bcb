"""Races on real PostgreSQL: two Global admins approving at once, the approval task on two workers,
approval racing termination, two terminations at once. One consistent outcome; the others get a clear
refusal (a DomainError), never an IntegrityError or a deadlock."""

from __future__ import annotations

import pytest

from customers.services import reseller_relationship_ensure
from gdap import services
from gdap.models import (
    AdminRelationship,
    AdminRelationshipRequest,
    GdapApproval,
    RelationshipStatus,
    RequestAction,
    RequestStatus,
)
from links.models import LinkStatus
from partnercenter.errors import Code, DomainError
from partnercenter.roles import Role
from tests.concurrency import outcomes, race, require_postgres
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"


def _pending():  # noqa: ANN202
    partner, customer = PartnerFactory(), TenantFactory()
    admin = member(partner, Role.GLOBAL_ADMIN)
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    rel, raw = services.request_relationship(partner=partner, actor=admin, customer=customer, display_name="Race",
                                             roles=[DIRECTORY_READERS], duration="P30D")
    return partner, admin, customer, rel, raw


def _errors(results) -> list[DomainError]:  # noqa: ANN001
    errors = [value for kind, value in results if kind == "error"]
    assert all(isinstance(error, DomainError) for error in errors), errors
    return errors


def _approvals(rel):  # noqa: ANN001, ANN202
    return list(AdminRelationshipRequest.objects.filter(relationship=rel, action=RequestAction.APPROVE)
                .values_list("status", flat=True))


def test_two_global_admins_approving_at_once_give_one_active_relationship():
    require_postgres()
    _partner, _admin, customer, rel, raw = _pending()
    admins = [member(customer, Role.CUSTOMER_GLOBAL_ADMIN) for _ in range(2)]

    results = race(2, lambda i: services.approval_submit(raw_token=raw, user=admins[i], customer=customer))
    errors = _errors(results)
    # The second either got the same pending request back or, when the first was already processed
    # (eager task on commit), a clear "already answered".
    assert {error.code for error in errors} <= {Code.ALREADY_ANSWERED}
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.ACTIVE
    assert _approvals(rel) == [RequestStatus.SUCCEEDED]
    assert GdapApproval.objects.get(relationship=rel).status == LinkStatus.ACCEPTED


def test_the_approval_task_on_two_workers_applies_once(monkeypatch):
    require_postgres()
    from gdap.services import approval

    monkeypatch.setattr(approval, "enqueue_on_commit", lambda *args: None)
    _partner, _admin, customer, rel, raw = _pending()
    request = services.approval_submit(raw_token=raw, user=member(customer, Role.CUSTOMER_GLOBAL_ADMIN),
                                       customer=customer)

    results = race(2, lambda i: services.approval_process(request_id=str(request.pk)))
    assert sorted(value for _kind, value in results) == ["done-already", "succeeded"]
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.ACTIVE and _approvals(rel) == [RequestStatus.SUCCEEDED]
    from partnercenter.models import ActivityLog

    assert ActivityLog.objects.filter(tenant=customer, kind="gdap.approved").count() == 1


def test_approval_racing_termination_gives_one_consistent_outcome(monkeypatch):
    require_postgres()
    from gdap.services import approval

    monkeypatch.setattr(approval, "enqueue_on_commit", lambda *args: None)
    _partner, admin, customer, rel, raw = _pending()
    request = services.approval_submit(raw_token=raw, user=member(customer, Role.CUSTOMER_GLOBAL_ADMIN),
                                       customer=customer)

    def act(i: int):  # noqa: ANN202
        if i == 0:
            return services.approval_process(request_id=str(request.pk))
        return services.terminate(AdminRelationship.objects.get(pk=rel.pk), actor=admin, side="partner")

    results = race(2, act)
    assert outcomes(results) == {"ok": 2}, results
    request.refresh_from_db()
    link = GdapApproval.objects.get(relationship=rel)
    if results[0][1] == "succeeded":  # approved first, then terminated
        assert request.status == RequestStatus.SUCCEEDED and link.status == LinkStatus.ACCEPTED
    else:  # terminated first: the approval found the request withdrawn
        assert results[0][1] == "failed"
        assert request.failure_code == RelationshipStatus.TERMINATION_REQUESTED
        assert link.status == LinkStatus.REVOKED
    termination = AdminRelationshipRequest.objects.get(relationship=rel, action=RequestAction.TERMINATE)
    assert services.termination_complete(request_id=str(termination.pk)) == "succeeded"
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.TERMINATED


def test_approval_submit_racing_termination(monkeypatch):
    require_postgres()
    _partner, admin, customer, rel, raw = _pending()
    customer_admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)

    def act(i: int):  # noqa: ANN202
        if i == 0:
            return services.approval_submit(raw_token=raw, user=customer_admin, customer=customer)
        return services.terminate(AdminRelationship.objects.get(pk=rel.pk), actor=admin, side="partner")

    results = race(2, act)
    errors = _errors(results)
    assert len(errors) <= 1
    rel.refresh_from_db()
    # Tasks ran eagerly on commit: whichever came first, the relationship ends terminated.
    assert rel.status == RelationshipStatus.TERMINATED
    assert AdminRelationshipRequest.objects.filter(relationship=rel, action=RequestAction.TERMINATE,
                                                   status=RequestStatus.SUCCEEDED).count() == 1


def test_two_terminations_at_once_terminate_once(monkeypatch):
    require_postgres()
    _partner, admin, customer, rel, raw = _pending()
    request = services.approval_submit(raw_token=raw, user=member(customer, Role.CUSTOMER_GLOBAL_ADMIN),
                                       customer=customer)
    assert AdminRelationshipRequest.objects.get(pk=request.pk).status == RequestStatus.SUCCEEDED
    customer_admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN)

    def act(i: int):  # noqa: ANN202
        fresh = AdminRelationship.objects.get(pk=rel.pk)
        if i == 0:
            return services.terminate(fresh, actor=admin, side="partner")
        return services.terminate(fresh, actor=customer_admin, side="customer")

    results = race(2, act)
    assert outcomes(results) == {"ok": 1, "Conflict": 1}
    assert {error.code for error in _errors(results)} == {Code.ALREADY_REMOVED}
    assert AdminRelationshipRequest.objects.filter(relationship=rel, action=RequestAction.TERMINATE).count() == 1
