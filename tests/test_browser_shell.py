"""Playwright in Debian's Chromium against a live server with the demo data: the shell every page shares.

The sidebar is visible without a click from 1200 px up (1280×720 and 1366×768, in English, German and
Hungarian, whose labels are the longest), marks the current page with aria-current and collapses to
icons (remembered); below 1200 px it is an off-canvas menu opened from the top bar. The main pages of
each partner type and of a customer are walked at 1440×900, 1366×768 and 390×844: no page scrolls
sideways, tables fit or scroll inside their own container, and axe-core finds no violation."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from partnercenter.models import Tenant, User
from subscriptions.models import Subscription
from tests.browser_support import (
    PASSWORD,
    assert_accessible,
    no_sideways_scroll,
    open_navigation,
    require_axe,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"en": "en-US", "de": "de-DE", "hu": "hu-HU"}


def _(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


@pytest.fixture
def demo(db):
    """The demo data of `make demo`, with two relationship requests of Contoso (one to a long address)."""
    from invitations.services import invitation_create
    from partnercenter.demo import demo_load

    demo_load()
    contoso = Tenant.objects.get(primary_domain="contoso.example")
    admin = User.objects.get(email="admin@contoso.example")
    invitation_create(partner=contoso, actor=admin, include_dap=True,
                      customer_email="someone.with.a.long.address@northwind-traders.example")
    invitation_create(partner=contoso, actor=admin, include_dap=False, reusable=True)
    return contoso


def sign_in(page, email: str) -> None:  # noqa: ANN001
    """Sign in whatever the page's language."""
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/(customers|admin-center)/"))


def sidebar_link(page, language: str, label: str):  # noqa: ANN001, ANN201
    nav = page.get_by_role("navigation", name=_(language, "Main navigation"))
    return nav.get_by_role("link", name=_(language, label), exact=True)


def assert_page_fits(page, what: str) -> None:  # noqa: ANN001
    """No sideways scroll of the page; no button or sidebar label cut."""
    assert no_sideways_scroll(page), f"{what}: the page scrolls sideways"
    cut = page.evaluate("""() => [...document.querySelectorAll('.page-actions .btn, .sidebar-label, .table-actions .btn')]
        .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1).map(el => el.textContent.trim())""")
    assert cut == [], f"{what}: cut labels {cut}"


@pytest.mark.parametrize("language", ["en", "de", "hu"])
@pytest.mark.parametrize("size", [{"width": 1280, "height": 720}, {"width": 1366, "height": 768}],
                         ids=["1280x720", "1366x768"])
def test_sidebar_is_visible_without_a_click_from_1200_px(new_page, demo, language, size):
    page = new_page(locale=LOCALES[language], viewport=size)
    sign_in(page, "admin@contoso.example")
    assert page.locator("html").get_attribute("lang") == language
    expect(page.get_by_role("button", name=_(language, "Toggle navigation"))).to_be_hidden()
    customers = sidebar_link(page, language, "Customers")
    for label in ("Customers", "Relationship requests", "Offers", "Activity log", "Company profile",
                  "Developer outbox"):
        link = sidebar_link(page, language, label)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"] / 4, f"{label} is not in the sidebar"
    # Contoso is a direct partner: no indirect channel page.
    expect(sidebar_link(page, language, "Indirect resellers")).to_have_count(0)
    expect(sidebar_link(page, language, "Indirect providers")).to_have_count(0)
    expect(customers).to_have_attribute("aria-current", "page")
    assert_page_fits(page, "Customers")
    # The Customers table, its Date column included, fits beside the sidebar: the long German header
    # "Administratorberechtigungen" breaks at its soft hyphen (the msgctxt "column header, …" entry).
    customers_table = page.get_by_role("region", name=_(language, "Customers"))
    assert customers_table.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "the Customers table is cut"

    # Relationship requests: every column, the row actions included, fits beside the sidebar.
    sidebar_link(page, language, "Relationship requests").click()
    page.get_by_role("heading", name=_(language, "Relationship requests"), level=1).wait_for()
    expect(sidebar_link(page, language, "Relationship requests")).to_have_attribute("aria-current", "page")
    expect(customers).not_to_have_attribute("aria-current", re.compile(".*"))
    table = page.get_by_role("region", name=_(language, "Relationship requests"))
    assert table.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "the requests table is cut"
    resend = page.get_by_role("button", name=_(language, "Resend")).first
    expect(resend).to_be_in_viewport()
    assert_page_fits(page, "Relationship requests")
    assert_accessible(page, f"Relationship requests, {language}")

    # A page inside a workspace marks the workspace as the current section.
    page.get_by_role("link", name=_(language, "Request a reseller relationship")).first.click()
    expect(sidebar_link(page, language, "Relationship requests")).to_have_attribute("aria-current", "true")


