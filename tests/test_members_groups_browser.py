"""Playwright in Debian's Chromium: a Global admin opens a user's page (Users → the user), adds them to a
security group there, sees it listed, then removes it again through the confirmation page. At 1366×768 and
390×844, axe finding nothing in each state; controls found by their labels."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gdap.models import SecurityGroup, SecurityGroupMember
from partnercenter.roles import Role
from tests.browser_support import assert_accessible, no_sideways_scroll, open_navigation, save_screenshot, sign_in
from tests.factories import PartnerFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _state(page, viewport: str, name: str) -> None:  # noqa: ANN001
    assert_accessible(page, name)
    assert no_sideways_scroll(page), name
    save_screenshot(page, name, viewport)


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_add_to_a_security_group_from_the_users_page_and_remove(new_page, viewport):
    partner = PartnerFactory(name="Contoso Cloud GmbH")
    member(partner, Role.GLOBAL_ADMIN, email="admin@contoso.example")
    helpdesk = member(partner, Role.HELPDESK_AGENT, email="helpdesk@contoso.example")
    SecurityGroup.objects.create(partner=partner, name="Escalation engineers")
    tier1 = SecurityGroup.objects.create(partner=partner, name="Helpdesk tier 1")

    page = new_page(viewport=viewport)
    sign_in(page, "admin@contoso.example")
    open_navigation(page)
    page.locator("#sidebar").get_by_role("link", name="Users").click()
    page.get_by_role("link", name="helpdesk@contoso.example").click()
    expect(page.get_by_text("This user is in no security group")).to_be_visible()
    page.get_by_label("Security group").select_option(label="Helpdesk tier 1")
    _state(page, viewport, "user-groups-add")
    page.get_by_role("button", name="Add to security group").click()
    expect(page.get_by_text("helpdesk@contoso.example was added to Helpdesk tier 1.")).to_be_visible()
    expect(page.get_by_role("link", name="Helpdesk tier 1", exact=True)).to_be_visible()
    assert SecurityGroupMember.objects.filter(group=tier1, user=helpdesk).exists()
    _state(page, viewport, "user-groups-added")

    page.get_by_role("link", name="Remove from Helpdesk tier 1").click()
    expect(page.get_by_role("heading", name="Remove helpdesk@contoso.example from Helpdesk tier 1?")).to_be_visible()
    _state(page, viewport, "user-groups-remove")
    page.get_by_role("button", name="Remove member").click()
    expect(page.get_by_text("helpdesk@contoso.example was removed from Helpdesk tier 1.")).to_be_visible()
    expect(page.get_by_text("This user is in no security group")).to_be_visible()
    assert not SecurityGroupMember.objects.filter(user=helpdesk).exists()
