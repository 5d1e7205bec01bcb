"""Races on real PostgreSQL: a reseller's admins asking a provider at once; the provider's admins
accepting the ask at once; an operator approving while the provider resubmits."""

from __future__ import annotations

import pytest

from directory import services as directory_services
from directory.models import Listing, ListingState, PublishedLocation
from partnercenter.errors import Conflict
from partnercenter.models import User
from partnercenter.roles import Role
from resellers import services
from resellers.models import IndirectPartnership, PartnershipRequest
from tests.concurrency import outcomes, race, require_postgres
from tests.factories import PartnerFactory, member

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_ten_admins_asking_at_once_leave_one_pending_request_and_nine_clear_refusals():
    require_postgres()
    provider = PartnerFactory(partner_type="indirect_provider", country="HU")
    reseller = PartnerFactory(partner_type="indirect_reseller", country="HU")
    admins = [member(reseller, Role.ADMIN_AGENT) for _ in range(10)]
    results = race(10, lambda i: services.partnership_request_ask(reseller=reseller, provider=provider,
                                                                  actor=admins[i]).pk)
    assert outcomes(results) == {"ok": 1, "Conflict": 9}
    assert all(isinstance(value, Conflict) for kind, value in results if kind == "error")
    assert PartnershipRequest.objects.filter(provider=provider, reseller=reseller, status="pending").count() == 1


def test_the_provider_accepting_twice_at_once_gives_one_partnership():
    require_postgres()
    provider = PartnerFactory(partner_type="indirect_provider", country="HU")
    reseller = PartnerFactory(partner_type="indirect_reseller", country="HU")
    asked = services.partnership_request_ask(reseller=reseller, provider=provider,
                                             actor=member(reseller, Role.GLOBAL_ADMIN))
    admins = [member(provider, Role.GLOBAL_ADMIN) for _ in range(8)]
    results = race(8, lambda i: services.partnership_ask_answer(request_id=asked.id, provider=provider,
                                                                actor=admins[i], accept=True))
    assert outcomes(results) == {"ok": 8}
    assert IndirectPartnership.objects.filter(provider=provider, reseller=reseller).count() == 1


def test_an_approval_racing_a_resubmission_publishes_one_whole_version():
    require_postgres()
    provider = PartnerFactory(partner_type="indirect_provider", country="HU")
    admin = member(provider, Role.GLOBAL_ADMIN)
    operator = User.objects.create_superuser(email="operator@partnercenter.example", password="x" * 12)

    def data(n: int) -> directory_services.ListingInput:
        return directory_services.ListingInput(name=f"Fabrikam v{n}", listed=True,
                                               locations=[{"country": "HU", "url": f"https://v{n}.example/"}])

    listing = directory_services.listing_save(tenant=provider, actor=admin, data=data(1), submit=True)

    def act(i: int) -> str:
        if i == 0:
            return directory_services.listing_approve(listing_id=listing.pk, operator=operator).published_name
        return directory_services.listing_save(tenant=provider, actor=admin, data=data(2), submit=True).name

    race(2, act)
    listing.refresh_from_db()
    (location,) = PublishedLocation.objects.filter(listing=listing)
    # Whichever went first, the published name and location belong to the same version.
    assert location.url == {"Fabrikam v1": "https://v1.example/", "Fabrikam v2": "https://v2.example/"}[
        listing.published_name]
    assert listing.state in (ListingState.PENDING, ListingState.PUBLISHED) and Listing.objects.count() == 1
