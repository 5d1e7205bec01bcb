"""Issue 8: Unicode for people, punycode for storage — every domain and email a person reads."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from customers.services import reseller_relationship_ensure
from invitations import services as invitation_services
from partnercenter.domains import email_to_ascii, normalize_domain, to_unicode
from partnercenter.events import event_record
from partnercenter.models import ActivityKind, Tenant
from partnercenter.roles import Role
from subscriptions.services import customer_agreement_record
from tests.conftest import client_for
from tests.factories import TenantFactory, member

pytestmark = pytest.mark.django_db

PUNY = normalize_domain("müller-bäckerei.example")  # xn--mller-bckerei-…
ACCOUNT = {
    "company_name": "Müller Bäckerei GmbH", "primary_domain": "müller-bäckerei.example",
    "address_line1": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin", "country": "DE",
    "contact_first_name": "Mia", "contact_last_name": "Müller", "contact_email": f"mia@{PUNY}",
    "contact_phone": "030 1234567", "attest": "on", "signer_name": "Mia Müller", "signer_email": f"mia@{PUNY}",
    "accepted_on": "2026-01-10",
}


def test_the_filter_rule():
    assert PUNY.startswith("xn--")
    assert to_unicode(PUNY) == "müller-bäckerei.example"
    assert to_unicode(f"admin@{PUNY}") == "admin@müller-bäckerei.example"
    assert to_unicode("plain@example.com") == "plain@example.com"
    assert to_unicode(None) == "" and to_unicode("") == ""
    assert email_to_ascii("admin@müller-bäckerei.example") == f"admin@{PUNY}"


def test_wizard_review_and_password_card_read_unicode_and_the_country_name(partner, partner_admin):
    client = client_for(partner_admin)
    assert client.post("/customers/add/", ACCOUNT).status_code == 302
    assert client.post("/customers/add/subscriptions/", {}).status_code == 302
    review = client.get("/customers/add/review/").content.decode()
    assert "admin@müller-bäckerei.example" in review and "mia@müller-bäckerei.example" in review
    assert PUNY not in review
    assert "Berlin, Germany" in review and ", DE<" not in review
    done = client.post("/customers/add/review/").content.decode()
    user_name = re.search(r'id="new-admin-user">([^<]+)<', done).group(1)
    assert user_name == "admin@müller-bäckerei.example"
    assert Tenant.objects.get(name="Müller Bäckerei GmbH").primary_domain == PUNY  # stored as punycode
    # The person types what they read, and signs in with it.
    password = re.search(r'id="new-admin-password">([^<]+)<', done).group(1)
    response = Client().post("/accounts/login/", {"login": user_name, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]


def test_agreement_line_activity_actor_user_menu_and_request_list_read_unicode(partner):
    actor = member(partner, Role.GLOBAL_ADMIN, email=f"anna@{PUNY}")
    customer = TenantFactory(name="Kávé Kft.")
    reseller_relationship_ensure(partner=partner, customer=customer, actor=actor)
    customer_agreement_record(partner=partner, customer=customer, actor=actor, signer_name="Béla Kovács",
                              signer_email=f"bela@{PUNY}", accepted_on=date(2026, 1, 5))
    invitation_services.invitation_create(partner=partner, actor=actor, include_dap=False,
                                          customer_email=f"mike@{PUNY}")
    event_record(tenant=partner, kind=ActivityKind.REQUEST_SENT, actor=actor,
                 data={"last4": "abcd", "email": f"mike@{PUNY}"})
    client = client_for(actor)
    pages = {
        "account": client.get(f"/customers/{customer.id}/account/").content.decode(),
        "activity": client.get("/activity/").content.decode(),
        "requests": client.get("/customers/requests/").content.decode(),
    }
    assert "bela@müller-bäckerei.example" in pages["account"]  # "Accepted by Béla Kovács (bela@…)"
    assert "Recorded by anna@müller-bäckerei.example" in pages["account"]
    assert "mike@müller-bäckerei.example" in pages["activity"]  # in the description
    assert "mike@müller-bäckerei.example" in pages["requests"]
    for name, html in pages.items():
        assert "anna@müller-bäckerei.example" in html, name  # actor, creator, user menu
        assert PUNY not in html, name
    csv_text = b"".join(client.get("/activity/", {"format": "csv"}).streaming_content).decode()
    assert "anna@müller-bäckerei.example" in csv_text and PUNY not in csv_text
    for term in ("anna@müller-bäckerei.example", "müller-bäckerei"):
        entries = client.get("/activity/", {"actor": term}).context["entries"]
        assert entries and all(entry.actor_email == f"anna@{PUNY}" for entry, _text in entries), term
