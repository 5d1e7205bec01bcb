"""GDAP reads. Every query starts from `visible_to(tenant)`; another tenant's id is NotFound."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from itertools import groupby
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    Count,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gdap.models import (
    LIVE,
    AccessAssignment,
    AdminRelationship,
    AdminRelationshipRequest,
    AssignmentStatus,
    GdapApproval,
    RelationshipStatus,
    RequestAction,
    RoleDefinition,
    RoleTemplate,
    SecurityGroup,
)
from links.services import link_by_token
from partnercenter.errors import NotFound
from partnercenter.models import Tenant

_LIVE = list(LIVE)


def _with_details(qs: QuerySet) -> QuerySet:
    live_assignments = AccessAssignment.objects.exclude(status=AssignmentStatus.DELETED).select_related(
        "security_group").prefetch_related("roles")
    return qs.select_related("partner", "customer", "template").prefetch_related(
        "roles", Prefetch("assignments", queryset=live_assignments, to_attr="current_assignments"))


def relationships_for_customer(*, partner: Tenant, customer: Tenant) -> QuerySet[AdminRelationship]:
    """The partner's relationships with one customer (its "Admin relationships" page), newest first,
    with roles and current assignments prefetched (`rel.current_assignments`)."""
    return _with_details(AdminRelationship.objects.visible_to(partner).filter(customer=customer))


def relationships_for_partner(*, partner: Tenant, statuses: Iterable[str] | None = None) -> QuerySet[AdminRelationship]:
    qs = AdminRelationship.objects.visible_to(partner)
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    return qs.select_related("customer").prefetch_related("roles")


def relationships_of_customer(*, customer: Tenant) -> QuerySet[AdminRelationship]:
    """The customer's side (Admin center "Partner relationships"): every partner's, drafts excluded."""
    return _with_details(AdminRelationship.objects.visible_to(customer))


def pending_approvals_for_customer(*, customer: Tenant) -> QuerySet[AdminRelationship]:
    return (AdminRelationship.objects.visible_to(customer).filter(status=RelationshipStatus.APPROVAL_PENDING)
            .select_related("partner", "partner__profile").prefetch_related("roles"))


def expiring_within(*, partner: Tenant, days: int = 30, now: Any = None) -> QuerySet[AdminRelationship]:
    """Live relationships of the partner ending within `days` (soonest first), auto-extending ones included
    (the page says so)."""
    now = now or timezone.now()
    return (AdminRelationship.objects.visible_to(partner)
            .filter(status__in=_LIVE, end_at__gt=now, end_at__lte=now + timedelta(days=days))
            .select_related("customer").prefetch_related("roles").order_by("end_at", "pk"))


def _one(qs: QuerySet, pk: Any) -> Any:
    """The row with this primary key in an already scoped queryset; NotFound for a malformed or unknown id."""
    try:
        row = qs.filter(pk=pk).first()
    except (ValidationError, ValueError, TypeError):
        row = None
    if row is None:
        raise NotFound(_("Not found"))
    return row


def relationship_get(*, tenant: Tenant, relationship_id: Any) -> AdminRelationship:
    """One relationship the tenant may see, with details; NotFound for a malformed, unknown or foreign id."""
    return _one(_with_details(AdminRelationship.objects.visible_to(tenant)), relationship_id)


def assignment_get(*, tenant: Tenant, assignment_id: Any) -> AccessAssignment:
    return _one(AccessAssignment.objects.visible_to(tenant).select_related("relationship", "security_group"),
                assignment_id)


def approval_by_token(raw_token: str) -> GdapApproval:
    """The approval link's page: the link with its relationship, partner and profile; NotFound for an
    unknown or revoked token (an expired or answered one is returned: the page says which)."""
    approval = link_by_token(GdapApproval, raw_token, related=("relationship", "partner", "partner__profile",
                                                               "relationship__customer"))
    if approval is None or approval.status == "revoked":
        raise NotFound(_("Not found"))
    return approval


_SUMMARY_STATUSES = (RelationshipStatus.ACTIVE, RelationshipStatus.EXPIRING, RelationshipStatus.APPROVAL_PENDING)


def _summary_counts(now: Any) -> dict[str, Q]:
    """What the Customers list's GDAP summary counts. Live ones past their end before the sweep ran don't count."""
    live = Q(end_at__gt=now)
    return {"active": Q(status=RelationshipStatus.ACTIVE) & live, "expiring": Q(status=RelationshipStatus.EXPIRING) & live,
            "pending": Q(status=RelationshipStatus.APPROVAL_PENDING)}


GDAP_SUMMARY_KEYS = ("active", "expiring", "pending")


def gdap_summary_column(*, partner: Tenant, now: Any) -> Subquery:
    """The Customers list's GDAP summary as one column of a query whose rows have a `customer_id`: the
    numbers of active, expiring and pending relationships as the text "2,1,0" (gdap_summary_counts reads
    it), so that the Customers page reads it with its rows. One subquery per returned row counts all three
    in one pass over the customer's relationships (a subquery per count was a third of the page's time in
    PostgreSQL); an aggregate with no GROUP BY, so there is always one row, "0,0,0" for none."""
    conditions = _summary_counts(now)
    mine = (AdminRelationship.objects.visible_to(partner)
            .filter(customer_id=OuterRef("customer_id"), status__in=_SUMMARY_STATUSES).order_by())
    parts: list[Any] = []
    for key in GDAP_SUMMARY_KEYS:
        count = Func(Case(When(conditions[key], then=Value(1))), function="COUNT", output_field=IntegerField())
        parts += [Cast(count, CharField()), Value(",")]
    summary = Concat(*parts[:-1], output_field=CharField())
    return Subquery(mine.annotate(summary=summary).values("summary")[:1], output_field=CharField())


def gdap_summary_counts(summary: str | None) -> dict[str, int]:
    """gdap_summary_column's text as {"active": 2, "expiring": 1, "pending": 0}."""
    return dict(zip(GDAP_SUMMARY_KEYS, map(int, (summary or "0,0,0").split(",")), strict=True))


