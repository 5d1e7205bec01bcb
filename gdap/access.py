"""The one answer to "may this partner user do X for this customer now?" — every later "on behalf" action
(customer users, passwords, licenses, service requests, services) asks only `may()`; a list over many
customers filters by `customers_where_may()`, the same rule as one subquery (built from the same parts).

GDAP: allowed when the user (an active member of the partner) belongs to a security group of the partner
that holds an `active` access assignment, on an `active`/`expiring` relationship of that partner with that
customer whose end is still in the future, with at least one role covering the action. The roles covering
each action are data: gdap/data/roles.json "actions" (Entra's least-privileged roles by task).

DAP (the older model, decided here): an active DelegatedAdminPermission of the partner for the customer
allows an action when it covers the action's service and the user's partner role has the matching level
of the seed's "admin access to companies you support" —
- services: users.*, licenses.manage → productivity (the directory and licenses live in the productivity
  suite's tenant); services.*, service_requests.manage → any service the partner holds DAP for;
- roles: Global admin and Admin agent = full administration (every action); Helpdesk agent = limited
  administration (users.read, users.password_reset, service_requests.manage, services.read); Sales agent
  and Billing admin act on behalf through GDAP only.

At most four queries per call (membership, DAP, assignment, and the missing roles' names on a refusal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from customers.models import DelegatedAdminPermission, Service
from customers.models import RelationshipStatus as DapStatus
from gdap.catalog import action_roles
from gdap.models import LIVE, AccessAssignment, AssignmentStatus, RoleDefinition
from partnercenter.models import Membership, Tenant, User
from partnercenter.roles import Role
from partnercenter.selectors import roles_of

USERS_READ = "users.read"
USERS_MANAGE = "users.manage"
USERS_PASSWORD_RESET = "users.password_reset"
LICENSES_MANAGE = "licenses.manage"
SERVICE_REQUESTS_MANAGE = "service_requests.manage"
SERVICES_READ = "services.read"
SERVICES_MANAGE = "services.manage"

_ALL_SERVICES = frozenset(Service.values)
DAP_SERVICES: dict[str, frozenset[str]] = {
    USERS_READ: frozenset({Service.PRODUCTIVITY}),
    USERS_MANAGE: frozenset({Service.PRODUCTIVITY}),
    USERS_PASSWORD_RESET: frozenset({Service.PRODUCTIVITY}),
    LICENSES_MANAGE: frozenset({Service.PRODUCTIVITY}),
    SERVICE_REQUESTS_MANAGE: _ALL_SERVICES,
    SERVICES_READ: _ALL_SERVICES,
    SERVICES_MANAGE: _ALL_SERVICES,
}
_LIMITED = frozenset({USERS_READ, USERS_PASSWORD_RESET, SERVICE_REQUESTS_MANAGE, SERVICES_READ})
DAP_ROLE_ACTIONS: dict[str, frozenset[str] | None] = {  # None: every action
    Role.GLOBAL_ADMIN: None,
    Role.ADMIN_AGENT: None,
    Role.HELPDESK_AGENT: _LIMITED,
}


@dataclass(frozen=True)
class Decision:
    """`allowed`; `via` "dap" or "gdap" when allowed; `missing_roles`: on a refusal, the names of the
    GDAP roles any of which would allow the action (for the message)."""

    allowed: bool
    via: str | None = None
    missing_roles: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.allowed


def actions() -> tuple[str, ...]:
    return tuple(action_roles())


def _dap_roles(action: str) -> frozenset[str]:
    """The partner roles whose DAP level covers `action`."""
    return frozenset(role for role, allowed in DAP_ROLE_ACTIONS.items() if allowed is None or action in allowed)


def _dap_allows(roles: set[str], action: str) -> bool:
    return bool(roles & _dap_roles(action))


def _covering(action: str) -> frozenset[str]:
    covering = action_roles().get(action)
    if covering is None:
        raise ValueError(f"unknown GDAP action {action!r}; known: {sorted(action_roles())}")
    return covering


def _acting(user: User | Any, partner: Tenant | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and partner is not None \
        and partner.is_partner


def _memberships(user: User, partner: Tenant) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, tenant=partner, is_active=True)


def _daps(partner: Tenant, action: str) -> QuerySet[DelegatedAdminPermission]:
    """The partner's active DAP rows covering the action's service (filter them by customer)."""
    return DelegatedAdminPermission.objects.filter(partner=partner, status=DapStatus.ACTIVE,
                                                   service__in=sorted(DAP_SERVICES.get(action, _ALL_SERVICES)))


def _assignments(user: User, partner: Tenant, covering: frozenset[str], now: Any) -> QuerySet[AccessAssignment]:
    """The active assignments through the user's security groups of the partner, on the partner's live
    relationships, with a role covering the action (filter them by relationship__customer)."""
    return AccessAssignment.objects.filter(
        status=AssignmentStatus.ACTIVE,
        relationship__partner=partner, relationship__status__in=sorted(LIVE),
        relationship__end_at__gt=now or timezone.now(),
        security_group__partner=partner, security_group__memberships__user=user,
        roles__in=sorted(covering),
    )


def may(user: User | Any, partner: Tenant | None, customer: Tenant | None, action: str, *, now: Any = None,
        ) -> Decision:
    """May `user`, acting for `partner`, do `action` (one of actions()) for `customer` now?"""
    covering = _covering(action)
    if not _acting(user, partner) or customer is None:
        return _refused(covering)
    assert partner is not None
    partner_roles = set(roles_of(user=user, tenant=partner))
    if not partner_roles:
        return _refused(covering)
    if _dap_allows(partner_roles, action) and _daps(partner, action).filter(customer=customer).exists():
        return Decision(True, "dap")
    if _assignments(user, partner, covering, now).filter(relationship__customer=customer).exists():
        return Decision(True, "gdap")
    return _refused(covering)


def customers_where_may(user: User | Any, partner: Tenant | None, action: str, *, now: Any = None,
                        ) -> QuerySet[Tenant]:
    """The ids of every customer for which may(user, partner, customer, action, now=now) allows, as one
    subquery (`.filter(customer_id__in=customers_where_may(...))`): the same rule, for a list."""
    covering = _covering(action)
    if not _acting(user, partner):
        return Tenant.objects.none().values("pk")
    assert partner is not None
    memberships = _memberships(user, partner)
    dap = Exists(memberships.filter(role__in=sorted(_dap_roles(action)))) & Exists(
        _daps(partner, action).filter(customer=OuterRef("pk")))
    gdap = Exists(_assignments(user, partner, covering, now).filter(relationship__customer=OuterRef("pk")))
    return Tenant.objects.filter(Exists(memberships)).filter(dap | gdap).values("pk")


def _refused(covering: frozenset[str]) -> Decision:
    names = RoleDefinition.objects.filter(pk__in=list(covering)).order_by("name").values_list("name", flat=True)
    return Decision(False, None, tuple(names))
