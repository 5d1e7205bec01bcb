"""Playwright: a provider submits its directory listing (the main error first: an http target URL keeps
what was typed) → an operator approves it → the public Indirect providers directory shows it → a
registered reseller clicks "Request to partner". 1366×768 and 390×844, axe finding nothing."""

from __future__ import annotations

import re

import pytest

from directory import services
from directory.models import Listing, ListingState
from partnercenter.models import User
from partnercenter.roles import Role
from resellers.models import PartnershipRequest
from tests.browser_support import check_state, open_navigation, sign_in
from tests.directory_support import png_bytes
from tests.factories import PartnerFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_submit_approve_find_in_the_directory_and_request_to_partner(new_page, viewport):
    provider = PartnerFactory(name="Fabrikam Kft.", partner_type="indirect_provider", country="HU")
    provider_admin = member(provider, Role.GLOBAL_ADMIN, email="admin@fabrikam.example")
    reseller = PartnerFactory(name="Tailspin Bt.", partner_type="indirect_reseller", country="HU")
    reseller_admin = member(reseller, Role.GLOBAL_ADMIN, email="admin@tailspin.example")
    operator = User.objects.create_superuser(email="operator@partnercenter.example", password="x" * 12)

    page = new_page(viewport=viewport)
    sign_in(page, provider_admin.email)
    open_navigation(page)
    page.get_by_role("link", name="Company profile").click()
    page.get_by_role("link", name="Edit directory listing").click()
    page.get_by_text("You have no directory listing yet.").wait_for()
    check_state(page, viewport, "directory-listing-new")
    page.get_by_label("Name shown").fill("Fabrikam Disztribúció")
    page.get_by_label("Country").first.select_option("HU")
    page.get_by_label("Target URL").first.fill("http://fabrikam.example/partners")
    page.get_by_label("Logo").set_input_files(files=[{"name": "fabrikam.png", "mimeType": "image/png",
                                                      "buffer": png_bytes(64, 64)}])
    page.get_by_role("button", name="Submit for approval").click()
    page.get_by_text("Target URLs must start with https://.").wait_for()
    assert page.get_by_label("Target URL").first.input_value() == "http://fabrikam.example/partners"
    assert page.get_by_label("Name shown").input_value() == "Fabrikam Disztribúció"
    check_state(page, viewport, "directory-listing-refused")
    page.get_by_label("Target URL").first.fill("https://fabrikam.example/partners")
    page.get_by_label("Logo").set_input_files(files=[{"name": "fabrikam.png", "mimeType": "image/png",
                                                      "buffer": png_bytes(64, 64)}])
    page.get_by_role("button", name="Submit for approval").click()
    page.get_by_text("Your listing was submitted.").wait_for()
    assert page.get_by_test_id("listing-state").inner_text() == "Pending approval"
    check_state(page, viewport, "directory-listing-pending")

    listing = Listing.objects.get(tenant=provider)
    assert listing.state == ListingState.PENDING and listing.logo
    services.listing_approve(listing_id=listing.pk, operator=operator)

    public = new_page(viewport=viewport)
    public.goto("/directory/")
    public.get_by_role("heading", name="Fabrikam Disztribúció").wait_for()
    assert public.get_by_role("link", name="https://fabrikam.example/partners").is_visible()
    assert public.locator("img.directory-logo").evaluate("img => img.complete && img.naturalWidth") == 64
    check_state(public, viewport, "directory-public")
    public.get_by_label("Search by name").fill("nobody")
    public.get_by_role("button", name="Search").click()
    public.get_by_text("No provider matches your search.").wait_for()
    check_state(public, viewport, "directory-public-empty")

    reseller_page = new_page(viewport=viewport)
    sign_in(reseller_page, reseller_admin.email)
    open_navigation(reseller_page)
    reseller_page.get_by_role("link", name="Indirect providers", exact=True).click()
    reseller_page.get_by_role("link", name="Indirect providers directory").first.click()
    reseller_page.get_by_role("heading", name="Fabrikam Disztribúció").wait_for()
    check_state(reseller_page, viewport, "directory-reseller")
    reseller_page.get_by_role("button", name=re.compile("^Request to partner")).click()
    reseller_page.get_by_text("Your partnership request was sent to Fabrikam Disztribúció.").wait_for()
    check_state(reseller_page, viewport, "directory-requested")
    asked = PartnershipRequest.objects.get()
    assert asked.asked_by_reseller and asked.provider == provider and asked.reseller == reseller

    page.goto("/resellers/")
    page.get_by_text("Asked by the reseller from the directory").wait_for()
    check_state(page, viewport, "resellers-asked")