def assignments_of(*, relationship: AdminRelationship) -> QuerySet[AccessAssignment]:
    return (AccessAssignment.objects.filter(relationship=relationship).exclude(status=AssignmentStatus.DELETED)
            .select_related("security_group").prefetch_related("roles"))


def security_groups_of(*, partner: Tenant) -> QuerySet[SecurityGroup]:
    return SecurityGroup.objects.visible_to(partner).annotate(member_count=Count("memberships", distinct=True))


def security_group_get(*, tenant: Tenant, group_id: Any) -> SecurityGroup:
    return _one(SecurityGroup.objects.visible_to(tenant).prefetch_related("memberships__user"), group_id)


def role_templates_of(*, partner: Tenant) -> QuerySet[RoleTemplate]:
    return RoleTemplate.objects.visible_to(partner).prefetch_related("roles", "assignments__security_group",
                                                                     "assignments__roles")


def role_template_get(*, tenant: Tenant, template_id: Any) -> RoleTemplate:
    return _one(role_templates_of(partner=tenant), template_id)


def role_catalog(*, include_inactive: bool = False) -> list[tuple[str, list[RoleDefinition]]]:
    """The catalog grouped by category for the role picker: [(category, [roles by name])], Global
    Administrator (highlight) first within its group."""
    qs = RoleDefinition.objects.all() if include_inactive else RoleDefinition.objects.filter(is_active=True)
    rows = sorted(qs, key=lambda role: (role.category, not role.highlight, role.name))
    return [(category, list(roles)) for category, roles in groupby(rows, key=lambda role: role.category)]


# --- Admin center (the customer's side) ---------------------------------------------------------

_PAGE_RELATED = ("relationship", "partner", "partner__profile", "relationship__customer")


def approval_link_any(raw_token: str) -> GdapApproval | None:
    """The approval link page's look-up: the link of a raw token whatever its status (revoked too: the
    page tells the relationship's customer that the partner withdrew it), None for an unknown token."""
    return link_by_token(GdapApproval, raw_token, related=_PAGE_RELATED)


def approval_for_customer(*, customer: Tenant, relationship_id: Any) -> GdapApproval:
    """The newest approval link of one of the customer's own relationships (Admin center → Partner
    relationships → a pending request, where no token is at hand); NotFound outside its scope."""
    rel = _one(AdminRelationship.objects.visible_to(customer), relationship_id)
    approval = (GdapApproval.objects.filter(relationship=rel).select_related(*_PAGE_RELATED)
                .order_by("-created_at", "-pk").first())
    if approval is None:
        raise NotFound(_("Not found"))
    return approval


def approval_request_for_customer(*, customer: Tenant, request_id: Any) -> AdminRelationshipRequest:
    """An approve request the customer submitted (its "Processing…" page); NotFound for anyone else's.
    Scoped by the request's own customer: a relationship created without one is bound only when the
    approval is processed, and the page must show the processing before that."""
    if customer is None or customer.kind != "customer":
        raise NotFound(_("Not found"))
    qs = (AdminRelationshipRequest.objects.filter(customer=customer, action=RequestAction.APPROVE)
          .select_related("relationship", "relationship__partner", "relationship__partner__profile"))
    return _one(qs, request_id)


def roles_shown(rel: AdminRelationship) -> list[RoleDefinition]:
    """A relationship's roles as the customer's pages list them: the most powerful (highlighted) first."""
    return sorted(rel.roles.all(), key=lambda role: (not role.highlight, role.name.lower()))
# --- Partner settings: the Security groups and Role templates pages ------------------------------

SETTINGS_PAGE_SIZE = 50


def security_groups_page(*, partner: Tenant, search: str = "", number: Any = 1) -> Any:
    """A page of the partner's groups by name, found by name or description, each with `member_count`
    and `assignment_count` (its access assignments that are not deleted)."""
    from django.core.paginator import Paginator

    qs = SecurityGroup.objects.visible_to(partner).annotate(
        member_count=Count("memberships", distinct=True),
        assignment_count=Count("assignments", filter=~Q(assignments__status=AssignmentStatus.DELETED), distinct=True),
    ).order_by("name", "pk")
    term = (search or "").replace("\x00", "").strip()[:100]
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(description__icontains=term))
    return Paginator(qs, SETTINGS_PAGE_SIZE).get_page(number)


def group_assignments(*, group: SecurityGroup) -> QuerySet[AccessAssignment]:
    """The group's access assignments that are not deleted, with relationship, customer and roles."""
    return (AccessAssignment.objects.filter(security_group=group).exclude(status=AssignmentStatus.DELETED)
            .select_related("relationship", "relationship__customer").prefetch_related("roles")
            .order_by("relationship__customer__name", "relationship__display_name", "pk"))


def partner_users(*, partner: Tenant) -> QuerySet[Any]:
    """The partner's users with an active membership (who may be added to a group), by email."""
    from partnercenter.models import User

    return User.objects.filter(memberships__tenant=partner, memberships__is_active=True,
                               is_active=True).distinct().order_by("email")


def role_templates_page(*, partner: Tenant, search: str = "", number: Any = 1) -> Any:
    from django.core.paginator import Paginator

    qs = role_templates_of(partner=partner).order_by("name", "pk")
    term = (search or "").replace("\x00", "").strip()[:100]
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(description__icontains=term))
    return Paginator(qs, SETTINGS_PAGE_SIZE).get_page(number)
