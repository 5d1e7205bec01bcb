"""Playwright in Chromium against a live server: Customers → tick customers → "Request admin
relationships" → the main error (no role template chosen) → choose one → the job's progress page, which
follows the job to the end; then the partner-wide "Admin relationships" list and its "Terminate"
confirmation (on a phone the list is one card per relationship, with its own "select all on this page").
At 1366×768 and 390×844, with axe on every state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gdap.models import AdminRelationship, RelationshipStatus
from jobs import services as job_services
from jobs.models import Job
from partnercenter.roles import Role
from tests.browser_support import assert_accessible, no_sideways_scroll, no_table_overflow, open_navigation, sign_in
from tests.factories import member
from tests.gdap_bulk_support import request_job, run, served, template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_select_customers_request_admin_relationships_and_follow_the_job(new_page, partner, monkeypatch, viewport):
    monkeypatch.setattr(job_services, "job_enqueue_on_commit", lambda job_id: None)  # the test is the worker
    admin = member(partner, Role.GLOBAL_ADMIN, email="ada@contoso.example", language="en")
    for name in ("Harbor Labs AG", "Alpine Tools KG", "Baltic Foods GmbH"):
        served(partner, name)
    template(partner, admin, name="Helpdesk")
    page = new_page(viewport=viewport)
    sign_in(page, admin.email)

    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    page.get_by_role("checkbox", name="Select Harbor Labs AG").check()
    page.get_by_role("checkbox", name="Select Baltic Foods GmbH").check()
    assert_accessible(page, "customers with a selection")
    page.get_by_role("button", name="Request admin relationships").click()

    expect(page.get_by_role("heading", name="Request admin relationships")).to_be_visible()
    expect(page.get_by_text("2 customers selected.")).to_be_visible()
    assert_accessible(page, "choose a role template")
    assert no_sideways_scroll(page)
    page.get_by_role("button", name="Request for 2 customers").click()
    expect(page.get_by_text("Choose a role template.")).to_be_visible()  # the main error, beside the choice
    assert_accessible(page, "no template chosen")
    assert Job.objects.count() == 0

    page.get_by_role("radio", name=re.compile("Helpdesk")).check()
    page.get_by_role("button", name="Request for 2 customers").click()
    expect(page.get_by_role("alert").filter(has_text="Requesting admin relationships for 2 customers")).to_be_visible()
    expect(page.locator("#job-status")).to_have_text("Queued")
    assert_accessible(page, "job queued")
    job = Job.objects.get()
    job_services.job_run(job_id=job.id)
    expect(page.locator("#job-status")).to_have_text("Finished", timeout=15_000)
    expect(page.locator("#job-done")).to_have_text("2")
    assert_accessible(page, "job finished")
    assert sorted(AdminRelationship.objects.values_list("display_name", flat=True)) == [
        "Helpdesk – Baltic Foods GmbH", "Helpdesk – Harbor Labs AG"]

    open_navigation(page)
    page.locator("#sidebar").get_by_role("link", name="Admin relationships", exact=True).click()
    expect(page.get_by_role("heading", name="Admin relationships")).to_be_visible()
    # A card's cell is named with its column's name first ("Display name Helpdesk – …" on a phone).
    name_cell = page.get_by_role("cell", name=re.compile(r"^(Display name )?Helpdesk – Harbor Labs AG$"))
    expect(name_cell).to_be_visible()
    assert_accessible(page, "admin relationships")
    assert no_sideways_scroll(page)
    label = name_cell.evaluate("c => getComputedStyle(c, '::before').content")
    # A phone shows one card per relationship, each value under its column's name; a laptop, the table.
    assert label == ('"Display name"' if viewport == "phone" else "none")
    # One "select all on this page" at each size: the header row's, or on a phone the one above the cards.
    page_all = page.get_by_role("checkbox", name="Select all admin relationships on this page")
    expect(page_all).to_have_count(1)
    page_all.check()
    rows = page.get_by_role("checkbox", name=re.compile(r"^Select Helpdesk – "))
    expect(rows).to_have_count(2)
    for index in range(2):
        expect(rows.nth(index)).to_be_checked()
    page_all.uncheck()
    expect(rows.nth(0)).not_to_be_checked()
    page.get_by_role("checkbox", name="Select all admin relationships", exact=True).check()
    page.get_by_role("button", name="Terminate").click()
    expect(page.get_by_role("heading", name="Terminate 2 admin relationships?")).to_be_visible()
    assert_accessible(page, "terminate confirmation")
    page.get_by_role("button", name="Terminate").click()
    expect(page.locator("#job-status")).to_have_text("Queued")
    job_services.job_run(job_id=Job.objects.get(kind="gdap.bulk_terminate").id)
    expect(page.locator("#job-status")).to_have_text("Finished", timeout=15_000)
    assert set(AdminRelationship.objects.values_list("status", flat=True)) == {RelationshipStatus.TERMINATED}


# Every line break inside the table's column headers, as the browser laid them out: the text before and after
# it. A break is a new line's first character placed lower than the previous character.
HEADER_BREAKS = """() => [...document.querySelectorAll('.table-wrap-headers > thead th')].flatMap(th => {
  const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
  const chars = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      // A character just after a line break also has an empty box at the end of the line before it.
      const rect = [...range.getClientRects()].filter(r => r.width > 0).pop();
      chars.push({ch: node.data[i], top: rect ? rect.top : null});
    }
  }
  const breaks = [];
  let lastTop = null;
  chars.forEach((c, i) => {
    if (c.top === null) return;
    if (lastTop !== null && c.top > lastTop + 2) {
      const text = chars.map(x => x.ch).join('');
      breaks.push([text.slice(0, i), text.slice(i)]);
    }
    lastTop = c.top;
  });
  return breaks;
})"""


@pytest.mark.parametrize("language", ["de", "hu"])
def test_admin_relationships_headers_break_between_words_or_at_a_soft_hyphen(new_page, partner, language):
    """At 1366×768 the list's long German and Hungarian headers ("Automatische Verlängerung", "Automatikus
    meghosszabbítás") take more than one line: each line ends at a space or a soft hyphen, never inside a word."""
    admin = member(partner, Role.GLOBAL_ADMIN, email="ada@contoso.example", language=language)
    tpl = template(partner, admin, name="Helpdesk")
    run(request_job(partner, admin, tpl, [served(partner, name) for name in ("Harbor Labs AG", "Baltic Foods GmbH")]))
    page = new_page(viewport="laptop")
    sign_in(page, admin.email)
    page.goto("/gdap/relationships/")
    expect(page.locator(".table-wrap-headers tbody tr")).to_have_count(2)
    breaks = page.evaluate(HEADER_BREAKS)
    assert breaks, "no header took two lines: the check would pass whatever the CSS"
    inside_a_word = [(before, after) for before, after in breaks
                     if not (before.endswith((" ", "\u00ad", "-")) or after.startswith(" "))]
    assert inside_a_word == []
    assert no_sideways_scroll(page)
    assert no_table_overflow(page)  # and no column pushed out of sight inside the table's own scroller
    assert_accessible(page, f"admin relationships in {language}")
