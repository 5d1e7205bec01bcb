"""Reads of service requests, always scoped: the partner sees its own requests (visible_to(partner)), a
customer's Global admins their organisation's (visible_to(customer)). Another tenant's id is NotFound."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from customers.models import RelationshipStatus, ResellerRelationship
from gdap import access
from partnercenter.errors import NotFound
from partnercenter.models import Membership, Tenant, User
from partnercenter.roles import Role
from servicerequests import rules
from servicerequests.models import Attachment, Comment, ServiceRequest, Severity, Status

PAGE_SIZE = 50
ASSIGNED_TO_ME = "me"
UNASSIGNED = "none"


def _not_found() -> NotFound:
    return NotFound(_("No such service request."))


@dataclass(frozen=True)
class Filters:
    status: str = ""
    severity: str = ""
    assignee: str = ""  # "", "me", "none" or a user id
    q: str = ""

    @classmethod
    def from_query(cls, query: object) -> Filters:
        get = getattr(query, "get", lambda key, default="": default)
        status = get("status", "") or ""
        severity = get("severity", "") or ""
        assignee = (get("assignee", "") or "").strip()
        known = assignee in (ASSIGNED_TO_ME, UNASSIGNED) or rules.is_number(assignee)
        return cls(status=status if status in Status.values else "",
                   severity=severity if severity in Severity.values else "",
                   assignee=assignee if known else "",
                   q=(get("q", "") or "").replace("\x00", "").strip()[:100])

    def as_query(self) -> dict[str, str]:
        return {key: value for key, value in vars(self).items() if value}


def _base(partner: Tenant) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.visible_to(partner).select_related("customer", "assignee")


def requests_of_partner(*, partner: Tenant, user: User, filters: Filters = Filters()) -> QuerySet[ServiceRequest]:
    """The partner's requests for its active customers (a former customer's requests are not opened
    through the on-behalf guard any more) for which `user` may work on service requests now (DAP or GDAP,
    the rule of gdap.access.may(), which opening a request asks), newest first, narrowed by `filters`."""
    qs = _base(partner).filter(
        customer_id__in=ResellerRelationship.objects.visible_to(partner).filter(
            status=RelationshipStatus.ACTIVE).values("customer_id"),
    ).filter(customer_id__in=access.customers_where_may(user, partner, access.SERVICE_REQUESTS_MANAGE))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    if filters.assignee == ASSIGNED_TO_ME:
        qs = qs.filter(assignee=user)
    elif filters.assignee == UNASSIGNED:
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee:
        qs = qs.filter(assignee_id=int(filters.assignee))
    if filters.q:
        condition = Q(customer__name__icontains=filters.q) | Q(title__icontains=filters.q)
        number = rules.parse_reference(filters.q)
        if number is not None:
            condition |= Q(number=number)
        qs = qs.filter(condition)
    return qs.order_by("-number")


def export_rows(*, partner: Tenant, user: User, filters: Filters, chunk: int = 2000) -> Iterator[ServiceRequest]:
    return requests_of_partner(partner=partner, user=user, filters=filters).iterator(chunk_size=chunk)


def requests_of_customer_for_partner(*, partner: Tenant, customer: Tenant) -> QuerySet[ServiceRequest]:
    return _base(partner).filter(customer=customer).order_by("-number")


def request_for_partner(*, partner: Tenant, customer: Tenant, request_id: object) -> ServiceRequest:
    try:
        return _base(partner).select_related("created_by").get(customer=customer, pk=request_id)
    except (ServiceRequest.DoesNotExist, ValueError, ValidationError) as exc:
        raise _not_found() from exc


def requests_of_customer(*, customer: Tenant) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.visible_to(customer).select_related("partner").order_by("-created_at", "-number")


def request_for_customer(*, customer: Tenant, request_id: object) -> ServiceRequest:
    try:
        return requests_of_customer(customer=customer).get(pk=request_id)
    except (ServiceRequest.DoesNotExist, ValueError, ValidationError) as exc:
        raise _not_found() from exc


def thread(*, request: ServiceRequest) -> list[Comment]:
    """The comments, oldest first (newest last), with their attachments."""
    return list(Comment.objects.filter(request=request).order_by("id").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "name"))))


def request_attachments(*, request: ServiceRequest) -> list[Attachment]:
    """The files attached when the request was opened (not to a comment)."""
    return list(Attachment.objects.filter(request=request, comment__isnull=True).order_by("created_at", "name"))


def attachment_of(*, request: ServiceRequest, attachment_id: object) -> Attachment:
    try:
        return Attachment.objects.get(request=request, pk=attachment_id)
    except (Attachment.DoesNotExist, ValueError, ValidationError) as exc:
        raise NotFound(_("No such attachment.")) from exc


def assignable_users(*, partner: Tenant) -> list[User]:
    """Active members of the partner whose roles give them the Service requests pages, by name."""
    roles: dict[int, set[str]] = {}
    for user_id, role in Membership.objects.filter(tenant=partner, is_active=True, user__is_active=True).values_list(
            "user_id", "role"):
        roles.setdefault(user_id, set()).add(role)
    ids = [user_id for user_id, held in roles.items() if rules.may_be_assigned(held)]
    return list(User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "email"))


def assignable(*, partner: Tenant, user_id: object) -> User | None:
    """The user when they may be assigned requests of `partner`; None for anyone else (another partner's
    user, a deactivated member, a role without service requests, an unknown id)."""
    try:
        key = int(str(user_id))
    except (TypeError, ValueError):
        return None
    return next((user for user in assignable_users(partner=partner) if user.pk == key), None)


def customer_global_admins(*, customer: Tenant) -> list[User]:
    return list(User.objects.filter(memberships__tenant=customer, memberships__role=Role.CUSTOMER_GLOBAL_ADMIN,
                                    memberships__is_active=True, is_active=True).distinct().order_by("email"))


def is_active_member(*, tenant: Tenant, user: User | None) -> bool:
    return user is not None and user.is_active and Membership.objects.filter(
        tenant=tenant, user=user, is_active=True).exists()
