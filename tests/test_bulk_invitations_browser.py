"""Playwright in Chromium against a live server: "Invite many customers" from Relationship requests —
upload, the preview with its rejected rows, Send, the job's progress page — and the main error (a file
that is not UTF-8) in German. At 1366×768 and 390×844, axe on every state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from invitations.models import BulkInvitation, RelationshipRequest
from partnercenter.roles import Role
from tests.browser_support import PASSWORD, assert_accessible, no_sideways_scroll, sign_in
from tests.factories import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = "email;company;language\nanna@northwind.example;Northwind Traders;de\nnot-an-address;Broken\n"


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_invite_many_customers_happy_path(new_page, partner, viewport, tmp_path):
    admin = member(partner, Role.GLOBAL_ADMIN, email="ada@contoso.example", language="en")
    page = new_page(viewport=viewport)
    sign_in(page, admin.email)
    page.goto("/customers/requests/")
    page.get_by_role("link", name="Invite many customers").first.click()
    expect(page.get_by_role("heading", name="Invite many customers")).to_be_visible()
    assert_accessible(page, "upload form")
    assert no_sideways_scroll(page)

    path = tmp_path / "customers.csv"
    path.write_bytes(("\ufeff" + CSV).encode())
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check before sending")).to_be_visible()
    expect(page.get_by_role("cell", name="This is not a valid email address.")).to_be_visible()
    expect(page.get_by_role("cell", name="Northwind Traders")).to_be_visible()
    assert not RelationshipRequest.objects.exists()
    assert_accessible(page, "preview")
    assert no_sideways_scroll(page)

    page.get_by_role("button", name="Send to 1 customer").click()
    expect(page.get_by_role("heading", name="Invite many customers")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Progress")).to_be_visible()
    expect(page.locator("#job-done")).to_have_text("1", timeout=15_000)
    assert_accessible(page, "progress")
    assert no_sideways_scroll(page)
    assert RelationshipRequest.objects.get().email == "anna@northwind.example"


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_a_file_that_is_not_utf8_is_refused_in_german(new_page, partner, viewport, tmp_path):
    admin = member(partner, Role.GLOBAL_ADMIN, email="ada@contoso.example", language="de")
    page = new_page(locale="de-DE", viewport=viewport)
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(admin.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/customers/"))
    page.goto("/customers/requests/bulk/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    path = tmp_path / "kunden.csv"
    path.write_bytes("jürgen@müller.example;Müller GmbH\n".encode("cp1252"))
    page.locator("#id_file").set_input_files(str(path))
    page.locator("form[enctype] button[type=submit]").click()
    error = page.locator("#id_file").locator("xpath=..").locator(".invalid-feedback")
    expect(error).to_be_visible()
    expect(page.locator("#id_subject")).not_to_have_value("")  # the typed draft is kept
    assert_accessible(page, "not UTF-8")
    assert no_sideways_scroll(page)
    assert not BulkInvitation.objects.exists()
