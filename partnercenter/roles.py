"""Roles and the one role → permission table. Views declare the permission they need."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Partner roles (PRODUCT.md section 1).
    GLOBAL_ADMIN = "global_admin", _("Global admin")
    ADMIN_AGENT = "admin_agent", _("Admin agent")
    SALES_AGENT = "sales_agent", _("Sales agent")
    HELPDESK_AGENT = "helpdesk_agent", _("Helpdesk agent")
    BILLING_ADMIN = "billing_admin", _("Billing admin")
    # Customer roles.
    CUSTOMER_GLOBAL_ADMIN = "customer_global_admin", _("Global admin")
    CUSTOMER_USER = "customer_user", _("User")


PARTNER_ROLES = frozenset(
    {Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT, Role.HELPDESK_AGENT, Role.BILLING_ADMIN}
)
CUSTOMER_ROLES = frozenset({Role.CUSTOMER_GLOBAL_ADMIN, Role.CUSTOMER_USER})


class Perm(models.TextChoices):
    CUSTOMERS_VIEW = "customers.view", _("View customers")
    CUSTOMERS_EXPORT = "customers.export", _("Export customers")
    CUSTOMERS_ADD = "customers.add", _("Add customers")
    RELATIONSHIP_REQUEST = "relationship.request", _("Request a reseller relationship")
    RELATIONSHIP_REQUEST_DAP = "relationship.request_dap", _("Request delegated admin permissions")
    REQUESTS_VIEW = "requests.view", _("View relationship requests")
    RELATIONSHIP_REMOVE = "relationship.remove", _("Remove reseller relationships")
    PROFILE_VIEW = "profile.view", _("View the company profile")
    PROFILE_EDIT = "profile.edit", _("Edit the company profile")
    ACTIVITY_VIEW = "activity.view", _("View the activity log")
    OFFERS_VIEW = "offers.view", _("View the offer catalog")
    SUBSCRIPTIONS_VIEW = "subscriptions.view", _("View subscriptions and orders")
    SUBSCRIPTIONS_BUY = "subscriptions.buy", _("Buy and manage subscriptions")
    SUBSCRIPTIONS_EXPORT = "subscriptions.export", _("Export subscriptions")
    AGREEMENT_RECORD = "agreement.record", _("Record the customer agreement")
    PARTNERSHIPS_VIEW = "partnerships.view", _("View indirect partnerships")
    PARTNERSHIPS_MANAGE = "partnerships.manage", _("Request, accept and remove indirect partnerships")
    GDAP_VIEW = "gdap.view", _("View admin relationships")
    GDAP_MANAGE = "gdap.manage", _("Request, edit and terminate admin relationships and their access assignments")
    SECURITY_GROUPS_MANAGE = "gdap.security_groups", _("Manage security groups")
    ROLE_TEMPLATES_MANAGE = "gdap.role_templates", _("Manage role templates")
    # The Background jobs pages; each job's kind asks for its own permission on top (jobs/registry.py).
    JOBS_VIEW = "jobs.view", _("View background jobs")
    # Partner users (F11): the Users pages; managing roles and deactivation (what may be granted: members/rules.py).
    USERS_VIEW = "users.view", _("View the partner's users")
    USERS_MANAGE = "users.manage", _("Change users' roles, deactivate and reactivate users")
    # Partner users (F11): Invite user, resend and revoke invitations.
    USERS_INVITE = "users.invite", _("Invite partner users")
    # Supporting a customer on its behalf (F13). The role gives the page; the partner's admin permissions for
    # that customer (DAP or GDAP, support/onbehalf.py → gdap.access.may) give the action.
    SERVICE_REQUESTS = "support.service_requests", _("Work on customers' service requests")
    SERVICES_VIEW = "support.services", _("See customers' services (Service management)")
    CUSTOMER_USERS_VIEW = "support.users_view", _("See customers' users")
    CUSTOMER_USERS_MANAGE = "support.users_manage", _("Add, edit, block and delete customers' users")
    PASSWORD_RESET = "support.password_reset", _("Reset customer users' passwords")
    LICENSES_MANAGE = "support.licenses", _("Assign and unassign customers' licenses")
    # Interfaces for programs (issue 12): API apps and webhooks on the API access page (partner Global admins).
    API_MANAGE = "api.manage", _("Register and revoke API apps and webhooks")
    # Advisor offers (F12, seed 001): trial invitations, purchase offers, delegated administration offers.
    ADVISOR_OFFERS = "offers.advisor", _("Create and deactivate advisor offers")
    # Customer side (Admin center).
    ADMIN_CENTER_VIEW = "admincenter.view", _("Open the Admin center")
    PARTNER_REQUEST_DECIDE = "admincenter.decide", _("Accept or decline partner requests")
    ADMIN_PERMISSIONS_MANAGE = "admincenter.admin_permissions", _("Remove or reassign admin permissions")
    GDAP_APPROVE = "admincenter.gdap_approve", _("Approve, reject and terminate granular admin relationships")
    SERVICE_REQUESTS_CUSTOMER = "admincenter.service_requests", _("See and comment on the partners' service requests")
    LICENSES_CUSTOMER_VIEW = "admincenter.licenses", _("See the organisation's license assignments")


# Who may buy on a customer's behalf and manage what was bought (seeds 002/004: Admin agent, Sales agent).
_BUYER = (Perm.OFFERS_VIEW, Perm.SUBSCRIPTIONS_VIEW, Perm.SUBSCRIPTIONS_BUY, Perm.AGREEMENT_RECORD, Perm.CUSTOMERS_ADD)

# Supporting customers (F13, seed 001): full administration of supported companies (Global admin, Admin agent)
# and limited administration (Helpdesk agent: service requests, seeing users and services, password resets).
_LIMITED_ADMINISTRATION = (Perm.SERVICE_REQUESTS, Perm.SERVICES_VIEW, Perm.CUSTOMER_USERS_VIEW, Perm.PASSWORD_RESET)
_FULL_ADMINISTRATION = (*_LIMITED_ADMINISTRATION, Perm.CUSTOMER_USERS_MANAGE, Perm.LICENSES_MANAGE)

# GDAP (F10): seeing the relationships, and requesting / editing / terminating them (Admin agent's row).
_GDAP = (Perm.GDAP_VIEW, Perm.GDAP_MANAGE)

_ALL_PARTNER = {Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT, Role.HELPDESK_AGENT, Role.BILLING_ADMIN}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.GLOBAL_ADMIN: frozenset(
        {
            Perm.CUSTOMERS_VIEW,
            Perm.CUSTOMERS_EXPORT,
            Perm.RELATIONSHIP_REQUEST,
            Perm.RELATIONSHIP_REQUEST_DAP,
            Perm.REQUESTS_VIEW,
            Perm.RELATIONSHIP_REMOVE,
            Perm.PROFILE_VIEW,
            Perm.PROFILE_EDIT,
            Perm.ACTIVITY_VIEW,
            *_BUYER,
            Perm.SUBSCRIPTIONS_EXPORT,
            Perm.PARTNERSHIPS_VIEW,
            Perm.PARTNERSHIPS_MANAGE,
            *_GDAP,
            Perm.SECURITY_GROUPS_MANAGE,
            Perm.ROLE_TEMPLATES_MANAGE,
            Perm.JOBS_VIEW,
            Perm.USERS_VIEW,
            Perm.USERS_MANAGE,
            Perm.USERS_INVITE,
            *_FULL_ADMINISTRATION,
            Perm.API_MANAGE,
            Perm.ADVISOR_OFFERS,
        }
    ),
    Role.ADMIN_AGENT: frozenset(
        {
            Perm.CUSTOMERS_VIEW,
            Perm.CUSTOMERS_EXPORT,
            Perm.RELATIONSHIP_REQUEST,
            Perm.RELATIONSHIP_REQUEST_DAP,
            Perm.REQUESTS_VIEW,
            Perm.RELATIONSHIP_REMOVE,
            Perm.PROFILE_VIEW,
            Perm.ACTIVITY_VIEW,
            *_BUYER,
            Perm.SUBSCRIPTIONS_EXPORT,
            Perm.PARTNERSHIPS_VIEW,
            Perm.PARTNERSHIPS_MANAGE,
            *_GDAP,
            Perm.JOBS_VIEW,
            Perm.USERS_VIEW,
            Perm.USERS_MANAGE,
            *_FULL_ADMINISTRATION,
            Perm.ADVISOR_OFFERS,
        }
    ),
    Role.SALES_AGENT: frozenset(
        {Perm.CUSTOMERS_VIEW, Perm.RELATIONSHIP_REQUEST, Perm.REQUESTS_VIEW, Perm.RELATIONSHIP_REMOVE,
         Perm.PROFILE_VIEW, *_BUYER, Perm.PARTNERSHIPS_VIEW, Perm.JOBS_VIEW, Perm.ADVISOR_OFFERS}
    ),
    Role.HELPDESK_AGENT: frozenset(
        {Perm.CUSTOMERS_VIEW, Perm.PROFILE_VIEW, Perm.OFFERS_VIEW, Perm.SUBSCRIPTIONS_VIEW, Perm.PARTNERSHIPS_VIEW,
         Perm.GDAP_VIEW, Perm.JOBS_VIEW, *_LIMITED_ADMINISTRATION}
    ),
    Role.BILLING_ADMIN: frozenset(
        {Perm.CUSTOMERS_VIEW, Perm.CUSTOMERS_EXPORT, Perm.PROFILE_VIEW, Perm.ACTIVITY_VIEW, Perm.OFFERS_VIEW,
         Perm.SUBSCRIPTIONS_VIEW, Perm.SUBSCRIPTIONS_EXPORT, Perm.JOBS_VIEW}
    ),
    Role.CUSTOMER_GLOBAL_ADMIN: frozenset(
        {Perm.ADMIN_CENTER_VIEW, Perm.PARTNER_REQUEST_DECIDE, Perm.ADMIN_PERMISSIONS_MANAGE, Perm.ACTIVITY_VIEW,
         Perm.GDAP_APPROVE, Perm.SERVICE_REQUESTS_CUSTOMER, Perm.LICENSES_CUSTOMER_VIEW}
    ),
    Role.CUSTOMER_USER: frozenset({Perm.ADMIN_CENTER_VIEW}),
}

assert set(ROLE_PERMISSIONS) == set(Role.values), "every role needs a row in the permission table"
assert _ALL_PARTNER == set(PARTNER_ROLES)


# What a partner type never does, whatever the role. An indirect reseller does not add customers
# (F8 is for direct partners and providers; a provider adds a customer for its reseller, seed 004):
# it invites them with its provider (F3), which the Relationship requests page leads it to. Nor does
# it remove a reseller relationship (F5 is for direct partners and indirect providers).
PARTNER_TYPE_EXCLUDED: dict[str, frozenset[str]] = {
    "indirect_reseller": frozenset({Perm.CUSTOMERS_ADD, Perm.RELATIONSHIP_REMOVE}),
}


class UnknownPermission(BaseException):  # noqa: N818
    """A permission name that is not a Perm, looked up in development or tests.

    A BaseException on purpose: Django's `{% if "x" in perms_in_tenant %}` turns any Exception raised by
    `in` into False, which is exactly the silent failure this exists to stop."""


def _strict_names() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "PERMISSION_NAMES_STRICT", False))


class PermissionSet(frozenset):
    """The permissions of a user in the active tenant. Asking for a name that is no Perm raises
    UnknownPermission when settings.PERMISSION_NAMES_STRICT (DEBUG or tests); in production it is False."""

    def __contains__(self, name: object) -> bool:
        if name not in _PERM_VALUES and _strict_names():
            raise UnknownPermission(f"{name!r} is not a permission; known: partnercenter.roles.Perm")
        return frozenset.__contains__(self, name)


_PERM_VALUES = frozenset(Perm.values)
NO_PERMISSIONS = PermissionSet()


def permissions_for(roles: Iterable[str], partner_type: str = "") -> PermissionSet:
    perms: set[str] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS.get(role, frozenset())
    return PermissionSet(perms - PARTNER_TYPE_EXCLUDED.get(partner_type, frozenset()))
