"""The customer's answer (approve through a queued task like F4's acceptance, reject at once) and
termination by either side (requested now, completed by a task). Every step re-checks the state under
row locks (approval link → relationship), so a double click, two Global admins, or an approval racing a
termination end in one consistent outcome."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gdap import rules
from gdap.events import GdapEvents
from gdap.models import (
    LIVE,
    AccessAssignment,
    AdminRelationship,
    AdminRelationshipRequest,
    AssignmentStatus,
    GdapApproval,
    RelationshipStatus,
    RequestAction,
    RequestStatus,
    TerminatedSide,
)
from gdap.services.assignments import template_apply
from gdap.services.common import record, relationship_lock, require
from links.models import LinkStatus
from links.services import link_answer, link_by_token, link_revoke
from partnercenter.dispatch import enqueue_on_commit
from partnercenter.errors import Code, Conflict, DomainError, Expired, Forbidden, NotFound
from partnercenter.models import Tenant, User
from partnercenter.roles import Perm
from partnercenter.selectors import user_is_customer_global_admin

logger = logging.getLogger(__name__)
ANSWER_ACTIONS = (RequestAction.APPROVE, RequestAction.REJECT)
OPEN = (RequestStatus.PENDING, RequestStatus.SUCCEEDED)


def _answer_checked(raw_token: str, user: User, customer: Tenant,
                    approval_id: int | None = None) -> tuple[GdapApproval, AdminRelationship]:
    """Lock the link and its relationship and check that `user` may answer it for `customer` now. The
    link is the raw token's, or (from the Admin center, where the customer's own pending requests are
    listed and no token is at hand) the one with `approval_id`."""
    if approval_id is not None:
        approval = GdapApproval.objects.select_for_update(of=("self",)).filter(pk=approval_id).first()
    else:
        approval = link_by_token(GdapApproval, raw_token, lock=True)
    if approval is None or approval.status == LinkStatus.REVOKED:
        raise NotFound(_("Not found"))
    rel = relationship_lock(approval.relationship_id)
    if not user_is_customer_global_admin(user=user, tenant=customer):
        raise Forbidden(_("Only a Global admin of your organisation can approve or reject an admin relationship."))
    if rel.customer_id and rel.customer_id != customer.pk:
        raise Forbidden(_("This request is addressed to another organisation. Switch to it and open the link again."))
    if not rel.customer_id:
        rules.customer_check(partner=rel.partner, customer=customer, require_reseller=False)
    return approval, rel


def _state_check(approval: GdapApproval, rel: AdminRelationship) -> None:
    if rel.status in (RelationshipStatus.TERMINATION_REQUESTED, RelationshipStatus.TERMINATING,
                      RelationshipStatus.TERMINATED):
        raise Conflict(_("The partner withdrew this request."), code=Code.ALREADY_REMOVED)
    if approval.status in (LinkStatus.ACCEPTED, LinkStatus.DECLINED) or rel.status != RelationshipStatus.APPROVAL_PENDING:
        if rel.status == RelationshipStatus.EXPIRED:
            raise Expired(_("This request has expired. Ask your partner for a new one."))
        raise Conflict(_("This request has already been answered."), code=Code.ALREADY_ANSWERED)
    if approval.status == LinkStatus.EXPIRED or approval.is_expired():
        raise Expired(_("This request has expired. Ask your partner for a new one."))


def approval_submit(*, raw_token: str = "", user: User, customer: Tenant, ip: str | None = None,
                    approval_id: int | None = None) -> AdminRelationshipRequest:
    """The customer Global admin's "Approve": records a `pending` approve request and queues
    approval_process after commit. Idempotent: a second click (or a second Global admin) while it is
    pending gets the same request back (the page shows "Processing…")."""
    with transaction.atomic():
        approval, rel = _answer_checked(raw_token, user, customer, approval_id)
        previous = AdminRelationshipRequest.objects.filter(relationship=rel, action__in=ANSWER_ACTIONS,
                                                           status__in=OPEN).first()
        if previous is not None and previous.action == RequestAction.APPROVE and previous.status == RequestStatus.PENDING:
            return previous
        _state_check(approval, rel)
        if previous is not None:
            raise Conflict(_("This request has already been answered."), code=Code.ALREADY_ANSWERED)
        try:
            with transaction.atomic():
                request = AdminRelationshipRequest.objects.create(
                    relationship=rel, action=RequestAction.APPROVE, status=RequestStatus.PENDING, actor=user,
                    customer=customer, approval=approval, ip_address=ip,
                )
        except IntegrityError:  # held off by the link's row lock; kept as a last line
            return AdminRelationshipRequest.objects.get(relationship=rel, action=RequestAction.APPROVE,
                                                        status__in=OPEN)
        unbound = {} if rel.customer_id else {"customer": customer.name, "customer_id": str(customer.pk)}
        record(rel, GdapEvents.APPROVAL_SUBMITTED, actor=user, ip=ip, **unbound)
        from gdap.tasks import approval_process_task

        enqueue_on_commit(approval_process_task, str(request.pk))
    return request


def approval_process(*, request_id: str) -> str:
    """Apply a pending approve request (the task's work; idempotent, safe to run twice or on two workers).
    Re-checks now: the relationship still awaits approval (not terminated or expired), the link is
    neither revoked nor answered and was clicked before it expired. Then → active with activated_at and
    end_at = activation + duration, the template's assignments, the link accepted. Returns
    "succeeded", "failed" or "done-already"."""
    AdminRelationshipRequest.objects.filter(pk=request_id, status=RequestStatus.PENDING).update(
        deliveries=F("deliveries") + 1)
    with transaction.atomic():
        request = (AdminRelationshipRequest.objects.select_for_update(of=("self",)).select_related("customer", "actor")
                   .filter(pk=request_id, status=RequestStatus.PENDING, action=RequestAction.APPROVE).first())
        if request is None:
            return "done-already"
        approval = GdapApproval.objects.select_for_update().filter(pk=request.approval_id).first()
        rel = relationship_lock(request.relationship_id)
        failure = _process_refusal(request, approval, rel)
        if failure:
            return _fail(request, rel, failure)
        if not rel.customer_id:
            try:
                rules.customer_check(partner=rel.partner, customer=request.customer, require_reseller=False)
            except DomainError:
                return _fail(request, rel, "customer")
            rel.customer = request.customer
        now = timezone.now()
        rel.status = RelationshipStatus.ACTIVE
        rel.activated_at, rel.end_at = now, now + rel.duration
        rel.save()
        template_apply(rel, actor=request.actor)
        link_answer(approval, status=LinkStatus.ACCEPTED, actor=request.actor)
        request.status = RequestStatus.SUCCEEDED
        request.save(update_fields=["status", "last_modified_at"])
        record(rel, GdapEvents.APPROVED, actor=request.actor, ip=request.ip_address)
    return "succeeded"


def _process_refusal(request: AdminRelationshipRequest, approval: GdapApproval | None, rel: AdminRelationship) -> str:
    if request.deliveries > settings.TASK_MAX_DELIVERIES:
        return "dead"
    if rel.status != RelationshipStatus.APPROVAL_PENDING:
        return str(rel.status)  # terminationRequested, terminated, expired, …
    if approval is None or approval.status == LinkStatus.REVOKED:
        return "revoked"
    if approval.status in (LinkStatus.ACCEPTED, LinkStatus.DECLINED):
        return "answered"
    if request.created_at >= approval.expires_at:  # the click counts, not when the queue got to it
        return "expired"
    return ""


def _fail(request: AdminRelationshipRequest, rel: AdminRelationship, code: str) -> str:
    request.status = RequestStatus.FAILED
    request.failure_code = code
    request.save(update_fields=["status", "failure_code", "last_modified_at"])
    record(rel, GdapEvents.APPROVAL_FAILED, actor=request.actor, ip=request.ip_address, reason=code,
           customer_too=bool(rel.customer_id))
    return "failed"


def reject(*, raw_token: str = "", user: User, customer: Tenant, ip: str | None = None,
           approval_id: int | None = None) -> AdminRelationshipRequest:
    """The customer Global admin's "Reject": at once, the relationship ends (`terminated`, side customer)
    and the link is declined."""
    with transaction.atomic():
        approval, rel = _answer_checked(raw_token, user, customer, approval_id)
        if AdminRelationshipRequest.objects.filter(relationship=rel, action__in=ANSWER_ACTIONS,
                                                   status__in=OPEN).exists():
            raise Conflict(_("This request has already been answered."), code=Code.ALREADY_ANSWERED)
        _state_check(approval, rel)
        request = AdminRelationshipRequest.objects.create(
            relationship=rel, action=RequestAction.REJECT, status=RequestStatus.SUCCEEDED, actor=user,
            customer=customer, approval=approval, ip_address=ip,
        )
        if not rel.customer_id:
            rel.customer = customer
        rel.status = RelationshipStatus.TERMINATED
        rel.terminated_at, rel.terminated_by, rel.terminated_side = timezone.now(), user, TerminatedSide.CUSTOMER
        rel.save()
        link_answer(approval, status=LinkStatus.DECLINED, actor=user)
        record(rel, GdapEvents.REJECTED, actor=user, ip=ip)
    return request


def terminate(rel: AdminRelationship, *, actor: User | None, side: str, ip: str | None = None,
              ) -> AdminRelationshipRequest:
    """"Terminate" by the partner (GDAP_MANAGE) or the customer (its Global admin): from approvalPending
    (the link is revoked), active or expiring → terminationRequested with a pending terminate request;
    a task completes it (terminating → terminated, assignments deleted). Access ends at once."""
    side = TerminatedSide(side)
    with transaction.atomic():
        for link in GdapApproval.objects.filter(relationship_id=rel.pk, status=LinkStatus.PENDING):
            GdapApproval.objects.select_for_update().filter(pk=link.pk).first()  # link before relationship
        locked = relationship_lock(rel)
        if side == TerminatedSide.PARTNER:
            require(actor, locked.partner, Perm.GDAP_MANAGE)
        else:
            if locked.customer_id is None or locked.status == RelationshipStatus.CREATED:
                raise NotFound(_("Not found"))
            require(actor, locked.customer, Perm.GDAP_APPROVE)
        if locked.status == RelationshipStatus.CREATED:
            raise Conflict(_("This admin relationship was never sent for approval: delete it instead."))
        if locked.status not in (*LIVE, RelationshipStatus.APPROVAL_PENDING):
            raise Conflict(_("This admin relationship is already terminated or expired."), code=Code.ALREADY_REMOVED)
        for link in GdapApproval.objects.filter(relationship=locked, status=LinkStatus.PENDING):
            link_revoke(link, actor=actor, ip=ip)
        locked.status = RelationshipStatus.TERMINATION_REQUESTED
        locked.terminated_by, locked.terminated_side = actor, side
        locked.save()
        request = AdminRelationshipRequest.objects.create(
            relationship=locked, action=RequestAction.TERMINATE, status=RequestStatus.PENDING, actor=actor,
            ip_address=ip,
        )
        record(locked, GdapEvents.TERMINATION_REQUESTED, actor=actor, ip=ip, side=side.value)
        from gdap.tasks import termination_complete_task

        enqueue_on_commit(termination_complete_task, str(request.pk))
    rel.refresh_from_db()
    return request


def termination_complete(*, request_id: str) -> str:
    """The task's work: terminationRequested → terminated, every assignment deleted. Idempotent."""
    with transaction.atomic():
        request = (AdminRelationshipRequest.objects.select_for_update(of=("self",))
                   .filter(pk=request_id, status=RequestStatus.PENDING, action=RequestAction.TERMINATE).first())
        if request is None:
            return "done-already"
        rel = relationship_lock(request.relationship_id)
        if rel.status not in (RelationshipStatus.TERMINATION_REQUESTED, RelationshipStatus.TERMINATING):
            request.status, request.failure_code = RequestStatus.FAILED, str(rel.status)
            request.save(update_fields=["status", "failure_code", "last_modified_at"])
            return "failed"
        now = timezone.now()
        AccessAssignment.objects.filter(relationship=rel).exclude(status=AssignmentStatus.DELETED).update(
            status=AssignmentStatus.DELETED, version=F("version") + 1, last_modified_at=now)
        rel.status, rel.terminated_at = RelationshipStatus.TERMINATED, now
        rel.save()
        request.status = RequestStatus.SUCCEEDED
        request.save(update_fields=["status", "last_modified_at"])
        record(rel, GdapEvents.TERMINATED, actor=request.actor, ip=request.ip_address, side=rel.terminated_side)
    return "succeeded"


def requests_sweep(*, older_than_seconds: int = 30, stale_after_seconds: int = 1800) -> int:
    """Re-queue pending approve / terminate requests whose broker message was lost (beat)."""
    from gdap.tasks import approval_process_task, termination_complete_task

    now = timezone.now()
    rows = list(AdminRelationshipRequest.objects.filter(status=RequestStatus.PENDING).filter(
        Q(deliveries=0, created_at__lt=now - timedelta(seconds=older_than_seconds))
        | Q(last_modified_at__lt=now - timedelta(seconds=stale_after_seconds))
    ).values_list("pk", "action")[:1000])
    for pk, action in rows:
        task = approval_process_task if action == RequestAction.APPROVE else termination_complete_task
        try:
            task.apply_async(args=(str(pk),), retry=False)
        except Exception:
            logger.warning("broker unavailable; %d GDAP requests wait", len(rows))
            break
    return len(rows)

