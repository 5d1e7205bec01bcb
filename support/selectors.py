"""Reads of Service management (F13): the customer's services (from its subscriptions' products), the
partner's DAP and GDAP access to it, and what the signed-in user may do now, in a fixed handful of queries.

`service_overview` answers every gdap.access action at once. It asks the same questions as
gdap.access.may() (an active membership; an active DAP for one of the action's services with a role
level that covers it; an active assignment on a live relationship, to a group the user is in, with a
role covering the action) from six queries instead of up to four per action; tests/test_support_matrix.py
checks that both agree for every partner role, access and action."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from customers.models import DelegatedAdminPermission, Service
from customers.models import RelationshipStatus as DapStatus
from gdap import access
from gdap.catalog import action_roles
from gdap.models import LIVE, AccessAssignment, AssignmentStatus, RoleDefinition, SecurityGroupMember
from partnercenter.models import Tenant
from partnercenter.selectors import roles_of
from subscriptions.models import Subscription, SubscriptionStatus
from support import rules
from support.links import action_url
from support.onbehalf import ACTION_LABELS


@dataclass
class GroupHolding:
    id: Any
    name: str
    is_mine: bool  # the signed-in user is a member


@dataclass
class RoleHolding:
    """A GDAP role the partner holds for the customer now, and the security groups holding it."""

    id: str
    name: str
    groups: list[GroupHolding] = field(default_factory=list)

    @property
    def is_mine(self) -> bool:
        return any(group.is_mine for group in self.groups)


@dataclass
class ServiceRow:
    service: str
    label: str
    products: list[str]
    dap_active: bool
    gdap_roles: list[RoleHolding]  # held roles covering an action on this service


@dataclass
class ActionRow:
    action: str
    label: str
    dap: bool  # an active DAP allows it (role level and service)
    gdap_roles: list[RoleHolding]  # the user's GDAP roles allowing it (through their groups)
    missing_roles: tuple[str, ...]  # on a refusal: the roles any of which would allow it
    url: str | None = None

    @property
    def allowed(self) -> bool:
        return self.dap or bool(self.gdap_roles)

    @property
    def via(self) -> str | None:
        """As gdap.access.Decision.via: DAP first."""
        return "dap" if self.dap else "gdap" if self.gdap_roles else None


@dataclass
class ServiceOverview:
    services: list[ServiceRow]
    roles: list[RoleHolding]  # every GDAP role held now, by name
    actions: list[ActionRow]
    dap_services: list[str]  # the active DAP services (values)

    def action(self, action: str) -> ActionRow:
        return next(row for row in self.actions if row.action == action)


def _gdap_holdings(*, user: Any, partner: Tenant, customer: Tenant, now: Any) -> list[RoleHolding]:
    through = AccessAssignment.roles.through
    rows = (through.objects.filter(
        accessassignment__status=AssignmentStatus.ACTIVE,
        accessassignment__relationship__partner=partner, accessassignment__relationship__customer=customer,
        accessassignment__relationship__status__in=list(LIVE), accessassignment__relationship__end_at__gt=now,
        accessassignment__security_group__partner=partner,
    ).values_list("roledefinition_id", "roledefinition__name", "accessassignment__security_group_id",
                  "accessassignment__security_group__name").distinct())
    rows = list(rows)
    mine: set[Any] = set()
    if rows and user is not None:
        mine = set(SecurityGroupMember.objects.filter(
            user=user, group_id__in={row[2] for row in rows}).values_list("group_id", flat=True))
    roles: dict[str, RoleHolding] = {}
    for role_id, role_name, group_id, group_name in rows:
        holding = roles.setdefault(str(role_id), RoleHolding(str(role_id), role_name))
        if all(group.id != group_id for group in holding.groups):
            holding.groups.append(GroupHolding(group_id, group_name, group_id in mine))
    for holding in roles.values():
        holding.groups.sort(key=lambda group: group.name.lower())
    return sorted(roles.values(), key=lambda role: role.name.lower())


def service_overview(*, user: Any, partner: Tenant, customer: Tenant, now: Any = None) -> ServiceOverview:
    """The Service management page of `customer` for `user` acting for `partner` (the customer is one of
    the partner's: the caller checked, on_behalf_view does)."""
    now = now or timezone.now()
    covering = action_roles()
    member_roles: set[str] = set()
    if getattr(user, "is_authenticated", False) and partner.is_partner:
        member_roles = set(roles_of(user=user, tenant=partner))
    dap = set(DelegatedAdminPermission.objects.filter(partner=partner, customer=customer, status=DapStatus.ACTIVE)
              .values_list("service", flat=True))
    products = (Subscription.objects.visible_to(partner).filter(customer=customer)
                .exclude(status=SubscriptionStatus.CANCELLED).values_list("offer__product", flat=True).distinct())
    by_service = rules.services_of_products(products)
    for service in dap:  # a DAP without a subscription still shows its service
        by_service.setdefault(service, [])
    held = _gdap_holdings(user=user, partner=partner, customer=customer, now=now)
    names = {str(pk): name for pk, name in RoleDefinition.objects.filter(
        pk__in={pk for ids in covering.values() for pk in ids}).values_list("pk", "name")}
    labels = dict(Service.choices)
    services = []
    for service in rules.SERVICE_ORDER:
        if service not in by_service:
            continue
        service_covering = set().union(*(covering[action] for action in rules.actions_of_service(service)))
        services.append(ServiceRow(
            service, str(labels[service]), [gettext(product) for product in by_service[service] if product],
            service in dap, [role for role in held if role.id in service_covering],
        ))
    actions = []
    for action in access.actions():
        dap_allows = bool(member_roles) and access._dap_allows(member_roles, action) \
            and bool(dap & access.DAP_SERVICES[action])
        mine = [role for role in held if role.id in covering[action] and role.is_mine] if member_roles else []
        missing = () if dap_allows or mine else tuple(sorted(names[pk] for pk in covering[action] if pk in names))
        actions.append(ActionRow(action, str(ACTION_LABELS[action]), dap_allows, mine, missing,
                                 action_url(action, customer.pk)))
    return ServiceOverview(services, held, actions, sorted(dap, key=rules.SERVICE_ORDER.index))
