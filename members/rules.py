"""The rules of changing a partner user's roles and status (F11), in one place.

A role is grantable by an actor when every permission of that role is among the actor's own
permissions ("nobody grants a role their own roles don't include"): a Global admin grants every
role; an Admin agent grants Admin agent, Sales agent, Helpdesk agent and Billing admin but never
Global admin. Removing a role follows the same rule, and so does deactivating a user: an Admin agent
cannot demote or deactivate a Global admin."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from partnercenter.errors import Code, Conflict, Forbidden, Invalid
from partnercenter.models import Tenant
from partnercenter.roles import PARTNER_ROLES, ROLE_PERMISSIONS, Role, permissions_for
from partnercenter.selectors import roles_of

# The order roles are offered in, and seed 001's names for the administration they give.
ROLE_ORDER = [Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT, Role.HELPDESK_AGENT, Role.BILLING_ADMIN]
SEED_MAPPING = {
    Role.ADMIN_AGENT: _("Full administration of supported companies"),
    Role.HELPDESK_AGENT: _("Limited administration of supported companies"),
}


def role_grantable(*, actor_roles: Iterable[str], role: str) -> bool:
    own = permissions_for(actor_roles)
    return role in PARTNER_ROLES and ROLE_PERMISSIONS[role] <= own


def grantable_roles(actor_roles: Iterable[str]) -> list[str]:
    roles = list(actor_roles)
    return [role for role in ROLE_ORDER if role_grantable(actor_roles=roles, role=role)]


def check_roles_change(*, actor_roles: Iterable[str], current: set[str], wanted: set[str],
                       other_active_global_admins: int) -> None:
    """Raise the typed error that refuses changing `current` roles to `wanted`, if any."""
    actor_roles = list(actor_roles)
    if not wanted:
        raise Invalid(_("Choose at least one role. To take away all access, deactivate the user."), field="roles")
    unknown = wanted - set(PARTNER_ROLES)
    if unknown:
        raise Invalid(_("Choose roles from the list."), field="roles")
    for role in sorted((wanted ^ current), key=ROLE_ORDER.index):
        if not role_grantable(actor_roles=actor_roles, role=role):
            raise Forbidden(
                _("You cannot grant or remove the role %(role)s: your own roles do not include it."),
                field="roles", params={"role": Role(role).label},
            )
    if Role.GLOBAL_ADMIN in current and Role.GLOBAL_ADMIN not in wanted and other_active_global_admins == 0:
        raise Conflict(_("This is the last active Global admin: make someone else Global admin first."),
                       field="roles", code=Code.BLOCKED)


def check_deactivate(*, actor_id: object, actor_roles: Iterable[str], target_id: object, target_roles: set[str],
                     other_active_global_admins: int) -> None:
    actor_roles = list(actor_roles)
    if actor_id == target_id:
        raise Forbidden(_("You cannot deactivate yourself."))
    if any(not role_grantable(actor_roles=actor_roles, role=role) for role in target_roles):
        raise Forbidden(_("You cannot deactivate a user who holds a role your own roles do not include."))
    if Role.GLOBAL_ADMIN in target_roles and other_active_global_admins == 0:
        raise Conflict(_("This is the last active Global admin: make someone else Global admin first."),
                       code=Code.BLOCKED)


def check_reactivate(*, actor_roles: Iterable[str], target_roles: set[str]) -> None:
    actor_roles = list(actor_roles)
    if any(not role_grantable(actor_roles=actor_roles, role=role) for role in target_roles):
        raise Forbidden(_("You cannot reactivate a user who holds a role your own roles do not include."))


def roles_grantable(actor: Any, tenant: Tenant) -> set[str]:
    """The partner roles `actor` may give anyone in `tenant` (an invitation, a role change): the
    roles role_grantable() allows for the actor's own roles there (partnercenter.selectors.roles_of: an
    API app's roles while it is served)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return set()
    return set(grantable_roles(roles_of(user=actor, tenant=tenant)))
