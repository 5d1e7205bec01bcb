"""Playwright in Debian's Chromium: the lists marked .table-stack (Relationship requests, the advisor
offers, Background jobs, a bulk file's rows) are one card per row on a phone, each value under its column's name, and
tables at 1366×768. Nothing scrolls sideways, the cells are still table cells to assistive technology,
axe finds nothing; in English and German."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from invitations.services import invitation_create
from jobs import services as jobs
from offers.models import OfferKind
from offers.services import advisor_offer_create
from partnercenter.roles import Role
from tests.browser_support import assert_accessible, no_sideways_scroll, save_screenshot, sign_in
from tests.factories import PartnerFactory, member
from tests.jobs_support import ECHO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABELS = {  # the Relationship requests' columns 0, 1, 3 and 5
    "en": ("Status", "To", "Admin permissions", "Expires"),
    "de": ("Status", "An", "Administrator\u00adberechtigungen", "Läuft ab"),
}


def _partner(language: str, monkeypatch):  # noqa: ANN001, ANN202
    partner = PartnerFactory(name="Contoso Cloud GmbH")
    admin = member(partner, Role.GLOBAL_ADMIN, email="admin@contoso.example")
    admin.language = language
    admin.save(update_fields=["language"])
    for email in ("office@harbour-books.example", "it@puszta-logistics.example"):
        invitation_create(partner=partner, actor=admin, include_dap=False, customer_email=email)
    advisor_offer_create(partner=partner, actor=admin, offer_kind=OfferKind.DAP, lines=[], include_dap=True)
    monkeypatch.setattr(jobs, "job_enqueue_on_commit", lambda job_id: None)  # stays queued: a row to show
    jobs.job_create(tenant=partner, actor=admin, kind=ECHO.name, items=[("c1", "Customer c1")])
    return partner


def _label(cell) -> str:  # noqa: ANN001
    """What the phone shows before a cell's value (its ::before), "none" when nothing."""
    return cell.evaluate("c => getComputedStyle(c, '::before').content")


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_relationship_requests_offers_and_jobs_are_cards_on_a_phone(new_page, viewport, language, monkeypatch):
    _partner(language, monkeypatch)
    page = new_page(viewport=viewport)
    sign_in(page, "admin@contoso.example")
    page.goto("/customers/requests/")
    table = page.locator("table.table-stack")
    expect(table).to_have_attribute("data-stacked", "")
    row = page.get_by_role("row").filter(has_text="office@harbour-books.example")
    expect(row).to_have_count(1)
    cells = row.get_by_role("cell")
    expect(cells.nth(1)).to_contain_text("office@harbour-books.example")  # still table cells, in order
    status, to, admin_permissions, expires = LABELS[language]
    header = page.locator("table.table-stack thead")
    if viewport == "phone":
        assert _label(cells.nth(0)) == f'"{status}"' and _label(cells.nth(1)) == f'"{to}"'
        assert _label(cells.nth(3)) == f'"{admin_permissions}"' and _label(cells.nth(5)) == f'"{expires}"'
        assert _label(cells.last) == "none"  # the actions speak for themselves
        assert header.evaluate("h => h.getBoundingClientRect().height") <= 1  # read, not shown
        first, second = (page.get_by_role("row").filter(has_text=email).bounding_box()
                         for email in ("office@harbour-books.example", "it@puszta-logistics.example"))
        assert abs(first["x"] - second["x"]) < 1 and first["width"] > 300  # cards one under the other
    else:
        assert _label(cells.nth(0)) == "none"
        expect(header).to_be_visible()
    assert no_sideways_scroll(page)
    assert_accessible(page, f"requests-{viewport}-{language}")
    save_screenshot(page, f"table-stack-requests-{language}", viewport)

    page.goto("/advisor-offers/delegated-administration-offers/")
    cells = page.get_by_role("row").nth(1).get_by_role("cell")
    expect(cells.first).to_contain_text("Active" if language == "en" else "Aktiv")
    assert (_label(cells.first) == f'"{status}"') == (viewport == "phone")
    assert no_sideways_scroll(page)
    assert_accessible(page, f"offers-{viewport}-{language}")
    save_screenshot(page, f"table-stack-offers-{language}", viewport)

    page.goto("/jobs/")
    cells = page.get_by_role("row").nth(1).get_by_role("cell")
    done = cells.nth(2)  # a number: at the end of its column in a table, after its name in a card
    expect(done).to_have_text("0")
    assert (_label(done) == f'"{"Done" if language == "en" else "Fertig"}"') == (viewport == "phone")
    assert done.evaluate("c => getComputedStyle(c).textAlign") == ("start" if viewport == "phone" else "right")
    assert no_sideways_scroll(page)
    assert_accessible(page, f"jobs-{viewport}-{language}")
    save_screenshot(page, f"table-stack-jobs-{language}", viewport)
