"""The rules of partner users (F11): who may grant which role."""

from __future__ import annotations

from typing import Any

from partnercenter.models import Membership, Tenant
from partnercenter.roles import PARTNER_ROLES, Role


def roles_grantable(actor: Any, tenant: Tenant) -> set[str]:
    """The partner roles `actor` may give anyone in `tenant`: nobody grants a role their own roles don't
    include. A Global admin grants every role, an Admin agent every role but Global admin, anyone else
    only the roles they hold themself."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return set()
    own = set(Membership.objects.filter(user=actor, tenant=tenant, is_active=True).values_list("role", flat=True))
    own &= set(PARTNER_ROLES)
    if Role.GLOBAL_ADMIN in own:
        return set(PARTNER_ROLES)
    if Role.ADMIN_AGENT in own:
        return set(PARTNER_ROLES) - {Role.GLOBAL_ADMIN}
    return own
