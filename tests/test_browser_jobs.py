"""Playwright in Chromium against a live server: the progress page of a background job updates itself
while the job runs and stops when it ends; "Cancel" asks first and then cancels. At 1366×768 and 390×844,
with axe on every state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jobs import services
from jobs.models import Job, JobStatus
from partnercenter.roles import Role
from tests.browser_support import assert_accessible, no_sideways_scroll, open_navigation, sign_in
from tests.factories import member
from tests.jobs_support import ECHO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queued(monkeypatch):
    """Jobs stay queued until the test runs them (no eager run at commit)."""
    monkeypatch.setattr(services, "job_enqueue_on_commit", lambda job_id: None)

    def make(partner, actor, keys):  # noqa: ANN001, ANN202
        return services.job_create(tenant=partner, actor=actor, kind=ECHO.name,
                                   items=[(k, f"Customer {k}") for k in keys])

    return make


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_progress_page_follows_the_job_and_cancel_asks_first(new_page, partner, queued, viewport):
    admin = member(partner, Role.GLOBAL_ADMIN, email="ada@contoso.example", language="en")
    running = queued(partner, admin, ["c1", "c2", "skip3", "fail4", "c5", "c6"])
    waiting = queued(partner, admin, ["c7", "c8"])
    page = new_page(viewport=viewport)
    sign_in(page, admin.email)

    open_navigation(page)
    page.get_by_role("link", name="Background jobs").click()
    expect(page.get_by_role("heading", name="Background jobs")).to_be_visible()
    assert_accessible(page, "job list")
    assert no_sideways_scroll(page)
    page.locator(f'a[href="/jobs/{running.id}/"]').click()

    expect(page.get_by_role("heading", name="Test echo job")).to_be_visible()
    bar = page.get_by_role("progressbar", name="Progress")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.locator("#job-status")).to_have_text("Queued")
    assert_accessible(page, "queued")
    assert no_sideways_scroll(page)

    services.job_run(job_id=running.id)  # a worker does the job while the page is open

    expect(page.locator("#job-status")).to_have_text("Finished", timeout=15_000)  # polled, not reloaded
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#job-done")).to_have_text("4")
    expect(page.locator("#job-skipped")).to_have_text("1")
    expect(page.locator("#job-failed")).to_have_text("1")
    expect(page.get_by_role("cell", name="Customer skip3 already has one.")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel")).to_have_count(0)
    expect(page.locator("#job-progress")).not_to_have_attribute("hx-trigger", re.compile("."))  # polling stopped
    assert_accessible(page, "finished")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download results (CSV)").click()
    assert download.value.suggested_filename == f"job-{running.id}-results.csv"

    page.goto(f"/jobs/{waiting.id}/")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name="Cancel this job?")).to_be_visible()
    assert_accessible(page, "cancel confirmation")
    page.get_by_role("button", name="Cancel job").click()
    expect(page.get_by_role("alert").filter(has_text="The job was cancelled.")).to_be_visible()
    expect(page.locator("#job-status")).to_have_text("Cancelled")
    expect(page.locator("#job-cancelled")).to_have_text("2")
    assert_accessible(page, "cancelled")
    assert Job.objects.get(pk=waiting.pk).status == JobStatus.CANCELLED
