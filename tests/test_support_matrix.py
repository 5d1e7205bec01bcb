"""The role rules and the admin-permission rules as a matrix built from the role table
(partnercenter.roles.ROLE_PERMISSIONS) and the role catalog (gdap/data/roles.json "actions"): every partner
role × {no access, DAP productivity, DAP infrastructure, a GDAP role covering the action, a GDAP role not
covering it} × every gdap.access action. For each: may(), Service management's answer
(support.selectors.service_overview) and the on-behalf guard of a page for that action agree with what the
tables say — a role without the page's permission gets 403, one with it but without admin permissions the
"Admin permissions needed" page (403) naming the roles that would allow it and, for those who may request
one, "Request admin relationship"; with both, the page (200). services.read is also the real Service
management page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings

from customers.models import DelegatedAdminPermission, Service
from customers.services import reseller_relationship_ensure
from gdap import access
from gdap.models import AccessAssignment, AssignmentStatus, RoleDefinition, SecurityGroup, SecurityGroupMember
from partnercenter.roles import PARTNER_ROLES, ROLE_PERMISSIONS, Perm
from support.selectors import service_overview
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member
from tests.gdap_list_support import relationship
from tests.support_urls import PAGE_PERM

pytestmark = pytest.mark.django_db

CATALOG = json.loads((Path(__file__).resolve().parent.parent / "gdap" / "data" / "roles.json").read_text("utf-8"))
ACTION_ROLES = {action: set(ids) for action, ids in CATALOG["actions"].items()}
ALL_ROLE_IDS = [role["id"] for role in CATALOG["roles"]]
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
ACTIONS = sorted(ACTION_ROLES)

# The level of "admin access to companies you support" a partner role has, read from the role table:
# the page permission of the action (full administration for services.manage: users and licenses too).
FULL_ADMINISTRATION = {Perm.CUSTOMER_USERS_MANAGE, Perm.LICENSES_MANAGE}


def role_level_allows(role: str, action: str) -> bool:
    perms = ROLE_PERMISSIONS[role]
    if action == access.SERVICES_MANAGE:
        return FULL_ADMINISTRATION <= perms
    return PAGE_PERM[action] in perms


# Where the directory, its users and licenses live: only a DAP for the productivity suite reaches them.
PRODUCTIVITY_ONLY = {access.USERS_READ, access.USERS_MANAGE, access.USERS_PASSWORD_RESET, access.LICENSES_MANAGE}

SCENARIOS = ["none", "dap_productivity", "dap_infrastructure", "gdap_covering", "gdap_not_covering"]


def covering_role(action: str) -> str:
    """A least-privileged role of the catalog that covers `action` (not Global Administrator)."""
    return sorted(ACTION_ROLES[action] - {GLOBAL_ADMINISTRATOR})[0]


def not_covering_role(action: str) -> str:
    return next(pk for pk in ALL_ROLE_IDS if pk not in ACTION_ROLES[action])


def expected(role: str, scenario: str, action: str) -> str | None:
    """The via of an allowed action ("dap"/"gdap"), None when refused."""
    if scenario == "dap_productivity" and role_level_allows(role, action):
        return "dap"
    if scenario == "dap_infrastructure" and role_level_allows(role, action) and action not in PRODUCTIVITY_ONLY:
        return "dap"
    if scenario == "gdap_covering":
        return "gdap"  # any active partner user, whatever the role: the group gives the role
    return None


def test_the_matrix_tables_are_complete():
    assert set(ACTIONS) == set(access.actions()) == set(PAGE_PERM)
    for action in ACTIONS:
        assert covering_role(action) in ACTION_ROLES[action]
        assert not_covering_role(action) not in ACTION_ROLES[action]
    # Global admin and Admin agent: full; Helpdesk agent: limited; Sales agent and Billing admin: GDAP only.
    assert [role for role in sorted(PARTNER_ROLES) if role_level_allows(role, access.SERVICES_MANAGE)] == [
        "admin_agent", "global_admin"]
    assert not any(role_level_allows(role, action) for role in ("sales_agent", "billing_admin") for action in ACTIONS)


def _world(role: str, scenario: str):  # noqa: ANN202
    partner = PartnerFactory()
    user = member(partner, role)
    customer = TenantFactory()
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    assignment = None
    if scenario.startswith("dap_"):
        service = Service.PRODUCTIVITY if scenario == "dap_productivity" else Service.INFRASTRUCTURE
        DelegatedAdminPermission.objects.create(partner=partner, customer=customer, service=service)
    elif scenario.startswith("gdap_"):
        rel = relationship(partner, customer, roles=ALL_ROLE_IDS)
        group = SecurityGroup.objects.create(partner=partner, name="Support")
        SecurityGroupMember.objects.create(group=group, user=user)
        assignment = AccessAssignment.objects.create(relationship=rel, security_group=group,
                                                     status=AssignmentStatus.ACTIVE)
    return partner, user, customer, assignment


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("role", sorted(PARTNER_ROLES))
@override_settings(ROOT_URLCONF="tests.support_urls")
def test_role_times_access_times_action(role, scenario):
    partner, user, customer, assignment = _world(role, scenario)
    client = client_for(user)
    perms = ROLE_PERMISSIONS[role]
    for action in ACTIONS:
        if assignment is not None:
            assignment.roles.set([covering_role(action) if scenario == "gdap_covering" else not_covering_role(action)])
        via = expected(role, scenario, action)
        case = (role, scenario, action)

        decision = access.may(user, partner, customer, action)
        assert (bool(decision), decision.via) == (via is not None, via), case
        row = service_overview(user=user, partner=partner, customer=customer).action(action)
        assert (row.allowed, row.via, row.missing_roles) == (via is not None, via, decision.missing_roles), case
        if via is None:
            names = set(RoleDefinition.objects.filter(pk__in=ACTION_ROLES[action]).values_list("name", flat=True))
            assert set(decision.missing_roles) == names and names, case

        urls = [f"/on-behalf-test/{action}/{customer.id}/"]
        if action == access.SERVICES_READ:
            urls.append(f"/customers/{customer.id}/services/")
        for url in urls:
            response = client.get(url)
            body = response.content.decode()
            if PAGE_PERM[action] not in perms:
                assert response.status_code == 403 and "Admin permissions needed" not in body, (case, url)
            elif via is None:
                assert response.status_code == 403 and "Admin permissions needed" in body, (case, url)
                for name in decision.missing_roles:
                    assert name in body, (case, url, name)
                assert ("Request admin relationship" in body) == (Perm.GDAP_MANAGE in perms), (case, url)
                assert ("Or delegated admin permissions (DAP) for:" in body) == role_level_allows(role, action), case
            else:
                assert response.status_code == 200, (case, url, response.status_code)
                if url.startswith("/on-behalf-test/"):
                    assert body == f"on behalf: {action} via {via}", case
                else:
                    assert "Service management" in body and "Admin permissions needed" not in body, case


@pytest.mark.parametrize("role", sorted(PARTNER_ROLES))
@override_settings(ROOT_URLCONF="tests.support_urls")
def test_a_deactivated_member_has_no_admin_permissions_even_in_a_group(role):
    partner, user, customer, assignment = _world(role, "gdap_covering")
    DelegatedAdminPermission.objects.create(partner=partner, customer=customer, service=Service.PRODUCTIVITY)
    user.memberships.update(is_active=False)
    for action in ACTIONS:
        assignment.roles.set([covering_role(action)])
        assert not access.may(user, partner, customer, action)
        assert not service_overview(user=user, partner=partner, customer=customer).action(action).allowed
