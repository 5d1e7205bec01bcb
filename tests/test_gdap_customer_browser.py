"""Playwright in Debian's Chromium against a live server: the customer's "Granular admin relationship
request" — signing in from the link, "Approve" to the result (happy path) — and the main error, a
customer User who may not approve; Partner relationships with its "Terminate". At the common laptop
and a phone, with axe-core at every state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from customers.services import reseller_relationship_ensure
from gdap import services
from gdap.models import GLOBAL_ADMINISTRATOR_ID, AdminRelationship, RelationshipStatus
from partnercenter.roles import Role
from tests.browser_support import PASSWORD, assert_accessible, no_sideways_scroll, sign_in
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = ["laptop", "phone"]
DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"


@pytest.fixture
def world(db):
    customer = TenantFactory(name="Adatum Maschinenbau AG", country="DE")
    admin = member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="admin@adatum.example", language="en")
    user = member(customer, Role.CUSTOMER_USER, email="user@adatum.example", language="en")
    partner = PartnerFactory(name="Contoso Cloud GmbH", country="DE")
    partner_admin = member(partner, Role.GLOBAL_ADMIN, email="admin@contoso.example")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=None)
    rel, raw = services.request_relationship(
        partner=partner, actor=partner_admin, customer=customer, display_name="Contoso full admin",
        roles=[str(GLOBAL_ADMINISTRATOR_ID), DIRECTORY_READERS], duration="P180D")
    return {"customer": customer, "admin": admin, "user": user, "partner": partner, "rel": rel, "raw": raw}


def relationship_item(page, name: str):  # noqa: ANN001, ANN201
    """One GDAP relationship on Partner relationships: the list item headed by its display name."""
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=re.compile("^" + re.escape(name))))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_approve_from_the_link(new_page, world, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"/gdap/approval/{world['raw']}/")
    page.get_by_role("heading", name="Granular admin relationship request").wait_for()
    expect(page.get_by_role("heading", name="Contoso Cloud GmbH")).to_be_visible()
    expect(page.get_by_text("Global Administrator is the most powerful role")).to_be_visible()
    expect(page.get_by_text("180 days", exact=True)).to_be_visible()
    assert no_sideways_scroll(page)
    assert_accessible(page, "signed out")
    page.locator("#main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(world["admin"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/gdap/approval/"))  # back on the request
    expect(page.get_by_role("heading", name="Answer for Adatum Maschinenbau AG")).to_be_visible()
    assert no_sideways_scroll(page)
    assert_accessible(page, "a Global admin may answer")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(re.compile(r"/gdap/admin-center/requests/"))
    # Eager tasks in the live server: the task ran on commit, so the result shows at once.
    expect(page.get_by_role("status")).to_contain_text("Done. The admin relationship is active until")
    assert_accessible(page, "approved")
    rel = AdminRelationship.objects.get(pk=world["rel"].pk)
    assert rel.status == RelationshipStatus.ACTIVE and rel.end_at is not None
    page.get_by_role("link", name="Partner relationships").last.click()
    page.get_by_role("heading", name="Granular admin relationships (GDAP)").wait_for()
    row = relationship_item(page, "Contoso full admin")
    expect(row).to_contain_text("Active")
    assert no_sideways_scroll(page)
    assert_accessible(page, "partner relationships with an active GDAP relationship")
    row.get_by_role("link", name="Terminate").click()
    page.get_by_role("heading", name=re.compile(r"^Terminate “Contoso full admin” of Contoso Cloud GmbH")).wait_for()
    assert_accessible(page, "terminate confirmation")
    page.get_by_role("button", name="Terminate").click()
    page.wait_for_url(re.compile(r"/admin-center/$"))
    expect(page.get_by_role("alert").first).to_contain_text("is terminated")
    assert AdminRelationship.objects.get(pk=rel.pk).status == RelationshipStatus.TERMINATED


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_customer_user_may_not_approve(new_page, world, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, world["user"].email)
    page.goto(f"/gdap/approval/{world['raw']}/")
    page.get_by_role("heading", name="Granular admin relationship request").wait_for()
    expect(page.get_by_role("alert")).to_contain_text(
        "Only a Global admin of your organisation can approve or reject an admin relationship.")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    assert no_sideways_scroll(page)
    assert_accessible(page, "a User sees why not")
    # Partner relationships: the request is listed read-only for them.
    page.goto("/admin-center/")
    row = relationship_item(page, "Contoso full admin")
    expect(row).to_contain_text("Awaiting a Global admin’s approval")
    expect(row.get_by_role("link")).to_have_count(0)
    assert_accessible(page, "read-only partner relationships")
    assert AdminRelationship.objects.get(pk=world["rel"].pk).status == RelationshipStatus.APPROVAL_PENDING
