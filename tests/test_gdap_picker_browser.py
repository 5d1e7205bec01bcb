"""Playwright in Debian's Chromium: the shared role picker on a relationship's "Add security group" (only
the relationship's roles, no search box for so few, the count), at 1366×768 and 390×844 with axe.
SCREENSHOT_DIR=/some/dir also saves the page as PNGs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gdap.models import AccessAssignment
from tests.browser_support import assert_accessible, no_sideways_scroll, save_screenshot, sign_in
from tests.gdap_partner_support import DIRECTORY_READERS, approval_urls, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("approval_urls")]

VIEWPORTS = ["laptop", "phone"]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_add_security_group_picks_from_the_relationship_roles(new_page, world, viewport):  # noqa: F811
    page = new_page(viewport=viewport)
    sign_in(page, world.admin.email)
    page.goto(f"/gdap/relationships/{world.active.id}/")
    page.get_by_role("link", name="Add security group").first.click()
    page.get_by_role("heading", name="Add security group").wait_for()
    roles = page.locator("#id_roles")
    expect(roles.get_by_role("checkbox")).to_have_count(3)
    expect(roles.get_by_text("Most powerful role")).to_be_visible()
    expect(page.get_by_label("Search roles")).to_have_count(0)
    expect(roles.get_by_text("No role selected")).to_be_visible()
    page.get_by_label("Security group").select_option(label="Helpdesk tier 1 (0 members)")
    roles.get_by_label("Directory Readers").check()
    expect(roles.get_by_text("1 role selected")).to_be_visible()
    assert_accessible(page, "add security group")
    assert no_sideways_scroll(page)
    save_screenshot(page, "assignment-add", viewport)
    page.get_by_role("button", name="Add security group").click()
    expect(page.get_by_text("Security group Helpdesk tier 1 was given roles in Adatum support.")).to_be_visible()
    assert [str(r.pk) for r in AccessAssignment.objects.get().roles.all()] == [DIRECTORY_READERS]
