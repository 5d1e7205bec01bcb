"""Playwright in Debian's Chromium: the pages of issue 13 in English, German and Hungarian — a partner's
Global admin on Advisor offers (Trial invitations: create one and read its URL; Purchase offers: the form,
its main error and one count; Delegated administration offers), a customer's Global admin accepting the
trial URL, the list's Opened/Accepted counts and Deactivate, then Relationship requests → Invite many
customers (upload, preview with the rejected row and its reason, Send, the job's progress to done and its
results CSV). Each state at 1366×768 and 390×844 (the same page resized): axe-core finds nothing, no
sideways scroll, the page's labels show in the reader's language and (de, hu) no heading, button, link or
column header of the main area is English."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from customers.models import ResellerRelationship
from invitations.models import RelationshipRequest
from offers.models import AdvisorOffer
from partnercenter.roles import Role
from tests.browser_support import VIEWPORTS, check_translated, gettext_in, sign_in_any_language
from tests.factories import PartnerFactory, TenantFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"en": "en-US", "de": "de-DE", "hu": "hu-HU"}
CSV = "email;company;language\nanna@northwind.example;Northwind Traders;de\nnot-an-address;Broken\n"


def _both(page, language: str, state: str, *labels: str) -> None:  # noqa: ANN001
    """The state at 1366×768, then at 390×844, then back (the walk goes on at the laptop size)."""
    for viewport in ("laptop", "phone"):
        page.set_viewport_size(VIEWPORTS[viewport])
        check_translated(page, language, viewport, state, *labels)
    page.set_viewport_size(VIEWPORTS["laptop"])


def _h1(page, language: str, msgid: str) -> None:  # noqa: ANN001
    expect(page.get_by_role("heading", level=1)).to_contain_text(gettext_in(language, msgid))


@pytest.mark.parametrize("language", ["en", "de", "hu"])
def test_offers_and_bulk_invitations_in_each_language(new_page, language, tmp_path):
    _ = lambda msgid: gettext_in(language, msgid)  # noqa: E731
    partner = PartnerFactory(name="Contoso Cloud GmbH", country="DE")
    member(partner, Role.GLOBAL_ADMIN, email="ada@contoso.example", language=language)
    customer = TenantFactory(name="Litware Studio GmbH")
    member(customer, Role.CUSTOMER_GLOBAL_ADMIN, email="admin@litware.example", language=language)

    page = new_page(locale=LOCALES[language], viewport="laptop")
    sign_in_any_language(page, "ada@contoso.example")
    assert page.evaluate("document.documentElement.lang") == language

    # 1. Advisor offers → Trial invitations: the empty list, the form, the created offer with its URL.
    page.locator("#sidebar").get_by_role("link", name=_("Trial invitations"), exact=True).click()
    _h1(page, language, "Trial invitations")  # the list is titled as its sidebar entry
    _both(page, language, "trial-list-empty", "Create trial invitation", "No offers of this kind yet.")
    page.locator("main").get_by_role("link", name=_("Create trial invitation")).first.click()
    page.get_by_label(_("Trial offer")).select_option(label=_("CRM Sales Trial"))
    page.get_by_role("button", name=_("Create"), exact=True).click()
    url = page.get_by_label(_("Offer URL")).input_value()
    assert re.search(r"/admin-center/offer/[\w-]{40,}/$", url)
    _both(page, language, "trial-created", "Offer URL", "Deactivate", "Back to the list")

    # Purchase offers: Create with no count is refused (the page says why), then one count is enough.
    page.goto("/advisor-offers/purchase-offers/new/")
    _h1(page, language, "Create purchase offer")
    page.get_by_role("button", name=_("Create"), exact=True).click()
    expect(page.get_by_text(_("Enter a license count for at least one offer."))).to_be_visible()
    assert not AdvisorOffer.objects.filter(offer_kind="purchase").exists()
    _both(page, language, "purchase-error", "License counts (leave empty for offers not included)", "Cancel")
    page.locator("main input[type=number]").first.fill("5")
    page.get_by_role("button", name=_("Create"), exact=True).click()
    expect(page.get_by_label(_("Offer URL"))).to_be_visible()
    assert AdvisorOffer.objects.get(offer_kind="purchase").lines.get().quantity == 5

    # Delegated administration offers: the form is one sentence and Create.
    page.goto("/advisor-offers/delegated-administration-offers/new/")
    _h1(page, language, "Create delegated administration offer")
    _both(page, language, "dap-form", "Create", "Cancel")
    page.get_by_role("button", name=_("Create"), exact=True).click()
    expect(page.get_by_label(_("Offer URL"))).to_be_visible()

    # 2. The customer's Global admin opens the trial URL in the Admin center and accepts.
    customer_page = new_page(locale=LOCALES[language], viewport="laptop")
    sign_in_any_language(customer_page, "admin@litware.example")
    customer_page.goto(url)
    expect(customer_page.get_by_role("heading", name="Contoso Cloud GmbH")).to_be_visible()
    _both(customer_page, language, "customer-offer", "What you get", "No admin permissions are asked for.")
    customer_page.locator("main form button[type=submit]").first.click()
    done = _("Done. %(partner)s is now your advisor.") % {"partner": "Contoso Cloud GmbH"}
    expect(customer_page.get_by_text(done)).to_be_visible()
    _both(customer_page, language, "customer-accepted")
    assert ResellerRelationship.objects.get(customer=customer).role == "advisor"

    # Back as the partner: the list counts the opening and the acceptance; Deactivate asks first.
    page.goto("/advisor-offers/trial-invitations/")
    row = page.locator("main tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(4)).to_have_text("1")  # Opened
    expect(row.locator("td").nth(5)).to_have_text("1")  # Accepted
    with translation.override(language):
        opened = translation.pgettext("offer uses", "Opened")
    expect(page.locator("main th").get_by_text(opened, exact=True)).to_be_visible()
    _both(page, language, "trial-list", "Accepted", "Active", "Deactivate")
    row.get_by_role("link", name=_("Deactivate")).click()
    _both(page, language, "deactivate-confirm", "Deactivate", "Cancel")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text(_("The offer was deactivated. Its URL no longer works."))).to_be_visible()
    assert AdvisorOffer.objects.get(offer_kind="trial").status == "revoked"

    # 3. Relationship requests → Invite many customers: one good row, one rejected row.
    page.goto("/customers/requests/")
    page.locator("main").get_by_role("link", name=_("Invite many customers")).first.click()
    _h1(page, language, "Invite many customers")
    _both(page, language, "bulk-upload", "Check the file")
    path = tmp_path / "customers.csv"
    path.write_bytes(("\ufeff" + CSV).encode())
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_role("button", name=_("Check the file")).click()
    _h1(page, language, "Check before sending")
    expect(page.get_by_role("cell", name=_("This is not a valid email address."))).to_be_visible()
    expect(page.get_by_role("cell", name="Northwind Traders")).to_be_visible()
    assert not RelationshipRequest.objects.exists()
    with translation.override(language):
        send = translation.ngettext("Send to %(counter)s customer", "Send to %(counter)s customers", 1) % {"counter": 1}
    _both(page, language, "bulk-preview", "This is not a valid email address.")
    page.get_by_role("button", name=send).click()
    _h1(page, language, "Invite many customers")
    expect(page.locator("#job-done")).to_have_text("1", timeout=15_000)
    expect(page.locator("#job-progress")).not_to_have_attribute("hx-get", re.compile("."))  # finished: no more polling
    results = page.locator("main").get_by_role("link", name=_("Download results (CSV)"))
    expect(results).to_have_attribute("href", re.compile(r"/results"))
    _both(page, language, "bulk-progress", "Download results (CSV)")
    assert RelationshipRequest.objects.get().email == "anna@northwind.example"
