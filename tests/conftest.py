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
    if transactional:
        from subscriptions.catalog import offers_seed
        from subscriptions.models import Offer

        offers_seed(Offer)


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
