from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from partnercenter.roles import Role
from tests.factories import PartnerFactory, TenantFactory, member

# The longest files (the language walks, minutes each) go first: pytest-xdist hands out whole files in
# collection order, one to each worker to begin with, so each walk starts at once on a worker of its own
# instead of one being left for the end while the other worker idles.
LONGEST_FILES = ("tests/test_languages.py", "tests/test_languages_hu.py")


def pytest_collection_modifyitems(config, items) -> None:  # noqa: ANN001
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in LONGEST_FILES)  # stable: order kept otherwise


def require_postgres() -> None:
    if not settings.POSTGRES_AVAILABLE:
        pytest.skip("SKIPPED LOUDLY: PostgreSQL is not reachable; this test needs it (CI never skips)")


@pytest.fixture(autouse=True)
def _english():
    """A request activates its language in the thread and nothing switches it back: start each test in
    the default language so service messages do not depend on which test ran before."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _regions(request):  # noqa: ANN001, ANN202
    """Transactional tests flush the tables, data migrations included: put the region table back."""
    from partnercenter.models import CountryRegion, Region
    from partnercenter.regions import regions_seed

    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if not marker and not names & {"db", "transactional_db", "live_server"}:
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(names & {"transactional_db",
                                                                                          "live_server"})
    request.getfixturevalue("transactional_db" if transactional else "db")
    regions_seed(Region, CountryRegion)
    from gdap.catalog import roles_seed
    from gdap.models import RoleDefinition
    from subscriptions.catalog import offers_seed
    from subscriptions.models import Offer

    # Under pytest-xdist a transactional test's flush can come before any test of a worker (pytest-django
    # orders them last only within one process's run): put the catalogs back wherever they are missing.
    if transactional or not Offer.objects.exists():
        offers_seed(Offer)
    if transactional or not RoleDefinition.objects.exists():
        roles_seed(RoleDefinition)


@pytest.fixture
def partner(db):
    return PartnerFactory(name="Contoso Cloud GmbH", country="DE")


@pytest.fixture
def customer(db):
    return TenantFactory(name="Adatum AG", country="DE")


@pytest.fixture
def partner_admin(partner):
    return member(partner, Role.GLOBAL_ADMIN)


@pytest.fixture
def customer_admin(customer):
    return member(customer, Role.CUSTOMER_GLOBAL_ADMIN)


@pytest.fixture
def provider(db):
    return PartnerFactory(name="Fabrikam Kft.", partner_type="indirect_provider", country="HU")


@pytest.fixture
def provider_admin(provider):
    return member(provider, Role.GLOBAL_ADMIN)


@pytest.fixture
def reseller(db):
    return PartnerFactory(name="Tailspin Bt.", partner_type="indirect_reseller", country="HU")


@pytest.fixture
def reseller_admin(reseller):
    return member(reseller, Role.GLOBAL_ADMIN)


@pytest.fixture
def clear_cache():
    """Rate-limit counters live in the cache: start and end a test with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def login_post(client: Client, email: str, password: str):  # noqa: ANN201
    return client.post("/accounts/login/", {"login": email, "password": password})


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Playwright: one Chromium for the whole session, shared by every browser module ---------------


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201
    import os
    from pathlib import Path

    from tests.browser_support import CHROMIUM

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but Chromium is missing at {CHROMIUM}")
        pytest.skip(f"SKIPPED LOUDLY: Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser, live_server):  # noqa: ANN001, ANN201
    """new_page(locale="en-US", viewport="desktop") → a page in a fresh context (own cookies) against the
    live server. The page keeps the portal's real Content-Security-Policy; axe-core is injected through
    the DevTools protocol (tests/browser_support.py: assert_accessible)."""
    contexts = []

    from tests.browser_support import VIEWPORTS

    def make(locale: str = "en-US", viewport: str | dict = "desktop"):  # noqa: ANN202
        # viewport: "desktop" (1440×900), "laptop" (1366×768), "phone" (390×844) or a size dict.
        # Below 1200 px the sidebar is an off-canvas menu behind the top bar's button.
        size = VIEWPORTS[viewport] if isinstance(viewport, str) else viewport
        context = browser.new_context(locale=locale, base_url=live_server.url, accept_downloads=True,
                                      viewport=size)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
