"""Playwright in Debian's Chromium against a live server: a Global admin opens Users, changes a
Helpdesk agent's roles; an Admin agent tries to make someone Global admin and reads the refusal beside
the roles; a deactivated member is refused at sign-in with the reason. At 1366×768 and 390×844, axe
finding nothing in each state; controls found by their labels."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from partnercenter.models import Membership
from partnercenter.roles import Role
from tests.browser_support import assert_accessible, no_sideways_scroll, open_navigation, save_screenshot, sign_in
from tests.factories import PartnerFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _state(page, viewport: str, name: str) -> None:  # noqa: ANN001
    assert_accessible(page, name)
    assert no_sideways_scroll(page), name
    save_screenshot(page, name, viewport)


@pytest.fixture
def contoso():
    partner = PartnerFactory(name="Contoso Cloud GmbH")
    member(partner, Role.GLOBAL_ADMIN, email="admin@contoso.example")
    member(partner, Role.ADMIN_AGENT, email="agent@contoso.example")
    helpdesk = member(partner, Role.HELPDESK_AGENT, email="helpdesk@contoso.example")
    return partner, helpdesk


def _open_user(page, email: str) -> None:  # noqa: ANN001
    open_navigation(page)
    page.locator("#sidebar").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()
    page.get_by_role("link", name=email).click()
    expect(page.get_by_role("heading", name=email, level=1)).to_be_visible()


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_change_a_role_and_meet_the_main_error(new_page, contoso, viewport):
    partner, helpdesk = contoso
    page = new_page(viewport=viewport)
    sign_in(page, "admin@contoso.example")
    open_navigation(page)
    page.locator("#sidebar").get_by_role("link", name="Users").click()
    expect(page.get_by_role("region", name="Users").get_by_role("link", name="helpdesk@contoso.example")).to_be_visible()
    _state(page, viewport, "users-list")
    page.get_by_role("link", name="helpdesk@contoso.example").click()
    page.get_by_label("Admin agent (Full administration of supported companies)").check()
    _state(page, viewport, "user-roles")
    page.get_by_role("button", name="Save roles").click()
    expect(page.get_by_text("The roles of helpdesk@contoso.example were saved.")).to_be_visible()
    roles = set(Membership.objects.filter(user=helpdesk, tenant=partner).values_list("role", flat=True))
    assert roles == {Role.ADMIN_AGENT, Role.HELPDESK_AGENT}

    page.context.clear_cookies()
    sign_in(page, "agent@contoso.example")
    _open_user(page, "helpdesk@contoso.example")
    page.get_by_label("Global admin").check()
    page.get_by_role("button", name="Save roles").click()
    expect(page.get_by_text("You cannot grant or remove the role Global admin: your own roles do not include it.")
           ).to_be_visible()
    expect(page.get_by_label("Global admin")).to_be_checked()  # what was chosen is kept
    _state(page, viewport, "user-roles-error")
    roles = set(Membership.objects.filter(user=helpdesk, tenant=partner).values_list("role", flat=True))
    assert Role.GLOBAL_ADMIN not in roles


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_a_deactivated_member_is_refused_at_sign_in_and_told_why(new_page, contoso, viewport):
    partner, helpdesk = contoso
    Membership.objects.filter(user=helpdesk, tenant=partner).update(is_active=False)
    page = new_page(viewport=viewport)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("helpdesk@contoso.example")
    page.get_by_label("Password").fill("partnercenter")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Your access to Contoso Cloud GmbH was deactivated. A Global admin of the organisation "
                            "can reactivate you.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign In")).to_be_visible()  # still on the sign-in page
    assert "/accounts/login/" in page.url
    _state(page, viewport, "sign-in-deactivated")
