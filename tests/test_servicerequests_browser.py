"""Playwright in Debian's Chromium against a live server: an Admin agent opens a service request from the
customer's row, the customer's Global admin comments in the Admin center, the agent resolves it; the main
errors — a too-large attachment and a 100,000-character comment — are shown beside their fields with the
text kept. At 1366×768 and 390×844, axe finding nothing in each state; controls found by their labels."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from servicerequests.models import Comment, ServiceRequest, Status
from tests.browser_support import assert_accessible, no_sideways_scroll, open_navigation, save_screenshot, sign_in
from tests.servicerequests_support import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _state(page, viewport: str, name: str) -> None:  # noqa: ANN001
    assert_accessible(page, name)
    assert no_sideways_scroll(page), name
    save_screenshot(page, name, viewport)


@pytest.fixture
def contoso(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SERVICE_REQUEST_ATTACHMENT_MAX_BYTES = 1024
    return world(languages=False)


def comment_box(page):  # noqa: ANN001, ANN201
    """The Comment field (its label; the "Add comment" section's name contains the word too)."""
    return page.get_by_role("textbox", name=re.compile(r"^Comment"))


def _sidebar(page, label: str) -> None:  # noqa: ANN001
    open_navigation(page)
    page.locator("#sidebar").get_by_role("link", name=label).click()


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_open_comment_resolve_and_the_main_errors(new_page, contoso, viewport):
    w = contoso
    page = new_page(viewport=viewport)
    sign_in(page, w.agent.email)
    page.goto("/customers/")
    page.get_by_role("button", name=f"Show details for {w.customer.name}").click()
    page.locator(f"#c-{w.customer.id}").get_by_role("link", name="Service requests").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Service requests")
    _state(page, viewport, "sr-customer-empty")
    page.get_by_role("link", name="New service request").click()
    page.get_by_label("Title").fill("Mail flow stopped")
    page.get_by_label("Description").fill("Since 9:00 no mail arrives at sales@.")
    page.get_by_label("Severity").select_option(label="A (critical)")
    page.get_by_label("Category").select_option(label="Email")
    _state(page, viewport, "sr-new")
    page.get_by_role("button", name="Open service request").click()
    expect(page.get_by_text("Service request SR-000001 was opened.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SR-000001")
    _state(page, viewport, "sr-detail-new")
    sr = ServiceRequest.objects.get()
    assert (sr.severity, sr.category, sr.assignee) == ("A", "email", w.agent)

    # The customer's Global admin answers in the Admin center; a too-large file is refused beside the field.
    page.context.clear_cookies()
    sign_in(page, w.customer_admin.email)
    _sidebar(page, "Service requests")
    expect(page.get_by_role("region", name="Service requests")).to_contain_text(w.partner.name)
    _state(page, viewport, "sr-admin-center-list")
    page.get_by_role("link", name="SR-000001").click()
    comment_box(page).fill("It started after the DNS change yesterday.")
    page.get_by_label("Attachments").set_input_files(
        [{"name": "dns.txt", "mimeType": "text/plain", "buffer": b"MX 10 mail.example\n" * 200}])
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("“dns.txt” is too large (4 KB). Files may be up to 1 KB.")).to_be_visible()
    expect(comment_box(page)).to_have_value("It started after the DNS change yesterday.")
    _state(page, viewport, "sr-admin-center-too-large")
    assert not Comment.objects.exists()
    page.get_by_label("Attachments").set_input_files(
        [{"name": "dns.txt", "mimeType": "text/plain", "buffer": b"MX 10 mail.example\n"}])
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Your comment was added.")).to_be_visible()
    expect(page.get_by_role("link", name="dns.txt")).to_be_visible()
    _state(page, viewport, "sr-admin-center-commented")

    # The agent reads the comment and resolves the request.
    page.context.clear_cookies()
    sign_in(page, w.agent.email)
    _sidebar(page, "Service requests")
    page.get_by_label("Assignee").select_option(label="Assigned to me")
    page.get_by_role("button", name="Filter").click()
    _state(page, viewport, "sr-partner-list")
    page.get_by_role("link", name="SR-000001").click()
    expect(page.get_by_text("It started after the DNS change yesterday.")).to_be_visible()
    page.get_by_label("Status", exact=True).select_option(label="Resolved")
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("The status is now Resolved.")).to_be_visible()
    assert ServiceRequest.objects.get().status == Status.RESOLVED

    # The main error of the partner's comment: 100,000 characters, refused beside the field, kept.
    long_text = "x" * 100_000
    comment_box(page).fill(long_text)
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text(re.compile(r"A comment may be up to 10,000 characters long; this one has 100,000\."))
           ).to_be_visible()
    assert len(comment_box(page).input_value()) == 100_000
    _state(page, viewport, "sr-detail-long-comment")
    assert Comment.objects.count() == 1
