"""GDAP lifecycle through the services: request → approval (queued, idempotent) → active → edits with
ETags → termination; approval after expiry or termination refused; the template's assignments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.services import reseller_relationship_ensure
from gdap import selectors, services
from gdap.access import may
from gdap.events import GdapEvents
from gdap.models import (
    GLOBAL_ADMINISTRATOR_ID,
    AccessAssignment,
    AdminRelationship,
    AdminRelationshipRequest,
    AssignmentStatus,
    GdapApproval,
    RelationshipStatus,
    RequestAction,
    RequestStatus,
)
from links.models import LinkStatus
from partnercenter.errors import Code, Conflict, DomainError, Expired, Forbidden, NotFound, Stale
from partnercenter.models import ActivityLog
from partnercenter.roles import Role
from tests.factories import member

pytestmark = pytest.mark.django_db

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
GA = str(GLOBAL_ADMINISTRATOR_ID)


@pytest.fixture
def served(partner, customer):
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    return customer


def _request(partner, partner_admin, customer, roles=(DIRECTORY_READERS, GLOBAL_READER), name="Adatum support",
             **kwargs):
    return services.request_relationship(partner=partner, actor=partner_admin, customer=customer, display_name=name,
                                         roles=list(roles), duration="P90D", **kwargs)


def _approve(raw, customer_admin, customer):
    request = services.approval_submit(raw_token=raw, user=customer_admin, customer=customer)
    return request, services.approval_process(request_id=str(request.pk))


def test_request_locks_for_approval_and_issues_a_link(partner, partner_admin, served):
    rel, raw = _request(partner, partner_admin, served)
    assert rel.status == RelationshipStatus.APPROVAL_PENDING
    assert rel.duration == timedelta(days=90) and rel.auto_extend_duration == timedelta(0)
    approval = GdapApproval.objects.get(relationship=rel)
    assert approval.status == LinkStatus.PENDING and approval.partner == partner
    assert approval.expires_at - timezone.now() > timedelta(days=89)
    assert selectors.approval_by_token(raw) == approval
    assert list(rel.requests.values_list("action", "status")) == [(RequestAction.LOCK_FOR_APPROVAL,
                                                                  RequestStatus.SUCCEEDED)]
    kinds = set(ActivityLog.objects.filter(tenant=served).values_list("kind", flat=True))
    assert GdapEvents.APPROVAL_REQUESTED in kinds and GdapEvents.CREATED not in kinds  # drafts are the partner's


def test_approval_activates_with_end_date_and_is_idempotent(partner, partner_admin, served, customer_admin,
                                                            django_capture_on_commit_callbacks):
    rel, raw = _request(partner, partner_admin, served)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = services.approval_submit(raw_token=raw, user=customer_admin, customer=served)
    assert len(callbacks) == 1 and request.status == RequestStatus.PENDING
    again = services.approval_submit(raw_token=raw, user=customer_admin, customer=served)
    assert again.pk == request.pk  # a second click: the same pending request ("Processing…")
    assert services.approval_process(request_id=str(request.pk)) == "succeeded"
    assert services.approval_process(request_id=str(request.pk)) == "done-already"
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.ACTIVE
    assert rel.end_at == rel.activated_at + timedelta(days=90)
    assert GdapApproval.objects.get(relationship=rel).status == LinkStatus.ACCEPTED
    assert AdminRelationshipRequest.objects.filter(relationship=rel, action=RequestAction.APPROVE,
                                                   status=RequestStatus.SUCCEEDED).count() == 1
    for tenant in (partner, served):
        assert ActivityLog.objects.filter(tenant=tenant, kind=GdapEvents.APPROVED).count() == 1
    with pytest.raises(Conflict) as exc:
        services.approval_submit(raw_token=raw, user=customer_admin, customer=served)
    assert exc.value.code == Code.ALREADY_ANSWERED


def test_only_a_customer_global_admin_may_approve(partner, partner_admin, served):
    _rel, raw = _request(partner, partner_admin, served)
    user = member(served, Role.CUSTOMER_USER)
    with pytest.raises(Forbidden):
        services.approval_submit(raw_token=raw, user=user, customer=served)
    with pytest.raises(NotFound):
        services.approval_submit(raw_token="x" * 43, user=user, customer=served)


def test_approval_after_expiry_is_refused_at_the_click_and_at_processing(partner, partner_admin, served,
                                                                        customer_admin):
    rel, raw = _request(partner, partner_admin, served)
    GdapApproval.objects.filter(relationship=rel).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Expired):
        services.approval_submit(raw_token=raw, user=customer_admin, customer=served)
    # Clicked in time, but the link expired before the click was recorded: the processing refuses it.
    GdapApproval.objects.filter(relationship=rel).update(expires_at=timezone.now() + timedelta(days=1))
    request = services.approval_submit(raw_token=raw, user=customer_admin, customer=served)
    GdapApproval.objects.filter(relationship=rel).update(expires_at=request.created_at)
    assert services.approval_process(request_id=str(request.pk)) == "failed"
    request.refresh_from_db()
    rel.refresh_from_db()
    assert request.failure_code == "expired" and rel.status == RelationshipStatus.APPROVAL_PENDING


def test_approval_after_the_partner_terminated_is_refused(partner, partner_admin, served, customer_admin):
    rel, raw = _request(partner, partner_admin, served)
    request = services.approval_submit(raw_token=raw, user=customer_admin, customer=served)
    termination = services.terminate(rel, actor=partner_admin, side="partner")
    assert services.approval_process(request_id=str(request.pk)) == "failed"
    assert services.termination_complete(request_id=str(termination.pk)) == "succeeded"
    assert services.termination_complete(request_id=str(termination.pk)) == "done-already"
    request.refresh_from_db()
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.TERMINATED and rel.terminated_side == "partner"
    assert request.status == RequestStatus.FAILED and request.failure_code == RelationshipStatus.TERMINATION_REQUESTED
    assert GdapApproval.objects.get(relationship=rel).status == LinkStatus.REVOKED
    with pytest.raises(NotFound):  # the revoked link opens nothing
        services.approval_submit(raw_token=raw, user=customer_admin, customer=served)


def test_reject_ends_the_relationship(partner, partner_admin, served, customer_admin):
    rel, raw = _request(partner, partner_admin, served)
    services.reject(raw_token=raw, user=customer_admin, customer=served)
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.TERMINATED and rel.terminated_side == "customer"
    assert GdapApproval.objects.get(relationship=rel).status == LinkStatus.DECLINED
    with pytest.raises(DomainError):
        services.approval_submit(raw_token=raw, user=customer_admin, customer=served)


def test_terminate_by_the_customer_completes_and_deletes_assignments(partner, partner_admin, served,
                                                                     customer_admin):
    rel, raw = _request(partner, partner_admin, served)
    _approve(raw, customer_admin, served)
    group = services.group_create(partner=partner, actor=partner_admin, name="Helpdesk")
    assignment = services.assignment_create(rel, actor=partner_admin, security_group=group, roles=[DIRECTORY_READERS])
    services.member_add(group, actor=partner_admin, user=partner_admin)
    assert may(partner_admin, partner, served, "users.read").via == "gdap"
    request = services.terminate(rel, actor=customer_admin, side="customer")
    assert rel.status == RelationshipStatus.TERMINATION_REQUESTED
    assert not may(partner_admin, partner, served, "users.read")  # access ends with the request
    assert services.termination_complete(request_id=str(request.pk)) == "succeeded"
    rel.refresh_from_db()
    assert rel.status == RelationshipStatus.TERMINATED
    request.refresh_from_db()
    assignment.refresh_from_db()
    assert request.status == RequestStatus.SUCCEEDED and assignment.status == AssignmentStatus.DELETED
    with pytest.raises(Conflict):
        services.terminate(rel, actor=partner_admin, side="partner")
    for tenant in (partner, served):
        assert ActivityLog.objects.filter(tenant=tenant, kind=GdapEvents.TERMINATED).count() == 1


def test_edit_in_created_needs_the_current_etag(partner, partner_admin, served):
    rel = services.relationship_create(partner=partner, actor=partner_admin, customer=served, display_name="Draft",
                                       roles=[DIRECTORY_READERS], duration="P30D")
    etag = rel.etag
    updated = services.relationship_update(rel, actor=partner_admin, if_match=etag, duration="P60D",
                                           display_name="Draft 2")
    assert updated.etag != etag and updated.duration == timedelta(days=60)
    with pytest.raises(Stale):
        services.relationship_update(rel, actor=partner_admin, if_match=etag, duration="P90D")
    assert AdminRelationship.objects.get(pk=rel.pk).duration == timedelta(days=60)  # nothing half-saved
    with pytest.raises(Stale):
        services.relationship_delete(rel, actor=partner_admin, if_match=etag)
    services.relationship_delete(rel, actor=partner_admin, if_match=updated.etag)
    assert not AdminRelationship.objects.filter(pk=rel.pk).exists()


def test_active_allows_only_auto_extend_and_removing_global_administrator(partner, partner_admin, served,
                                                                         customer_admin):
    rel, raw = _request(partner, partner_admin, served, roles=(GA, DIRECTORY_READERS))
    _approve(raw, customer_admin, served)
    rel.refresh_from_db()
    with pytest.raises(Conflict):
        services.relationship_update(rel, actor=partner_admin, if_match=rel.etag, duration="P30D")
    with pytest.raises(DomainError) as exc:
        services.relationship_update(rel, actor=partner_admin, if_match=rel.etag, auto_extend="P180D")
    assert exc.value.code == Code.GLOBAL_ADMIN_AUTO_EXTEND and exc.value.field == "auto_extend"
    group = services.group_create(partner=partner, actor=partner_admin, name="Admins")
    assignment = services.assignment_create(rel, actor=partner_admin, security_group=group, roles=[GA])
    rel = services.remove_global_admin(rel, actor=partner_admin, if_match=rel.etag)
    assert [str(r.pk) for r in rel.roles.all()] == [DIRECTORY_READERS]
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DELETED  # it held only Global Administrator
    rel = services.relationship_update(rel, actor=partner_admin, if_match=rel.etag, auto_extend="P180D")
    assert rel.auto_extend_duration == timedelta(days=180)
    assert ActivityLog.objects.filter(tenant=served, kind=GdapEvents.GLOBAL_ADMIN_REMOVED).count() == 1
    with pytest.raises(Conflict):
        services.remove_global_admin(rel, actor=partner_admin, if_match=rel.etag)


def test_assignment_update_gives_an_operation_and_checks_the_etag(partner, partner_admin, served, customer_admin):
    rel, raw = _request(partner, partner_admin, served)
    _approve(raw, customer_admin, served)
    rel.refresh_from_db()
    group = services.group_create(partner=partner, actor=partner_admin, name="Helpdesk")
    assignment = services.assignment_create(rel, actor=partner_admin, security_group=group, roles=[DIRECTORY_READERS])
    with pytest.raises(Conflict):
        services.assignment_create(rel, actor=partner_admin, security_group=group, roles=[GLOBAL_READER])
    with pytest.raises(DomainError) as exc:
        services.assignment_update(assignment, actor=partner_admin, if_match=assignment.etag, roles=[GA])
    assert exc.value.field == "roles"  # not among the relationship's roles
    same, operation = services.assignment_update(assignment, actor=partner_admin, if_match=assignment.etag,
                                                 roles=[DIRECTORY_READERS])
    assert operation is None
    updated, operation = services.assignment_update(assignment, actor=partner_admin, if_match=assignment.etag,
                                                    roles=[DIRECTORY_READERS, GLOBAL_READER])
    assert operation.status == "succeeded" and operation.operation_type == "delegatedAdminAccessAssignmentUpdate"
    with pytest.raises(Stale):
        services.assignment_delete(assignment, actor=partner_admin, if_match=assignment.etag)
    services.assignment_delete(assignment, actor=partner_admin, if_match=updated.etag)
    # Deleted: the group may be given roles again.
    services.assignment_create(rel, actor=partner_admin, security_group=group, roles=[GLOBAL_READER])


def test_approval_applies_the_template_assignments(partner, partner_admin, served, customer_admin):
    helpdesk = services.group_create(partner=partner, actor=partner_admin, name="Helpdesk")
    readers = services.group_create(partner=partner, actor=partner_admin, name="Readers")
    template = services.template_save(partner=partner, actor=partner_admin, name="Standard",
                                      roles=[DIRECTORY_READERS, GLOBAL_READER], duration="P2Y",
                                      assignments=[(helpdesk, [DIRECTORY_READERS]), (readers, [GLOBAL_READER])])
    rel, raw = _request(partner, partner_admin, served, roles=(DIRECTORY_READERS,), template=template)
    _approve(raw, customer_admin, served)
    assignments = AccessAssignment.objects.filter(relationship=rel)
    # The Readers line holds no role of the relationship: skipped.
    assert [(a.security_group.name, a.status) for a in assignments] == [("Helpdesk", AssignmentStatus.ACTIVE)]
    rel.refresh_from_db()
    assert services.template_apply(rel) == []  # applying again creates nothing


def test_requests_on_a_relationship_of_another_partner_are_not_found(partner, partner_admin, served):
    from tests.factories import PartnerFactory

    rel, _raw = _request(partner, partner_admin, served)
    other = PartnerFactory()
    with pytest.raises(NotFound):
        selectors.relationship_get(tenant=other, relationship_id=rel.pk)
    with pytest.raises(NotFound):
        selectors.relationship_get(tenant=partner, relationship_id="not-a-uuid")
    assert selectors.relationship_get(tenant=served, relationship_id=rel.pk) == rel
    other_admin = member(other, Role.GLOBAL_ADMIN)
    with pytest.raises(Forbidden):
        services.terminate(rel, actor=other_admin, side="partner")
