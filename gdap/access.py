"""The one answer to "may this partner user do X for this customer now?" — every later "on behalf" action
(customer users, passwords, licenses, service requests, services) asks only `may()`.

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

from django.utils import timezone

from customers.models import DelegatedAdminPermission, Service
from customers.models import RelationshipStatus as DapStatus
from gdap.catalog import action_roles
from gdap.models import LIVE, AccessAssignment, AssignmentStatus, RoleDefinition
from partnercenter.models import Membership, Tenant, User
from partnercenter.roles import Role

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


def _dap_allows(roles: set[str], action: str) -> bool:
    for role in roles:
        if role in DAP_ROLE_ACTIONS:
            allowed = DAP_ROLE_ACTIONS[role]
            if allowed is None or action in allowed:
                return True
    return False


def may(user: User | Any, partner: Tenant | None, customer: Tenant | None, action: str, *, now: Any = None,
        ) -> Decision:
    """May `user`, acting for `partner`, do `action` (one of actions()) for `customer` now?"""
    covering = action_roles().get(action)
    if covering is None:
        raise ValueError(f"unknown GDAP action {action!r}; known: {sorted(action_roles())}")
    if user is None or not getattr(user, "is_authenticated", False) or partner is None or customer is None \
            or not partner.is_partner:
        return _refused(covering)
    partner_roles = set(Membership.objects.filter(user=user, tenant=partner, is_active=True)
                        .values_list("role", flat=True))
    if not partner_roles:
        return _refused(covering)
    if _dap_allows(partner_roles, action) and DelegatedAdminPermission.objects.filter(
        partner=partner, customer=customer, status=DapStatus.ACTIVE, service__in=list(DAP_SERVICES.get(action,
                                                                                                     _ALL_SERVICES)),
    ).exists():
        return Decision(True, "dap")
    if AccessAssignment.objects.filter(
        status=AssignmentStatus.ACTIVE,
        relationship__partner=partner, relationship__customer=customer,
        relationship__status__in=list(LIVE), relationship__end_at__gt=now or timezone.now(),
        security_group__partner=partner, security_group__memberships__user=user,
        roles__in=list(covering),
    ).exists():
        return Decision(True, "gdap")
    return _refused(covering)


def _refused(covering: frozenset[str]) -> Decision:
    names = RoleDefinition.objects.filter(pk__in=list(covering)).order_by("name").values_list("name", flat=True)
    return Decision(False, None, tuple(names))
