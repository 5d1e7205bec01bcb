"""Opening a service request, changing its status and its assignee (the partner's side)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from partnercenter.errors import Invalid, Stale
from partnercenter.models import Tenant, User
from servicerequests import files, rules, selectors
from servicerequests.events import ServiceRequestEvents
from servicerequests.models import TEXT_MAX, TITLE_MAX, Category, ServiceRequest, Severity, Side, Status
from servicerequests.services.common import (
    FilesGuard,
    customer_url,
    label,
    lock,
    mail,
    partner_url,
    record,
    require_partner_side,
    store_files,
)


def _check_text(title: str, description: str) -> tuple[str, str]:
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise Invalid(_("Enter a title."), field="title")
    if len(title) > TITLE_MAX:
        raise Invalid(_("The title may be up to %(max)s characters long."), field="title", params={"max": TITLE_MAX})
    if not description:
        raise Invalid(_("Describe the problem."), field="description")
    if len(description) > TEXT_MAX:
        raise Invalid(_("The description may be up to %(max)s characters long (it has %(length)s)."),
                      field="description", params={"max": f"{TEXT_MAX:,}", "length": f"{len(description):,}"})
    return title, description


def _assignee(partner: Tenant, assignee_id: object) -> User | None:
    if assignee_id in (None, ""):
        return None
    user = selectors.assignable(partner=partner, user_id=assignee_id)
    if user is None:
        raise Invalid(_("Choose one of your organisation's users who work on service requests."), field="assignee")
    return user


def _stale() -> Stale:
    return Stale(_("Someone else changed this service request since you opened it. Its current state is shown: "
                   "check it and try again."), field="status")


def service_request_create(*, partner: Tenant, actor: User, customer: Tenant, title: str, description: str,
                           severity: str, category: str, assignee_id: object = None, uploads: list | None = None,
                           ip: str | None = None) -> ServiceRequest:
    """Open a request for `customer`; the next number of the partner; the customer's Global admins are told."""
    title, description = _check_text(title, description)
    if severity not in Severity.values:
        raise Invalid(_("Choose a severity."), field="severity")
    if category not in Category.values:
        raise Invalid(_("Choose a category."), field="category")
    checked = files.check_uploads(list(uploads or []))
    require_partner_side(partner=partner, actor=actor, customer=customer)
    assignee = _assignee(partner, assignee_id)
    with FilesGuard() as saved, transaction.atomic():
        # One number at a time per partner: the partner's row is the lock (the unique constraint backs it).
        Tenant.objects.select_for_update().get(pk=partner.pk)
        number = (ServiceRequest.objects.visible_to(partner).aggregate(top=Max("number"))["top"] or 0) + 1
        request = ServiceRequest.objects.create(
            partner=partner, customer=customer, number=number, title=title, description=description,
            severity=severity, category=category, assignee=assignee, created_by=actor, created_by_email=actor.email)
        record(request, ServiceRequestEvents.CREATED, actor=actor, ip=ip,
               severity=severity, category=label(Category, category))
        if assignee is not None:
            record(request, ServiceRequestEvents.ASSIGNED, actor=actor, ip=ip, assignee=assignee.email)
        store_files(request, checked, side=Side.PARTNER, actor=actor, comment=None, ip=ip, saved=saved)
        mail(selectors.customer_global_admins(customer=customer), "created", request, url=customer_url(request),
             tenant=customer)
        if assignee is not None:
            _mail_assignee(request, assignee, actor)
    return request


def _mail_assignee(request: ServiceRequest, assignee: User, actor: User) -> None:
    mail([assignee], "assigned", request, url=partner_url(request), tenant=request.partner, exclude=actor)


def _changed(request: ServiceRequest, version: int, **values: object) -> ServiceRequest:
    """Apply `values` only if nobody changed status or assignee since `version` was read."""
    if request.version != version:
        raise _stale()
    ServiceRequest.objects.filter(pk=request.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values)
    return lock(request)


def service_request_status_set(*, partner: Tenant, actor: User, request: ServiceRequest, status: str,
                               version: object, ip: str | None = None) -> ServiceRequest:
    """The new status (rules.TRANSITIONS) on the version the page showed; the customer's Global admins are
    told. The same status again is no change."""
    version = _version(version)
    require_partner_side(partner=partner, actor=actor, customer=request.customer)
    with transaction.atomic():
        current = lock(request)
        if current.partner_id != partner.pk:
            raise selectors._not_found()
        if current.version != version:
            raise _stale()
        if status == current.status:
            return current
        rules.check_transition(current.status, status)
        previous = current.status
        current = _changed(current, version, status=status)
        record(current, ServiceRequestEvents.STATUS_CHANGED, actor=actor, ip=ip, status=label(Status, status),
               previous=label(Status, previous), status_value=status, previous_value=previous)
        mail(selectors.customer_global_admins(customer=current.customer), "status_changed", current,
             url=customer_url(current), tenant=current.customer,
             previous=previous)
    return current


def service_request_assign(*, partner: Tenant, actor: User, request: ServiceRequest, assignee_id: object,
                           version: object, ip: str | None = None) -> ServiceRequest:
    """Assign to one of the partner's users who work on service requests, or to nobody ("")."""
    version = _version(version, field="assignee")
    require_partner_side(partner=partner, actor=actor, customer=request.customer)
    assignee = _assignee(partner, assignee_id)
    with transaction.atomic():
        current = lock(request)
        if current.partner_id != partner.pk:
            raise selectors._not_found()
        if current.version != version:
            raise Stale(_stale()._message, field="assignee")
        if (assignee.pk if assignee else None) == current.assignee_id:
            return current
        current = _changed(current, version, assignee=assignee)
        record(current, ServiceRequestEvents.ASSIGNED, actor=actor, ip=ip,
               assignee=assignee.email if assignee else label_nobody())
        if assignee is not None:
            _mail_assignee(current, assignee, actor)
    return current


def label_nobody() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(_("nobody"))


def _version(value: object, field: str = "status") -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        raise Stale(_stale()._message, field=field) from None
