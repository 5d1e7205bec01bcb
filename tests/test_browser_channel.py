"""Playwright in Debian's Chromium against a live server: the indirect channel. A provider and a reseller
form a partnership (F6/F7), the provider adds a customer for the reseller through the Add customer
wizard (F8), the reseller's combined invitation is accepted by a new customer (F3/F4) and the provider
filters its customers by reseller. Controls are found by their visible labels."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import ResellerAssociation, ResellerRelationship
from customers.services import reseller_association_ensure, reseller_relationship_ensure
from partnercenter.models import Tenant, User
from partnercenter.roles import Role
from resellers import services as partnerships
from resellers.models import IndirectPartnership, PartnershipStatus
from subscriptions.models import Subscription
from tests.browser_support import assert_accessible, open_navigation, sign_in
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Another-g00d-passphrase"


@pytest.fixture
def provider():
    return PartnerFactory(name="Fabrikam Kft.", partner_type="indirect_provider", country="HU")


@pytest.fixture
def provider_admin(provider):
    return member(provider, Role.GLOBAL_ADMIN, email="admin@fabrikam.example")


@pytest.fixture
def reseller():
    return PartnerFactory(name="Tailspin Bt.", partner_type="indirect_reseller", country="HU")


@pytest.fixture
def reseller_admin(reseller):
    return member(reseller, Role.GLOBAL_ADMIN, email="admin@tailspin.example")


@pytest.fixture
def partnered(provider, provider_admin, reseller, reseller_admin):
    """An active partnership, made through the services the pages use."""
    request, _raw = partnerships.partnership_request_create(provider=provider, actor=provider_admin,
                                                           reseller_mpn_id=reseller.mpn_id)
    partnerships.partnership_accept(request_id=request.id, reseller=reseller, actor=reseller_admin)
    return provider, reseller


def _account_info(page, *, domain: str = "adatum-hu.example") -> None:
    """Step 1 of the wizard, every field filled with valid Hungarian data."""
    page.get_by_label("Company name").fill("Adatum Kft.")
    page.get_by_label("Primary domain").fill(domain)
    page.get_by_label("Address").fill("Fő utca 1")
    page.get_by_label("Postal code").fill("1011")
    page.get_by_label("City").fill("Budapest")
    page.get_by_label("Country").select_option(label="Hungary")
    page.get_by_label("First name").fill("Anna")
    page.get_by_label("Last name").fill("Kovács")
    page.get_by_label(re.compile(r"^\s*Email")).fill(f"anna@{domain}")
    page.get_by_label("Phone").fill("+36 1 234 5678")
    page.get_by_label("The customer has accepted the customer agreement.").check()
    page.get_by_label("Signer name").fill("Anna Kovács")
    page.get_by_label("Signer email").fill(f"anna@{domain}")
    page.get_by_label("Acceptance date").fill((timezone.localdate() - timedelta(days=3)).isoformat())


@pytest.mark.parametrize("viewport", ["desktop", "laptop", "phone"])
def test_provider_requests_partnership_and_reseller_accepts(
    new_page, provider, provider_admin, reseller, reseller_admin, viewport,
):
    page = new_page(viewport=viewport)
    sign_in(page, provider_admin.email)
    open_navigation(page)
    page.get_by_role("link", name="Indirect resellers").click()
    page.get_by_role("heading", name="Indirect resellers").wait_for()
    assert_accessible(page, "indirect resellers")
    page.get_by_role("link", name="Request a partnership").click()
    page.get_by_label("Reseller MPN ID").fill(reseller.mpn_id)
    page.get_by_role("button", name="Create link and draft").click()
    expect(page.locator("#draft-link")).to_contain_text("/partnerships/")
    page.get_by_text(f"{reseller.name} ({reseller.mpn_id})").wait_for()
    assert_accessible(page, "partnership draft")
    page.get_by_role("link", name="Done").click()
    page.wait_for_url(re.compile(r"/resellers/$"))
    assert_accessible(page, "indirect resellers, request pending")
    expect(page.locator("tr", has_text=reseller.name).locator(".badge")).to_have_text("Pending")

    reseller_page = new_page(viewport=viewport)
    sign_in(reseller_page, reseller_admin.email)
    open_navigation(reseller_page)
    reseller_page.get_by_role("link", name="Indirect providers").click()
    reseller_page.get_by_role("heading", name="Pending partnership requests").wait_for()
    assert_accessible(reseller_page, "indirect providers, request pending")
    request_item = reseller_page.locator(".list-group-item", has_text=provider.name)
    expect(request_item).to_contain_text(provider.mpn_id)
    request_item.get_by_role("button", name="Accept").click()
    reseller_page.get_by_text(f"You are now partnered with {provider.name}", exact=True).wait_for()  # one full stop
    assert_accessible(reseller_page, "partnered")
    expect(reseller_page.get_by_role("heading", name="Pending partnership requests")).to_have_count(0)
    row = reseller_page.get_by_role("row").filter(has_text=provider.mpn_id)
    expect(row.get_by_role("cell").first).to_have_text(provider.name)
    expect(row.get_by_role("link", name="Remove partnership")).to_be_visible()
    # With a provider, the reseller may now invite customers for both.
    expect(reseller_page.get_by_role("link", name="Invite new customers")).to_be_visible()

    page.reload()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Add new customer"))
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").first).to_have_text(reseller.name)
    expect(row).to_contain_text(reseller.mpn_id)
    expect(row.locator(".badge")).to_have_text("Active")
    expect(page.get_by_role("row").filter(has_text=f"Accepted by {reseller.name}")).to_have_count(1)
    assert IndirectPartnership.objects.filter(provider=provider, reseller=reseller,
                                              status=PartnershipStatus.ACTIVE).count() == 1
    # The list is searchable by MPN ID or name; a search that finds nobody says so.
    search = page.get_by_placeholder("Search by name or MPN ID")
    search.fill(reseller.mpn_id)
    search.press("Enter")
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name="Add new customer"))).to_have_count(1)
    search.fill("Nobody GmbH")
    search.press("Enter")
    page.get_by_text("No indirect reseller matches “Nobody GmbH”.").wait_for()
    assert_accessible(page, "no reseller matches")


def test_provider_adds_customer_for_reseller_and_new_admin_changes_password(new_page, partnered, provider_admin):
    provider, reseller = partnered
    page = new_page()
    sign_in(page, provider_admin.email)
    page.get_by_role("link", name="Indirect resellers").click()
    page.get_by_role("row").filter(has_text=reseller.mpn_id).get_by_role("link", name="Add new customer").click()
    page.get_by_role("heading", name="Add customer").wait_for()
    assert_accessible(page, "add customer")
    reseller_select = page.get_by_role("combobox", name="Indirect reseller")
    expect(reseller_select.locator("option:checked")).to_have_text(f"{reseller.name} ({reseller.mpn_id})")

    _account_info(page)
    page.get_by_role("button", name="Next: Subscriptions").click()
    page.get_by_label("Business Mail Basic", exact=True).fill("5")
    page.get_by_role("button", name="Next: Review").click()
    page.get_by_text("Business Mail Basic × 5").wait_for()
    assert_accessible(page, "add customer review")
    page.get_by_text(f"{reseller.name} ({reseller.mpn_id})").wait_for()
    page.get_by_text("admin@adatum-hu.example").wait_for()
    page.get_by_role("button", name="Submit").click()
    page.get_by_text("Adatum Kft. was added to your customers.").wait_for()
    assert_accessible(page, "customer added")
    user_name = page.locator("#new-admin-user").inner_text().strip()
    temporary = page.locator("#new-admin-password").inner_text().strip()
    assert user_name == "admin@adatum-hu.example" and temporary
    page.get_by_role("link", name="Done").click()
    page.get_by_role("heading", name="Customers").wait_for()
    assert_accessible(page, "customers")
    row = page.get_by_role("row").filter(has_text="Adatum Kft.")
    expect(row.first).to_contain_text(f"{reseller.name} ({reseller.mpn_id})")
    expect(page.get_by_text(temporary)).to_have_count(0)  # shown once only

    customer = Tenant.objects.get(name="Adatum Kft.")
    assert ResellerAssociation.objects.filter(customer=customer, reseller=reseller, provider=provider,
                                              status="active").exists()
    assert Subscription.objects.get(customer=customer).quantity == 5

    # The new Global admin, in a browser of its own, signs in with the temporary password.
    admin_page = new_page()
    admin_page.goto("/accounts/login/")
    admin_page.get_by_label("Email").fill(user_name)
    admin_page.get_by_label("Password").fill(temporary)
    admin_page.get_by_role("button", name="Sign In").click()
    admin_page.wait_for_url(re.compile(r"/accounts/password/change/$"))
    assert_accessible(admin_page, "password change")
    # Anything else sends the user back to the password change.
    admin_page.goto("/admin-center/")
    admin_page.wait_for_url(re.compile(r"/accounts/password/change/$"))
    admin_page.get_by_label("Current Password").fill(temporary)
    admin_page.get_by_label(re.compile(r"^\s*New Password\*?\s*$")).fill(NEW_PASSWORD)
    admin_page.get_by_label("New Password (again)").fill(NEW_PASSWORD)
    admin_page.get_by_role("button", name="Change Password").click()
    admin_page.get_by_text("Password successfully changed.").wait_for()
    admin_page.goto("/")
    admin_page.wait_for_url(re.compile(r"/admin-center/$"))
    admin_page.get_by_role("heading", name="Partner relationships").wait_for()
    assert_accessible(admin_page, "admin center")
    for partner in (provider, reseller):
        expect(admin_page.get_by_role("row").filter(has_text=partner.mpn_id)).to_have_count(1)
    admin = User.objects.get(email=user_name)
    assert not admin.must_change_password and admin.check_password(NEW_PASSWORD)


def test_wizard_keeps_input_after_a_field_error_and_on_back(new_page, partnered, provider_admin):
    _provider, _reseller = partnered
    page = new_page()
    sign_in(page, provider_admin.email)
    page.goto("/customers/")
    page.get_by_role("link", name="Add customer").click()
    _account_info(page)
    page.get_by_label("Primary domain").fill("not a domain")
    page.get_by_role("button", name="Next: Subscriptions").click()
    domain = page.get_by_label("Primary domain")
    expect(domain).to_have_class(re.compile(r"\bis-invalid\b"))
    assert_accessible(page, "wizard field error")
    # The message sits in the field's own wrapper, right under the input.
    wrapper = page.locator("#div_id_primary_domain")
    expect(wrapper).to_contain_text("Enter a valid domain name, for example contoso.com.")
    expect(page.locator(".invalid-feedback")).to_have_count(1)
    expect(domain).to_have_value("not a domain")
    expect(page.get_by_label("Company name")).to_have_value("Adatum Kft.")
    expect(page.get_by_label("City")).to_have_value("Budapest")
    expect(page.get_by_label("Signer name")).to_have_value("Anna Kovács")
    expect(page.get_by_label("Country")).to_have_value("HU")
    expect(page.get_by_label("The customer has accepted the customer agreement.")).to_be_checked()
    expect(page.get_by_label("Acceptance date")).to_have_value((timezone.localdate() - timedelta(days=3)).isoformat())

    # Corrected, the wizard moves on; Back returns to Account info with everything kept.
    domain.fill("adatum-hu.example")
    page.get_by_role("button", name="Next: Subscriptions").click()
    page.get_by_label("Business Mail Basic", exact=True).fill("2")
    page.get_by_role("button", name="Back").click()
    page.get_by_role("button", name="Next: Subscriptions").wait_for()
    expect(page.get_by_label("Company name")).to_have_value("Adatum Kft.")
    expect(page.get_by_label("Primary domain")).to_have_value("adatum-hu.example")
    expect(page.get_by_label("City")).to_have_value("Budapest")
    expect(page.get_by_label("Phone")).to_have_value(re.compile(r"^\+36 1 234 5678$"))
    page.get_by_role("button", name="Next: Subscriptions").click()
    expect(page.get_by_label("Business Mail Basic", exact=True)).to_have_value("2")
    assert not Tenant.objects.filter(name="Adatum Kft.").exists()


def test_reseller_invites_and_customer_accepts_for_reseller_and_provider(
    new_page, partnered, provider_admin, reseller_admin,
):
    provider, reseller = partnered
    page = new_page()
    sign_in(page, reseller_admin.email)
    page.get_by_role("link", name="Indirect providers").click()
    page.get_by_role("link", name="Invite new customers").click()
    page.get_by_label("Indirect provider").select_option(label=f"{provider.name} ({provider.mpn_id})")
    page.get_by_label("Customer email").fill("eva@northwind-hu.example")
    page.get_by_role("button", name="Create link and draft").click()
    link = page.locator("#draft-link").inner_text().strip()
    assert "/admin-center/partner-request/" in link

    visitor = new_page()
    visitor.goto(link)
    visitor.get_by_role("heading", name="Partner relationship request").wait_for()
    visitor.get_by_text(f"the indirect provider of {reseller.name}").wait_for()
    assert_accessible(visitor, "combined invitation")
    visitor.get_by_label("Company name").fill("Northwind Kft.")
    visitor.get_by_label("Primary domain").fill("northwind-hu.example")
    visitor.get_by_label("Country").select_option(label="Hungary")
    visitor.get_by_label("Email").fill("eva@northwind-hu.example")
    visitor.get_by_label("Password").fill("A-very-good-passw0rd")
    visitor.get_by_role("button", name="Create organisation").click()
    visitor.get_by_role("button", name="Accept").click()
    visitor.get_by_text("is now your reseller").wait_for()
    assert_accessible(visitor, "accepted")

    customer = Tenant.objects.get(name="Northwind Kft.")
    for partner in (reseller, provider):
        assert ResellerRelationship.objects.filter(partner=partner, customer=customer, status="active").exists()
    assert ResellerAssociation.objects.filter(customer=customer, reseller=reseller, provider=provider,
                                              status="active").count() == 1

    # The provider sees the new customer as the reseller's.
    provider_page = new_page()
    sign_in(provider_page, provider_admin.email)
    expect(provider_page.get_by_role("row").filter(has_text="Northwind Kft.").first).to_contain_text(
        f"{reseller.name} ({reseller.mpn_id})")


def _customer_of(provider, reseller, name: str):  # noqa: ANN001, ANN202
    customer = TenantFactory(name=name, country="HU")
    reseller_relationship_ensure(partner=provider, customer=customer, actor=None)
    if reseller is not None:
        reseller_relationship_ensure(partner=reseller, customer=customer, actor=None)
        reseller_association_ensure(customer=customer, reseller=reseller, provider=provider, actor=None)
    return customer


def test_provider_filters_customers_by_reseller(new_page, partnered, provider_admin, reseller_admin):
    provider, reseller = partnered
    other = PartnerFactory(name="Wingtip Zrt.", partner_type="indirect_reseller", country="HU")
    request, _raw = partnerships.partnership_request_create(provider=provider, actor=provider_admin,
                                                           reseller_mpn_id=other.mpn_id)
    partnerships.partnership_accept(request_id=request.id, reseller=other, actor=member(other, Role.GLOBAL_ADMIN))
    _customer_of(provider, reseller, "Adatum Kft.")
    _customer_of(provider, reseller, "Contoso Kft.")
    _customer_of(provider, other, "Litware Kft.")
    _customer_of(provider, None, "Proseware Kft.")

    page = new_page()
    sign_in(page, provider_admin.email)
    page.get_by_role("heading", name="Customers").wait_for()
    assert_accessible(page, "customers of a provider")
    table = page.locator("#customer-table")
    for name in ("Adatum Kft.", "Contoso Kft.", "Litware Kft.", "Proseware Kft."):
        expect(table.get_by_role("cell", name=name, exact=True)).to_have_count(1)

    page.get_by_label("Filter by indirect reseller").select_option(label=f"{reseller.name} ({reseller.mpn_id})")
    page.wait_for_url(re.compile(rf"reseller={reseller.id}"))
    assert_accessible(page, "filtered by reseller")
    expect(table.get_by_role("cell", name="Litware Kft.", exact=True)).to_have_count(0)
    expect(table.get_by_role("cell", name="Proseware Kft.", exact=True)).to_have_count(0)
    for name in ("Adatum Kft.", "Contoso Kft."):
        row = table.get_by_role("row").filter(has=page.get_by_role("cell", name=name, exact=True))
        expect(row).to_have_count(1)
        # Columns: details button, Company name, Primary domain, Relationship, Indirect reseller, …
        headers = table.get_by_role("columnheader")
        column = [h.strip() for h in headers.all_inner_texts()].index("Indirect reseller")
        expect(row.get_by_role("cell").nth(column)).to_have_text(f"{reseller.name} ({reseller.mpn_id})")
    expect(page.get_by_label("Filter by indirect reseller")).to_have_value(str(reseller.id))

    # The filtered list survives a reload (the URL was pushed) and "all" brings everyone back.
    page.reload()
    expect(table.get_by_role("cell", name="Litware Kft.", exact=True)).to_have_count(0)
    expect(page.get_by_label("Filter by indirect reseller")).to_have_value(str(reseller.id))
    page.get_by_label("Filter by indirect reseller").select_option(value="")
    expect(table.get_by_role("cell", name="Litware Kft.", exact=True)).to_have_count(1)
    expect(table.get_by_role("cell", name="Proseware Kft.", exact=True)).to_have_count(1)