@pytest.mark.parametrize("viewport", [{"width": 1024, "height": 768}, "phone"], ids=["1024x768", "390x844"])
def test_below_1200_px_the_sidebar_is_an_off_canvas_menu(new_page, demo, viewport):
    page = new_page(locale="hu-HU", viewport=viewport)
    sign_in(page, "admin@fabrikam.example")  # Hungarian, an indirect provider
    resellers = sidebar_link(page, "hu", "Indirect resellers")
    expect(resellers).to_be_hidden()
    expect(page.get_by_role("button", name=_("hu", "Icons only"))).to_be_hidden()
    # The top bar keeps the organisation, the language and the user menu.
    expect(page.get_by_label(_("hu", "Language"))).to_be_visible()
    expect(page.get_by_role("button", name="admin@fabrikam.example")).to_be_visible()
    open_navigation(page)
    expect(page.get_by_role("dialog", name=_("hu", "Partner Center"))).to_be_visible()
    expect(sidebar_link(page, "hu", "Customers")).to_have_attribute("aria-current", "page")
    assert_accessible(page, "off-canvas menu open")
    resellers.click()
    page.wait_for_url("**/resellers/")
    page.get_by_role("heading", name=_("hu", "Indirect resellers"), level=1).wait_for()
    expect(resellers).to_be_hidden()
    open_navigation(page)
    expect(resellers).to_have_attribute("aria-current", "page")
    page.get_by_role("dialog").get_by_role("button", name=_("hu", "Close")).click()
    expect(resellers).to_be_hidden()


def test_the_sidebar_collapses_to_icons_and_remembers_it(new_page, demo):
    page = new_page(viewport="laptop")
    sign_in(page, "admin@contoso.example")
    sidebar = page.locator(".shell-sidebar")
    wide = sidebar.bounding_box()["width"]
    toggle = page.get_by_role("button", name="Icons only")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".sidebar-label").first).to_have_css("width", "1px")
    assert sidebar.bounding_box()["width"] < wide / 2
    # The icons keep their names (visually hidden labels) and say them on hover.
    activity = sidebar_link(page, "en", "Activity log")
    expect(activity).to_have_attribute("title", "Activity log")
    assert_accessible(page, "sidebar collapsed")
    activity.click()
    page.get_by_role("heading", name="Activity log", level=1).wait_for()
    expect(page.get_by_role("button", name="Icons only")).to_have_attribute("aria-pressed", "true")
    assert sidebar.bounding_box()["width"] < wide / 2
    page.get_by_role("button", name="Icons only").click()
    expect(page.get_by_role("button", name="Icons only")).to_have_attribute("aria-pressed", "false")
    page.reload()
    assert sidebar.bounding_box()["width"] == wide
    expect(sidebar_link(page, "en", "Activity log")).not_to_have_attribute("title", re.compile(".*"))


