from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from partnercenter.roles import Role
from tests.factories import PartnerFactory, TenantFactory, member


def require_postgres() -> None:
    if not settings.POSTGRES_AVAILABLE:
        pytest.skip("SKIPPED LOUDLY: PostgreSQL is not reachable; this test needs it (CI never skips)")


@pytest.fixture(autouse=True)
def _regions(request):
    """Transactional tests flush the tables, data migrations included: put the region table back."""
    if "django_db_setup" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("django_db_setup")
    from partnercenter.models import CountryRegion, Region
    from partnercenter.regions import regions_seed

    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames:
        request.getfixturevalue("db") if not _is_transactional(request) else request.getfixturevalue("transactional_db")
        regions_seed(Region, CountryRegion)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames or \
        "live_server" in request.fixturenames


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


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
