"""Playwright: Add webhook → the secret shown once → Send test event → its delivery in the log, and the
main error (a private address) keeping what was typed. 1366×768 and 390×844, axe finding nothing."""

from __future__ import annotations

import re

import pytest
from standardwebhooks.webhooks import Webhook

from partnercenter.roles import Role
from tests.browser_support import assert_accessible, no_sideways_scroll, open_navigation, sign_in
from tests.factories import PartnerFactory, member
from tests.webhooks_support import hook_receiver, loopback  # noqa: F401  (fixtures)
from webhooks.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_add_a_webhook_see_the_secret_once_and_send_a_test_event(new_page, viewport, loopback,  # noqa: F811
                                                                 hook_receiver):  # noqa: F811
    partner = PartnerFactory(name="Contoso Cloud GmbH")
    admin = member(partner, Role.GLOBAL_ADMIN, email="admin@contoso.example")
    page = new_page(viewport=viewport)
    sign_in(page, admin.email)
    open_navigation(page)
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_text("You have no webhooks yet.").wait_for()
    assert_accessible(page, "webhooks, empty")
    page.get_by_role("link", name="Add webhook").click()

    page.get_by_label("URL").fill("https://192.168.1.20/pc")
    page.get_by_label(re.compile("test-created —")).check()
    page.get_by_role("button", name="Add webhook").click()
    page.get_by_text("webhooks are sent only to public addresses").wait_for()
    assert page.get_by_label("URL").input_value() == "https://192.168.1.20/pc"
    assert page.get_by_label(re.compile("test-created —")).is_checked()
    assert_accessible(page, "add webhook, refused")

    page.get_by_label("URL").fill(hook_receiver.url())
    page.get_by_role("button", name="Add webhook").click()
    page.get_by_text("It is shown only this once").wait_for()
    secret = page.get_by_label("Signing secret").input_value()
    assert secret.startswith("whsec_") and secret == Registration.objects.get().secret
    assert_accessible(page, "webhook added, secret")
    assert no_sideways_scroll(page)
    page.get_by_role("link", name="Done, I have copied it").click()

    page.get_by_role("button", name="Send test event").click()
    page.get_by_text("Test event queued.").wait_for()
    (got,) = hook_receiver.received
    assert Webhook(secret).verify(got.body, got.headers)["EventName"] == "test-created"
    page.reload()
    page.get_by_role("heading", name="Delivery log").wait_for()
    row = page.get_by_role("row", name=re.compile("test-created"))
    assert row.get_by_text("Delivered").is_visible() and secret not in page.content()
    assert page.get_by_role("button", name=re.compile("^Redeliver msg_")).count() == 1
    assert_accessible(page, "webhook, delivery log")
    assert no_sideways_scroll(page)