def test_customer_row_expands_with_a_real_button_that_shows_its_state(new_page, demo):
    page = new_page(viewport="laptop")
    sign_in(page, "admin@contoso.example")
    toggle = page.get_by_role("button", name="Show details for Adatum Maschinenbau AG")
    box = toggle.bounding_box()
    assert box["width"] >= 32 and box["height"] >= 32, box  # a target of at least 2rem
    expect(toggle).to_have_attribute("aria-expanded", "false")
    chevron = toggle.locator("svg")
    expect(chevron).to_have_css("transform", "none")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.get_by_text("Tenant ID").first.wait_for()
    expect(chevron).not_to_have_css("transform", "none")  # ▸ turned to ▾
    page.get_by_role("link", name="Add subscription").wait_for()
    assert_accessible(page, "customer row expanded")
    # Bootstrap ignores a toggle while the row is still sliding open: click once the transition ended.
    expect(page.locator(".collapsing")).to_have_count(0)
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")


def _walk(page, paths: list[str], what: str) -> None:  # noqa: ANN001
    for path in paths:
        page.goto(path)
        expect(page.locator("h1")).to_have_count(1)
        assert_page_fits(page, f"{what} {path}")
        assert_accessible(page, what)


VIEWPORT_LANGUAGE = [("desktop", "en-US"), ("laptop", "de-DE"), ("phone", "hu-HU")]


@pytest.mark.parametrize(("viewport", "locale"), VIEWPORT_LANGUAGE, ids=[v for v, _l in VIEWPORT_LANGUAGE])
def test_direct_partner_pages_fit_and_pass_axe(new_page, demo, viewport, locale):
    require_axe()
    adatum = Tenant.objects.get(primary_domain="adatum.example")
    subscription = Subscription.objects.filter(customer=adatum).first()
    page = new_page(locale=locale, viewport=viewport)
    sign_in(page, "admin@contoso.example")
    assert_page_fits(page, "Customers")
    assert_accessible(page, "Customers")
    page.locator(f"button[aria-controls='c-{adatum.id}']").click()
    page.locator(f"#c-{adatum.id} a[href$='/subscriptions/add/']").wait_for()
    assert_page_fits(page, "Customers, row expanded")
    assert_accessible(page, "Customers, row expanded")
    if viewport == "phone":
        open_navigation(page)
        assert_accessible(page, "off-canvas menu open")
    base = f"/customers/{adatum.id}"
    _walk(page, ["/customers/requests/", "/customers/request-relationship/", "/offers/", "/activity/",
                 "/company-profile/", "/company-profile/edit/", f"{base}/account/", f"{base}/subscriptions/",
                 f"{base}/subscriptions/{subscription.id}/", f"{base}/subscriptions/add/", "/customers/add/",
                 "/dev/outbox/"], f"Contoso at {viewport}")


@pytest.mark.parametrize(("viewport", "locale"), VIEWPORT_LANGUAGE, ids=[v for v, _l in VIEWPORT_LANGUAGE])
def test_channel_and_customer_pages_fit_and_pass_axe(new_page, demo, viewport, locale):
    require_axe()
    walks = [
        ("admin@fabrikam.example", ["/customers/", "/resellers/", "/resellers/request-partnership/"]),
        ("admin@tailspin.example", ["/customers/", "/providers/", "/providers/invite/"]),
        ("admin@lucerne.example", ["/providers/"]),
        ("admin@adatum.example", ["/admin-center/", "/admin-center/subscriptions/", "/admin-center/activity/"]),
    ]
    for email, paths in walks:
        page = new_page(locale=locale, viewport=viewport)
        sign_in(page, email)
        _walk(page, paths, f"{email} at {viewport}")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_account_pages_fit_and_pass_axe(new_page, demo, viewport):
    require_axe()
    page = new_page(viewport=viewport)
    _walk(page, ["/accounts/login/", "/accounts/password/reset/"], f"signed out at {viewport}")
    sign_in(page, "admin@contoso.example")
    _walk(page, ["/accounts/password/change/", "/accounts/2fa/"], f"account pages at {viewport}")
