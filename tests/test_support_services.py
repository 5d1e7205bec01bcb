"""Service management (customers/<id>/services/): the product → service rule, what the page shows
(services from subscriptions, DAP per service, the GDAP roles held and their groups, the user's actions and
through what), the links to the action pages that are routed, the row action, 404 for another partner's
customer, and a bounded number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.models import DelegatedAdminPermission, Service
from customers.services import reseller_relationship_ensure
from customers.templatetags.customer_rows import customer_row_details
from gdap import access
from gdap.models import AccessAssignment, AssignmentStatus, SecurityGroup, SecurityGroupMember
from partnercenter.roles import Role, permissions_for
from subscriptions.catalog import OFFERS
from subscriptions.models import Offer, Subscription, SubscriptionStatus
from support import rules
from support.links import ACTION_PAGES, action_url
from support.selectors import service_overview
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member
from tests.gdap_list_support import relationship

pytestmark = pytest.mark.django_db

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
HELPDESK_ADMIN = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
LICENSE_ADMIN = "4d6ac14f-3453-41d0-bef9-a3e0c569773a"
EXCHANGE_ADMIN = "29232cdf-9323-42fd-ade2-1d097af3e4de"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"


# --- the rule ---------------------------------------------------------------------------------------


def test_every_catalog_product_has_its_service():
    expected = {"Business Mail": Service.PRODUCTIVITY, "Office Suite": Service.PRODUCTIVITY,
                "Security": Service.PRODUCTIVITY, "Collaboration": Service.PRODUCTIVITY,
                "Business Applications": Service.BUSINESS_APPS, "Cloud Infrastructure": Service.INFRASTRUCTURE}
    assert {product for _sku, _name, product, *_rest in OFFERS} == set(expected)
    assert {product: rules.service_of_product(product) for product in expected} == expected


def test_an_unknown_product_falls_back_to_productivity():
    assert rules.service_of_product("Quantum Widgets") == Service.PRODUCTIVITY
    assert rules.service_of_product("") == rules.FALLBACK_SERVICE == Service.PRODUCTIVITY
    assert rules.services_of_products(["Cloud Infrastructure", "Office Suite", "Security", "Office Suite"]) == {
        Service.PRODUCTIVITY: ["Office Suite", "Security"], Service.INFRASTRUCTURE: ["Cloud Infrastructure"]}


def test_the_actions_of_a_service_follow_the_dap_services():
    assert set(rules.actions_of_service(Service.PRODUCTIVITY)) == set(access.actions())
    assert set(rules.actions_of_service(Service.INFRASTRUCTURE)) == {
        access.SERVICE_REQUESTS_MANAGE, access.SERVICES_READ, access.SERVICES_MANAGE}


# --- the page ---------------------------------------------------------------------------------------


def _subscribe(partner, customer, sku, status=SubscriptionStatus.ACTIVE):  # noqa: ANN001, ANN202
    return Subscription.objects.create(partner=partner, customer=customer, offer=Offer.objects.get(sku=sku),
                                       quantity=3, status=status)


def _assign(rel, group, roles):  # noqa: ANN001, ANN202
    assignment = AccessAssignment.objects.create(relationship=rel, security_group=group,
                                                 status=AssignmentStatus.ACTIVE)
    assignment.roles.set(roles)
    return assignment


@pytest.fixture
def world(partner, customer):
    agent = member(partner, Role.HELPDESK_AGENT, email="helpdesk@contoso.example")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    for sku in ("office-standard", "security-addon", "backup-1tb"):
        _subscribe(partner, customer, sku)
    _subscribe(partner, customer, "crm-sales", SubscriptionStatus.CANCELLED)  # gone: no Business applications
    DelegatedAdminPermission.objects.create(partner=partner, customer=customer, service=Service.INFRASTRUCTURE)
    rel = relationship(partner, customer, roles=[DIRECTORY_READERS, HELPDESK_ADMIN, LICENSE_ADMIN, EXCHANGE_ADMIN])
    tier1 = SecurityGroup.objects.create(partner=partner, name="Helpdesk tier 1")
    engineers = SecurityGroup.objects.create(partner=partner, name="Escalation engineers")
    SecurityGroupMember.objects.create(group=tier1, user=agent)
    _assign(rel, tier1, [DIRECTORY_READERS, HELPDESK_ADMIN])
    _assign(rel, engineers, [LICENSE_ADMIN, EXCHANGE_ADMIN])
    # Not access: a deleted assignment, an ended relationship, another customer.
    ended = relationship(partner, customer, roles=[LICENSE_ADMIN])
    ended.status = "expired"
    ended.save(update_fields=["status"])
    _assign(ended, tier1, [LICENSE_ADMIN])
    return agent, tier1, engineers


def test_the_overview_answers_services_roles_and_actions(world, partner, customer):
    agent, tier1, engineers = world
    overview = service_overview(user=agent, partner=partner, customer=customer)
    assert [(row.service, row.products, row.dap_active) for row in overview.services] == [
        (Service.PRODUCTIVITY, ["Office Suite", "Security"], False),
        (Service.INFRASTRUCTURE, ["Cloud Infrastructure"], True),
    ]
    held = {role.name: [(group.name, group.is_mine) for group in role.groups] for role in overview.roles}
    assert held == {"Directory Readers": [("Helpdesk tier 1", True)],
                    "Exchange Administrator": [("Escalation engineers", False)],
                    "Helpdesk Administrator": [("Helpdesk tier 1", True)],
                    "License Administrator": [("Escalation engineers", False)]}
    # Infrastructure's roles are those covering service requests and services (Exchange: service requests).
    infra = overview.services[1]
    assert {role.name for role in infra.gdap_roles} == {"Exchange Administrator", "Helpdesk Administrator"}
    answers = {row.action: (row.via, [role.name for role in row.gdap_roles]) for row in overview.actions}
    assert answers == {
        access.USERS_READ: ("gdap", ["Directory Readers"]),
        access.USERS_MANAGE: (None, []),
        access.USERS_PASSWORD_RESET: ("gdap", ["Helpdesk Administrator"]),
        access.LICENSES_MANAGE: (None, []),  # License Administrator is the engineers' group's, not hers
        access.SERVICE_REQUESTS_MANAGE: ("dap", ["Helpdesk Administrator"]),
        access.SERVICES_READ: ("dap", ["Helpdesk Administrator"]),
        access.SERVICES_MANAGE: (None, []),  # a Helpdesk agent's DAP level is limited administration
    }
    for row in overview.actions:
        assert (row.allowed, row.via, row.missing_roles) == tuple(
            (lambda d: (bool(d), d.via, d.missing_roles))(access.may(agent, partner, customer, row.action))), row


def test_the_page_shows_it(world, partner, customer):
    agent, tier1, _engineers = world
    response = client_for(agent).get(f"/customers/{customer.id}/services/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Service management", "Productivity suite (email, office apps)", "Office Suite, Security",
                 "Cloud infrastructure", "Cloud Infrastructure", "What you can do now",
                 "Reset the passwords of the customer&#x27;s users", "GDAP: Helpdesk Administrator",
                 "you are a member", f'href="/gdap/security-groups/{tier1.pk}/"',
                 "Needs a GDAP role through one of your security groups: Global Administrator, License Administrator, "
                 "User Administrator"):
        assert text in html, text
    assert "Business applications" not in html and "CRM" not in html  # the cancelled subscription
    assert "Request admin relationship" not in html  # a Helpdesk agent may not request one


def test_a_customer_without_subscriptions_shows_the_empty_state(partner, partner_admin, customer):
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    rel = relationship(partner, customer, roles=[DIRECTORY_READERS, GLOBAL_READER])
    group = SecurityGroup.objects.create(partner=partner, name="Readers")
    SecurityGroupMember.objects.create(group=group, user=partner_admin)
    _assign(rel, group, [GLOBAL_READER])  # services.read
    html = client_for(partner_admin).get(f"/customers/{customer.id}/services/").content.decode()
    assert "there is no service to support yet" in html
    assert "Request admin relationship" in html  # a Global admin may


def test_allowed_actions_link_to_every_routed_page(world, partner, customer, partner_admin):
    """Every allowed action with a page links to it: the customer's Users, Licenses, Service requests."""
    DelegatedAdminPermission.objects.create(partner=partner, customer=customer, service=Service.PRODUCTIVITY)
    html = client_for(partner_admin).get(f"/customers/{customer.id}/services/").content.decode()
    expected = {
        access.USERS_READ: f"/customers/{customer.id}/users/",
        access.USERS_MANAGE: f"/customers/{customer.id}/users/",
        access.USERS_PASSWORD_RESET: f"/customers/{customer.id}/users/",
        access.LICENSES_MANAGE: f"/customers/{customer.id}/licenses/",
        access.SERVICE_REQUESTS_MANAGE: f"/customers/{customer.id}/service-requests/",
    }
    assert set(ACTION_PAGES) == set(expected)
    for action, url in expected.items():
        assert action_url(action, customer.id) == reverse(ACTION_PAGES[action], kwargs={"customer_id": customer.id})
        assert action_url(action, customer.id) == url
        assert f'href="{url}"' in html, action
    assert action_url(access.SERVICES_MANAGE, customer.id) is None
    assert action_url(access.SERVICES_READ, customer.id) is None


