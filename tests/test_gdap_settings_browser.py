"""Playwright in Debian's Chromium against a live server: a partner Global admin creates a security group and
adds a member, then creates a role template, meets the main error (auto-extend with Global Administrator)
beside its field and corrects it. At 1366×768 and 390×844, axe finding nothing in each state; controls are
found by their visible labels. SCREENSHOT_DIR=/some/dir also saves each state as a PNG."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gdap import services
from gdap.models import RoleTemplate, SecurityGroup
from partnercenter.roles import Role
from tests.browser_support import assert_accessible, no_sideways_scroll, open_navigation, save_screenshot, sign_in
from tests.factories import PartnerFactory, TenantFactory, member
from tests.gdap_settings_support import active_assignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _state(page, viewport: str, name: str) -> None:  # noqa: ANN001
    assert_accessible(page, name)
    assert no_sideways_scroll(page), name
    save_screenshot(page, name, viewport)


def _open(page, label: str) -> None:  # noqa: ANN001
    open_navigation(page)
    page.locator("#sidebar").get_by_role("link", name=label).click()


@pytest.fixture
def contoso():
    partner = PartnerFactory(name="Contoso Cloud GmbH")
    admin = member(partner, Role.GLOBAL_ADMIN, email="admin@contoso.example")
    member(partner, Role.ADMIN_AGENT, email="agent@contoso.example")
    member(PartnerFactory(), Role.GLOBAL_ADMIN, email="stranger@other.example")
    tier2 = services.group_create(partner=partner, actor=admin, name="Tier 2 support",
                                  description="Escalations from the helpdesk")
    active_assignment(partner, admin, TenantFactory(name="Adatum AG"), tier2)
    return partner, admin


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_create_a_security_group_and_add_a_member(new_page, contoso, viewport):
    partner, _admin = contoso
    page = new_page(viewport=viewport)
    sign_in(page, "admin@contoso.example")
    _open(page, "Security groups")
    expect(page.get_by_role("heading", name="Security groups", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Tier 2 support", exact=True)).to_be_visible()
    _state(page, viewport, "groups-list")

    page.get_by_role("link", name="Create security group").click()
    page.get_by_role("button", name="Create security group").click()  # empty name: refused beside the field
    expect(page.get_by_text("Enter a name.")).to_be_visible()
    _state(page, viewport, "group-form-error")
    page.get_by_role("textbox", name=re.compile(r"^Name")).fill("Helpdesk")
    page.get_by_label("Description").fill("First-line support for all customers")
    page.get_by_role("button", name="Create security group").click()

    expect(page.get_by_role("heading", name="Helpdesk", level=1)).to_be_visible()
    user = page.get_by_label("Partner user")
    expect(user.locator("option", has_text="stranger@other.example")).to_have_count(0)
    user.select_option(label="agent@contoso.example")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("agent@contoso.example was added to Helpdesk.")).to_be_visible()
    expect(page.get_by_role("region", name="Members").get_by_text("agent@contoso.example")).to_be_visible()
    _state(page, viewport, "group-page")
    group = SecurityGroup.objects.get(partner=partner, name="Helpdesk")
    assert [m.email for m in group.members.all()] == ["agent@contoso.example"]

    page.goto(f"/gdap/security-groups/{SecurityGroup.objects.get(name='Tier 2 support').pk}/")
    expect(page.get_by_role("region", name="Access assignments").get_by_text("Adatum AG")).to_be_visible()
    _state(page, viewport, "group-page-assignments")
    page.get_by_role("link", name="Delete", exact=True).click()
    expect(page.get_by_text("cannot be deleted yet")).to_be_visible()
    _state(page, viewport, "group-delete-refused")


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_create_a_role_template_and_meet_the_global_administrator_auto_extend_error(new_page, contoso, viewport):
    partner, admin = contoso
    services.group_create(partner=partner, actor=admin, name="Helpdesk")
    page = new_page(viewport=viewport)
    sign_in(page, "admin@contoso.example")
    _open(page, "Role templates")
    expect(page.get_by_text("You have no role templates yet.")).to_be_visible()
    _state(page, viewport, "templates-empty")
    page.get_by_role("link", name="Create role template").first.click()

    page.get_by_role("textbox", name=re.compile(r"^Name")).fill("Full administration")
    roles = page.locator("#id_roles")
    roles.get_by_label("Search roles").fill("global")
    expect(roles.get_by_label("Exchange Administrator")).to_be_hidden()
    roles.get_by_label(re.compile(r"^Global Administrator")).check()
    roles.get_by_label("Global Reader").check()
    expect(roles.get_by_text("2 roles selected")).to_be_visible()
    page.get_by_label("Custom duration in days").fill("45")  # typing the days chooses "Custom"
    expect(page.get_by_role("radio", name="Custom")).to_be_checked()
    page.get_by_label("Custom duration in days").fill("")
    page.get_by_label("1 year").check()
    page.get_by_label("Auto-extend by 180 days").check()
    page.get_by_label("Security group", exact=True).select_option(label="Helpdesk")
    # The line offers only the template's roles.
    line = page.locator("#id_lines-0-roles")
    expect(line.get_by_label("Directory Readers")).to_be_hidden()
    line.get_by_label("Global Reader").check()
    _state(page, viewport, "template-form")
    page.get_by_role("button", name="Create role template").click()

    error = page.locator("#id_auto_extend_error")
    expect(error).to_have_text("Auto-extend is not available while Global Administrator is among the roles.")
    expect(page.get_by_label("Auto-extend by 180 days")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("textbox", name=re.compile(r"^Name"))).to_have_value("Full administration")  # the input is kept
    expect(roles.get_by_label(re.compile(r"^Global Administrator"))).to_be_checked()
    expect(page.locator("#id_lines-0-roles").get_by_label("Global Reader")).to_be_checked()
    expect(page.locator("#id_lines-0-roles_error")).to_have_count(0)  # only auto-extend is wrong
    _state(page, viewport, "template-form-error")
    assert not RoleTemplate.objects.exists()

    page.get_by_label("Auto-extend by 180 days").uncheck()
    page.get_by_role("button", name="Create role template").click()
    expect(page.get_by_role("heading", name="Full administration", level=1)).to_be_visible()
    expect(page.get_by_text("Most powerful role")).to_be_visible()
    _state(page, viewport, "template-page")
    saved = RoleTemplate.objects.get(partner=partner)
    assert saved.duration.days == 365 and not saved.auto_extend_duration
    assert [line.security_group.name for line in saved.assignments.all()] == ["Helpdesk"]
    _open(page, "Role templates")
    expect(page.get_by_role("link", name="Full administration", exact=True)).to_be_visible()
    _state(page, viewport, "templates-list")
