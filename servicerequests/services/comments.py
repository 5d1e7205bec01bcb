"""Comments (with attachments) on a service request, from either side. A partner's comment is mailed to the
customer's Global admins; a customer's to the assignee, else to the partner user who opened the request."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnercenter.errors import Invalid
from partnercenter.models import Tenant, User
from servicerequests import files, rules, selectors
from servicerequests.events import ServiceRequestEvents
from servicerequests.models import TEXT_MAX, Comment, ServiceRequest, Side, Status
from servicerequests.services.common import (
    FilesGuard,
    customer_url,
    label,
    lock,
    mail,
    partner_url,
    quote,
    record,
    require_customer_side,
    require_partner_side,
    store_files,
)


def check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Invalid(_("Write a comment."), field="body")
    if len(body) > TEXT_MAX:
        raise Invalid(_("A comment may be up to %(max)s characters long; this one has %(length)s. Shorten it, or "
                        "attach the text as a .txt file."), field="body",
                      params={"max": f"{TEXT_MAX:,}", "length": f"{len(body):,}"})
    return body


def _add(request: ServiceRequest, *, side: str, actor: User, body: str, checked: list, ip: str | None,
         saved: list[str], partner: Tenant | None = None) -> tuple[ServiceRequest, Comment]:
    current = lock(request)
    if partner is not None and current.partner_id != partner.pk:
        raise selectors._not_found()  # another partner's request (that partner may serve the same customer)
    rules.check_commentable(current.status)
    comment = Comment.objects.create(request=current, author=actor, author_email=actor.email,
                                     author_name=actor.get_full_name(), side=side, body=body)
    customer_side = side == Side.CUSTOMER
    record(current, ServiceRequestEvents.COMMENTED, actor=actor, ip=ip, customer_too=customer_side,
           author=actor.email, side=side, comment_id=comment.pk)
    store_files(current, checked, side=side, actor=actor, comment=comment, ip=ip, saved=saved)
    ServiceRequest.objects.filter(pk=current.pk).update(updated_at=timezone.now())
    return current, comment


def comment_add_partner(*, partner: Tenant, actor: User, request: ServiceRequest, body: str,
                        uploads: list | None = None, ip: str | None = None) -> Comment:
    body = check_body(body)
    checked = files.check_uploads(list(uploads or []))
    require_partner_side(partner=partner, actor=actor, customer=request.customer)
    with FilesGuard() as saved, transaction.atomic():
        current, comment = _add(request, side=Side.PARTNER, actor=actor, body=body, checked=checked, ip=ip,
                                saved=saved, partner=partner)
        mail(selectors.customer_global_admins(customer=current.customer), "partner_commented", current,
             url=customer_url(current), tenant=current.customer, comment=comment, body=quote(body))
    return comment


def customer_recipients(request: ServiceRequest) -> list[User]:
    """Who hears of a customer's comment: the assignee, else the partner user who opened the request — when
    they are still active members of the partner; else nobody (the request shows on the partner's list)."""
    for user in (request.assignee, request.created_by):
        if selectors.is_active_member(tenant=request.partner, user=user):
            return [user]  # type: ignore[list-item]
    return []


def comment_add_customer(*, customer: Tenant, actor: User, request: ServiceRequest, body: str,
                         uploads: list | None = None, ip: str | None = None) -> Comment:
    """A comment of the customer's Global admin; a request waiting for the customer is In progress again."""
    body = check_body(body)
    checked = files.check_uploads(list(uploads or []))
    require_customer_side(customer=customer, actor=actor)
    if request.customer_id != customer.pk:
        raise selectors._not_found()
    with FilesGuard() as saved, transaction.atomic():
        current, comment = _add(request, side=Side.CUSTOMER, actor=actor, body=body, checked=checked, ip=ip,
                                saved=saved)
        moved = rules.after_customer_comment(current.status)
        if moved is not None:
            previous = current.status
            ServiceRequest.objects.filter(pk=current.pk).update(status=moved, version=F("version") + 1)
            current = lock(current)
            record(current, ServiceRequestEvents.STATUS_CHANGED, actor=actor, ip=ip, customer_too=True,
                   status=label(Status, moved), previous=label(Status, previous), status_value=moved,
                   previous_value=previous)
        mail(customer_recipients(current), "customer_commented", current, url=partner_url(current),
             tenant=current.partner, comment=comment, body=quote(body))
    return comment
