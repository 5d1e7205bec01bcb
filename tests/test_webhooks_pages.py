"""The Webhooks pages: who may see them, Add webhook with the secret shown once, bad input kept, Edit,
Rotate secret, Send test event, Disable / Enable, Delete, Redeliver, the delivery log, and another
partner's ids answering 404 on every route."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partnercenter.roles import Role
from tests.conftest import client_for
from tests.factories import PartnerFactory, TenantFactory, member
from tests.webhooks_support import PUBLIC_IP, dns, hook_receiver, loopback  # noqa: F401  (fixtures)
from webhooks import services
from webhooks.delivery import event_deliver
from webhooks.models import DeliveryAttempt, Event, Registration

pytestmark = pytest.mark.django_db
LIST = "/api-access/webhooks/"
NEW = "/api-access/webhooks/new/"


def test_only_global_admins_of_a_partner_reach_the_pages_and_see_the_sidebar_link(partner, partner_admin):
    assert reverse("webhooks:registrations") == LIST
    page = client_for(partner_admin).get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{LIST}"' in html and "You have no webhooks yet." in html and 'aria-current="true"' in html
    for role in (Role.ADMIN_AGENT, Role.SALES_AGENT, Role.HELPDESK_AGENT):
        client = client_for(member(partner, role))
        assert client.get(LIST).status_code == 403 and client.post(NEW, {}).status_code == 403
        assert f'href="{LIST}"' not in client.get("/customers/").content.decode()
    assert client_for(member(TenantFactory(), Role.CUSTOMER_GLOBAL_ADMIN)).get(LIST).status_code == 404


def test_add_webhook_shows_the_secret_once(partner, partner_admin, dns):  # noqa: F811
    dns["hooks.contoso.example"] = [PUBLIC_IP]
    client = client_for(partner_admin)
    form = client.get(NEW).content.decode()
    assert "subscription-updated" in form and "test-created" in form
    response = client.post(NEW, {"url": "https://hooks.contoso.example/pc", "events": ["subscription-updated"]})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    registration = Registration.objects.get()
    assert registration.secret in response.content.decode() and registration.partner == partner
    assert registration.events == ["subscription-updated"] and registration.created_by == partner_admin
    detail = client.get(reverse("webhooks:registration", args=[registration.pk])).content.decode()
    listing = client.get(LIST).content.decode()
    assert registration.secret not in detail and registration.secret not in listing
    assert "https://hooks.contoso.example/pc" in listing and "Nothing sent yet" in listing


@pytest.mark.parametrize(("url", "events", "message"), [
    ("http://hooks.contoso.example/pc", ["test-created"], "must start with https://"),
    ("https://10.1.2.3/pc", ["test-created"], "public addresses"),
    ("https://metadata.contoso.example/", ["test-created"], "public addresses"),
    ("javascript:alert(1)", ["test-created"], "must start with https://"),
    ("https://hooks.contoso.example/" + "x" * 2100, ["test-created"], "too long"),
    ("https://hooks.contoso.example/pc", [], "Choose at least one event."),
    ("https://hooks.contoso.example/pc", ["no-such-event"], "Select a valid choice"),
    ("", ["test-created"], "This field is required."),
])
def test_bad_input_is_refused_with_a_message_and_kept(partner_admin, dns, url, events, message):  # noqa: F811
    dns["hooks.contoso.example"] = [PUBLIC_IP]
    dns["metadata.contoso.example"] = ["169.254.169.254"]
    response = client_for(partner_admin).post(NEW, {"url": url, "events": events})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if url and len(url) < 2000:
        assert f'value="{url}"' in html.replace("&amp;", "&") or "javascript" in url
    assert not Registration.objects.exists()


def _registration(partner, admin, receiver=None):  # noqa: ANN001, ANN202
    url = receiver.url() if receiver else "http://127.0.0.1:9/hook"
    return services.registration_create(partner=partner, actor=admin, url=url, events=["test-created"])[0]


def test_edit_rotate_disable_enable_and_delete(partner, partner_admin, loopback):  # noqa: F811
    registration = _registration(partner, partner_admin)
    client = client_for(partner_admin)
    base = f"{LIST}{registration.pk}/"
    edit = client.post(base + "edit/", {"url": registration.url, "events": ["test-created", "subscription-updated"]})
    assert edit.status_code == 302
    registration.refresh_from_db()
    assert registration.events == ["subscription-updated", "test-created"]
    old = registration.secret
    assert "Rotate the signing secret?" in client.get(base + "rotate/").content.decode()
    rotated = client.post(base + "rotate/")
    registration.refresh_from_db()
    assert registration.secret in rotated.content.decode() and registration.previous_secret == old
    assert registration.signing_secrets() == [registration.secret, old]
    assert client.get(base + "disable/").status_code == 405
    client.post(base + "disable/")
    registration.refresh_from_db()
    assert not registration.is_active and "Enable" in client.get(base).content.decode()
    client.post(base + "enable/")
    registration.refresh_from_db()
    assert registration.is_active
    assert "Delete this webhook?" in client.get(base + "delete/").content.decode()
    assert client.post(base + "delete/").status_code == 302
    assert not Registration.objects.exists()


def test_send_test_event_appears_in_the_delivery_log_and_redeliver_sends_it_again(  # noqa: F811
        partner, partner_admin, loopback, hook_receiver):  # noqa: F811
    registration = _registration(partner, partner_admin, hook_receiver)
    client = client_for(partner_admin)
    base = f"{LIST}{registration.pk}/"
    assert client.post(base + "test/").status_code == 302
    event = Event.objects.get()
    assert event.name == "test-created"
    event_deliver(event_id=event.pk)
    log = client.get(base).content.decode()
    assert event.webhook_id in log and "#1: 200 in" in log and "Delivered" in log
    assert client.post(f"{base}events/{event.pk}/redeliver/").status_code == 302
    event_deliver(event_id=event.pk)
    assert DeliveryAttempt.objects.filter(event=event).count() == 2 and len(hook_receiver.received) == 2
    services.registration_disable(registration=registration, actor=partner_admin)
    refused = client.post(base + "test/", follow=True)
    assert "enable it before sending a test event" in refused.content.decode()
    assert Event.objects.count() == 1


def test_the_delivery_log_is_paginated(partner, partner_admin, loopback):  # noqa: F811
    registration = _registration(partner, partner_admin)
    for _ in range(27):
        services.test_event_send(registration=registration, actor=partner_admin)
    client = client_for(partner_admin)
    first = client.get(f"{LIST}{registration.pk}/").content.decode()
    second = client.get(f"{LIST}{registration.pk}/?page=2").content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count("Redeliver</button>") == 25 and second.count("Redeliver</button>") == 2


def test_another_partners_registration_and_event_are_404_on_every_route(partner, partner_admin, loopback):  # noqa: F811
    registration = _registration(partner, partner_admin)
    event = services.test_event_send(registration=registration, actor=partner_admin)
    base = f"{LIST}{registration.pk}/"
    routes = [base, base + "edit/", base + "rotate/", base + "test/", base + "disable/", base + "enable/",
              base + "delete/", f"{base}events/{event.pk}/redeliver/"]
    intruder = client_for(member(PartnerFactory(), Role.GLOBAL_ADMIN))
    before = list(Registration.objects.values_list("secret", "status", "events", "url"))
    for url in routes:
        for method in ("get", "post"):
            response = getattr(intruder, method)(url, {"url": "https://evil.example/", "events": ["test-created"]})
            assert response.status_code == 404, (method, url)
    # The owner's event under another registration of the owner is a 404 too.
    other = _registration(partner, partner_admin)
    assert client_for(partner_admin).post(f"{LIST}{other.pk}/events/{event.pk}/redeliver/").status_code == 404
    assert list(Registration.objects.filter(pk=registration.pk).values_list("secret", "status", "events",
                                                                            "url")) == before
    assert Event.objects.count() == 1
