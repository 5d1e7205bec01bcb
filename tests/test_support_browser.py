"""Playwright in Debian's Chromium: Service management. An Admin agent whose security group holds GDAP
roles for a customer opens it from the customer's row and reads the customer's services and what they may
do now; on a customer without admin permissions the same row action leads to "Admin permissions needed"
with "Request admin relationship". At 1366×768 and 390×844, axe finding nothing in each state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from customers.models import DelegatedAdminPermission, Service
from customers.services import reseller_relationship_ensure
from gdap.models import AccessAssignment, AssignmentStatus, SecurityGroup, SecurityGroupMember
from partnercenter.roles import Role
from subscriptions.models import Offer, Subscription
from tests.browser_support import assert_accessible, no_sideways_scroll, save_screenshot, sign_in
from tests.factories import TenantFactory, member
from tests.gdap_list_support import relationship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
HELPDESK_ADMIN = "729827e3-9c14-49f7-bb1b-9608f156bbb8"


def _state(page, viewport: str, name: str) -> None:  # noqa: ANN001
    assert_accessible(page, name)
    assert no_sideways_scroll(page), name
    save_screenshot(page, name, viewport)


@pytest.fixture
def world(partner, customer):
    agent = member(partner, Role.ADMIN_AGENT, email="agent@contoso.example")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    for sku in ("office-standard", "backup-1tb"):
        Subscription.objects.create(partner=partner, customer=customer, offer=Offer.objects.get(sku=sku), quantity=5)
    DelegatedAdminPermission.objects.create(partner=partner, customer=customer, service=Service.INFRASTRUCTURE)
    rel = relationship(partner, customer, name="Adatum support", roles=[DIRECTORY_READERS, HELPDESK_ADMIN])
    group = SecurityGroup.objects.create(partner=partner, name="Helpdesk tier 1")
    SecurityGroupMember.objects.create(group=group, user=agent)
    assignment = AccessAssignment.objects.create(relationship=rel, security_group=group, status=AssignmentStatus.ACTIVE)
    assignment.roles.set([DIRECTORY_READERS, HELPDESK_ADMIN])
    nothing = TenantFactory(name="Alpine Ski Haus AG")
    reseller_relationship_ensure(partner=partner, customer=nothing, actor=None)
    return agent, customer, nothing


def _open_service_management(page, customer_name: str) -> None:  # noqa: ANN001
    page.goto("/customers/")
    page.get_by_role("button", name=f"Show details for {customer_name}").click()
    page.locator("#main").get_by_role("link", name="Service management", exact=True).click()


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_service_management_and_admin_permissions_needed(new_page, world, viewport):
    agent, customer, nothing = world
    page = new_page(viewport=viewport)
    sign_in(page, agent.email)
    _open_service_management(page, customer.name)
    expect(page.get_by_role("heading", name=re.compile("Service management"), level=1)).to_be_visible()
    productivity = page.get_by_role("region", name="Productivity suite (email, office apps)")
    expect(productivity).to_contain_text("Office Suite")
    expect(productivity).to_contain_text("Helpdesk Administrator: Helpdesk tier 1 (you are a member)")
    infrastructure = page.get_by_role("region", name="Cloud infrastructure")
    expect(infrastructure).to_contain_text("Cloud Infrastructure")
    expect(infrastructure.get_by_text("Active", exact=True)).to_be_visible()
    actions = page.get_by_role("region", name="What you can do now")
    reset = actions.get_by_role("row", name=re.compile("Reset the passwords of the customer's users"))
    expect(reset).to_contain_text("Allowed")
    expect(reset).to_contain_text("GDAP: Helpdesk Administrator")
    expect(actions.get_by_role("row", name=re.compile("See the customer's services"))).to_contain_text(
        "Delegated admin permissions (DAP)")
    expect(actions.get_by_role("row", name=re.compile("Assign and unassign the customer's licenses"))
           ).to_contain_text("Not allowed")
    _state(page, viewport, "service-management")

    _open_service_management(page, nothing.name)
    expect(page.get_by_role("heading", name="Admin permissions needed", level=1)).to_be_visible()
    expect(page.get_by_text("See the customer's services", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("Global Reader"))).to_be_visible()
    request = page.get_by_role("link", name="Request admin relationship")
    expect(request).to_be_visible()
    _state(page, viewport, "admin-permissions-needed")
    request.click()
    expect(page.get_by_role("heading", name=re.compile("Request admin relationship"))).to_be_visible()