def test_an_action_not_allowed_has_no_link(world, partner, customer, monkeypatch):
    agent, _tier1, _engineers = world
    monkeypatch.setattr("support.selectors.action_url", lambda action, customer_id: f"/page-of/{action}/")
    html = client_for(agent).get(f"/customers/{customer.id}/services/").content.decode()
    assert 'href="/page-of/users.password_reset/"' in html
    assert "/page-of/users.manage/" not in html and "/page-of/licenses.manage/" not in html


def test_another_partners_customer_is_404(world, customer):
    other = PartnerFactory()
    for user in (member(other, Role.GLOBAL_ADMIN), member(other, Role.HELPDESK_AGENT)):
        client = client_for(user)
        assert client.get(f"/customers/{customer.id}/services/").status_code == 404
        assert client.post(f"/customers/{customer.id}/services/").status_code == 404
    assert client_for(member(TenantFactory(), Role.CUSTOMER_GLOBAL_ADMIN)).get(
        f"/customers/{customer.id}/services/").status_code == 404


def test_the_page_reads_only(world, customer):
    agent, _tier1, _engineers = world
    assert client_for(agent).post(f"/customers/{customer.id}/services/").status_code == 405


def test_a_bounded_number_of_queries(world, partner, customer, django_assert_max_num_queries):
    agent, _tier1, _engineers = world
    # More groups, roles and relationships do not add queries.
    for index in range(5):
        rel = relationship(partner, customer, roles=[DIRECTORY_READERS, HELPDESK_ADMIN])
        group = SecurityGroup.objects.create(partner=partner, name=f"Group {index}")
        SecurityGroupMember.objects.create(group=group, user=agent)
        _assign(rel, group, [DIRECTORY_READERS, HELPDESK_ADMIN])
    with django_assert_max_num_queries(6):
        service_overview(user=agent, partner=partner, customer=customer)
    client = client_for(agent)
    client.get(f"/customers/{customer.id}/services/")
    with django_assert_max_num_queries(12):  # 11 measured: session, tenancy, guard, the overview
        assert client.get(f"/customers/{customer.id}/services/").status_code == 200


def test_the_row_action_follows_the_permission(world, partner, customer):
    from customers.selectors import customer_for_partner

    row = customer_for_partner(partner=partner, customer_id=customer.id)
    url = f'href="/customers/{customer.id}/services/">Service management</a>'
    for role in (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.HELPDESK_AGENT):
        html = customer_row_details(row, [], permissions_for([role]))
        assert url in html
        assert html.index("Account</a>") < html.index("Service management")
    for role in (Role.SALES_AGENT, Role.BILLING_ADMIN):
        assert "Service management" not in customer_row_details(row, [], permissions_for([role]))
